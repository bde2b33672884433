//! A batch as `POST /v1/batches`, a job and `saraban batch` take it: one letter
//! with placeholders and a list of recipients, or a list of whole documents
//! (JSON, or a form with the recipients' spreadsheet), planned and checked.
//! Every letter is checked before the first byte of an answer is sent, so a
//! bad recipient is a 422, never a broken ZIP ([`super::batches`] answers).

use std::collections::HashSet;

use axum::body::Bytes;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::body;
use super::numbering::{self, Plan};
use super::problem::{ApiError, MAX_LISTED};
use crate::agency::Agencies;
use crate::compose;
use crate::error::Problem;
use crate::merge::{self, Merge, Pattern};
use crate::model::Document;
use crate::register::{LetterDetails, MAX_BATCH};
use crate::render::Engine;
use crate::thai::ThaiDate;

/// The file name of each letter in the ZIP when no pattern is given.
pub const DEFAULT_FILE_NAME: &str = "{{seq}}.pdf";

/// A batch: `document` with `recipients`, or `documents`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// One letter whose text fields may hold handlebars placeholders
    /// (`เรียน {{recipient.position}}`, `{{amount_words}}`), filled once per recipient.
    #[serde(default)]
    #[schemars(with = "Option<Document>")]
    pub document: Option<Value>,
    /// The recipients: one object each, with any fields the placeholders use
    /// (`{"name": "...", "position": "...", "amount": 1500}`).
    #[serde(default)]
    pub recipients: Option<Vec<Map<String, Value>>>,
    /// Whole documents, one letter each (instead of `document` and `recipients`).
    #[serde(default)]
    #[schemars(with = "Option<Vec<Document>>")]
    pub documents: Option<Vec<Value>>,
    /// Pattern of each file name in the ZIP (default `{{seq}}.pdf`); the same
    /// variables as the document's placeholders, e.g. `{{seq}}-{{recipient.name}}.pdf`.
    #[serde(default)]
    pub file_name: Option<String>,
    /// How letters whose reference is `"auto"` are numbered by the register
    /// (required with them): `one` number for the whole batch, as a circular
    /// sent to many prints one ว number, or `each` letter its own, a block of
    /// consecutive numbers (at most 1,000 letters).
    #[serde(default)]
    pub numbering: Option<Numbering>,
}

/// A batch as a form (`multipart/form-data`), as a web page or `curl -F`
/// sends it: the letter and the recipients' spreadsheet as it is.
#[derive(Debug, JsonSchema)]
#[allow(dead_code)] // Described for OpenAPI; read part by part by [`form_request`].
pub struct BatchForm {
    /// The letter (a document whose text holds `{{recipient.<column>}}`
    /// placeholders) as JSON, or a whole batch request.
    #[schemars(with = "Document")]
    document: Value,
    /// The recipients: an XLSX, XLS, ODS or CSV file whose first row names
    /// the columns (its file name's extension says which).
    #[schemars(extend("format" = "binary"))]
    recipients: String,
    /// The sheet, by name or number from 1 (default the first).
    #[serde(default)]
    sheet: Option<String>,
    /// The CSV's encoding (`utf-8`, `windows-874`); detected when left out.
    #[serde(default)]
    encoding: Option<String>,
    /// As in the JSON request.
    #[serde(default)]
    file_name: Option<String>,
    /// As in the JSON request.
    #[serde(default)]
    numbering: Option<Numbering>,
}

/// The parts of a batch form: the letter, the recipients' file, and the
/// short text parts by name.
pub struct FormParts {
    /// The `document` part, parsed.
    pub document: Option<Value>,
    /// The `recipients` part: its file name and bytes.
    pub upload: Option<(String, Bytes)>,
    /// `sheet`, `encoding`, `file_name`, `numbering`, trimmed.
    pub text: std::collections::BTreeMap<String, String>,
}

