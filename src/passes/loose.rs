//! Loose lines: a justified line whose word gaps came out wider than
//! [`MAX_GAP_EM`], and the words near it that the next pass may break or
//! stretch.

use typst_layout::PagedDocument;

use super::without_label;
use crate::frames;
use crate::geometry::PAGE;

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
    /// True when `squashed` (a text without white space) holds this line:
    /// only then may [`Loose::covers`] be true of a word of it.
    pub fn within(&self, squashed: &str) -> bool {
        let line: String = self.line.chars().filter(|c| !c.is_whitespace()).collect();
        !line.is_empty() && squashed.contains(&line)
    }

    /// True for a word at byte `start` of `text` on the line after this one
    /// (the first did not fit, and typst prefers one hopeless line to
    /// breaking the ones after it), or for a kept pair on this line (its box
    /// cannot stretch) or on the next (a long one, a date say, that did not
    /// fit after the words before it).
    pub fn covers(&self, text: &str, start: usize, word: &str) -> bool {
        self.covers_in(&Squashed::of(text), start, word)
    }

    /// [`Loose::covers`] on a text already squashed (the dictionary pass asks
    /// for every word of a text, and squashing the text each time was most
    /// of a long document's loose-line pass).
    pub fn covers_in(&self, squashed: &Squashed, start: usize, word: &str) -> bool {
        let Squashed {
            text,
            squashed,
            origin,
        } = squashed;
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

/// A text, and the same without its white space, each byte of which knows
/// where it came from.
pub struct Squashed {
    text: String,
    squashed: String,
    origin: Vec<usize>,
}

impl Squashed {
    /// `text`, squashed.
    pub fn of(text: &str) -> Squashed {
        let (squashed, origin) = crate::text::squash_with_origin(text);
        Squashed {
            text: text.to_string(),
            squashed,
            origin,
        }
    }

    /// True when this is `text` squashed.
    pub fn is_of(&self, text: &str) -> bool {
        self.text == text
    }
}

/// Every justified line whose word gaps exceed [`MAX_GAP_EM`].
pub fn loose_lines(doc: &PagedDocument) -> Vec<Loose> {
    loose_lines_of(&frames::lines(doc))
}

/// [`loose_lines`] among lines already read off the frames.
pub(super) fn loose_lines_of(lines: &[frames::Line]) -> Vec<Loose> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| (l.x1 - PAGE.text_right()).abs() < 1.0)
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
