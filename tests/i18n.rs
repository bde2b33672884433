//! Messages in Thai: every message the source makes is in the catalog
//! (src/i18n/messages.txt), every field of the schema has its Thai title
//! (src/i18n/fields.rs), and real bad documents come back in Thai, through
//! `saraban check` and over HTTP, with no English left but field names,
//! values quoted from the input and technical tokens.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;
use serde_json::{Value, json};

use common::served::Served;
use common::{TempDir, valid_letter};
use saraban::i18n::{self, Lang};

// ---------------------------------------------------------------------------
// The catalog against the source.

/// Pieces of messages, not messages: a spreadsheet location's prefixes
/// (the catalog has the whole `row {}: {t}`, `sheet "{}": {t}`), a text
/// searched for in typst's error; and a header's value (the page's
/// Content-Security-Policy).
const FRAGMENTS: &[&str] = &["row {}: ", "sheet \"{}\": ", "message: \""];
/// Texts that are not messages though they hold a space: a page policy, a
/// media type with its parameters.
const NOT_MESSAGES: &[&str] = &["default-src ", "application/"];

/// Source files whose messages never reach a client or the command line's
/// user as problems: the register's storage internals (a failure there is a
/// 500 with the operator's log), the worker pool, the signer's certificate
/// reading (the service refuses to start), the log format option; and the
/// OpenAPI document's texts, documentation rather than messages.
const NOT_USER_FACING: &[&str] = &[
    "src/server/openapi.rs",
    "src/register/sqlite/",
    "src/register/postgres/",
    "src/register/audit.rs",
    "src/register/jobs.rs",
    "src/server/pool.rs",
    "src/server/logging.rs",
    "src/signing/credential.rs",
    "src/signing/incremental.rs",
    "src/textlayer/",
    "src/i18n/",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A string literal's text starting at `i` (a `"` or `r#"`), with where it ends.
fn literal_at(src: &str, i: usize) -> Option<(String, usize)> {
    let b = src.as_bytes();
    if b[i] == b'r' {
        let hashes = src[i + 1..].bytes().take_while(|&c| c == b'#').count();
        if b.get(i + 1 + hashes) != Some(&b'"') {
            return None;
        }
        let start = i + 2 + hashes;
        let close = format!("\"{}", "#".repeat(hashes));
        let end = start + src[start..].find(&close)?;
        return Some((src[start..end].to_string(), end + close.len()));
    }
    let mut out = String::new();
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => {
                match b[j + 1] {
                    b'\n' => {
                        // A continued line: the next line's indent is dropped.
                        j += 2;
                        while b[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        continue;
                    }
                    b'n' => out.push('\n'),
                    b't' => out.push('\t'),
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'\'' => out.push('\''),
                    _ => {
                        out.push('\\');
                        out.push(b[j + 1] as char);
                    }
                }
                j += 2;
            }
            b'"' => return Some((out, j + 1)),
            _ => {
                let c = src[j..].chars().next().unwrap();
                out.push(c);
                j += c.len_utf8();
            }
        }
    }
    None
}

/// One argument of a call: its string literals, each with whether it is the
/// format string of a `format!` (or of `anyhow!`, `bail!`, `#[error]`).
type Arg = Vec<(String, bool)>;

/// The arguments of the call whose `(` is just before `i`.
fn call_args(src: &str, mut i: usize, formatting: bool) -> Vec<Arg> {
    let b = src.as_bytes();
    let mut args: Vec<Arg> = vec![Vec::new()];
    let mut depth = 1;
    let mut next_is_format = formatting;
    let mut empty = true;
    while i < b.len() {
        let c = b[i];
        let literal = c == b'"'
            || (c == b'r'
                && matches!(b.get(i + 1), Some(b'"' | b'#'))
                && !b[i - 1].is_ascii_alphanumeric());
        if literal && let Some((text, end)) = literal_at(src, i) {
            args.last_mut().unwrap().push((text, next_is_format));
            next_is_format = false;
            empty = false;
            i = end;
            continue;
        }
        if c == b'\'' {
            // A char literal ('x', '\'', '"'), not a lifetime.
            let rest = &src[i + 1..];
            let len = if let Some(escaped) = rest.strip_prefix('\\') {
                escaped.find('\'').map(|e| e + 2)
            } else {
                rest.chars()
                    .next()
                    .filter(|ch| rest[ch.len_utf8()..].starts_with('\''))
                    .map(char::len_utf8)
            };
            if let Some(len) = len {
                i += len + 2;
                empty = false;
                continue;
            }
        }
        if ["format!(", "format_args!(", "anyhow!(", "bail!("]
            .iter()
            .any(|m| src[i..].starts_with(m))
        {
            next_is_format = true;
        }
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => {
                args.push(Vec::new());
                empty = true;
                i += 1;
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            empty = false;
        }
        i += 1;
    }
    if empty && args.len() > 1 {
        args.pop();
    }
    args
}

