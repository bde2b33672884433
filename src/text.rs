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
}

impl Text {
    /// A plain text, trimmed of surrounding white space.
    pub fn plain(s: &str) -> Text {
        Text::Plain(s.trim().to_string())
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
                })
                .collect(),
        }
    }
}
