//! A text value as templates receive it: a plain string, or segments where some
//! words must not be broken across lines (see [`crate::linebreak`]).

use serde::Serialize;

/// A piece of user text, still data: templates print it, never evaluate it.
/// It serialises as a string, an array of segments, or, when a segment is
/// emphasised or glued, `{"runs": [segments]}`: the template then takes the
/// emphasised path without asking every segment first (a closure call each
/// in typst's interpreter, a few per cent of a long document's compile).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Free text in bold or underlined, or glued to the run before it (no
    /// break between them: an emphasis that starts inside a word).
    Run {
        /// The text.
        f: String,
        /// Its emphasis.
        #[serde(skip_serializing_if = "Style::is_plain")]
        s: Style,
        /// No line break before it.
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        g: bool,
    },
    /// A word or phrase kept on one line.
    Keep {
        /// The text.
        k: String,
        /// Its emphasis.
        #[serde(skip_serializing_if = "Style::is_plain")]
        s: Style,
    },
    /// A phrase held together by no-break spaces, which stretch as a line is
    /// justified (a date, a reference); the template puts them in.
    Tie {
        /// The text, with its ordinary spaces.
        t: String,
        /// Its emphasis.
        #[serde(skip_serializing_if = "Style::is_plain")]
        s: Style,
    },
    /// The end of a line that could not be justified without holes: the
    /// template ends it there, flush left (`br` is always true).
    Ragged {
        /// Always true: the mark the template looks for.
        br: bool,
    },
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Text::Plain(p) => s.serialize_str(p),
            Text::Segments(v) if v.iter().any(Segment::is_set_apart) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("runs", v)?;
                m.end()
            }
            Text::Segments(v) => v.serialize(s),
        }
    }
}

impl Segment {
    /// True for a segment the template sets apart: emphasised, or glued to
    /// the one before.
    fn is_set_apart(&self) -> bool {
        match self {
            Segment::Run { s, g, .. } => !s.is_plain() || *g,
            Segment::Keep { s, .. } | Segment::Tie { s, .. } => !s.is_plain(),
            Segment::Free(_) | Segment::Ragged { .. } => false,
        }
    }
}

/// Emphasis of a run of text: bold, underlined, both or neither. Written
/// for templates as `""`, `"b"`, `"u"` or `"bu"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Bold.
    pub bold: bool,
    /// Underlined.
    pub underline: bool,
}

impl Style {
    /// Neither bold nor underlined.
    pub const PLAIN: Style = Style {
        bold: false,
        underline: false,
    };

    /// True when neither bold nor underlined.
    pub fn is_plain(&self) -> bool {
        *self == Style::PLAIN
    }
}

impl Serialize for Style {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match (self.bold, self.underline) {
            (false, false) => "",
            (true, false) => "b",
            (false, true) => "u",
            (true, true) => "bu",
        })
    }
}

/// A stretch of a text's [`Text::flat`] string (byte offsets) in one emphasis.
pub type Span = (std::ops::Range<usize>, Style);

impl Segment {
    /// The segment's text.
    pub fn text(&self) -> &str {
        match self {
            Segment::Free(t) | Segment::Run { f: t, .. } => t,
            Segment::Keep { k, .. } => k,
            Segment::Tie { t, .. } => t,
            Segment::Ragged { .. } => "",
        }
    }

    /// The segment's emphasis.
    pub fn style(&self) -> Style {
        match self {
            Segment::Run { s, .. } | Segment::Keep { s, .. } | Segment::Tie { s, .. } => *s,
            Segment::Free(_) | Segment::Ragged { .. } => Style::PLAIN,
        }
    }

    /// The same kind of segment with another text (a part of this one's).
    fn with_text(&self, text: String) -> Segment {
        match self {
            Segment::Free(_) => Segment::Free(text),
            Segment::Run { s, g, .. } => Segment::Run {
                f: text,
                s: *s,
                g: *g,
            },
            Segment::Keep { s, .. } => Segment::Keep { k: text, s: *s },
            Segment::Tie { s, .. } => Segment::Tie { t: text, s: *s },
            Segment::Ragged { br } => Segment::Ragged { br: *br },
        }
    }
}

impl Text {
    /// A plain text, trimmed of surrounding white space.
    pub fn plain(s: &str) -> Text {
        // A tab typed between words is a space (typst would drop it and glue
        // the words together).
        Text::Plain(s.trim().replace('\t', " "))
    }

