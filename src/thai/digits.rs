//! Thai digits (เลขไทย), which the government correspondence regulations
//! ask for in official letters, and the switch back to Arabic digits for
//! agencies that use those.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Which digits a document prints numbers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DigitStyle {
    /// Thai digits ๐-๙: the default the regulations encourage.
    #[default]
    Thai,
    /// Arabic digits 0-9.
    Arabic,
}

/// First code point of the Thai digits: ๐ is U+0E50 and ๙ is U+0E59.
const THAI_ZERO: u32 = 0x0E50;

/// Replaces ASCII digits 0-9 with Thai digits ๐-๙; everything else is kept.
pub fn to_thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            // to_digit(10) is true only for ASCII 0-9, so other scripts pass through.
            Some(d) => char::from_u32(THAI_ZERO + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// Replaces Thai digits ๐-๙ with ASCII digits 0-9; everything else is kept.
pub fn to_arabic_digits(s: &str) -> String {
    s.chars()
        .map(|c| match thai_digit_value(c) {
            Some(d) => char::from(b'0' + d),
            None => c,
        })
        .collect()
}

/// Converts the digits of `s` to `style`, whichever digits it had before.
pub fn apply_digits(s: &str, style: DigitStyle) -> String {
    match style {
        DigitStyle::Thai => to_thai_digits(s),
        DigitStyle::Arabic => to_arabic_digits(s),
    }
}

/// A plain integer with no thousands separators, as document and page
/// numbers are written: 15015 → "๑๕๐๑๕".
pub fn number(n: i64, style: DigitStyle) -> String {
    apply_digits(&n.to_string(), style)
}

/// The value of a Thai digit, or None for any other character.
pub(super) fn thai_digit_value(c: char) -> Option<u8> {
    let offset = (c as u32).checked_sub(THAI_ZERO)?;
    // Bounded by the check, so the cast cannot truncate.
    (offset <= 9).then_some(offset as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_to_thai() {
        assert_eq!(to_thai_digits("0123456789"), "๐๑๒๓๔๕๖๗๘๙");
        assert_eq!(to_thai_digits("ขก 0017.5/ว 15015"), "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕");
        assert_eq!(to_thai_digits(""), "");
    }

    #[test]
    fn thai_to_ascii() {
        assert_eq!(to_arabic_digits("๐๑๒๓๔๕๖๗๘๙"), "0123456789");
        assert_eq!(to_arabic_digits("ขก ๐๐๑๗.๕/ว ๑๕๐๑๕"), "ขก 0017.5/ว 15015");
    }

    #[test]
    fn other_characters_are_untouched() {
        // Thai letters next to the digit block and other scripts' digits stay as they are.
        assert_eq!(to_thai_digits("กขฮ ๚ ٣ abc"), "กขฮ ๚ ٣ abc");
        assert_eq!(to_arabic_digits("กขฮ ๚ ๏ ๛ abc 12"), "กขฮ ๚ ๏ ๛ abc 12");
    }

    #[test]
    fn conversions_are_idempotent_and_mixed_input_works() {
        assert_eq!(to_thai_digits("๑2๓4"), "๑๒๓๔");
        assert_eq!(to_arabic_digits("๑2๓4"), "1234");
        assert_eq!(to_thai_digits(&to_thai_digits("2562")), "๒๕๖๒");
    }

    #[test]
    fn apply_digits_both_styles() {
        assert_eq!(apply_digits("15 มิ.ย. 62", DigitStyle::Thai), "๑๕ มิ.ย. ๖๒");
        assert_eq!(apply_digits("๑๕ มิ.ย. ๖๒", DigitStyle::Arabic), "15 มิ.ย. 62");
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(number(15015, DigitStyle::Thai), "๑๕๐๑๕");
        assert_eq!(number(15015, DigitStyle::Arabic), "15015");
        assert_eq!(number(0, DigitStyle::Thai), "๐");
        assert_eq!(number(1_000_000, DigitStyle::Thai), "๑๐๐๐๐๐๐");
        assert_eq!(number(-7, DigitStyle::Thai), "-๗");
    }

    #[test]
    fn default_and_serde_names() {
        assert_eq!(DigitStyle::default(), DigitStyle::Thai);
        // serde_json is not a dependency here, so check the names through the
        // serde value deserializer that ships with serde itself.
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let de: StrDeserializer<'_, Error> = "arabic".into_deserializer();
        assert_eq!(DigitStyle::deserialize(de).unwrap(), DigitStyle::Arabic);
        let de: StrDeserializer<'_, Error> = "thai".into_deserializer();
        assert_eq!(DigitStyle::deserialize(de).unwrap(), DigitStyle::Thai);
        let de: StrDeserializer<'_, Error> = "Thai".into_deserializer();
        assert!(DigitStyle::deserialize(de).is_err());
    }

    #[test]
    fn json_schema_lists_the_serde_names() {
        let schema = schemars::schema_for!(DigitStyle);
        // Documented variants come out as oneOf/const, so look at the text.
        let text = schema.as_value().to_string();
        assert!(text.contains(r#""const":"thai""#), "{text}");
        assert!(text.contains(r#""const":"arabic""#), "{text}");
        assert!(!text.contains(r#""Thai""#), "{text}");
    }
}
