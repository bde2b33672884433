//! A text value as templates receive it: a plain string, or segments where some
//! words must not be broken across lines (see [`crate::linebreak`]).

use serde::Serialize;

/// A piece of user text, still data: templates print it, never evaluate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Text {
    /// Breakable anywhere the line breaker allows.
    Plain(String),
    /// Runs of free text and unbreakable words, in order.
    Segments(Vec<Segment>),
}

/// One run of a segmented text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Segment {
    /// Free text.
    Free(String),
    /// A word or phrase kept on one line.
    Keep {
        /// The text.
        k: String,
    },
    /// A phrase held together by no-break spaces, which stretch as a line is
    /// justified (a date, a reference); the template puts them in.
    Tie {
        /// The text, with its ordinary spaces.
        t: String,
    },
    /// The end of a line that could not be justified without holes: the
    /// template ends it there, flush left (`br` is always true).
    Ragged {
        /// Always true: the mark the template looks for.
        br: bool,
    },
}

impl Text {
    /// A plain text, trimmed of surrounding white space.
    pub fn plain(s: &str) -> Text {
        // A tab typed between words is a space (typst would drop it and glue
        // the words together).
        Text::Plain(s.trim().replace('\t', " "))
    }

    /// The text as one string.
    pub fn flat(&self) -> String {
        match self {
            Text::Plain(s) => s.clone(),
            Text::Segments(segs) => segs
                .iter()
                .map(|s| match s {
                    Segment::Free(t) => t.as_str(),
                    Segment::Keep { k } => k.as_str(),
                    Segment::Tie { t } => t.as_str(),
                    Segment::Ragged { .. } => "",
                })
                .collect(),
        }
    }

    /// The text with its line ended, flush left, at byte `at` of [`Text::flat`]
    /// (a boundary between characters): the rest goes on the next line.
    pub fn ragged_at(&self, at: usize) -> Text {
        let segs = match self {
            Text::Plain(s) => vec![Segment::Free(s.clone())],
            Text::Segments(segs) => segs.clone(),
        };
        let mut out = Vec::with_capacity(segs.len() + 2);
        let mut pos = 0;
        let mut placed = false;
        for seg in segs {
            let len = match &seg {
                Segment::Free(t) | Segment::Tie { t } => t.len(),
                Segment::Keep { k } => k.len(),
                Segment::Ragged { .. } => 0,
            };
            if !placed && at <= pos {
                out.push(Segment::Ragged { br: true });
                placed = true;
            }
            if !placed && at < pos + len {
                // Inside a piece (a space of free text): cut it there.
                let text = match &seg {
                    Segment::Free(t) | Segment::Tie { t } => t.clone(),
                    Segment::Keep { k } => k.clone(),
                    Segment::Ragged { .. } => String::new(),
                };
                let cut = at - pos;
                if text.is_char_boundary(cut) {
                    out.push(Segment::Free(text[..cut].to_string()));
                    out.push(Segment::Ragged { br: true });
                    out.push(Segment::Free(text[cut..].to_string()));
                    placed = true;
                    pos += len;
                    continue;
                }
            }
            out.push(seg);
            pos += len;
        }
        if !placed {
            out.push(Segment::Ragged { br: true });
        }
        Text::Segments(out)
    }
}

/// What follows `word` at the start of `text` when a space separates them
/// (`ที่ ขก ๐๐๑๗.๕/๑` → `ขก ๐๐๑๗.๕/๑`); None when `text` does not open with
/// that word (`ที่ดิน` does not open with `ที่`).
pub fn after_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let rest = text.trim_start().strip_prefix(word)?;
    rest.starts_with(char::is_whitespace)
        .then(|| rest.trim_start())
}

/// `text` without white space, and for each byte of the result the byte offset
/// in `text` it came from: for finding laid-out lines (whose spaces differ) in
/// the texts they came from.
pub fn squash_with_origin(text: &str) -> (String, Vec<usize>) {
    let mut squashed = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            squashed.push(c);
            origin.extend(std::iter::repeat_n(i, c.len_utf8()));
        }
    }
    (squashed, origin)
}

/// The longest run of combining marks (Unicode category M) in `s`, if it has any.
pub fn longest_mark_run(s: &str) -> Option<usize> {
    static MARKS: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\p{M}+").expect("a valid pattern"));
    MARKS.find_iter(s).map(|m| m.as_str().chars().count()).max()
}