    /// A text made of runs in their emphasis (`["ให้ถือ", {bold: "แนวปฏิบัติ"}]`),
    /// trimmed as [`Text::plain`] trims.
    pub fn from_runs<'a>(runs: impl IntoIterator<Item = (&'a str, Style)>) -> Text {
        let mut flat = String::new();
        let mut spans: Vec<Span> = Vec::new();
        for (t, style) in runs {
            let start = flat.len();
            flat.push_str(t);
            if !style.is_plain() {
                spans.push((start..flat.len(), style));
            }
        }
        let lead = flat.len() - flat.trim_start().len();
        let plain = Text::plain(&flat);
        let end = plain.flat().len();
        let spans: Vec<Span> = spans
            .into_iter()
            .map(|(r, s)| {
                (
                    r.start.saturating_sub(lead).min(end)..r.end.saturating_sub(lead).min(end),
                    s,
                )
            })
            .filter(|(r, _)| !r.is_empty())
            .collect();
        plain.styled(&spans)
    }

    /// The text as one string.
    pub fn flat(&self) -> String {
        match self {
            Text::Plain(s) => s.clone(),
            Text::Segments(segs) => segs.iter().map(Segment::text).collect(),
        }
    }

    /// Where the text is bold or underlined, in byte offsets of [`Text::flat`].
    pub fn spans(&self) -> Vec<Span> {
        let Text::Segments(segs) = self else {
            return Vec::new();
        };
        let mut spans: Vec<Span> = Vec::new();
        let mut at = 0;
        for seg in segs {
            let len = seg.text().len();
            let style = seg.style();
            if !style.is_plain() && len > 0 {
                match spans.last_mut() {
                    Some((r, s)) if r.end == at && *s == style => r.end = at + len,
                    _ => spans.push((at..at + len, style)),
                }
            }
            at += len;
        }
        spans
    }

    /// The spans of `spans` within `range`, counted from its start.
    pub fn spans_within(spans: &[Span], range: std::ops::Range<usize>) -> Vec<Span> {
        spans
            .iter()
            .filter_map(|(r, s)| {
                let start = r.start.max(range.start);
                let end = r.end.min(range.end);
                (start < end).then(|| (start - range.start..end - range.start, *s))
            })
            .collect()
    }

    /// This text with `spans` (of its flat string) in their emphasis: a free
    /// run is cut where an emphasis starts or ends, the part after the cut
    /// glued to the one before (an emphasis is no place for a line break);
    /// a kept word or phrase takes the emphasis of its first letter.
    pub fn styled(self, spans: &[Span]) -> Text {
        if spans.is_empty() {
            return self;
        }
        let segs = match self {
            Text::Plain(s) => vec![Segment::Free(s)],
            Text::Segments(segs) => segs,
        };
        let style_at = |i: usize| {
            spans
                .iter()
                .find(|(r, _)| r.contains(&i))
                .map_or(Style::PLAIN, |(_, s)| *s)
        };
        let mut out = Vec::with_capacity(segs.len() + 2 * spans.len());
        let mut at = 0;
        for seg in segs {
            let text = seg.text().to_string();
            let len = text.len();
            match seg {
                Segment::Free(_) | Segment::Run { .. } => {
                    let glued_first = matches!(seg, Segment::Run { g: true, .. });
                    let mut cuts: Vec<usize> = spans
                        .iter()
                        .flat_map(|(r, _)| [r.start, r.end])
                        .filter(|&c| c > at && c < at + len)
                        .map(|c| c - at)
                        .filter(|&c| text.is_char_boundary(c))
                        .collect();
                    cuts.sort_unstable();
                    cuts.dedup();
                    let mut from = 0;
                    for (n, to) in cuts.into_iter().chain([len]).enumerate() {
                        let s = style_at(at + from);
                        let g = if n == 0 { glued_first } else { true };
                        let piece = text[from..to].to_string();
                        out.push(if s.is_plain() && !g {
                            Segment::Free(piece)
                        } else {
                            Segment::Run { f: piece, s, g }
                        });
                        from = to;
                    }
                }
                Segment::Keep { k, .. } => out.push(Segment::Keep { k, s: style_at(at) }),
                Segment::Tie { t, .. } => out.push(Segment::Tie { t, s: style_at(at) }),
                r @ Segment::Ragged { .. } => out.push(r),
            }
            at += len;
        }
        Text::Segments(out)
    }

    /// The text with every piece's characters mapped by `f` (emphasis and
    /// kept pieces as they were).
    pub fn map_text(&mut self, f: &dyn Fn(&str) -> String) {
        match self {
            Text::Plain(s) => *s = f(s),
            Text::Segments(segs) => {
                for seg in segs {
                    let mapped = f(seg.text());
                    *seg = seg.with_text(mapped);
                }
            }
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
            let len = seg.text().len();
            if !placed && at <= pos {
                out.push(Segment::Ragged { br: true });
                placed = true;
            }
            if !placed && at < pos + len {
                // Inside a piece (a space of free text): cut it there.
                let text = seg.text();
                let cut = at - pos;
                if text.is_char_boundary(cut) {
                    out.push(seg.with_text(text[..cut].to_string()));
                    out.push(Segment::Ragged { br: true });
                    // After the line's end: no glue to keep.
                    let rest = match seg.with_text(text[cut..].to_string()) {
                        Segment::Run { f, s, .. } => Segment::Run { f, s, g: false },
                        other => other,
                    };
                    out.push(rest);
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

/// `text` with its Arabic digits as Thai digits, except in the words that
/// must stay as typed: web and e-mail addresses, and words that mix Latin
/// letters and digits (`ISO9001`, `A4`, a product code).
pub fn thai_digits_in_words(text: &str) -> String {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return text.to_string();
    }
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let keep = word.contains('@')
                || word.contains("://")
                || word.to_ascii_lowercase().contains("www.")
                || word.chars().any(|c| c.is_ascii_alphabetic());
            if keep {
                word.to_string()
            } else {
                crate::thai::to_thai_digits(word)
            }
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_with_emphasis_serialises_as_runs_and_one_without_as_segments() {
        let bold = Style {
            bold: true,
            underline: false,
        };
        let plain = Text::Segments(vec![
            Segment::Free("ให้ถือ".into()),
            Segment::Keep {
                k: "พ.ศ. ๒๕๖๘".into(),
                s: Style::PLAIN,
            },
        ]);
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            serde_json::json!(["ให้ถือ", {"k": "พ.ศ. ๒๕๖๘"}])
        );
        let emphasised = Text::Segments(vec![
            Segment::Free("ให้ถือ".into()),
            Segment::Run {
                f: "แนวปฏิบัติ".into(),
                s: bold,
                g: false,
            },
        ]);
        assert_eq!(
            serde_json::to_value(&emphasised).unwrap(),
            serde_json::json!({"runs": ["ให้ถือ", {"f": "แนวปฏิบัติ", "s": "b"}]})
        );
        assert_eq!(
            serde_json::to_value(Text::Plain("ก".into())).unwrap(),
            serde_json::json!("ก")
        );
    }
}