impl FormParts {
    /// Reads a `multipart/form-data` body; an unknown part is a problem.
    pub async fn read(bytes: Bytes, content_type: &str) -> Result<FormParts, ApiError> {
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| ApiError::status(axum::http::StatusCode::BAD_REQUEST, e.to_string()))?;
        let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(bytes) });
        let mut form = multer::Multipart::new(stream, boundary);
        let mut parts = FormParts {
            document: None,
            upload: None,
            text: Default::default(),
        };
        while let Some(part) = form
            .next_field()
            .await
            .map_err(|e| ApiError::status(axum::http::StatusCode::BAD_REQUEST, e.to_string()))?
        {
            let name = part.name().unwrap_or_default().to_string();
            let file_name = part.file_name().map(str::to_string);
            let data = part.bytes().await.map_err(|e| {
                ApiError::status(axum::http::StatusCode::BAD_REQUEST, e.to_string())
            })?;
            match name.as_str() {
                "document" => {
                    parts.document = Some(serde_json::from_slice(&data).map_err(|e| {
                        ApiError::malformed_json(vec![Problem::new("document", e.to_string())])
                    })?);
                }
                "recipients" => {
                    let file = file_name.ok_or_else(|| {
                        bad_part(
                            "recipients",
                            "must be a file part with a file name (schools.xlsx)".into(),
                        )
                    })?;
                    parts.upload = Some((file, data));
                }
                "sheet" | "encoding" | "file_name" | "numbering" => {
                    parts
                        .text
                        .insert(name, String::from_utf8_lossy(&data).trim().to_string());
                }
                other => return Err(bad_part(other, "unknown part of the form".into())),
            }
        }
        Ok(parts)
    }

    /// Reads the recipients' file (required).
    pub fn recipients(&self) -> Result<crate::recipients::Recipients, ApiError> {
        let (file, data) = self
            .upload
            .as_ref()
            .ok_or_else(|| bad_part("recipients", "is required: the recipients' file".into()))?;
        crate::recipients::read_bytes(
            file,
            data,
            &crate::recipients::ReadOptions {
                sheet: self.text.get("sheet").cloned(),
                encoding: self.text.get("encoding").cloned(),
            },
        )
        .map_err(|e| bad_part("recipients", e.to_string()))
    }
}

fn bad_part(field: &str, message: String) -> ApiError {
    ApiError::invalid(vec![Problem::new(field, message)])
}

/// The batch request a form makes, and the bytes that identify it (for
/// idempotency: the same letter and recipients, whatever the boundary).
pub async fn form_request(
    bytes: Bytes,
    content_type: &str,
) -> Result<(BatchRequest, Vec<u8>), ApiError> {
    let mut form = FormParts::read(bytes, content_type).await?;
    let document = form
        .document
        .take()
        .ok_or_else(|| bad_part("document", "is required: the letter as JSON".into()))?;
    let sheet = form.recipients()?;
    let text = form.text;
    // The same request as its JSON form, recipients with their rows.
    let mut request = match document {
        Value::Object(o) if o.contains_key("document") || o.contains_key("documents") => o,
        letter => {
            let mut o = Map::new();
            o.insert("document".into(), letter);
            o
        }
    };
    request.insert(
        "recipients".into(),
        Value::Array(sheet.rows.into_iter().map(Value::Object).collect()),
    );
    for key in ["file_name", "numbering"] {
        if let Some(v) = text.get(key) {
            request.insert(key.into(), Value::String(v.clone()));
        }
    }
    let canonical = serde_json::to_vec(&request).unwrap_or_default();
    let req = body::parse::<BatchRequest>(&canonical)?;
    Ok((req, canonical))
}

/// How a batch takes its numbers from the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    /// One number for every letter: a circular sent to many.
    One,
    /// A number for each letter, consecutive.
    Each,
}

/// Where the letters come from.
enum Source {
    Merge {
        merge: Box<Merge>,
        recipients: Vec<Map<String, Value>>,
    },
    Documents(Vec<Value>),
}

/// A checked batch, ready to render letter by letter.
pub struct Batch {
    source: Source,
    pattern: Pattern,
    names: Vec<String>,
    numbering: Option<Numbering>,
    /// Where the letters take their numbers (after [`Batch::validate`], when
    /// they say `"auto"`).
    plan: Option<Plan>,
    /// What the register records of each letter (numbered batches).
    details: Vec<LetterDetails>,
    /// The first letter's date, which dates the entries of a numbered ZIP.
    date: Option<ThaiDate>,
    /// The references the register gave: one per letter, or one for all.
    references: Vec<String>,
}

