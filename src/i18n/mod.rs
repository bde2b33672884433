//! Messages in Thai and English.
//!
//! Problems are made in English everywhere (validation, the register, the
//! service) and translated where they leave: the HTTP answer (see
//! [`localize_response`]) and the command line's error output. The catalog
//! (`messages.txt`, see [`messages`]) maps each English message pattern, as its
//! `format!` string is written in the source with `{}` for the parts made at
//! run time, to its Thai; a hole written `{t}` is itself translated (a kind's
//! name, a message inside a message). `tests/i18n.rs` reads the source and
//! fails on a message the catalog lacks.
//!
//! Field paths (`signatory.name`, `body[2].items[0]`) get Thai labels from one
//! table ([`fields::FIELDS`]), which also gives the JSON Schema its Thai titles.

pub mod fields;
pub mod messages;
mod schema;

use std::str::FromStr;
use std::sync::OnceLock;

use regex::Regex;

pub use schema::annotate_schema;

/// A language of messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default.
    #[default]
    En,
    /// Thai.
    Th,
}

impl Lang {
    /// The language's tag (`en`, `th`), as `Content-Language` gives it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Th => "th",
        }
    }

    /// The language an `Accept-Language` header prefers among those we
    /// speak: the supported range with the highest q-value (the first of
    /// equals); English when none is supported.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let mut q = 1.0f32;
            for param in parts {
                let param = param.trim();
                if let Some(v) = param
                    .strip_prefix("q=")
                    .or_else(|| param.strip_prefix("Q="))
                {
                    q = v.trim().parse().unwrap_or(0.0);
                }
            }
            let Some(lang) = Lang::from_tag(tag) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::En, |(_, l)| l)
    }

    /// `th`, `th-TH`, `TH` → Thai; `en`, `en-GB`, `*` → English; others none.
    fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "th" => Some(Lang::Th),
            "en" | "*" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of a POSIX locale (`th_TH.UTF-8` → Thai, `C`, `en_US` →
    /// English); `None` when unset (empty).
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let locale = locale.trim();
        if locale.is_empty() {
            return None;
        }
        Some(if locale.to_ascii_lowercase().starts_with("th") {
            Lang::Th
        } else {
            Lang::En
        })
    }

    /// The language of the process's locale: the first of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` that is set, as POSIX orders them.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|v| std::env::var(v).ok().and_then(|l| Lang::from_locale(&l)))
            .unwrap_or_default()
    }
}

impl FromStr for Lang {
    type Err = String;

