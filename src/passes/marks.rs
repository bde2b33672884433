//! Page numbers and continuation lines: `- ๒ -` at the head of every page of
//! a letter but its first, and at the foot of every page but its last the
//! words the next page opens with (`/๑.๔ ให้หัวหน้า...`), as a clerk writes
//! them.
//!
//! They stand in the margins and take no room from the body, so the letter is
//! laid out without them, and they are drawn over its pages afterwards: laid
//! out as a document of their own (`letter-templates/marks.typ`, one page for
//! each of the letter's, with the letter's type settings) whose pages are laid
//! over the letter's. Drawn inside the letter's own compile they would need
//! typst's introspection (which page am I on, where does the letter end), and
//! with it two or three layout iterations of the whole letter.

use serde::Serialize;
use typst::foundations::Label;
use typst::introspection::Introspector;
use typst::layout::{Frame, FrameItem, Point};
use typst::utils::PicoStr;
use typst_layout::{Page, PagedDocument};

use super::is_label;
use crate::agency::Layout;
use crate::error::Error;
use crate::frames;
use crate::geometry::PAGE;
use crate::letter::PageMark;
use crate::render::Engine;
use crate::thai;
use crate::view::View;

/// At most this many characters of the next page's opening go into a continuation.
const CONTINUATION_CHARS: usize = 24;

/// The label the templates put where the letter ends: a circular's
/// distribution list after it gets neither page numbers nor continuations.
const LETTER_END: &str = "saraban-letter-end";

/// What `marks.typ` reads: the letter's type settings and the marks.
#[derive(Serialize)]
struct MarksView<'a> {
    layout: &'a Layout,
    font_scale: f64,
    typesetting: &'static str,
    secrecy: Option<String>,
    pages: &'a [PageMark],
}

/// Draws each page's number and continuation over `doc`, laid out from
/// `view` (`lines` are its lines, read off its frames); the document and what
/// was drawn. A letter of one page comes back as it was.
pub(super) fn draw(
    engine: &Engine,
    doc: PagedDocument,
    view: &View,
    lines: &[frames::Line],
) -> Result<(PagedDocument, Vec<PageMark>), Error> {
    let marks = page_marks(&doc, view, lines);
    if marks
        .iter()
        .all(|m| m.number.is_none() && m.continuation.is_none())
    {
        return Ok((doc, Vec::new()));
    }
    let data = serde_json::to_vec(&MarksView {
        layout: &view.layout,
        font_scale: view.font_scale,
        typesetting: view.typesetting,
        secrecy: None,
        pages: &marks,
    })
    .map_err(|e| Error::Template(format!("page marks do not serialise: {e}")))?;
    let drawn = engine.compile("marks.typ", data, &[])?;
    if drawn.pages().len() != doc.pages().len() {
        return Err(Error::Template(format!(
            "marks.typ laid out {} pages for a letter of {}",
            drawn.pages().len(),
            doc.pages().len()
        )));
    }
    let pages: Vec<Page> = doc
        .pages()
        .iter()
        .zip(drawn.pages())
        .map(|(page, over)| {
            let mut page = page.clone();
            let mut over = over.frame.clone();
            foreign_refs_out(&mut over);
            // Over the page, as typst draws a page's foreground.
            page.frame.push_frame(Point::zero(), over);
            page
        })
        .collect();
    let info = typst::model::Document::info(&doc).clone();
    Ok((PagedDocument::new(pages.into_iter().collect(), info), marks))
}

/// The marks of every page of `doc`: numbers and continuations up to the
/// page where the letter ends.
fn page_marks(doc: &PagedDocument, view: &View, lines: &[frames::Line]) -> Vec<PageMark> {
    let pages = doc.pages().len();
    if pages < 2 {
        return Vec::new();
    }
    let last = letter_end(doc).unwrap_or(pages);
    let next = continuations_of(doc, lines, &table_headers(view));
    (1..=pages)
        .map(|p| PageMark {
            number: (p > 1 && p <= last)
                .then(|| format!("- {} -", thai::number(p as i64, view.digits))),
            continuation: next
                .get(p - 1)
                .filter(|c| p < last && !c.is_empty())
                .cloned(),
        })
        .collect()
}

/// The page (1-based) where the template's `<saraban-letter-end>` stands.
fn letter_end(doc: &PagedDocument) -> Option<usize> {
    let introspector = doc.introspector();
    let end = introspector
        .query_label(Label::new(PicoStr::intern(LETTER_END))?)
        .ok()?;
    let location = end.location()?;
    introspector.page(location).map(|p| p.get())
}

/// The marks' document has element locations of its own: its tags and its
/// groups' logical parents go, so that the letter's structure (and the tagged
/// PDF made from it) knows nothing of them. Page numbers and continuation
/// lines are pagination, not the letter's text.
fn foreign_refs_out(frame: &mut Frame) {
    frame.retain(|item| match item {
        FrameItem::Tag(_) => false,
        FrameItem::Group(group) => {
            group.parent = None;
            foreign_refs_out(&mut group.frame);
            true
        }
        _ => true,
    });
}

/// The header labels of every table in the view.
pub fn table_headers(view: &crate::view::View) -> Vec<String> {
    view.body
        .iter()
        .filter_map(|b| match b {
            crate::view::ViewBlock::Table { headers, .. } => Some(headers.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

/// For every page but the last, the opening words of the next page's body
/// (under a repeated table header), from the lines read off its frames.
fn continuations_of(
    doc: &PagedDocument,
    lines: &[frames::Line],
    headers: &[String],
) -> Vec<String> {
    let pages = doc.pages().len();
    if pages < 2 {
        return Vec::new();
    }
    // A table's header row repeats at the top of a page; the continuation names
    // what follows it.
    let header_words: Vec<&str> = headers.iter().flat_map(|h| h.split_whitespace()).collect();
    let repeated_header = |l: &frames::Line| {
        !header_words.is_empty() && l.text.split_whitespace().all(|w| header_words.contains(&w))
    };
    (1..pages)
        .map(|next| {
            let height = doc.pages()[next].frame.height().to_pt();
            lines
                .iter()
                .filter(|l| !repeated_header(l))
                .find(|l| l.page == next && l.y > PAGE.top() && l.y < height - PAGE.bottom())
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
    let labelled = is_label(first);
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
                if !out.is_empty()
                    && out.chars().count() + s[w.clone()].chars().count() > CONTINUATION_CHARS / 2
                {
                    return out;
                }
                out.push_str(&s[run.start + w.start..run.start + w.end]);
            }
            at = run.end;
        }
        if out.is_empty() {
            s.chars().take(CONTINUATION_CHARS / 2).collect()
        } else {
            out
        }
    };
    // A list number, or an abbreviation (`พ.ศ.`, whose dot would run into the
    // three of the continuation), takes the word after it along.
    if first == "ข้อ" {
        // A clause: `ข้อ ๓ ให้`.
        let mut rest = parts.clone();
        if let (Some(n), next) = (rest.next(), rest.next())
            && is_label(n)
        {
            return match next {
                Some(next) => format!("ข้อ {n} {}", word(next)),
                None => format!("ข้อ {n}"),
            };
        }
    }
    if labelled || first.ends_with('.') {
        match parts.next() {
            Some(next) => format!("{first} {}", word(next)),
            None => first.to_string(),
        }
    } else {
        word(first)
    }
}