impl Batch {
    /// [`Batch::plan`] within the service's `limits`: its letters, and when
    /// `merged` (one PDF built in memory) the letters a merged PDF takes.
    pub fn plan_within(
        req: BatchRequest,
        limits: &super::Limits,
        merged: bool,
    ) -> Result<Batch, ApiError> {
        let batch = Batch::plan(req, limits.batch_letters)?;
        if merged && batch.len() > limits.merge_letters {
            return Err(ApiError::too_large(
                "merge",
                format!(
                    "{} letters; a merged PDF takes at most {} (ask for a ZIP instead)",
                    batch.len(),
                    limits.merge_letters
                ),
            ));
        }
        Ok(batch)
    }

    /// Checks the request's shape and compiles its placeholders.
    pub fn plan(req: BatchRequest, max_letters: usize) -> Result<Batch, ApiError> {
        let numbering = req.numbering;
        let pattern_text = req.file_name.as_deref().unwrap_or(DEFAULT_FILE_NAME);
        let pattern = Pattern::new(pattern_text).map_err(|m| {
            ApiError::invalid(vec![Problem::new(
                "file_name",
                format!("placeholder does not parse: {m}"),
            )])
        })?;
        let source = match (req.document, req.recipients, req.documents) {
            (Some(document), Some(recipients), None) => {
                check_count("recipients", recipients.len(), max_letters)?;
                // The letter itself must be a document, placeholders aside.
                let bytes = serde_json::to_vec(&document).unwrap_or_default();
                compose::parse(&bytes).map_err(|p| ApiError::invalid(prefixed("document", p.0)))?;
                let merge = Merge::new(document, "document").map_err(ApiError::invalid)?;
                Source::Merge {
                    merge: Box::new(merge),
                    recipients,
                }
            }
            (None, None, Some(documents)) => {
                check_count("documents", documents.len(), max_letters)?;
                Source::Documents(documents)
            }
            (Some(_), None, _) => {
                return Err(ApiError::invalid(vec![Problem::new(
                    "recipients",
                    "is required with document",
                )]));
            }
            (None, Some(_), _) => {
                return Err(ApiError::invalid(vec![Problem::new(
                    "document",
                    "is required with recipients",
                )]));
            }
            (Some(_), Some(_), Some(_)) | (None, None, None) => {
                return Err(ApiError::invalid(vec![Problem::new(
                    "",
                    "give either document with recipients, or documents",
                )]));
            }
        };
        let batch = Batch {
            source,
            pattern,
            names: Vec::new(),
            numbering,
            plan: None,
            details: Vec::new(),
            date: None,
            references: Vec::new(),
        };
        if numbering == Some(Numbering::Each) && batch.len() > MAX_BATCH {
            let field = match batch.source {
                Source::Merge { .. } => "recipients",
                Source::Documents(_) => "documents",
            };
            return Err(ApiError::too_large(
                field,
                format!(
                    "{} letters; a batch numbered \"each\" takes at most {MAX_BATCH} numbers",
                    batch.len()
                ),
            ));
        }
        Ok(batch)
    }

    /// How the batch is numbered, if it is.
    pub fn numbering(&self) -> Option<Numbering> {
        self.numbering
    }

    /// Where its letters take their numbers (after [`Batch::validate`]).
    pub fn numbering_plan(&self) -> Option<&Plan> {
        self.plan.as_ref()
    }

    /// What the register records: one entry per letter (`each`), or one entry
    /// for the whole circular, addressed to every letter's addressee (`one`).
    pub fn take_details(&mut self) -> Vec<LetterDetails> {
        let details = std::mem::take(&mut self.details);
        match self.numbering {
            Some(Numbering::One) => {
                let first = details.first().cloned().unwrap_or_default();
                vec![numbering::details_of_circular(
                    first,
                    details.iter().map(|d| d.recipient.as_str()),
                )]
            }
            _ => details,
        }
    }

    /// Gives the letters the register's numbers.
    pub fn set_references(&mut self, references: &[String]) {
        self.references = references.to_vec();
    }

    /// The reference letter `i` prints, when the register numbered it.
    pub fn reference(&self, i: usize) -> Option<&str> {
        match self.numbering {
            Some(Numbering::One) => self.references.first(),
            _ => self.references.get(i),
        }
        .map(String::as_str)
    }

