//! The PDF's text as every viewer reads it: pdf.js (Firefox, the web document
//! systems agencies use; ToUnicode maps only, no /ActualText), poppler
//! (`pdftotext`: Chrome and Acrobat read /ActualText as it does) and MuPDF
//! (`mutool`). Each must give back the letter's text, and pdf.js's must find
//! the letter's words. `.ci/run` installs node's pdf.js (`npm ci --prefix
//! tests/pdfjs`), poppler-utils and mupdf-tools.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Least similarity of an extracted text to the letter's, white space aside.
const MIN_SIMILARITY: f64 = 0.995;

/// A directory of its own for this test's files.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("saraban-text-layer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} is needed by this test (.ci/run installs it): {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// pdf.js's text of each PDF, in one node process.
fn pdfjs(pdfs: &[PathBuf]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pdfjs/text.mjs");
    let out = run(
        Command::new("node").arg(script).args(pdfs),
        "node with tests/pdfjs",
    );
    let texts: Vec<String> = out.split("\0\n").map(str::to_string).collect();
    assert_eq!(texts.len(), pdfs.len() + 1, "one text per PDF");
    texts[..pdfs.len()].to_vec()
}

fn poppler(pdf: &Path) -> String {
    run(
        Command::new("pdftotext")
            .args(["-raw", "-enc", "UTF-8"])
            .arg(pdf)
            .arg("-"),
        "pdftotext",
    )
}

fn mupdf(pdf: &Path) -> String {
    run(
        Command::new("mutool")
            .args(["draw", "-q", "-F", "txt", "-o", "-"])
            .arg(pdf),
        "mutool (mupdf-tools)",
    )
}

/// Character-level similarity of two texts: 2 × matches / total (difflib's ratio).
fn similarity(a: &str, b: &str) -> f64 {
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_chars(a, b)
        .ratio()
        .into()
}

/// The text without white space or the characters readers drop or add
/// (the form feed between pages).
fn plain(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

/// The letter's text in the order the PDF carries it (frame by frame, as
/// typst laid it out): a table's cells one after the other, not line by line
/// across its columns.
fn stream_text(letter: &saraban::Letter) -> String {
    letter
        .doc
        .pages()
        .iter()
        .flat_map(|p| saraban::frames::runs(&p.frame))
        .map(|r| r.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Ten words of the letter to search for: its longest distinct Thai runs
/// between spaces, as a clerk would type them into a viewer's find box.
fn ten_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().all(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c)))
        .map(str::to_string)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words.dedup();
    words.truncate(10);
    words
}

#[test]
fn every_viewer_reads_the_letters_text() {
    let dir = scratch();
    let mut names = Vec::new();
    let mut pdfs = Vec::new();
    let mut texts = Vec::new();
    let mut line_texts = Vec::new();
    for file in example_files().into_iter().chain(letter_files()) {
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let letter = render_json(&std::fs::read(&file).unwrap());
        // As PDF/A-2u too: its every glyph mapped (krilla maps a cluster's
        // glyphs otherwise), its text must read the same.
        for standard in [None, Some(saraban::PdfStandard::A2u)] {
            let suffix = standard.map_or(String::new(), |s| format!(" ({s})"));
            let pdf = dir.join(format!("{name}{suffix}.pdf"));
            std::fs::write(&pdf, letter.pdf_as(standard).unwrap()).unwrap();
            texts.push(stream_text(&letter));
            line_texts.push(text(&letter));
            names.push(format!("{name}{suffix}"));
            pdfs.push(pdf);
        }
    }
    let js = pdfjs(&pdfs);
    let mut report = Vec::new();
    let mut least = [1.0f64; 3];
    for (i, name) in names.iter().enumerate() {
        // Readers give the text in the PDF's order (pdf.js, MuPDF) or in
        // lines down the page (poppler): either is the letter's text.
        let (stream, by_lines) = (plain(&texts[i]), plain(&line_texts[i]));
        let read = [
            ("pdf.js", js[i].clone()),
            ("poppler", poppler(&pdfs[i])),
            ("MuPDF", mupdf(&pdfs[i])),
        ];
        for (k, (reader, got)) in read.into_iter().enumerate() {
            let got = plain(&got);
            let ratio = similarity(&stream, &got).max(similarity(&by_lines, &got));
            least[k] = least[k].min(ratio);
            if ratio < MIN_SIMILARITY {
                report.push(format!("{name}: {reader} {ratio:.4}"));
            }
        }
        let found = plain(&js[i]);
        for word in ten_words(&texts[i]) {
            if !found.contains(&word) {
                report.push(format!("{name}: pdf.js's text has no '{word}'"));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{} letters; least similarity: pdf.js {:.4}, poppler {:.4}, MuPDF {:.4}",
        names.len(),
        least[0],
        least[1],
        least[2]
    );
    assert!(report.is_empty(), "{}", report.join("\n"));
}
