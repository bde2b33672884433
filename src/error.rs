//! Errors: problems with the input, each naming its field, and failures of our own.

use std::fmt;

use serde::Serialize;

/// One thing wrong with the input, at a field path such as `signatory.name` or
/// `body[3].items[0].text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// Where: a path into the input document.
    pub field: String,
    /// What is wrong, in words a clerk understands.
    pub message: String,
    /// The field's Thai label (`ผู้ลงนาม › ชื่อ`), in answers in Thai
    /// (`Accept-Language: th`) only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Problem {
    /// A problem at `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            message: message.into(),
            label: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// A list of one.
    pub fn one(p: Problem) -> Self {
        Problems(vec![p])
    }

    /// Records a problem.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem::new(field, message));
    }

    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing is wrong.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Why a document could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is wrong; the client can fix it.
    #[error("{0}")]
    Invalid(Problems),
    /// Typst rejected a template or failed to lay out: a fault of saraban or of an
    /// agency's template, not of the input data.
    #[error("template error: {0}")]
    Template(String),
    /// PDF or PNG export failed.
    #[error("export error: {0}")]
    Export(String),
    /// The letter cannot be written to the PDF standard asked for; the
    /// reasons are typst's.
    #[error("pdf_standard: the letter cannot be made to conform to {standard}: {reasons}")]
    Standard {
        /// The standard asked for.
        standard: crate::PdfStandard,
        /// Why not.
        reasons: String,
    },
    /// The agency's certificate could not sign the PDF: a fault of the
    /// service's configuration, not of the letter.
    #[error("signing error: {0}")]
    Signing(String),
}

impl From<Problems> for Error {
    fn from(p: Problems) -> Self {
        Error::Invalid(p)
    }
}

/// Parses a JSON document, naming the field of the first problem:
/// `signatory.name: missing`, `body[2]: invalid type: ...`.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Problems> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let inner = e.into_inner();
        Problems::one(describe_json_error(&path, &inner))
    })?;
    de.end()
        .map_err(|e| Problems::one(Problem::new("", format!("after the document: {e}"))))?;
    Ok(value)
}

fn describe_json_error(path: &str, e: &serde_json::Error) -> Problem {
    let text = e.to_string();
    // serde reports a missing field at its parent; name the field itself.
    if let Some(rest) = text.strip_prefix("missing field `")
        && let Some(name) = rest.split('`').next()
    {
        let field = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        return Problem::new(field, "is required");
    }
    if e.is_syntax() || e.is_eof() {
        // Where the path is unknown (serde_path_to_error gives `?`), the
        // line and column say where.
        let field = if path.contains('?') { "" } else { path };
        return Problem::new(field, format!("malformed JSON: {text}"));
    }
    // Drop serde's " at line L column C" suffix: the path says where.
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let message = message.replace(
        "data did not match any variant of untagged enum",
        "not a valid form of",
    );
    Problem::new(path, unescape_marks(&message))
}

/// serde quotes a string with Rust's escapes, which spell Thai vowel and
/// tone marks as `\u{e31}`: a value quoted back is shown as typed
/// (`"กองคลัง"`, not `"กองคล\u{e31}ง"`); control characters stay escaped.
fn unescape_marks(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("\\u{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let shown = after.split_once('}').and_then(|(hex, tail)| {
            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
            (!c.is_control()).then_some((c, tail))
        });
        match shown {
            Some((c, tail)) => {
                out.push(c);
                rest = tail;
            }
            None => {
                out.push_str("\\u{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