    /// The date a numbered ZIP's entries carry: the first letter's, so that the
    /// same batch always makes the same bytes.
    pub fn zip_date(&self) -> (i32, u8, u8) {
        match self.date {
            Some(d) => (d.year, d.month, d.day.unwrap_or(1)),
            None => (1980, 1, 1),
        }
    }

    /// The merged PDF's title: the first letter's subject and how many
    /// letters there are (`ขอเชิญประชุม (๓ ฉบับ)`).
    pub fn title(&self) -> String {
        let subject = self
            .document(0)
            .ok()
            .and_then(|d| d.subject.or(d.title))
            .unwrap_or_else(|| "หนังสือ".to_string());
        format!(
            "{subject} ({} ฉบับ)",
            crate::thai::number(self.len() as i64, crate::thai::DigitStyle::Thai)
        )
    }

    /// How many letters.
    pub fn len(&self) -> usize {
        match &self.source {
            Source::Merge { recipients, .. } => recipients.len(),
            Source::Documents(d) => d.len(),
        }
    }

    /// True when there are no letters.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The list name and the field prefix of letter `i` (`recipients[3].document`).
    fn prefix(&self, i: usize) -> (&'static str, String) {
        match &self.source {
            Source::Merge { .. } => ("recipients", format!("recipients[{i}].document")),
            Source::Documents(_) => ("documents", format!("documents[{i}]")),
        }
    }

    fn context(&self, i: usize) -> Result<Value, Problem> {
        let n = self.len();
        match &self.source {
            Source::Merge { recipients, .. } => merge::context(Some(&recipients[i]), i + 1, n)
                .map_err(|p| Problem::new(format!("recipients[{i}].{}", p.field), p.message)),
            Source::Documents(_) => Ok(merge::index_context(i + 1, n)),
        }
    }

    /// Letter `i` (0-based) as a document, placeholders filled; problems name
    /// the recipient or document and the field.
    pub fn document(&self, i: usize) -> Result<Document, Vec<Problem>> {
        let (_, prefix) = self.prefix(i);
        let value = match &self.source {
            Source::Merge { merge, .. } => {
                let ctx = self.context(i).map_err(|p| vec![p])?;
                merge
                    .apply(&ctx)
                    .map_err(|e| vec![Problem::new(merge::join(&prefix, &e.field), e.message)])?
            }
            Source::Documents(docs) => docs[i].clone(),
        };
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        compose::parse(&bytes).map_err(|p| prefixed(&prefix, p.0))
    }

