//! From a document to a laid-out letter: parse, resolve the agency, prepare the
//! view, compile, then a second pass that writes each page's continuation line
//! (`/first words...`) from what the next page really starts with.

use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use crate::agency::Agencies;
use crate::error::{Error, Problems};
use crate::frames;
use crate::model::Document;
use crate::render::{self, Engine};
use crate::view::{self, Prepared};

/// Where body text starts on every page, pt from the top edge (2.5 cm).
const BODY_TOP_PT: f64 = 2.5 / 2.54 * 72.0;
/// Where body text ends, pt from the bottom edge (2 cm).
const BODY_BOTTOM_PT: f64 = 2.0 / 2.54 * 72.0;
/// At most this many characters of the next page's opening go into a continuation.
const CONTINUATION_CHARS: usize = 24;

/// A laid-out letter.
pub struct Letter {
    /// The typst document, pages and frames.
    pub doc: PagedDocument,
    /// The view it was compiled from.
    pub prepared: Prepared,
}

impl Letter {
    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The PDF.
    pub fn pdf(&self) -> Result<Vec<u8>, Error> {
        render::to_pdf(&self.doc)
    }

    /// Page `index` (0-based) as a PNG at `dpi`.
    pub fn png(&self, index: usize, dpi: f32) -> Result<Vec<u8>, Error> {
        render::to_png(&self.doc, index, dpi)
    }
}

/// Parses JSON bytes into a document, naming the field of any problem.
pub fn parse(json: &[u8]) -> Result<Document, Problems> {
    crate::error::parse_json(json)
}

/// Checks a document without rendering it.
pub fn check(doc: &Document, agencies: &Agencies) -> Result<Prepared, Problems> {
    let agency = agencies.resolve(&doc.agency)?;
    view::prepare(doc, &agency, None)
}

/// Lays out a document. `reference` replaces the document's reference (the
/// register's allocation for `"auto"`).
pub fn compose(
    engine: &Engine,
    agencies: &Agencies,
    doc: &Document,
    reference: Option<&str>,
) -> Result<Letter, Error> {
    let agency = agencies.resolve(&doc.agency)?;
    let prepared = view::prepare(doc, &agency, reference)?;
    layout(engine, prepared)
}

/// Compiles a prepared view, repeating until every continuation line matches the
/// page after it (two compiles for a letter of several pages, one otherwise).
pub fn layout(engine: &Engine, mut prepared: Prepared) -> Result<Letter, Error> {
    let assets: Vec<(&'static str, Bytes)> = prepared
        .assets
        .iter()
        .map(|(p, b)| (*p, Bytes::new(b.clone())))
        .collect();
    let mut doc = None;
    for _ in 0..4 {
        let data = serde_json::to_vec(&prepared.view)
            .map_err(|e| Error::Template(format!("view does not serialise: {e}")))?;
        let compiled = engine.compile(prepared.template, data, &assets)?;
        let wanted = continuations(&compiled);
        let settled = wanted == prepared.view.continuations;
        doc = Some(compiled);
        if settled {
            break;
        }
        prepared.view.continuations = wanted;
    }
    render::evict_cache();
    Ok(Letter {
        doc: doc.expect("the loop compiles at least once"),
        prepared,
    })
}

/// For every page but the last, the opening words of the next page's body.
pub fn continuations(doc: &PagedDocument) -> Vec<String> {
    let pages = doc.pages().len();
    if pages < 2 {
        return Vec::new();
    }
    let lines = frames::lines(doc);
    (1..pages)
        .map(|next| {
            let height = doc.pages()[next].frame.height().to_pt();
            lines
                .iter()
                .find(|l| l.page == next && l.y > BODY_TOP_PT && l.y < height - BODY_BOTTOM_PT)
                .map(|l| opening_words(&l.text))
                .unwrap_or_default()
        })
        .collect()
}

/// The first word or words of a line, as a clerk writes them after `/`: a list
/// number with the word after it (`๑.๔ ให้หัวหน้า`), or the first word
/// (`ความถูกต้อง`), cut at a word boundary.
pub fn opening_words(line: &str) -> String {
    let line = line.trim();
    let mut parts = line.split(' ').filter(|s| !s.is_empty());
    let Some(first) = parts.next() else {
        return String::new();
    };
    let is_label = first
        .chars()
        .all(|c| c.is_ascii_digit() || ('๐'..='๙').contains(&c) || ".)-(".contains(c));
    let word = |s: &str| -> String {
        if s.chars().count() <= CONTINUATION_CHARS / 2 {
            return s.to_string();
        }
        // A long Thai run: its first dictionary words up to a dozen characters.
        let words = crate::linebreak::Words::new(None);
        let mut out = String::new();
        let mut at = 0;
        for run in crate::linebreak::thai_runs(s) {
            if run.start != at {
                break;
            }
            for w in words.segment(&s[run.clone()]) {
                if !out.is_empty() && out.chars().count() + s[w.clone()].chars().count() > CONTINUATION_CHARS / 2 {
                    return out;
                }
                out.push_str(&s[run.start + w.start..run.start + w.end]);
            }
            at = run.end;
        }
        if out.is_empty() { s.chars().take(CONTINUATION_CHARS / 2).collect() } else { out }
    };
    if is_label {
        match parts.next() {
            Some(next) => format!("{first} {}", word(next)),
            None => first.to_string(),
        }
    } else {
        word(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_words_take_number_and_word() {
        assert_eq!(opening_words("๑.๔ ให้หัวหน้าหน่วยงานและคณะกรรมการ"), "๑.๔ ให้หัวหน้า");
        assert_eq!(opening_words("ความถูกต้อง เสมอภาค และเป็นธรรม"), "ความถูกต้อง");
    }
}
