//! Document reference numbers (เลขที่หนังสือ), printed after "ที่" at the
//! top of a letter: the agency code, the running number (with "ว" for a
//! circular, หนังสือเวียน) and, for orders and announcements, the year.

use super::digits::{DigitStyle, apply_digits, thai_digit_value, to_arabic_digits};

/// A reference number such as "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕" or "๙๒/๒๕๖๓".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceNumber {
    /// Agency code, e.g. "ขก 0017.5"; empty for numbers that have none,
    /// as orders and announcements usually do.
    pub code: String,
    /// True for a circular letter, numbered in its own "ว" series.
    pub circular: bool,
    /// The running number within the agency's book for the year.
    pub number: u32,
    /// Fewest digits the number is printed with, zeros in front (`๐๒๔` for
    /// 24 at 3); 0 for none.
    pub width: usize,
    /// Buddhist-era year, printed after the number when present.
    pub year_be: Option<i32>,
}

/// Prints a reference number: "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕", "ขก ๐๐๑๗.๕/๑๕๐๑๕",
/// "๙๒/๒๕๖๓". The code's digits follow `digits` too, so one document never
/// mixes Thai and Arabic digits.
pub fn format_reference(r: &ReferenceNumber, digits: DigitStyle) -> String {
    format_reference_with(r, digits, &format!("{:0width$}", r.number, width = r.width))
}

/// A draft's reference: the code and series as the register will print them,
/// with a dotted space where the number goes (`ขก ๐๐๑๗.๕/ว ......`), as a
/// clerk's draft leaves it for the register book.
pub fn format_draft_reference(r: &ReferenceNumber, digits: DigitStyle) -> String {
    format_reference_with(r, digits, DRAFT_NUMBER)
}

/// What stands for the number in a draft.
pub const DRAFT_NUMBER: &str = "......";

fn format_reference_with(r: &ReferenceNumber, digits: DigitStyle, number: &str) -> String {
    let code = collapse_whitespace(&r.code);
    let mut text = String::new();
    if !code.is_empty() {
        text.push_str(&code);
        text.push('/');
    }
    if r.circular {
        text.push_str("ว ");
    }
    text.push_str(number);
    if let Some(year) = r.year_be {
        text.push('/');
        text.push_str(&year.to_string());
    }
    apply_digits(&text, digits)
}

/// Reads a reference number in the forms `format_reference` prints, in Thai
/// or Arabic digits, with or without a leading "ที่": "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕",
/// "ขก 0017.5/ว15015", "๙๒/๒๕๖๓", "ศธ ๐๔๑๕๕/๑๒๓". None when the text is not
/// one of them.
///
/// The code comes back with Arabic digits and single spaces, so the same
/// reference typed two ways compares equal; printing converts it again.
pub fn parse_reference(text: &str) -> Option<ReferenceNumber> {
    let text = text.trim();
    // "ที่" is the label printed before the number, often pasted with it.
    let text = crate::text::after_word(text, "ที่").unwrap_or(text);
    let ascii = to_arabic_digits(text);
    let parts: Vec<&str> = ascii.split('/').map(str::trim).collect();
    let (code, running, year) = match parts.as_slice() {
        [running] => (None, *running, None),
        // Two parts are either number/year (no code) or code/number.
        [first, second] if parse_running(first).is_some() => (None, *first, Some(*second)),
        [code, running] => (Some(*code), *running, None),
        [code, running, year] => (Some(*code), *running, Some(*year)),
        _ => return None,
    };
    // Where the form has a code, it must be one: "/123" is not a reference.
    if let Some(code) = code {
        validate_agency_code(code).ok()?;
    }
    let (circular, number) = parse_running(running)?;
    let year_be = match year {
        None => None,
        Some(year) => Some(parse_year_be(year)?),
    };
    Some(ReferenceNumber {
        code: code.map(collapse_whitespace).unwrap_or_default(),
        circular,
        number,
        width: 0,
        year_be,
    })
}

/// The running number, optionally after "ว" (with or without a space).
fn parse_running(text: &str) -> Option<(bool, u32)> {
    let (circular, digits) = match text.strip_prefix('ว') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((circular, digits.parse().ok()?))
}

