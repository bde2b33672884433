//! From a document to a laid-out letter: parse, resolve the agency, prepare the
//! view, compile, then a second pass that writes each page's continuation line
//! (`/first words...`) from what the next page really starts with.

use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use crate::agency::Agencies;
use crate::error::{Error, Problems};
use crate::frames;
use crate::linebreak::Words;
use crate::model::{Document, MAX_DOCUMENT_CHARS, MAX_MARK_RUN, MAX_TEXT_CHARS, MAX_TEXTS};
use crate::render::{self, Engine};
use crate::view::{self, Prepared};

/// Where body text starts on every page, pt from the top edge (2.5 cm).
const BODY_TOP_PT: f64 = 2.5 / 2.54 * 72.0;
/// Where body text ends, pt from the bottom edge (2 cm).
const BODY_BOTTOM_PT: f64 = 2.0 / 2.54 * 72.0;
/// The left margin, pt from the paper's left edge (3 cm).
const LEFT_EDGE_PT: f64 = 3.0 / 2.54 * 72.0;
/// The right margin, pt from the paper's left edge (19 cm).
const RIGHT_EDGE_PT: f64 = 19.0 / 2.54 * 72.0;
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

    /// The PDF, to the agency's PDF standard if it has one.
    pub fn pdf(&self) -> Result<Vec<u8>, Error> {
        self.pdf_as(None)
    }

    /// The PDF to `standard`, or else to the agency's.
    /// A signing agency's letters come signed.
    pub fn pdf_as(&self, standard: Option<crate::PdfStandard>) -> Result<Vec<u8>, Error> {
        let pdf = render::to_pdf_as(&self.doc, standard.or(self.prepared.view.pdf_standard))?;
        match &self.prepared.view.signer {
            Some(signer) => signer
                .sign(
                    &pdf,
                    &self.doc,
                    &self.prepared.view.signatory.name,
                    self.prepared.view.layout.line_pitch_pt,
                )
                .map_err(Error::Signing),
            None => Ok(pdf),
        }
    }

    /// Page `index` (0-based) as a PNG at `dpi`.
    pub fn png(&self, index: usize, dpi: f32) -> Result<Vec<u8>, Error> {
        render::to_png(&self.doc, index, dpi)
    }
}

