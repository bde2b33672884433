//! List numbers as Thai documents write them: `๑.`, `๑)`, `(๑)`, `ข้อ ๑`,
//! `ก.`, `(ก)`, and the decimal numbers that carry their parent's (`๑.๑`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::digits::{DigitStyle, number};

/// The consonants Thai lists count with, in order. The two obsolete letters
/// ฃ and ฅ are left out, as the Office of the Council of State's drafting
/// manual leaves them out of `(ก) (ข) (ค)` counting.
pub const COUNTING_LETTERS: [char; 41] = [
    'ก', 'ข', 'ค', 'ง', 'จ', 'ฉ', 'ช', 'ซ', 'ฌ', 'ญ', 'ฎ', 'ฏ', 'ฐ', 'ฑ', 'ฒ', 'ณ', 'ด', 'ต', 'ถ',
    'ท', 'ธ', 'น', 'บ', 'ป', 'ผ', 'ฝ', 'พ', 'ฟ', 'ภ', 'ม', 'ย', 'ร', 'ล', 'ว', 'ศ', 'ษ', 'ส', 'ห',
    'ฬ', 'อ', 'ฮ',
];

/// The letter that counts `n` (from 1): `ก` for 1, `ข` for 2; past the
/// alphabet's end the letters double (`กก`, `ขข`), as long lists of
/// sub-clauses do.
pub fn counting_letter(n: u32) -> String {
    let alphabet = &COUNTING_LETTERS;
    let i = (n.max(1) - 1) as usize;
    let c = alphabet[i % alphabet.len()];
    std::iter::repeat_n(c, i / alphabet.len() + 1).collect()
}

/// How the items of one list level are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListStyle {
    /// `๑.` then, nested under a decimal or clause item, `๑.๑`, `๑.๑.๑`.
    Decimal,
    /// `๑)` `๒)`.
    Paren,
    /// `(๑)` `(๒)`: the sub-clauses of a clause.
    Parens,
    /// `ข้อ ๑` `ข้อ ๒`: the clauses of an order, a regulation, an announcement.
    Clause,
    /// `ก.` `ข.`.
    Letter,
    /// `(ก)` `(ข)`: the sub-clauses of a sub-clause.
    LetterParens,
    /// `-`.
    Bullet,
    /// `•`.
    Dot,
}

impl ListStyle {
    /// The style of the sub-items of an item of this style, when the item
    /// names none, as Thai documents nest them: `ข้อ ๑` → `(๑)` → `(ก)` → `-`;
    /// `๑.` → `๑.๑`; `๑)` → `(๑)`; `ก.` → `๑)`; under a bullet, a bullet.
    pub fn nested(self) -> ListStyle {
        match self {
            ListStyle::Decimal => ListStyle::Decimal,
            ListStyle::Clause | ListStyle::Paren => ListStyle::Parens,
            ListStyle::Parens => ListStyle::LetterParens,
            ListStyle::Letter => ListStyle::Paren,
            ListStyle::LetterParens | ListStyle::Bullet | ListStyle::Dot => ListStyle::Bullet,
        }
    }
}

/// An item's printed label, and the number its own decimal sub-items carry
/// (`๑` under `ข้อ ๑`, `๑.๒` under `๑.๒`; empty where sub-items start afresh).
pub fn label(style: ListStyle, n: u32, parent: &str, digits: DigitStyle) -> (String, String) {
    let num = number(n as i64, digits);
    match style {
        ListStyle::Decimal if parent.is_empty() => (format!("{num}."), num),
        ListStyle::Decimal => {
            let full = format!("{parent}.{num}");
            (full.clone(), full)
        }
        ListStyle::Clause => (format!("ข้อ {num}"), num),
        ListStyle::Paren => (format!("{num})"), String::new()),
        ListStyle::Parens => (format!("({num})"), String::new()),
        ListStyle::Letter => (format!("{}.", counting_letter(n)), String::new()),
        ListStyle::LetterParens => (format!("({})", counting_letter(n)), String::new()),
        ListStyle::Bullet => ("-".to_string(), String::new()),
        ListStyle::Dot => ("•".to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_count_without_the_obsolete_ones() {
        assert_eq!(counting_letter(1), "ก");
        assert_eq!(counting_letter(3), "ค");
        assert_eq!(counting_letter(4), "ง");
        assert_eq!(counting_letter(41), "ฮ");
        assert_eq!(counting_letter(42), "กก");
        assert!(!COUNTING_LETTERS.contains(&'ฃ'));
    }

    #[test]
    fn labels_in_each_style() {
        let t = DigitStyle::Thai;
        assert_eq!(label(ListStyle::Decimal, 2, "", t).0, "๒.");
        assert_eq!(
            label(ListStyle::Decimal, 2, "๑", t),
            ("๑.๒".into(), "๑.๒".into())
        );
        assert_eq!(
            label(ListStyle::Clause, 12, "", t),
            ("ข้อ ๑๒".into(), "๑๒".into())
        );
        assert_eq!(label(ListStyle::Parens, 3, "", t).0, "(๓)");
        assert_eq!(label(ListStyle::Parens, 3, "", DigitStyle::Arabic).0, "(3)");
        assert_eq!(label(ListStyle::LetterParens, 2, "", t).0, "(ข)");
        assert_eq!(label(ListStyle::Letter, 1, "", t).0, "ก.");
        assert_eq!(label(ListStyle::Dot, 9, "", t).0, "•");
        assert_eq!(label(ListStyle::Bullet, 9, "", t).0, "-");
    }
}
