//! The layout passes: compile the view, read the laid-out lines off typst's
//! frames, and where a page came out as a clerk would not send it, adjust the
//! view and compile again; then draw the page numbers and continuation lines
//! over the pages.
//!
//! A pass finds [`Adjustment`]s:
//! - **loose lines** ([`loose`]): a justified line whose word gaps pass
//!   [`MAX_GAP_EM`]; the words around it may break or stretch on the next pass;
//! - **a lonely signature** ([`carry`]): the signature block on a page with
//!   fewer than two lines of body text above it; the last lines of the page
//!   before are kept with it.
//!
//! A letter of one page is usually laid out once. What the passes cannot
//! justify without holes is set flush left at the end; the page marks
//! ([`marks`]) are drawn last, over the pages as they finally are.

mod carry;
mod loose;
mod marks;

use typst::foundations::Bytes;

use crate::error::Error;
use crate::frames;
use crate::letter::Letter;
use crate::linebreak::Words;
use crate::render::{self, Engine};
use crate::view::{self, Prepared};

pub use loose::{Loose, MAX_GAP_EM, loose_lines};
pub use marks::{opening_words, table_headers};

/// Time after which the passes stop refining a document (see [`layout`]);
/// letters take a few milliseconds.
const LAYOUT_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);

/// At most this many compiles refine a document.
const MAX_PASSES: usize = 5;

/// What a pass found to change in the view before the next compile.
#[derive(Debug)]
enum Adjustment {
    /// Justified lines with holes: the words at them may break or stretch.
    Loosen(Vec<Loose>),
    /// The signature stood with too few body lines: these last lines of the
    /// page before go over with it (carried once: a second carry could chase
    /// the signature down the pages).
    KeepWithSignature(Vec<String>),
}

/// Lays out a prepared view: compiles, adjusts and compiles again until no
/// pass finds anything to adjust (or [`MAX_PASSES`], or [`LAYOUT_BUDGET`]),
/// sets what still cannot be justified flush left, then draws the page marks.
pub fn layout(engine: &Engine, mut prepared: Prepared) -> Result<Letter, Error> {
    prepared.view.font_scale = engine.font_scale(&prepared.view.layout.fonts);
    let assets: Vec<(&'static str, Bytes)> = prepared
        .assets
        .iter()
        .map(|(p, b)| (*p, Bytes::new(b.clone())))
        .collect();
    // A compile, and the lines read off its frames (once: every pass and
    // the page marks read the same lines).
    let compile = |prepared: &Prepared| {
        let (data, body) = prepared
            .view
            .to_json()
            .map_err(|e| Error::Template(format!("view does not serialise: {e}")))?;
        let mut files = assets.clone();
        files.push((view::BODY_PATH, Bytes::new(body)));
        let doc = engine.compile(prepared.template, data, &files)?;
        let lines = frames::lines(&doc);
        Ok::<_, Error>((doc, lines))
    };
    let careful = prepared.view.typesetting == "careful";
    // Lines already loosened: a line loose again stays as it is.
    let mut spots: Vec<Loose> = Vec::new();
    let started = std::time::Instant::now();
    let (mut doc, mut lines) = compile(&prepared)?;
    for pass in 1..MAX_PASSES {
        // A document whose compiles take seconds (a hundred pages of one
        // unbroken run) stops refining after its first adjustment: a compile
        // cannot be cancelled, and the worker is wanted by other letters.
        if pass >= 2 && started.elapsed() > LAYOUT_BUDGET {
            break;
        }
        let mut adjustments = Vec::new();
        if prepared.view.keep_from.is_none()
            && let Some(carried) = carry::signature_carry(&lines, &prepared.view)
        {
            adjustments.push(Adjustment::KeepWithSignature(carried));
        }
        if careful {
            let loose: Vec<Loose> = loose::loose_lines_of(&lines)
                .into_iter()
                .filter(|l| !spots.iter().any(|s| s.line == l.line))
                .collect();
            if !loose.is_empty() {
                adjustments.push(Adjustment::Loosen(loose));
            }
        }
        if adjustments.is_empty() {
            break;
        }
        for adjustment in adjustments {
            adjust(&mut prepared, &mut spots, adjustment);
        }
        (doc, lines) = compile(&prepared)?;
    }
    // A line the passes could not justify without holes is set flush left,
    // never spread: one more compile, the lines otherwise as they were.
    if careful {
        let mut changed = false;
        for l in &loose::loose_lines_of(&lines) {
            changed |= view::ragged_after(&mut prepared.view, &l.line);
        }
        if changed {
            (doc, lines) = compile(&prepared)?;
        }
    }
    let (doc, marks) = marks::draw(engine, doc, &prepared.view, &lines)?;
    render::evict_cache_after(doc.pages().len());
    Ok(Letter {
        doc,
        prepared,
        marks,
    })
}

/// Makes one adjustment to the view.
fn adjust(prepared: &mut Prepared, spots: &mut Vec<Loose>, adjustment: Adjustment) {
    let words = Words::new(Some(&prepared.extra_words));
    match adjustment {
        Adjustment::KeepWithSignature(lines) => {
            view::carry_lines(&mut prepared.view, &words, &lines)
        }
        Adjustment::Loosen(loose) => {
            let squashed: std::cell::RefCell<Option<loose::Squashed>> = Default::default();
            // Only a text holding one of the new loose lines can chunk
            // otherwise now (see `Loose::covers`).
            let touched = |t: &crate::text::Text| {
                let flat = crate::text::squash_with_origin(&t.flat()).0;
                loose.iter().any(|l| l.within(&flat))
            };
            view::rechunk_touched(
                &mut prepared.view,
                &words,
                &touched,
                &|text, start, word| {
                    // The text asked about is the same for all its words.
                    let mut last = squashed.borrow_mut();
                    if !last.as_ref().is_some_and(|l| l.is_of(text)) {
                        *last = Some(loose::Squashed::of(text));
                    }
                    let text = last.as_ref().expect("just made");
                    spots
                        .iter()
                        .chain(&loose)
                        .any(|s| s.covers_in(text, start, word))
                },
            );
            spots.extend(loose);
        }
    }
}

/// A line's text without the list number the template put before it.
pub(crate) fn without_label(line: &str) -> &str {
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
pub(crate) fn is_label(token: &str) -> bool {
    static LETTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(\([ก-ฮ]{1,2}\)|[ก-ฮ]{1,2}\.)$").expect("a valid pattern")
    });
    !token.is_empty()
        && (token
            .chars()
            .all(|c| c.is_ascii_digit() || ('๐'..='๙').contains(&c) || ".)-(•".contains(c))
            || LETTER.is_match(token))
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