/// A literal as a catalog pattern: a format string's arguments become `{}`.
fn as_pattern(text: &str, format: bool) -> String {
    if !format {
        return text.replace('{', "{{").replace('}', "}}");
    }
    let hole = Regex::new(r"\{[^{}]*\}").unwrap();
    let kept = text.replace("{{", "\u{1}").replace("}}", "\u{2}");
    hole.replace_all(&kept, "{}")
        .replace('\u{1}', "{{")
        .replace('\u{2}', "}}")
}

/// The source files a user's messages come from (not those of
/// `NOT_USER_FACING`), each as its path from the root and its text before its
/// tests.
fn user_facing_sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let rel = file
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if NOT_USER_FACING.iter().any(|p| rel.starts_with(p)) {
                return None;
            }
            let mut src = std::fs::read_to_string(&file).unwrap();
            if let Some(t) = src.find("#[cfg(test)]") {
                src.truncate(t);
            }
            Some((rel, src))
        })
        .collect()
}

/// Every message pattern the source hands to a problem, an API error, an
/// error type or an `Err`, with the file it is in.
fn source_messages() -> BTreeSet<(String, String)> {
    // (call, arguments before the message: field names, a prefix)
    let opener = Regex::new(
        r"(Problem::new\(|\.push\(|problem_at\(|\bbad\(|\bbad_part\(|ApiError::(\w+)\(|RegisterError::(\w+)\(|[A-Z]\w*Error\(|\bErr\(|Error::custom\(|#\[error\(|anyhow!\(|bail!\(|\.ok_or\(|\.ok_or_else\(|\.map_err\(|message: format!\(|const [A-Z_]+: &str = )",
    )
    .unwrap();
    let identifier = Regex::new(r"^[a-z_][a-z0-9_.\[\]{}]*$").unwrap();
    let letters = Regex::new(r"[A-Za-z]{2}").unwrap();
    let mut out = BTreeSet::new();
    for (rel, src) in user_facing_sources() {
        let src = src.as_str();
        for m in opener.captures_iter(src) {
            let call = m.get(1).unwrap().as_str();
            let method = m.get(2).or(m.get(3)).map(|m| m.as_str());
            let formatting = matches!(
                call,
                "#[error(" | "anyhow!(" | "bail!(" | "message: format!("
            );
            let mut args = if call.starts_with("const ") {
                // A message kept in a constant: its literal
                let end = m.get(0).unwrap().end();
                // (a header's name, a variable's, has no space).
                literal_at(src, end)
                    .filter(|(text, _)| text.contains(' '))
                    .map_or_else(Vec::new, |(text, _)| vec![vec![(text, false)]])
            } else {
                call_args(src, m.get(0).unwrap().end(), formatting)
            };
            if call == ".push(" && args.len() != 2 {
                continue; // a Vec's push, not a problem's
            }
            let skip = match (call, method) {
                ("problem_at(", _) => 2,
                ("Problem::new(" | ".push(" | "bad(" | "bad_part(", _) => 1,
                (_, Some("bad_parameter" | "too_large" | "bad_path" | "invalid")) => 1,
                _ => 0,
            };
            args.drain(..skip.min(args.len()));
            for (text, format) in args.into_iter().flatten() {
                let pattern = as_pattern(&text, format);
                if !letters.is_match(&pattern)
                    || identifier.is_match(&pattern)
                    || i18n::fields::title(&text).is_some()
                    || pattern.starts_with("urn:")
                    || pattern.starts_with('/')
                    || FRAGMENTS.contains(&pattern.as_str())
                    || NOT_MESSAGES.iter().any(|p| pattern.starts_with(p))
                    || pattern == "about:blank"
                {
                    continue;
                }
                out.insert((pattern, rel.clone()));
            }
        }
    }
    out
}

