//! Helpers shared by the integration tests: render an example, read its lines.
#![allow(dead_code)]

pub mod postgres;
pub mod served;

use std::path::{Path, PathBuf};

use saraban::frames::{self, Line};
use saraban::{Agencies, Engine, Letter, compose};

/// The repository's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Every example JSON, sorted.
pub fn example_files() -> Vec<PathBuf> {
    json_files(&examples_dir())
        .into_iter()
        .filter(|p| {
            // Batch requests are not single documents.
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("batch")
        })
        .collect()
}

/// The letters of `tests/letters/` (kinds and agencies the examples do not
/// show), sorted.
pub fn letter_files() -> Vec<PathBuf> {
    json_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/letters"))
}

/// The `*.json` files of `dir`, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// Renders JSON bytes with the shared engine and the built-in agencies.
pub fn render_json(json: &[u8]) -> Letter {
    let doc = compose::parse(json).unwrap_or_else(|p| panic!("parse: {p}"));
    compose::compose(&Engine::shared(), &Agencies::built_in(), &doc, None)
        .unwrap_or_else(|e| panic!("render: {e}"))
}

/// Renders one example by file stem.
pub fn render_example(stem: &str) -> Letter {
    let path = examples_dir().join(format!("{stem}.json"));
    render_json(&std::fs::read(path).unwrap())
}

/// The laid-out lines of a letter.
pub fn lines(letter: &Letter) -> Vec<Line> {
    frames::lines(&letter.doc)
}

/// All text of the letter, lines joined with newlines.
pub fn text(letter: &Letter) -> String {
    lines(letter)
        .iter()
        .map(|l| l.text.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The body's text: lines between the top and bottom margins (no page numbers,
/// continuation lines or secrecy marks).
pub fn body_text(letter: &Letter) -> String {
    lines(letter)
        .iter()
        .filter(|l| l.y > 2.5 * CM && l.y < 29.7 * CM - 2.0 * CM)
        .map(|l| l.text.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text with every kind of white space removed, for order checks that do not
/// depend on where lines break.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// pt per cm.
pub const CM: f64 = 72.0 / 2.54;

/// A small PNG (60 × 30), as a data URI: a scanned signature or an emblem.
pub const SIGNATURE_PNG: &str = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAADwAAAAeCAYAAABwmH1PAAAAJklEQVR4nO3OQQEAMAgAobOh/ctsMfxAAgoAAACa2nedAAAA4NoHoRABUQlK3/QAAAAASUVORK5CYII=";

/// A fresh directory for one test (`tempfile`), removed when dropped; `.0`
/// is its path.
pub struct TempDir(pub PathBuf, tempfile::TempDir);

impl TempDir {
    /// `saraban-<name>-...` in the system's temporary directory.
    pub fn new(name: &str) -> TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("saraban-{name}-"))
            .tempdir()
            .unwrap();
        TempDir(dir.path().to_path_buf(), dir)
    }

    /// A register's database file in it.
    pub fn db(&self) -> PathBuf {
        self.0.join("register.sqlite")
    }
}

/// What a poppler tool (`pdftotext`, `pdfinfo`; installed by `.ci/run`)
/// prints of `pdf`, given `args` before the file.
pub fn poppler(tool: &str, pdf: &[u8], args: &[&str]) -> String {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::io::Write::write_all(&mut file, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(file.path())
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .stderr(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed by these tests: {e}"));
    assert!(out.status.success(), "{tool} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// A PDF's text as `pdftotext -enc UTF-8` gives it, with `args` before.
pub fn pdf_text_with(pdf: &[u8], args: &[&str]) -> String {
    let mut all = vec!["-enc", "UTF-8"];
    all.extend_from_slice(args);
    poppler("pdftotext", pdf, &all)
}

/// [`squash`]ed text with Thai digits made ASCII, for numbers read back
/// from a PDF whatever digits the agency prints.
pub fn squash_digits(s: &str) -> String {
    squash(s)
        .chars()
        .map(|c| match c {
            '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
            c => c,
        })
        .collect()
}

/// GET `url` with an API key; the answer's JSON (the status must be 200).
pub async fn get_json(client: &reqwest::Client, url: String, key: &str) -> serde_json::Value {
    let res = client.get(&url).bearer_auth(key).send().await.unwrap();
    assert_eq!(res.status(), 200, "GET {url}");
    res.json().await.unwrap()
}

/// `saraban keys add <agency>` on the register at `db` (a file or a
/// PostgreSQL URL); the new key's secret.
pub fn add_key(db: &Path, agency: &str, label: &str) -> String {
    let mut keys = saraban_command();
    keys.args(["keys", "add", agency, "--label", label])
        .arg("--db")
        .arg(db);
    succeeded(keys).trim().to_string()
}

/// The built `saraban` binary, to be given its arguments.
pub fn saraban_command() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_saraban"))
}

/// Runs `command`, which must succeed (its error output otherwise says why);
/// what it printed.
pub fn succeeded(mut command: std::process::Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A valid external letter: the base a test breaks one field of.
pub fn valid_letter() -> serde_json::Value {
    serde_json::json!({
        "kind": "external",
        "agency": "khonkaen-province",
        "reference": {"number": 12},
        "date": "2024-03-01",
        "subject": "ทดสอบ",
        "to": "ผู้ว่าราชการจังหวัด",
        "body": ["ย่อหน้า"],
        "signatory": {"name": "นายทดสอบ ระบบ", "positions": ["ตำแหน่ง"]}
    })
}

/// An ODS workbook (sheet "S") of a header, one school, `empty_rows` empty
/// rows of 998 columns and then a stray value in column 999 past them, and
/// the million empty rows LibreOffice writes at a sheet's end: two kilobytes
/// whatever `empty_rows` is, which the ODS reader would unpack to
/// `empty_rows` × 999 cells.
pub fn ods_with_stray_value(empty_rows: u32) -> Vec<u8> {
    use std::io::Write;
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">
<table:table-row><table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell></table:table-row>
<table:table-row><table:table-cell office:value-type="string"><text:p>โรงเรียนบ้านโนน</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="ROWS"><table:table-cell table:number-columns-repeated="998"/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="998"/><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16000"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"#;
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("mimetype", stored).unwrap();
        z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        z.start_file("content.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(content.replace("ROWS", &empty_rows.to_string()).as_bytes())
            .unwrap();
        z.start_file(
            "META-INF/manifest.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#)
            .unwrap();
        z.finish().unwrap().into_inner()
    }
}