    /// File name of letter `i` (after [`Batch::validate`]).
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Checks every letter and names every file; at most [`MAX_LISTED`] problems.
    pub fn validate(
        &mut self,
        engine: &Engine,
        agencies: &Agencies,
        any_year: bool,
    ) -> Result<(), Vec<Problem>> {
        let n = self.len();
        let mut problems = Vec::new();
        let mut names = Vec::with_capacity(n);
        let mut seen = HashSet::with_capacity(n);
        let numbered = self.numbering.is_some();
        let mut plan: Option<Plan> = None;
        let mut details = Vec::new();
        let mut auto = 0usize;
        let mut literal = Vec::new();
        for i in 0..n {
            if problems.len() >= MAX_LISTED {
                break;
            }
            match self.document(i) {
                Ok(doc) if numbering::is_auto(&doc) => {
                    auto += 1;
                    let prefix = self.prefix(i).1;
                    let checked = compose::check_texts(engine, &doc)
                        .and_then(|()| numbering::check(&doc, agencies, any_year))
                        .map(|(p, _, agency)| (p, agency));
                    match checked {
                        Ok((p, agency)) => {
                            match &plan {
                                None => {
                                    plan = Some(p);
                                    self.date = doc.date.as_deref().and_then(|d| d.trim().parse().ok());
                                }
                                Some(first) if *first != p => problems.push(numbering::problem_at(
                                    &prefix,
                                    "reference",
                                    format!(
                                        "is numbered in {}, but the first letter in {}: a batch takes its numbers from one series",
                                        p.describe(),
                                        first.describe()
                                    ),
                                )),
                                Some(_) => {}
                            }
                            if numbered {
                                details.push(numbering::details(&doc, &agency));
                            }
                        }
                        Err(p) => problems.extend(prefixed(&prefix, p.0)),
                    }
                }
                Ok(doc) => {
                    if numbered {
                        literal.push(i);
                    }
                    if let Err(p) = compose::check(engine, &doc, agencies) {
                        problems.extend(prefixed(&self.prefix(i).1, p.0));
                    }
                }
                Err(p) => problems.extend(p),
            }
            match self.file_name(i, &mut seen) {
                Ok(name) => names.push(name),
                // A recipient's bad field is reported once, not again for its file.
                Err(p) if problems.contains(&p) => {}
                Err(p) => problems.push(p),
            }
        }
        if auto > 0 && !numbered {
            problems.insert(
                0,
                Problem::new(
                    "numbering",
                    "is required when a letter's reference is \"auto\": \"one\" number for \
                     the whole batch (a circular sent to many) or \"each\" letter its own",
                ),
            );
        } else if numbered && auto == 0 && problems.is_empty() {
            problems.push(Problem::new(
                "numbering",
                "applies to letters whose reference is \"auto\", and none is",
            ));
        } else if numbered {
            for i in literal {
                problems.push(numbering::problem_at(
                    &self.prefix(i).1,
                    "reference",
                    "must be \"auto\" in a batch with numbering: every letter takes its \
                     number from the register",
                ));
            }
        }
        problems.truncate(MAX_LISTED);
        self.names = names;
        if numbered {
            self.plan = plan;
            self.details = details;
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    fn file_name(&self, i: usize, seen: &mut HashSet<String>) -> Result<String, Problem> {
        let (list, _) = self.prefix(i);
        let ctx = self.context(i)?;
        let raw = self
            .pattern
            .apply(&ctx)
            .map_err(|e| Problem::new("file_name", format!("{list}[{i}]: {}", e.message)))?;
        let name = sanitize(&raw, i);
        if seen.insert(name.clone()) {
            return Ok(name);
        }
        // `x`, `x-3`, `x` must not give two `x-3.pdf`: count up until free.
        let stem = name.strip_suffix(".pdf").unwrap_or(&name);
        let unique = (i + 1..)
            .map(|n| format!("{stem}-{n}.pdf"))
            .find(|candidate| !seen.contains(candidate))
            .expect("some number is free");
        seen.insert(unique.clone());
        Ok(unique)
    }
}

fn check_count(field: &str, n: usize, max: usize) -> Result<(), ApiError> {
    if n == 0 {
        return Err(ApiError::invalid(vec![Problem::new(
            field,
            "must list at least one letter",
        )]));
    }
    if n > max {
        return Err(ApiError::too_large(
            field,
            format!("{n} letters; a batch takes at most {max}"),
        ));
    }
    Ok(())
}

fn prefixed(prefix: &str, problems: Vec<Problem>) -> Vec<Problem> {
    problems
        .into_iter()
        .map(|p| Problem::new(merge::join(prefix, &p.field), p.message))
        .collect()
}

/// A safe file name: no directories or control characters, ending in `.pdf`.
fn sanitize(raw: &str, i: usize) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let mut name: String = cleaned.chars().take(120).collect();
    if name.is_empty() || name.eq_ignore_ascii_case(".pdf") {
        name = format!("{}", i + 1);
    }
    if !name.to_ascii_lowercase().ends_with(".pdf") {
        name.push_str(".pdf");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_are_safe_and_unique() {
        assert_eq!(sanitize("../a/b:c", 0), "_a_b_c.pdf");
        assert_eq!(sanitize("  ", 4), "5.pdf");
        assert_eq!(sanitize("x.PDF", 0), "x.PDF");
        let req: BatchRequest = serde_json::from_value(json!({
            "documents": [{}, {}],
            "file_name": "same",
        }))
        .unwrap();
        let b = Batch::plan(req, 10).unwrap();
        let mut seen = HashSet::new();
        assert_eq!(b.file_name(0, &mut seen).unwrap(), "same.pdf");
        assert_eq!(b.file_name(1, &mut seen).unwrap(), "same-2.pdf");
        // A name that another letter's suffix already took counts up.
        let mut seen: HashSet<String> = ["x.pdf", "x-3.pdf"].map(String::from).into();
        assert_eq!(b.file_name(2, &mut seen).unwrap(), "same.pdf");
        seen.insert("same-3.pdf".into());
        assert_eq!(b.file_name(2, &mut seen).unwrap(), "same-4.pdf");
    }
}