/// Every field path the source names a problem at (`signatory.name`,
/// `reference.code`, a query parameter's name), with its file.
fn source_fields() -> BTreeSet<(String, String)> {
    let opener = Regex::new(
        r"(Problem::new\(|\.push\(|problem_at\(|\bbad\(|\bbad_part\(|ApiError::(bad_parameter|too_large|bad_path)\(|RegisterError::invalid\()",
    )
    .unwrap();
    let path = Regex::new(r"^[a-z_]+(\.[a-z_]+)*$").unwrap();
    // A route's query parameters: `Query::parse(raw, &["format", "dpi"])`.
    let params = Regex::new(r#"Query::parse\([^;]*?&\[([^\]]*)\]"#).unwrap();
    let name = Regex::new(r#""([a-z_]+)""#).unwrap();
    let mut out = BTreeSet::new();
    for (rel, src) in user_facing_sources() {
        let src = src.as_str();
        for list in params.captures_iter(src) {
            for n in name.captures_iter(&list[1]) {
                out.insert((n[1].to_string(), rel.clone()));
            }
        }
        for m in opener.captures_iter(src) {
            let call = m.get(1).unwrap().as_str();
            let args = call_args(src, m.get(0).unwrap().end(), false);
            if call == ".push(" && args.len() != 2 {
                continue;
            }
            let at = usize::from(call == "problem_at(");
            for (text, _) in args.get(at).into_iter().flatten() {
                if path.is_match(text) {
                    out.insert((text.clone(), rel.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn every_field_a_problem_names_has_a_thai_label() {
    let found = source_fields();
    assert!(
        found.len() > 40,
        "the scan found only {} fields",
        found.len()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|(f, _)| f.split('.').any(|name| i18n::fields::title(name).is_none()))
        .map(|(f, file)| format!("{file}: {f}"))
        .collect();
    assert!(
        missing.is_empty(),
        "fields without a Thai label: add each name to FIELDS in src/i18n/fields.rs:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_message_of_the_source_is_in_the_catalog() {
    let known: BTreeSet<String> = i18n::messages::entries()
        .iter()
        .map(|(en, _)| en.replace("{t}", "{}"))
        .collect();
    let found = source_messages();
    assert!(
        found.len() > 150,
        "the scan found only {} messages",
        found.len()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|(p, _)| !known.contains(p) && !i18n::is_translated(p))
        .map(|(p, file)| format!("{file}: {p:?}"))
        .collect();
    assert!(
        missing.is_empty(),
        "{} message(s) lack their Thai in src/i18n/messages.txt (`English ||| Thai`, \
         `{{}}` for each part made at run time):\n{}",
        missing.len(),
        missing.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The schema's Thai titles.

fn thai(s: &str) -> bool {
    s.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))
}

fn untitled(v: &Value, at: &str, missing: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, p) in props {
                    let titled = p.get("title").and_then(Value::as_str).is_some_and(thai);
                    let described = p
                        .get("x-description-th")
                        .and_then(Value::as_str)
                        .is_some_and(thai);
                    if !titled || !described {
                        missing.insert(format!("property `{name}` (in {at})"));
                    }
                }
            }
            if let Some(Value::Array(alts)) = map.get("oneOf") {
                for a in alts {
                    if let Some(c) = a.get("const").and_then(Value::as_str)
                        && !a.get("title").and_then(Value::as_str).is_some_and(thai)
                    {
                        missing.insert(format!("value `{c}` (in {at})"));
                    }
                }
            }
            for (k, child) in map {
                let at = if at == "$defs" { k.as_str() } else { at };
                untitled(child, if k == "$defs" { "$defs" } else { at }, missing);
            }
        }
        Value::Array(list) => list.iter().for_each(|x| untitled(x, at, missing)),
        _ => {}
    }
}

#[test]
fn every_property_and_value_of_the_schema_has_a_thai_title() {
    let schema = saraban::schema();
    let mut missing = BTreeSet::new();
    untitled(&schema, "Document", &mut missing);
    assert!(
        missing.is_empty(),
        "without a Thai title: add each to FIELDS (a property) or VALUES (a value) in \
         src/i18n/fields.rs:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
    // The conventions are stated where a schema-driven tool reads them.
    let d = schema["description"].as_str().unwrap();
    assert!(d.contains("x-description-th") && d.contains("title"), "{d}");
    let props = &schema["properties"];
    assert_eq!(props["subject"]["title"], "เรื่อง");
    assert_eq!(props["to"]["title"], "เรียน");
    assert_eq!(props["refer_to"]["title"], "อ้างถึง");
    assert_eq!(props["enclosures"]["title"], "สิ่งที่ส่งมาด้วย");
    assert_eq!(props["signatory"]["title"], "ผู้ลงนาม");
    assert_eq!(props["urgency"]["title"], "ชั้นความเร็ว");
    assert_eq!(props["secrecy"]["title"], "ชั้นความลับ");
    assert!(
        props["subject"]["description"]
            .as_str()
            .unwrap()
            .contains("Required")
    );
    let kinds = schema["$defs"]["Kind"]["oneOf"].as_array().unwrap();
    let memo = kinds.iter().find(|k| k["const"] == "memo").unwrap();
    assert_eq!(memo["title"], "บันทึกข้อความ");
}

// ---------------------------------------------------------------------------
// Real bad documents, in Thai.

/// Bad documents, each spoiling the good one in its own way; the bytes of
/// each (some are not JSON at all).
fn bad_documents() -> Vec<(&'static str, Vec<u8>)> {
    type Spoil = (&'static str, fn(&mut Value));
    let spoils: Vec<Spoil> = vec![
        ("empty name", |v| v["signatory"]["name"] = "  ".into()),
        ("no name", |v| {
            v["signatory"].as_object_mut().unwrap().remove("name");
        }),
        ("no subject", |v| {
            v.as_object_mut().unwrap().remove("subject");
        }),
        ("no addressee", |v| {
            v.as_object_mut().unwrap().remove("to");
        }),
        ("empty paragraph", |v| v["body"][0] = "".into()),
        ("no body", |v| v["body"] = json!([])),
        ("two-digit year", |v| v["date"] = "15/06/62".into()),
        ("year out of range", |v| v["date"] = "2900-06-15".into()),
        ("no such day", |v| v["date"] = "2019-02-30".into()),
        ("not a date", |v| v["date"] = "เมื่อวาน".into()),
        ("unknown kind", |v| v["kind"] = "letterx".into()),
        ("unknown agency", |v| v["agency"] = "nowhere".into()),
        ("number zero", |v| v["reference"]["number"] = 0.into()),
        ("negative number", |v| {
            v["reference"] = json!({"number": -5})
        }),
        ("unknown reference part", |v| {
            v["reference"] = json!({"numbr": 5})
        }),
        ("bad agency code", |v| {
            v["reference"]["code"] = "ขก17".into()
        }),
        ("a number for a name", |v| {
            v["signatory"]["name"] = 42.into()
        }),
        ("a control character", |v| {
            v["subject"] = "a\u{0007}b".into()
        }),
        ("unknown field", |v| v["unknown_field"] = 1.into()),
        ("a linked signature", |v| {
            v["signatory"]["signature_image"] = "http://example.org/a.png".into()
        }),
        ("a long subject", |v| {
            v["subject"] = "ก".repeat(30_000).into()
        }),
        ("a signed statement", |v| {
            v["kind"] = "statement".into();
            v.as_object_mut().unwrap().remove("to");
        }),
        ("an issue on a letter", |v| v["issue"] = 2.into()),
        ("effective on a letter", |v| {
            v["effective"] = "2568-10-01".into()
        }),
        ("contact on an order", |v| {
            v["kind"] = "order".into();
            v["contact"] = json!({"unit": ["กองคลัง"]});
        }),
        ("endorsements on a letter", |v| {
            v["endorsements"] = json!([{"text": ["อนุมัติ"], "name": "นายก ข"}])
        }),
        ("a list from zero", |v| {
            v["body"] = json!([{"type": "list", "start": 0, "items": ["ข้อ"]}])
        }),
        (
            "an empty member",
            |v| v["body"] = json!([{"type": "members", "members": [{"role": "กรรมการ"}]}]),
        ),
        ("no members", |v| {
            v["body"] = json!([{"type": "members", "members": []}])
        }),
        ("a table that does not fit", |v| {
            v["body"] = json!([{"type": "table", "headers": ["รายการ", "บาท"],
                "rows": [["ก", "1", "2"], ["ข"]]}])
        }),
        (
            "a bad budget",
            |v| {
                v["body"] =
                    json!([{"type": "activities", "rows": [{"project": "x", "budget": "1.234"}]}])
            },
        ),
        ("salutation twice", |v| {
            v["to"] = "กราบเรียน นายกรัฐมนตรี".into();
            v["salutation"] = "เรียน".into();
        }),
        ("an unknown salutation", |v| v["salutation"] = "ถึง".into()),
        ("an unknown urgency", |v| v["urgency"] = "ด่วนจี๋".into()),
        ("a run with another field", |v| {
            v["body"] = json!([["ให้ถือเป็น", {"text": "แนวปฏิบัติ", "italic": true}]])
        }),
        ("an unknown block", |v| {
            v["body"] = json!([{"type": "poem", "text": "x"}])
        }),
        ("a circular without addressees", |v| {
            v["kind"] = "circular".into();
            v.as_object_mut().unwrap().remove("to");
        }),
        ("auto without a register", |v| {
            v["reference"] = "auto".into()
        }),
    ];
    let mut out: Vec<(&'static str, Vec<u8>)> = spoils
        .into_iter()
        .map(|(name, spoil)| {
            let mut v = valid_letter();
            spoil(&mut v);
            (name, v.to_string().into_bytes())
        })
        .collect();
    out.push(("not JSON", b"{\"kind\": \"external\",".to_vec()));
    out.push(("a trailing comma", b"{\"kind\": \"external\",}".to_vec()));
    out.push(("after the document", br#"{"kind": "external"} {}"#.to_vec()));
    out
}

/// Technical tokens a Thai message may keep.
const TECHNICAL: &[&str] = &[
    "JSON", "PDF", "URL", "URI", "ZIP", "PNG", "JPEG", "SVG", "SHA", "ASCII", "API", "HTTP",
    "YYYY", "MM", "DD", "object", "array", "string", "true", "false", "null", "data", "http",
    "https", "stdin", "auto", "one", "each", "UTF",
];

/// The English words left in a Thai message: none but field names, values
/// quoted from the input (in quotes or backticks) and technical tokens.
fn english_left(message: &str) -> Vec<String> {
    // Quoted values, data URIs, identifiers (`khonkaen-province`).
    let quoted =
        Regex::new(r#"`[^`]*`|'[^']*'|"[^"]*"|data:\S*|[A-Za-z0-9]+(-[A-Za-z0-9]+)+"#).unwrap();
    let word = Regex::new(r"[A-Za-z][A-Za-z-]*[A-Za-z]").unwrap();
    let shown = quoted.replace_all(message, " ");
    word.find_iter(&shown)
        .map(|w| w.as_str())
        .filter(|w| {
            !TECHNICAL.contains(w)
                && i18n::fields::title(w).is_none()
                && !w.split('_').all(|part| i18n::fields::title(part).is_some())
                && !w.chars().all(|c| c.is_ascii_uppercase() || c == '-')
        })
        .map(str::to_string)
        .collect()
}

/// The problems of a document as the library finds them.
fn problems(bytes: &[u8]) -> Vec<saraban::Problem> {
    let doc = match saraban::compose::parse(bytes) {
        Ok(d) => d,
        Err(p) => return p.0,
    };
    match saraban::compose::check(
        &saraban::Engine::shared(),
        &doc,
        &saraban::Agencies::built_in(),
    ) {
        Ok(_) => Vec::new(),
        Err(p) => p.0,
    }
}

#[test]
fn every_problem_of_real_bad_documents_reads_in_thai() {
    let mut english = Vec::new();
    for (name, bytes) in bad_documents() {
        let found = problems(&bytes);
        assert!(!found.is_empty(), "{name}: no problem");
        for p in found {
            let th = i18n::translate(&p.message, Lang::Th);
            assert!(thai(&th), "{name}: {} stayed '{th}'", p.field);
            let left = english_left(&th);
            if !left.is_empty() {
                english.push(format!("{name}: {p} → {th} (English: {left:?})"));
            }
            assert_eq!(i18n::translate(&p.message, Lang::En), p.message);
        }
    }
    assert!(english.is_empty(), "English left:\n{}", english.join("\n"));
}

// ---------------------------------------------------------------------------
// The command line.

fn check(file: &Path, lang: Option<&str>, env: &[(&str, &str)]) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saraban"));
    cmd.arg("check").arg(file);
    if let Some(l) = lang {
        cmd.args(["--lang", l]);
    }
    for v in ["LC_ALL", "LC_MESSAGES", "LANG", "SARABAN_LANG"] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_speaks_thai_with_lang_th_the_locale_or_saraban_lang() {
    let dir = TempDir::new("i18n-cli");
    let mut v = valid_letter();
    v["signatory"]["name"] = "  ".into();
    v["date"] = "15/06/62".into();
    let file = dir.0.join("bad.json");
    std::fs::write(&file, v.to_string()).unwrap();

    let (ok, english) = check(&file, None, &[]);
    assert!(!ok);
    assert!(english.starts_with("error: "), "{english}");
    assert!(
        english.contains("signatory.name: must not be empty"),
        "{english}"
    );
    assert_eq!(check(&file, None, &[("LANG", "en_US.UTF-8")]).1, english);
    assert_eq!(
        check(&file, Some("en"), &[("LANG", "th_TH.UTF-8")]).1,
        english
    );

    let (ok, th) = check(&file, Some("th"), &[]);
    assert!(!ok);
    assert!(th.starts_with("ข้อผิดพลาด: "), "{th}");
    assert!(
        th.contains("ผู้ลงนาม › ชื่อ (signatory.name): ต้องไม่เว้นว่าง"),
        "{th}"
    );
    assert!(th.contains("วันที่ (date): '15/06/62': ปี 62 กำกวม"), "{th}");
    for line in th.lines() {
        assert!(english_left(line).is_empty(), "English left in {line:?}");
    }
    // The locale, as a Thai desktop sets it; LC_ALL over LANG; SARABAN_LANG.
    assert_eq!(check(&file, None, &[("LANG", "th_TH.UTF-8")]).1, th);
    assert_eq!(
        check(
            &file,
            None,
            &[("LANG", "en_US.UTF-8"), ("LC_ALL", "th_TH.UTF-8")]
        )
        .1,
        th
    );
    assert_eq!(check(&file, None, &[("SARABAN_LANG", "th")]).1, th);

    // Not JSON at all, in Thai.
    let broken = dir.0.join("broken.json");
    std::fs::write(&broken, "{\"kind\": ").unwrap();
    let (_, th) = check(&broken, Some("th"), &[]);
    assert!(th.contains("JSON ไม่ถูกต้องตามรูปแบบ"), "{th}");
    let th = th.replace(&broken.display().to_string(), "");
    assert!(english_left(&th).is_empty(), "{th}");

    // An unknown language is refused by name.
    let (ok, err) = check(&file, Some("fr"), &[]);
    assert!(!ok && err.contains("'fr' is not th or en"), "{err}");
}

// ---------------------------------------------------------------------------
// Over HTTP, on a real server.

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    lang: Option<&str>,
) -> reqwest::Response {
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    req.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_language_th_answers_problems_in_thai() {
    let dir = TempDir::new("i18n-http");
    let served = Served::start(&dir.db());
    let client = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", served.base);
    let mut v = valid_letter();
    v["signatory"]["name"] = "  ".into();
    v.as_object_mut().unwrap().remove("subject");
    let bad = v.to_string().into_bytes();

    // English by default, and for `en`: no Content-Language.
    for lang in [None, Some("en-US,en;q=0.9,th;q=0.5")] {
        let res = post(&client, &url("/v1/letters"), bad.clone(), lang).await;
        assert_eq!(res.status(), 422);
        assert!(res.headers().get("content-language").is_none());
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["title"], "Invalid document");
        assert!(p["problems"][0].get("label").is_none(), "{p}");
    }

    // Thai: title, detail, each message, each label; Content-Language: th.
    let res = post(
        &client,
        &url("/v1/letters"),
        bad.clone(),
        Some("th-TH,th;q=0.9,en;q=0.8"),
    )
    .await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(res.headers()["content-language"], "th");
    assert!(
        res.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("accept-language"),
        "{:?}",
        res.headers()
    );
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["title"], "เอกสารไม่ถูกต้อง");
    assert_eq!(p["type"], "urn:saraban:invalid-document");
    assert_eq!(p["status"], 422);
    let detail = p["detail"].as_str().unwrap();
    assert!(detail.starts_with("พบ 2 ปัญหา ปัญหาแรก: "), "{detail}");
    let problems = p["problems"].as_array().unwrap();
    let name = problems
        .iter()
        .find(|q| q["field"] == "signatory.name")
        .unwrap();
    assert_eq!(name["message"], "ต้องไม่เว้นว่าง");
    assert_eq!(name["label"], "ผู้ลงนาม › ชื่อ");
    let subject = problems.iter().find(|q| q["field"] == "subject").unwrap();
    assert_eq!(subject["message"], "ต้องมีสำหรับหนังสือประเภทนี้");
    assert_eq!(subject["label"], "เรื่อง");
    assert!(english_left(detail).is_empty(), "{detail}");

    // The validation answer of every bad document, in Thai.
    let mut english = Vec::new();
    for (name, bytes) in bad_documents() {
        if name == "auto without a register" {
            continue; // this service keeps one
        }
        let res = post(&client, &url("/v1/letters/validate"), bytes, Some("th")).await;
        assert_eq!(res.status(), 200, "{name}");
        assert_eq!(res.headers()["content-language"], "th", "{name}");
        let answer: Value = res.json().await.unwrap();
        assert_eq!(answer["valid"], false, "{name}");
        for q in answer["problems"].as_array().unwrap() {
            let message = q["message"].as_str().unwrap();
            let label = q["label"].as_str().unwrap();
            // A field the model lacks is labelled by its name.
            assert!(
                thai(message) && (thai(label) || label == q["field"]),
                "{name}: {q}"
            );
            // A name the model lacks (a misspelt `numbr`) stays as typed
            // in a label otherwise Thai (`ที่ › numbr`).
            let field = q["field"].as_str().unwrap();
            let typed = |w: &String| field.split(['.', '[']).any(|s| s == w);
            if !english_left(message).is_empty()
                || (label != field && !english_left(label).iter().all(typed))
            {
                english.push(format!("{name}: {q}"));
            }
        }
    }
    assert!(english.is_empty(), "English left:\n{}", english.join("\n"));

    // Other problems: malformed JSON (400), a bad parameter, no such
    // resource (404), a body that is not JSON (415).
    let res = post(
        &client,
        &url("/v1/letters"),
        b"{\"kind\":".to_vec(),
        Some("th"),
    )
    .await;
    assert_eq!(res.status(), 400);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["title"], "JSON ไม่ถูกต้องตามรูปแบบ");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("เนื้อหาของคำขอไม่ใช่ JSON"),
        "{p}"
    );

    let good = std::fs::read(common::examples_dir().join("external-letter.json")).unwrap();
    let res = post(&client, &url("/v1/letters?format=gif"), good, Some("th")).await;
    assert_eq!(res.status(), 400);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["title"], "พารามิเตอร์ของคำขอไม่ถูกต้อง");
    assert_eq!(p["problems"][0]["label"], "รูปแบบไฟล์");
    assert!(
        p["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("'gif' ไม่ใช่ค่าใดใน"),
        "{p}"
    );

    let res = client
        .get(url("/v1/nothing"))
        .header("accept-language", "th")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["content-language"], "th");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["title"], "ไม่พบข้อมูล");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("ไม่พบที่อยู่ /v1/nothing"),
        "{p}"
    );

    let res = client
        .post(url("/v1/letters"))
        .header("content-type", "text/plain")
        .header("accept-language", "th")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["title"], "ไม่รับข้อมูลชนิดนี้");
    assert_eq!(
        p["detail"],
        "เนื้อหาของคำขอเป็น text/plain ต้องส่งเป็น application/json"
    );

    // A good letter is untouched: a PDF, no Content-Language.
    let good = std::fs::read(common::examples_dir().join("external-letter.json")).unwrap();
    let res = post(&client, &url("/v1/letters"), good, Some("th")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(res.headers().get("content-language").is_none());

    // The schema the page reads carries the Thai titles.
    let schema: Value = client
        .get(url("/v1/schema"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(schema["properties"]["signatory"]["title"], "ผู้ลงนาม");

    // Every operation documents the header.
    let api: Value = client
        .get(url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for (path, ops) in api["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let documented = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Accept-Language"));
            assert!(documented, "{method} {path}");
        }
    }
    let problem = &api["components"]["schemas"]["Problem"]["properties"];
    assert!(problem["label"].is_object(), "{problem}");
}

#[test]
fn a_batch_names_its_spreadsheet_cells_in_thai() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/recipients");
    let dir = TempDir::new("i18n-batch");
    let batch = |letter: &Path, recipients: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_saraban"))
            .arg("batch")
            .arg(letter)
            .arg("--recipients")
            .arg(data.join(recipients))
            .arg("-o")
            .arg(dir.0.join("out.zip"))
            .args(["--lang", "th"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = batch(&data.join("letter.json"), "schools-bad.xlsx");
    assert!(
        err.contains(
            r#"schools-bad.xlsx: แผ่นงาน "โรงเรียน" แถวที่ 6 คอลัมน์ "งบประมาณ": เซลล์มีค่าผิดพลาด (#DIV/0!)"#
        ),
        "{err}"
    );
    // A placeholder no column fills, in every letter: each line in Thai.
    let mut letter: Value =
        serde_json::from_slice(&std::fs::read(data.join("letter.json")).unwrap()).unwrap();
    letter["subject"] = "{{recipient.ไม่มี}}".into();
    let file = dir.0.join("letter.json");
    std::fs::write(&file, letter.to_string()).unwrap();
    let err = batch(&file, "schools.xlsx");
    assert!(err.starts_with("ข้อผิดพลาด: พบ 3 ปัญหา:\n"), "{err}");
    for line in err.lines().skip(1) {
        assert!(
            line.contains(r#"แผ่นงาน "โรงเรียน" แถวที่ "#)
                && line.contains("(หนังสือฉบับที่ ")
                && line.ends_with(": หนังสือ › เรื่อง): ไม่มีข้อมูล 'recipient.ไม่มี' ที่จะเติมในหนังสือ"),
            "{line}"
        );
    }
}

#[test]
fn a_value_quoted_back_keeps_its_thai_marks() {
    let mut v = valid_letter();
    v["contact"] = json!({"unit": "กองคลัง"});
    let found = problems(v.to_string().as_bytes());
    let p = found.iter().find(|p| p.field == "contact.unit").unwrap();
    assert_eq!(
        p.message,
        "invalid type: string \"กองคลัง\", expected a sequence"
    );
    assert_eq!(
        i18n::translate(&p.message, Lang::Th),
        "ชนิดข้อมูลไม่ถูกต้อง: ได้ข้อความ \"กองคลัง\" แต่ต้องเป็นรายการ (array)"
    );
    // A control character stays escaped.
    v["contact"] = json!({"unit": "ก\u{7}"});
    let found = problems(v.to_string().as_bytes());
    let p = found.iter().find(|p| p.field == "contact.unit").unwrap();
    assert!(p.message.contains("\\u{7}"), "{}", p.message);
}
