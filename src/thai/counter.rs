//! List counters as Thai documents write them: `๑.`, `๑)`, `(๑)`, `ข้อ ๑`,
//! `ก.`, `(ก)`, and the decimal numbers that carry their parent's (`๑.๑`).

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

/// How the items of one list level are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterStyle {
    /// `๑.`, and under a decimal or clause item `๑.๑`, `๑.๑.๑`.
    Decimal,
    /// `๑)`.
    Paren,
    /// `(๑)`.
    Parens,
    /// `ข้อ ๑`.
    Clause,
    /// `ก.`.
    Letter,
    /// `(ก)`.
    LetterParens,
    /// `-`.
    Dash,
    /// `•`.
    Bullet,
}

/// An item's printed label, and the number its own decimal sub-items carry
/// (`๑` under `ข้อ ๑`, `๑.๒` under `๑.๒`; empty where sub-items start afresh).
pub fn label(style: CounterStyle, n: u32, parent: &str, digits: DigitStyle) -> (String, String) {
    let num = number(n as i64, digits);
    match style {
        CounterStyle::Decimal if parent.is_empty() => (format!("{num}."), num),
        CounterStyle::Decimal => {
            let full = format!("{parent}.{num}");
            (full.clone(), full)
        }
        CounterStyle::Clause => (format!("ข้อ {num}"), num),
        CounterStyle::Paren => (format!("{num})"), String::new()),
        CounterStyle::Parens => (format!("({num})"), String::new()),
        CounterStyle::Letter => (format!("{}.", counting_letter(n)), String::new()),
        CounterStyle::LetterParens => (format!("({})", counting_letter(n)), String::new()),
        CounterStyle::Dash => ("-".to_string(), String::new()),
        CounterStyle::Bullet => ("•".to_string(), String::new()),
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
        assert_eq!(label(CounterStyle::Decimal, 2, "", t).0, "๒.");
        assert_eq!(label(CounterStyle::Decimal, 2, "๑", t), ("๑.๒".into(), "๑.๒".into()));
        assert_eq!(label(CounterStyle::Clause, 12, "", t), ("ข้อ ๑๒".into(), "๑๒".into()));
        assert_eq!(label(CounterStyle::Parens, 3, "", t).0, "(๓)");
        assert_eq!(label(CounterStyle::Parens, 3, "", DigitStyle::Arabic).0, "(3)");
        assert_eq!(label(CounterStyle::LetterParens, 2, "", t).0, "(ข)");
        assert_eq!(label(CounterStyle::Letter, 1, "", t).0, "ก.");
        assert_eq!(label(CounterStyle::Bullet, 9, "", t).0, "•");
    }
}
