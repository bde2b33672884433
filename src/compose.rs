//! From a document to a laid-out letter: parse, check, resolve the agency,
//! prepare the view, then the layout passes ([`crate::passes`]).

use crate::agency::Agencies;
use crate::error::{Error, Problems};
use crate::model::{Document, MAX_DOCUMENT_CHARS, MAX_MARK_RUN, MAX_TEXT_CHARS, MAX_TEXTS};
use crate::render::Engine;
use crate::view::{self, Prepared};

pub use crate::letter::{Letter, PageMark};
pub use crate::passes::{Loose, MAX_GAP_EM, layout, loose_lines, opening_words, table_headers};

/// Parses JSON bytes into a document; a document of the wrong shape gets
/// every problem with its shape at once, each at its field ([`crate::shape`]).
pub fn parse(json: &[u8]) -> Result<Document, Problems> {
    // A byte-order mark, as Windows editors save UTF-8, is not the document.
    let json = json.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(json);
    crate::error::parse_json(json).map_err(|first| crate::shape::every_problem(json, first))
}

/// Checks a document without rendering it. The view's texts are not split
/// into line-break chunks (see [`prepare`]).
pub fn check(engine: &Engine, doc: &Document, agencies: &Agencies) -> Result<Prepared, Problems> {
    let texts = check_texts(engine, doc);
    let agency = agencies.resolve(&doc.agency)?;
    let prepared = view::prepare_unchunked(doc, &agency, None);
    match (texts, prepared) {
        (Ok(()), prepared) => prepared,
        (Err(mut f), Err(p)) => {
            // A text too long is found by both walks: name it once.
            for problem in p.0 {
                if !f.0.contains(&problem) {
                    f.0.push(problem);
                }
            }
            Err(f)
        }
        (Err(f), Ok(_)) => Err(f),
    }
}

/// Every text of `doc` is printable by the engine's fonts, and the document is
/// within the work a render may take: a character none of the fonts has (an
/// emoji pasted from a chat) is a problem at its field, rather than a hole in
/// the letter; so is a text over [`MAX_TEXT_CHARS`], a run of combining marks
/// (typst's line breaker allocates without bound on one), or a document whose
/// texts together pass [`MAX_DOCUMENT_CHARS`] or [`MAX_TEXTS`]. Table cells,
/// enclosures, positions and every other string count alike.
pub fn check_texts(engine: &Engine, doc: &Document) -> Result<(), Problems> {
    let mut p = Problems::default();
    let mut totals = Totals::default();
    crate::texts::each(doc, crate::texts::IMAGE_KEYS, &mut |path, s| {
        check_one_text(path, s, engine, &mut totals, &mut p)
    });
    if totals.chars > MAX_DOCUMENT_CHARS {
        p.push(
            "",
            format!(
                "the document's texts are {} characters together; at most {MAX_DOCUMENT_CHARS} are accepted",
                totals.chars
            ),
        );
    }
    if totals.texts > MAX_TEXTS {
        p.push(
            "",
            format!(
                "the document has {} texts (paragraphs, items, cells, enclosures ...); at most {MAX_TEXTS} are accepted",
                totals.texts
            ),
        );
    }
    p.into_result(())
}

#[derive(Default)]
struct Totals {
    chars: usize,
    texts: usize,
}

/// One text's length, its characters' fonts and its runs of marks, counted
/// into the document's totals.
fn check_one_text(path: &str, s: &str, engine: &Engine, totals: &mut Totals, p: &mut Problems) {
    let n = s.chars().count();
    totals.chars += n;
    totals.texts += 1;
    if n > MAX_TEXT_CHARS {
        p.push(
            path,
            format!("is {n} characters long; at most {MAX_TEXT_CHARS} are accepted"),
        );
    }
    if let Some(c) = s.chars().find(|&c| !engine.covers(c)) {
        p.push(
            path,
            format!(
                "the character {c} (U+{:04X}) is in none of the fonts",
                c as u32
            ),
        );
    }
    if let Some(run) = crate::text::longest_mark_run(s).filter(|&r| r > MAX_MARK_RUN) {
        p.push(
            path,
            format!(
                "has {run} combining marks in a row; at most {MAX_MARK_RUN} may follow a letter"
            ),
        );
    }
}

/// Checks a document and prepares the view its template is compiled from.
pub fn prepare(doc: &Document, agencies: &Agencies) -> Result<Prepared, Problems> {
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
    check_texts(engine, doc)?;
    let agency = agencies.resolve(&doc.agency)?;
    let mut prepared = view::prepare(doc, &agency, reference)?;
    if engine.typesetting() == view::Typesetting::TypstDefaults {
        view::use_typst_defaults(&mut prepared.view);
    }
    layout(engine, prepared)
}