/// Parses JSON bytes into a document; a document of the wrong shape gets
/// every problem with its shape at once, each at its field ([`crate::shape`]).
pub fn parse(json: &[u8]) -> Result<Document, Problems> {
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
    crate::texts::each(doc, IMAGE_KEYS, &mut |path, s| {
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

/// Keys whose strings are images (base64), not text.
const IMAGE_KEYS: &[&str] = &["emblem", "signature_image"];

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

/// Compiles a prepared view, repeating until every continuation line matches the
/// page after it (two compiles for a letter of several pages, one otherwise).
pub fn layout(engine: &Engine, mut prepared: Prepared) -> Result<Letter, Error> {
    prepared.view.font_scale = engine.font_scale(&prepared.view.layout.fonts);
    let assets: Vec<(&'static str, Bytes)> = prepared
        .assets
        .iter()
        .map(|(p, b)| (*p, Bytes::new(b.clone())))
        .collect();
    let mut doc = None;
    // Lines that could only be justified with holes; the words at them may
    // break or stretch on the next pass.
    let mut spots: Vec<Loose> = Vec::new();
    let started = std::time::Instant::now();
    for pass in 1..=5 {
        let data = serde_json::to_vec(&prepared.view)
            .map_err(|e| Error::Template(format!("view does not serialise: {e}")))?;
        let compiled = engine.compile(prepared.template, data, &assets)?;
        let careful = prepared.view.typesetting == "careful";
        let lines = frames::lines(&compiled);
        let loose: Vec<Loose> = loose_lines_of(&lines)
            .into_iter()
            .filter(|_| careful)
            .filter(|l| !spots.iter().any(|s| s.line == l.line))
            .collect();
        let wanted = continuations_of(&compiled, &lines, &table_headers(&prepared.view));
        // Carried once: a second carry could chase the signature down the pages.
        let carry = if prepared.view.keep_from.is_none() {
            signature_carry(&lines, &prepared.view)
        } else {
            None
        };
        let multipage = compiled.pages().len() > 1;
        let settled = loose.is_empty()
            && carry.is_none()
            && wanted == prepared.view.continuations
            && multipage == prepared.view.multipage;
        doc = Some(compiled);
        // A document whose compiles take seconds (a hundred pages of one
        // unbroken run) stops refining after its continuation pass: a compile
        // cannot be cancelled, and the worker is wanted by other letters.
        if settled || (pass >= 2 && started.elapsed() > LAYOUT_BUDGET) {
            break;
        }
        if let Some(carried) = carry {
            let words = Words::new(Some(&prepared.extra_words));
            view::carry_lines(&mut prepared.view, &words, &carried);
        }
        if !loose.is_empty() {
            spots.extend(loose);
            let words = Words::new(Some(&prepared.extra_words));
            view::chunk_texts(&mut prepared.view, &words, &|text, start, word| {
                spots.iter().any(|s| s.covers(text, start, word))
            });
        }
        prepared.view.continuations = wanted;
        prepared.view.multipage = multipage;
    }
    let mut doc = doc.expect("the loop compiles at least once");
    // A line the passes could not justify without holes is set flush left,
    // never spread: one more compile, the lines otherwise as they were.
    if prepared.view.typesetting == "careful" {
        let stubborn = loose_lines_of(&frames::lines(&doc));
        let mut changed = false;
        for l in &stubborn {
            changed |= view::ragged_after(&mut prepared.view, &l.line);
        }
        if changed {
            let data = serde_json::to_vec(&prepared.view)
                .map_err(|e| Error::Template(format!("view does not serialise: {e}")))?;
            doc = engine.compile(prepared.template, data, &assets)?;
        }
    }
    render::evict_cache_after(doc.pages().len());
    Ok(Letter { doc, prepared })
}

/// Time after which the layout passes stop refining a document (see
/// [`layout`]); letters take a few milliseconds.
const LAYOUT_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// Widest word gap allowed on a justified line, in em.
pub const MAX_GAP_EM: f64 = 0.5;

/// A justified line whose word gaps exceed [`MAX_GAP_EM`], and the start of the
/// line after it.
#[derive(Debug, Clone)]
pub struct Loose {
    /// The loose line's text, without a list number.
    pub line: String,
    /// The next line's text (what did not fit).
    pub next: String,
}

impl Loose {
    /// True for a word at byte `start` of `text` on the line after this one
    /// (the first did not fit, and typst prefers one hopeless line to
    /// breaking the ones after it), or for a kept pair on this line (its box
    /// cannot stretch) or on the next (a long one, a date say, that did not
    /// fit after the words before it).
    pub fn covers(&self, text: &str, start: usize, word: &str) -> bool {
        let line: String = self.line.chars().filter(|c| !c.is_whitespace()).collect();
        if line.is_empty() {
            return false;
        }
        let next_len = self
            .next
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(char::len_utf8)
            .sum::<usize>();
        let (squashed, origin) = crate::text::squash_with_origin(text);
        let mut from = 0;
        while let Some(found) = squashed[from..].find(&line) {
            let s = from + found;
            let e = s + line.len();
            let at = |i: usize| origin.get(i).copied().unwrap_or(text.len());
            let (line_start, line_end) = (origin[s], at(e));
            let next = line_end + (text[line_end..].len() - text[line_end..].trim_start().len());
            let next_end = at(e + next_len);
            let pair_near = word.contains(' ') && (line_start..next_end).contains(&start);
            // Any compound of the next line may open: typst sets one hopeless
            // line (`๓.๔ ให้` and a hole) rather than two poor ones when the
            // words after it are long compounds it cannot break.
            if (next..next_end.max(next + 1)).contains(&start) || pair_near {
                return true;
            }
            from = s + 1;
            while !squashed.is_char_boundary(from) {
                from += 1;
            }
        }
        false
    }
}

/// Lines of body text the Regulation wants with the closing and signature.
const LINES_WITH_SIGNATURE: usize = 2;

/// When the signature block (the closing or date line, the signature, the
/// contact block) stands on a page with fewer than [`LINES_WITH_SIGNATURE`]
/// lines of body text above it, the last body lines of the page before, in
/// order, which the next pass carries over.
fn signature_carry(lines: &[frames::Line], view: &crate::view::View) -> Option<Vec<String>> {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let page_bottom = 29.7 / 2.54 * 72.0 - BODY_BOTTOM_PT;
    let body = |l: &frames::Line| l.y > BODY_TOP_PT && l.y < page_bottom;
    // The signatory's name, or on an unsigned form the agency's name that
    // ends it (a stamped letter's with the initials after it).
    let unsigned = view.signatory.name.trim().is_empty();
    let name = if unsigned {
        squash(&view.agency_name)
    } else {
        squash(&format!("({})", view.signatory.name))
    };
    let at = lines.iter().rposition(|l| {
        body(l)
            && if unsigned {
                squash(&l.text).starts_with(&name)
            } else {
                // (Beside a second signatory's name, when the two sign side by side.)
                squash(&l.text).contains(&name)
            }
    })?;
    let page = lines[at].page;
    if page == 0 {
        return None;
    }
    // The block opens with the closing or date line, three lines of
    // signature space above the name, when there is one.
    let pitch = view.layout.line_pitch_pt;
    let above: Vec<&frames::Line> = lines[..at]
        .iter()
        .filter(|l| l.page == page && body(l))
        .collect();
    let opening = above
        .last()
        .filter(|l| lines[at].y - l.y > 2.5 * pitch)
        .map(|l| l.y)
        .unwrap_or(lines[at].y);
    let with = above.iter().filter(|l| l.y < opening - 1.0).count();
    if with >= LINES_WITH_SIGNATURE {
        return None;
    }
    let before: Vec<&frames::Line> = lines
        .iter()
        .filter(|l| l.page + 1 == page && body(l))
        .collect();
    // A line that opens a paragraph is indented; one that goes on is full
    // to the right margin.
    let opens = |l: &frames::Line| l.x0 > LEFT_EDGE_PT + 1.0;
    let full = |l: &frames::Line| (l.x1 - RIGHT_EDGE_PT).abs() < 1.0;
    let mut n = (LINES_WITH_SIGNATURE - with).min(before.len());
    // Never one line of a paragraph alone on the signature's page (a widow)
    // nor at the foot of the page before (an orphan): take one more.
    for _ in 0..2 {
        let Some(first) = before.len().checked_sub(n) else {
            break;
        };
        if n == 0 || first == 0 || opens(before[first]) || !full(before[first - 1]) {
            break;
        }
        let own = before[first..].iter().take_while(|l| full(l)).count() + 1;
        if own == 1 || opens(before[first - 1]) {
            n = (n + 1).min(before.len());
        } else {
            break;
        }
    }
    (n > 0).then(|| {
        before[before.len() - n..]
            .iter()
            .map(|l| without_label(l.text.trim()).to_string())
            .collect()
    })
}

/// Every justified line whose word gaps exceed [`MAX_GAP_EM`].
pub fn loose_lines(doc: &PagedDocument) -> Vec<Loose> {
    loose_lines_of(&frames::lines(doc))
}

/// [`loose_lines`] among lines already read off the frames.
fn loose_lines_of(lines: &[frames::Line]) -> Vec<Loose> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| (l.x1 - RIGHT_EDGE_PT).abs() < 1.0)
        .filter(|(_, l)| frames::word_gaps_em(l).into_iter().any(|g| g > MAX_GAP_EM))
        .map(|(i, l)| Loose {
            line: without_label(l.text.trim()).replace('\u{00A0}', " "),
            next: lines
                .get(i + 1)
                .map(|n| without_label(n.text.trim()).replace('\u{00A0}', " "))
                .unwrap_or_default(),
        })
        .filter(|l| !l.line.trim().is_empty())
        .collect()
}

/// A line's text without the list number the template put before it.
fn without_label(line: &str) -> &str {
    match line.split_once(' ') {
        Some((first, rest)) if is_label(first) => rest,
        Some(("ข้อ", rest)) => match rest.split_once(' ') {
            Some((n, rest)) if is_label(n) => rest,
            _ => line,
        },
        _ => line,
    }
}

/// True for a token the templates print as a list number: `๑.`, `๑.๒`,
/// `(๓)`, `๔)`, `-`, `•`, `ก.`, `(ข)`.
fn is_label(token: &str) -> bool {
    static LETTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\([ก-ฮ]{1,2}\)|[ก-ฮ]{1,2}\.)$").expect("a valid pattern")
    });
    !token.is_empty()
        && (token
            .chars()
            .all(|c| c.is_ascii_digit() || ('๐'..='๙').contains(&c) || ".)-(•".contains(c))
            || LETTER.is_match(token))
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
/// (under a repeated table header).
pub fn continuations(doc: &PagedDocument, headers: &[String]) -> Vec<String> {
    continuations_of(doc, &frames::lines(doc), headers)
}