/// A four-digit Buddhist-era year; a Gregorian year such as 2020 is refused
/// rather than silently read as BE 2020, which was centuries ago.
fn parse_year_be(text: &str) -> Option<i32> {
    if text.len() != 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = text.parse().ok()?;
    (year >= 2400).then_some(year)
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Thai consonants ก to ฮ; ฤ and ฦ sit in that range but are vowels.
fn is_thai_consonant(c: char) -> bool {
    ('ก'..='ฮ').contains(&c) && c != 'ฤ' && c != 'ฦ'
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit() || thai_digit_value(c).is_some()
}

/// Checks an agency code against the regulations' pattern: two Thai
/// consonants, an optional space, four digits (five or six in some ministries
/// and universities), then optional sub-units such as ".5", ".07.3" or "(1)"
/// (`อว ๘๓๙๓(๑)`).
pub fn validate_agency_code(code: &str) -> Result<(), String> {
    let example = "two Thai letters and four to six digits, with sub-units after a '.' or in \
                   brackets, e.g. 'ขก 0017.5' or 'อว 8393(1)'";
    let trimmed = code.trim();
    if trimmed.is_empty() {
        return Err(format!("agency code is empty: expected {example}"));
    }
    let wrong = || format!("agency code '{code}' should be {example}");
    let mut chars = trimmed.chars().peekable();

    for _ in 0..2 {
        match chars.next() {
            Some(c) if is_thai_consonant(c) => {}
            _ => return Err(wrong()),
        }
    }
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    let mut owner_digits = 0;
    while chars.next_if(|&c| is_any_digit(c)).is_some() {
        owner_digits += 1;
    }
    if !(4..=6).contains(&owner_digits) {
        return Err(wrong());
    }
    while let Some(c) = chars.next() {
        let close = match c {
            '.' => None,
            '(' => Some(')'),
            _ => return Err(wrong()),
        };
        let mut sub_digits = 0;
        while chars.next_if(|&c| is_any_digit(c)).is_some() {
            sub_digits += 1;
        }
        if sub_digits == 0 {
            return Err(format!(
                "agency code '{code}' has a '{c}' with no sub-unit digits after it, e.g. 'ขก 0017.5'"
            ));
        }
        if let Some(close) = close
            && chars.next() != Some(close)
        {
            return Err(wrong());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_draft_leaves_the_number_blank() {
        let r = |circular, year_be| ReferenceNumber {
            code: "ขก 0017.5".into(),
            circular,
            number: 0,
            width: 0,
            year_be,
        };
        assert_eq!(
            format_draft_reference(&r(true, None), DigitStyle::Thai),
            "ขก ๐๐๑๗.๕/ว ......"
        );
        let memo = ReferenceNumber {
            code: String::new(),
            ..r(false, Some(2567))
        };
        assert_eq!(
            format_draft_reference(&memo, DigitStyle::Thai),
            "....../๒๕๖๗"
        );
    }

    use super::*;

    fn reference(code: &str, circular: bool, number: u32, year_be: Option<i32>) -> ReferenceNumber {
        ReferenceNumber {
            code: code.to_string(),
            circular,
            number,
            width: 0,
            year_be,
        }
    }

    #[test]
    fn a_running_number_keeps_its_leading_zeros() {
        let mut r = reference("อว 68204.2", false, 24, None);
        r.width = 3;
        assert_eq!(format_reference(&r, DigitStyle::Thai), "อว ๖๘๒๐๔.๒/๐๒๔");
        r.number = 1024;
        assert_eq!(format_reference(&r, DigitStyle::Arabic), "อว 68204.2/1024");
    }

    #[test]
    fn formats_circular_and_plain_numbers() {
        let r = reference("ขก 0017.5", true, 15015, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕");
        assert_eq!(
            format_reference(&r, DigitStyle::Arabic),
            "ขก 0017.5/ว 15015"
        );
        let r = reference("ขก ๐๐๑๗.๕", true, 15015, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ขก ๐๐๑๗.๕/ว ๑๕๐๑๕");
        assert_eq!(
            format_reference(&r, DigitStyle::Arabic),
            "ขก 0017.5/ว 15015"
        );
        let r = reference("ขก 0017.5", false, 15015, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ขก ๐๐๑๗.๕/๑๕๐๑๕");
    }

    #[test]
    fn formats_numbers_with_years() {
        let r = reference("", false, 92, Some(2563));
        assert_eq!(format_reference(&r, DigitStyle::Thai), "๙๒/๒๕๖๓");
        assert_eq!(format_reference(&r, DigitStyle::Arabic), "92/2563");
        let r = reference("ศธ 04155", false, 123, Some(2567));
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ศธ ๐๔๑๕๕/๑๒๓/๒๕๖๗");
        let r = reference("", true, 12, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ว ๑๒");
        let r = reference("", false, 92, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "๙๒");
    }

    #[test]
    fn collapses_whitespace_in_the_code() {
        let r = reference("  ขก   0017.5 ", true, 1, None);
        assert_eq!(format_reference(&r, DigitStyle::Thai), "ขก ๐๐๑๗.๕/ว ๑");
        let r = reference("ขก\t\u{a0}0017.5", false, 1, None);
        assert_eq!(format_reference(&r, DigitStyle::Arabic), "ขก 0017.5/1");
        let r = reference("   ", false, 7, Some(2567));
        assert_eq!(format_reference(&r, DigitStyle::Arabic), "7/2567");
    }

    #[test]
    fn parses_the_common_forms() {
        assert_eq!(
            parse_reference("ขก ๐๐๑๗.๕/ว ๑๕๐๑๕"),
            Some(reference("ขก 0017.5", true, 15015, None))
        );
        assert_eq!(
            parse_reference("ขก 0017.5/ว15015"),
            Some(reference("ขก 0017.5", true, 15015, None))
        );
        assert_eq!(
            parse_reference("๙๒/๒๕๖๓"),
            Some(reference("", false, 92, Some(2563)))
        );
        assert_eq!(
            parse_reference("ศธ ๐๔๑๕๕/๑๒๓"),
            Some(reference("ศธ 04155", false, 123, None))
        );
    }

    #[test]
    fn parses_looser_variants() {
        assert_eq!(
            parse_reference("  ที่ ขก 0017.5/ว 15015 "),
            Some(reference("ขก 0017.5", true, 15015, None))
        );
        assert_eq!(
            parse_reference("ขก  0017.5 / ว 15015"),
            Some(reference("ขก 0017.5", true, 15015, None))
        );
        assert_eq!(
            parse_reference("ขก0017.5/15015"),
            Some(reference("ขก0017.5", false, 15015, None))
        );
        assert_eq!(
            parse_reference("ศธ 04155/123/2567"),
            Some(reference("ศธ 04155", false, 123, Some(2567)))
        );
        assert_eq!(
            parse_reference("ว 12/2563"),
            Some(reference("", true, 12, Some(2563)))
        );
        assert_eq!(parse_reference("๙๒"), Some(reference("", false, 92, None)));
        assert_eq!(parse_reference("ว๑๒"), Some(reference("", true, 12, None)));
    }

    #[test]
    fn round_trips() {
        let cases = [
            reference("ขก 0017.5", true, 15015, None),
            reference("ขก 0017.5", false, 15015, None),
            reference("", false, 92, Some(2563)),
            reference("ศธ 04155", false, 123, None),
            reference("ศธ 04155", false, 123, Some(2567)),
            reference("สธ 0228.07.3", true, 1, Some(2568)),
            reference("", true, 7, None),
            reference("", false, 4, None),
        ];
        for r in cases {
            for style in [DigitStyle::Thai, DigitStyle::Arabic] {
                let text = format_reference(&r, style);
                assert_eq!(parse_reference(&text), Some(r.clone()), "{text}");
                assert_eq!(
                    format_reference(&parse_reference(&text).unwrap(), style),
                    text
                );
            }
        }
    }

    #[test]
    fn refuses_what_is_not_a_reference() {
        for text in [
            "",
            "   ",
            "ที่",
            "hello",
            "ขก17/5",
            "AB 0017/5",
            "ขก 0017.5/",
            "ขก 0017.5/ว",
            "ขก 0017.5/ว ",
            "ขก 0017.5/abc",
            "ขก 0017.5/-5",
            "ขก 0017.5/99999999999",
            "ขก 0017.5/ว 15015/",
            "ขก 0017.5/1/2/3",
            "92/63",
            "92/2020",
            "92/๒๕๖๓๑",
            "/123",
            "ขก 0017./12",
            "12 มิถุนายน 2562",
        ] {
            assert_eq!(parse_reference(text), None, "{text:?}");
        }
    }

    #[test]
    fn accepts_valid_agency_codes() {
        for code in [
            "ขก 0017.5",
            "ขก 0017",
            "ขก0017",
            "ศธ 04155",
            "ขก ๐๐๑๗.๕",
            "สธ 0228.07.3",
            "นร 0105",
            " มท 0808.2 ",
            "อว 8393(1)",
            "อว ๘๓๙๓(๑).๒",
            "อว 660301.10.1",
        ] {
            assert_eq!(validate_agency_code(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn explains_invalid_agency_codes() {
        assert_eq!(
            validate_agency_code("ขก17"),
            Err("agency code 'ขก17' should be two Thai letters and four to six digits, with sub-units after a '.' or in brackets, e.g. 'ขก 0017.5' or 'อว 8393(1)'".into())
        );
        assert_eq!(
            validate_agency_code(""),
            Err("agency code is empty: expected two Thai letters and four to six digits, with sub-units after a '.' or in brackets, e.g. 'ขก 0017.5' or 'อว 8393(1)'".into())
        );
        assert_eq!(
            validate_agency_code("ขก 0017."),
            Err("agency code 'ขก 0017.' has a '.' with no sub-unit digits after it, e.g. 'ขก 0017.5'".into())
        );
        assert_eq!(
            validate_agency_code("ขก 0017..5"),
            Err("agency code 'ขก 0017..5' has a '.' with no sub-unit digits after it, e.g. 'ขก 0017.5'".into())
        );
        for code in [
            "AB 0017",
            "ขกค 0017",
            "ข 0017",
            "ขก 001",
            "ขก 0012345",
            "อว 8393(1",
            "ขก 0017.5a",
            "ขก 0017-5",
            "ฤก 0017",
            "ขก.0017",
            "ขก 0017/ว 1",
        ] {
            assert_eq!(
                validate_agency_code(code),
                Err(format!(
                    "agency code '{code}' should be two Thai letters and four to six digits, with sub-units after a '.' or in brackets, e.g. 'ขก 0017.5' or 'อว 8393(1)'"
                )),
                "{code}"
            );
        }
    }
}