    /// `th` or `en` (a tag or a locale such as `th-TH`, `th_TH.UTF-8`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let tag = s.split('.').next().unwrap_or("");
        match Lang::from_tag(tag) {
            Some(l) if tag != "*" => Ok(l),
            _ => Err(format!("'{s}' is not th or en")),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One compiled catalog entry.
struct Pattern {
    re: Regex,
    /// Which holes are translated themselves (`{t}`).
    translated: Vec<bool>,
    thai: &'static str,
}

/// A catalog pattern's pieces: literal text and holes (`true`: translated).
pub enum Piece {
    /// Text as written (`{{` and `}}` already read as braces).
    Text(String),
    /// A part made at run time; `true` when it is translated itself.
    Hole(bool),
    /// A numbered hole of a Thai pattern (`{0}`).
    Numbered(usize),
}

/// Splits a pattern into literal text and holes: `{}` and `{t}` are holes,
/// `{0}`, `{1}` ... numbered holes, `{{` and `}}` braces.
pub fn pieces(pattern: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        let hole = |r: &str| -> Option<(Piece, usize)> {
            let end = r.find('}')?;
            let inner = &r[1..end];
            let piece = match inner {
                "" => Piece::Hole(false),
                "t" => Piece::Hole(true),
                n => Piece::Numbered(n.parse().ok()?),
            };
            Some((piece, end + 1))
        };
        if rest.starts_with("{{") || rest.starts_with("}}") {
            text.push(c);
            rest = &rest[2..];
        } else if c == '{'
            && let Some((piece, len)) = hole(rest)
        {
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(piece);
            rest = &rest[len..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

fn compile(english: &str, thai: &'static str) -> (usize, Pattern) {
    // A hole takes one line, unless the pattern has several.
    let mut re = String::from(if english.contains('\n') { "(?s)^" } else { "^" });
    let mut translated = Vec::new();
    let mut literal = 0;
    for piece in pieces(english) {
        match piece {
            Piece::Text(t) => {
                literal += t.chars().count();
                re.push_str(&regex::escape(&t));
            }
            Piece::Hole(t) => {
                translated.push(t);
                re.push_str("(.*?)");
            }
            Piece::Numbered(_) => {
                translated.push(false);
                re.push_str("(.*?)");
            }
        }
    }
    re.push('$');
    let re = Regex::new(&re).expect("a catalog pattern compiles");
    (
        literal,
        Pattern {
            re,
            translated,
            thai,
        },
    )
}

fn catalog() -> &'static [Pattern] {
    static CATALOG: OnceLock<Vec<Pattern>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut all: Vec<(usize, Pattern)> = messages::entries()
            .iter()
            .map(|(en, th)| compile(en, th))
            .collect();
        // The most specific (longest literal text) first: `{} is outside
        // {}..{}` must not take what a longer pattern says better.
        all.sort_by_key(|p| std::cmp::Reverse(p.0));
        all.into_iter().map(|(_, p)| p).collect()
    })
}

/// Fills a Thai pattern's holes.
fn fill(thai: &str, holes: &[String]) -> String {
    let mut out = String::new();
    let mut next = 0;
    for piece in pieces(thai) {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Hole(_) => {
                out.push_str(holes.get(next).map_or("", String::as_str));
                next += 1;
            }
            Piece::Numbered(n) => out.push_str(holes.get(n).map_or("", String::as_str)),
        }
    }
    out
}

/// The catalog's Thai for a whole English message, if it has it.
fn lookup(message: &str) -> Option<String> {
    if let Some(label) = fields::value_label(message) {
        return Some(label.to_string());
    }
    catalog().iter().find_map(|p| {
        let caps = p.re.captures(message)?;
        let holes: Vec<String> = caps
            .iter()
            .skip(1)
            .zip(&p.translated)
            .map(|(m, &t)| {
                let s = m.map_or("", |m| m.as_str());
                if t { translate_part(s) } else { s.to_string() }
            })
            .collect();
        Some(fill(p.thai, &holes))
    })
}

/// A part of a message: translated when the catalog knows it (a message, a
/// kind's name, a field path), else as it is.
fn translate_part(s: &str) -> String {
    thai(s)
        .or_else(|| is_field_path(s).then(|| label(s)))
        .unwrap_or_else(|| line_by_line(s))
}

/// Each line the catalog has in Thai, the others as they are.
fn line_by_line(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    s.split('\n')
        .map(|line| {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            format!("{indent}{}", thai(body).unwrap_or_else(|| body.to_string()))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Thai of a whole message, if the catalog has it: the message itself,
/// or `what: message` (a field path, labelled, or a file's name, kept)
/// before a message it has, or each line of several.
fn thai(message: &str) -> Option<String> {
    if let Some(t) = lookup(message) {
        return Some(t);
    }
    if message.contains('\n') {
        let lines: Vec<Option<String>> = message
            .split('\n')
            .map(|line| {
                let body = line.trim_start();
                let indent = &line[..line.len() - body.len()];
                thai(body).map(|t| format!("{indent}{t}"))
            })
            .collect();
        return lines
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .map(|l| l.join("\n"));
    }
    if let Some((head, tail)) = message.split_once(": ")
        && !head.contains('\n')
        && let Some(tail) = thai(tail)
    {
        let head = if is_field_path(head) {
            label(head)
        } else {
            head.to_string()
        };
        return Some(format!("{head}: {tail}"));
    }
    None
}

/// A path into the input (`signatory.name`, `body[2].items[0]`,
/// `recipient.งบประมาณ`, `[1]`): its first name, if any, is a field the
/// table knows.
fn is_field_path(s: &str) -> bool {
    static PATH: OnceLock<Regex> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        Regex::new(r"^([\w-]+)?(\[\d+\])*(\.[^.\s\[\]:]+(\[\d+\])*)*$")
            .expect("the path pattern compiles")
    });
    let first = s.split(['.', '[']).next().unwrap_or("");
    !s.is_empty()
        && path.is_match(s)
        && (fields::title(first).is_some() || (first.is_empty() && s.starts_with('[')))
}

/// A message in `lang`. A message the catalog lacks stays English (the
/// tests see that none does).
pub fn translate(message: &str, lang: Lang) -> String {
    if lang == Lang::En || message.is_empty() {
        return message.to_string();
    }
    thai(message).unwrap_or_else(|| line_by_line(message))
}

/// True when the catalog translates `message` (wholly).
pub fn is_translated(message: &str) -> bool {
    thai(message).is_some()
}

/// A field path in Thai: `signatory.name` → `ผู้ลงนาม › ชื่อ`,
/// `body[2].items[0]` → `เนื้อความ ข้อที่ ๓ › รายการ ข้อที่ ๑`; a name the
/// table lacks (a spreadsheet's column) as it is.
pub fn label(field: &str) -> String {
    if field.is_empty() {
        return "เอกสาร".to_string();
    }
    field
        .split('.')
        .map(|segment| {
            let name_end = segment.find('[').unwrap_or(segment.len());
            let (name, indices) = segment.split_at(name_end);
            let mut out = fields::title(name).map_or_else(|| name.to_string(), str::to_string);
            for (i, index) in indices.split('[').skip(1).enumerate() {
                let index = index.trim_end_matches(']');
                let shown = index
                    .parse::<usize>()
                    .map(|n| crate::thai::to_thai_digits(&(n + 1).to_string()))
                    .unwrap_or_else(|_| index.to_string());
                // `rows[0][2]`: แถว ข้อที่ ๑ › ข้อที่ ๓.
                out.push_str(match (i, out.is_empty()) {
                    (_, true) => "",
                    (0, false) => " ",
                    _ => " › ",
                });
                out.push_str("ข้อที่ ");
                out.push_str(&shown);
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" › ")
}

/// A problem as one line in `lang`: `signatory.name: must not be empty`, or
/// `ผู้ลงนาม › ชื่อ (signatory.name): ต้องไม่เว้นว่าง`.
pub fn problem_line(p: &crate::Problem, lang: Lang) -> String {
    match lang {
        Lang::En => p.to_string(),
        Lang::Th if p.field.is_empty() => translate(&p.message, lang),
        Lang::Th => format!(
            "{} ({}): {}",
            label(&p.field),
            p.field,
            translate(&p.message, lang)
        ),
    }
}

/// The problem in `lang`: the message translated and, in Thai, the field's
/// label beside its path.
pub fn localize_problem(p: &crate::Problem, lang: Lang) -> crate::Problem {
    let mut out = p.clone();
    if lang == Lang::Th {
        out.message = translate(&p.message, lang);
        out.label = Some(label(&p.field));
    }
    out
}

/// Marks a response whose JSON body carries English `title`, `detail` and
/// `problems` ([`crate::Problem`]s) that [`localize_response`] may translate.
#[derive(Debug, Clone, Copy)]
pub struct Localizable;

/// Translates a JSON answer's `title`, `detail` and `problems` in place (a
/// problem document, or the validation answer); each problem gains its `label`.
pub fn localize_json(value: &mut serde_json::Value, lang: Lang) {
    use serde_json::Value;
    if lang == Lang::En {
        return;
    }
    let Value::Object(map) = value else {
        return;
    };
    let mut first: Option<crate::Problem> = None;
    if let Some(Value::Array(problems)) = map.get_mut("problems") {
        for p in problems.iter_mut() {
            let Value::Object(p) = p else { continue };
            let field = p.get("field").and_then(Value::as_str).unwrap_or("");
            let message = p.get("message").and_then(Value::as_str).unwrap_or("");
            let problem = crate::Problem::new(field, message);
            let (field, message) = (problem.field.as_str(), problem.message.as_str());
            p.insert("message".into(), Value::from(translate(message, lang)));
            p.insert("label".into(), Value::from(label(field)));
            if first.is_none() {
                first = Some(problem);
            }
        }
    }
    if let Some(Value::String(title)) = map.get_mut("title") {
        *title = translate(title, lang);
    }
    if let Some(Value::String(detail)) = map.get_mut("detail") {
        *detail = localize_detail(detail, first.as_ref(), lang);
    }
}

/// A detail that ends with the first problem (`3 problems, first: field:
/// message`) names it by its label.
fn localize_detail(detail: &str, first: Option<&crate::Problem>, lang: Lang) -> String {
    if let Some(p) = first
        && let Some(before) = detail.strip_suffix(&p.to_string())
    {
        let shown = if p.field.is_empty() {
            translate(&p.message, lang)
        } else {
            format!("{}: {}", label(&p.field), translate(&p.message, lang))
        };
        if before.is_empty() {
            return shown;
        }
        return format!(
            "{}{shown}",
            translate(&format!("{before}{{}}"), lang).trim_end_matches("{}")
        );
    }
    translate(detail, lang)
}

/// Puts an answer marked [`Localizable`] in `lang`: its JSON translated, with
/// `Content-Language`; every such answer says it varies by `Accept-Language`.
pub async fn localize_response(
    res: axum::response::Response,
    lang: Lang,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    if res.extensions().get::<Localizable>().is_none() {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-language"));
    if lang == Lang::En {
        return axum::response::Response::from_parts(parts, body);
    }
    // Problem documents and validation answers are small: at most
    // MAX_LISTED problems.
    let bytes = match axum::body::to_bytes(body, 16 << 20).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "an answer to translate could not be read");
            return axum::response::Response::from_parts(parts, axum::body::Body::empty());
        }
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(mut v) => {
            localize_json(&mut v, lang);
            parts.headers.insert(
                header::CONTENT_LANGUAGE,
                HeaderValue::from_static(lang.code()),
            );
            serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())
        }
        Err(_) => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        for (h, want) in [
            ("th", Lang::Th),
            ("th-TH", Lang::Th),
            ("TH-th", Lang::Th),
            ("th-TH,th;q=0.9,en;q=0.8", Lang::Th),
            ("en-US,en;q=0.9,th;q=0.8", Lang::En),
            ("en;q=0.5, th", Lang::Th),
            ("th;q=0.1, en", Lang::En),
            ("fr, th;q=0.5", Lang::Th),
            ("fr", Lang::En),
            ("th;q=0", Lang::En),
            ("*", Lang::En),
            ("", Lang::En),
            ("thx", Lang::En),
        ] {
            assert_eq!(Lang::from_accept_language(h), want, "{h}");
        }
    }

    #[test]
    fn locales_and_names() {
        assert_eq!(Lang::from_locale("th_TH.UTF-8"), Some(Lang::Th));
        assert_eq!(Lang::from_locale("th"), Some(Lang::Th));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale(""), None);
        assert_eq!("th".parse::<Lang>(), Ok(Lang::Th));
        assert_eq!("th_TH.UTF-8".parse::<Lang>(), Ok(Lang::Th));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn messages_translate_with_their_holes() {
        assert_eq!(translate("must not be empty", Lang::Th), "ต้องไม่เว้นว่าง");
        assert_eq!(
            translate("must not be empty", Lang::En),
            "must not be empty"
        );
        let t = translate("belongs to a memo only", Lang::Th);
        assert!(t.contains("บันทึกข้อความ"), "{t}");
        let t = translate(
            "unknown field `numbr`, expected one of `code`, `number`",
            Lang::Th,
        );
        assert!(t.contains("`numbr`") && !t.contains("unknown"), "{t}");
    }

    #[test]
    fn field_paths_have_thai_labels() {
        assert_eq!(label("signatory.name"), "ผู้ลงนาม › ชื่อ");
        assert_eq!(label("body[2].items[0]"), "เนื้อความ ข้อที่ ๓ › รายการ ข้อที่ ๑");
        assert_eq!(label("body[0][1].bold"), "เนื้อความ ข้อที่ ๑ › ข้อที่ ๒ › ตัวหนา");
        assert_eq!(label("[1]"), "ข้อที่ ๒");
        assert_eq!(label("recipient.งบประมาณ"), "ผู้รับ › งบประมาณ");
        assert_eq!(
            translate("signatory.name: must not be empty", Lang::Th),
            "ผู้ลงนาม › ชื่อ: ต้องไม่เว้นว่าง"
        );
    }

    #[test]
    fn a_problem_document_is_translated_with_labels() {
        let mut v = serde_json::json!({
            "type": "urn:saraban:invalid-document", "title": "Invalid document", "status": 422,
            "detail": "2 problems, first: signatory.name: must not be empty",
            "problems": [
                {"field": "signatory.name", "message": "must not be empty"},
                {"field": "subject", "message": "is required for a document of this kind"}
            ]
        });
        localize_json(&mut v, Lang::Th);
        assert_eq!(v["title"], "เอกสารไม่ถูกต้อง");
        assert_eq!(v["problems"][0]["label"], "ผู้ลงนาม › ชื่อ");
        assert_eq!(v["problems"][1]["message"], "ต้องมีสำหรับหนังสือประเภทนี้");
        let detail = v["detail"].as_str().unwrap();
        assert!(detail.contains("ผู้ลงนาม › ชื่อ: ต้องไม่เว้นว่าง"), "{detail}");
        assert!(!detail.contains("problems"), "{detail}");
    }
}