/// [`continuations`] from lines already read off the frames.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_words_take_number_and_word() {
        assert_eq!(
            opening_words("๑.๔ ให้หัวหน้าหน่วยงานและคณะกรรมการ"),
            "๑.๔ ให้หัวหน้า"
        );
        assert_eq!(opening_words("ความถูกต้อง เสมอภาค และเป็นธรรม"), "ความถูกต้อง");
        assert_eq!(opening_words("พ.ศ. ๒๕๔๘ มาตรา ๔ (๒)"), "พ.ศ. ๒๕๔๘");
        assert_eq!(opening_words("ข้อ ๑๒ ให้ผู้อำนวยการ"), "ข้อ ๑๒ ให้");
        assert_eq!(opening_words("(ก) การจัดซื้อจัดจ้าง"), "(ก) การ");
    }

    #[test]
    fn labels_are_left_off_lines() {
        assert_eq!(without_label("ข้อ ๓ ให้ยกเลิก"), "ให้ยกเลิก");
        assert_eq!(without_label("(ข) ผู้ว่า"), "ผู้ว่า");
        assert_eq!(without_label("• ผู้ว่า"), "ผู้ว่า");
        assert_eq!(without_label("ก.พ. กำหนด"), "ก.พ. กำหนด");
        assert_eq!(without_label("ข้อความ ที่"), "ข้อความ ที่");
    }
}
