//! The catalog of messages: `messages.txt`, one message a line,
//! `English pattern ||| Thai pattern`.
//!
//! The English pattern is the message as its `format!` string writes it, each
//! part made at run time a hole: `{}` a part kept as it is (a value quoted
//! from the input, a number), `{t}` a part translated itself (a kind's name,
//! a message inside a message). The Thai pattern takes the holes in order
//! (`{}`), or by number (`{0}`, `{1}`) to reorder or drop them. `{{` and `}}`
//! are braces, `\n` a line break; a line starting with `#` is a comment.

use std::sync::OnceLock;

/// The catalog's text.
pub const TEXT: &str = include_str!("messages.txt");

/// The separator of English and Thai on a line.
pub const SEPARATOR: &str = " ||| ";

/// Every entry, English then Thai, in the file's order.
pub fn entries() -> &'static [(String, String)] {
    static ENTRIES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        TEXT.lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (en, th) = l.split_once(SEPARATOR)?;
                Some((en.replace("\\n", "\n"), th.replace("\\n", "\n")))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Piece, pieces};

    fn holes(p: &str) -> (usize, Vec<usize>) {
        let mut plain = 0;
        let mut numbered = Vec::new();
        for piece in pieces(p) {
            match piece {
                Piece::Hole(_) => plain += 1,
                Piece::Numbered(n) => numbered.push(n),
                Piece::Text(_) => {}
            }
        }
        (plain, numbered)
    }

    #[test]
    fn every_line_is_an_entry_and_keeps_its_holes() {
        let lines = TEXT
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(entries().len(), lines, "a line without ' ||| '");
        let mut seen = std::collections::HashSet::new();
        for (en, th) in entries() {
            assert!(seen.insert(en.as_str()), "'{en}' is listed twice");
            let (n, numbered) = holes(en);
            assert!(
                numbered.is_empty(),
                "'{en}': an English hole is {{}} or {{t}}"
            );
            let (plain, numbered) = holes(th);
            if numbered.is_empty() && plain > 0 {
                assert_eq!(plain, n, "'{en}' has {n} holes, its Thai '{th}' {plain}");
            } else {
                // Numbered holes, or none at all: the parts dropped on purpose.
                assert_eq!(plain, 0, "'{th}': numbered and plain holes mixed");
                assert!(numbered.iter().all(|&i| i < n), "'{th}': a hole past {n}");
            }
        }
    }
}
