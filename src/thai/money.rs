//! Amounts of money in baht: read from figures, printed with separators,
//! and spelt out in words (บาทถ้วน) as cheques, contracts and financial
//! letters require so that the figure cannot be altered.
//!
//! Amounts are whole satang in an integer so that no binary fraction can
//! shift a satang between the figure and the words.

use std::fmt;
use std::str::FromStr;

use num_format::{Buffer, Locale};

use super::digits::{DigitStyle, apply_digits, to_arabic_digits};

/// The largest amount accepted, 10^15 baht: far beyond any budget and
/// well inside i64 satang.
const MAX_BAHT: i64 = 1_000_000_000_000_000;

/// An amount of money in satang (1 baht = 100 satang); never negative when
/// built through [`FromStr`] or [`Baht::from_f64`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Baht {
    /// The whole amount counted in satang.
    pub satang: i64,
}

/// Why an amount could not be read, worded for the clerk who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountError(pub String);

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AmountError {}

fn too_large(shown: impl fmt::Display) -> AmountError {
    AmountError(format!(
        "amount {shown} is too large: at most 1,000,000,000,000,000 baht"
    ))
}

fn negative(shown: impl fmt::Display) -> AmountError {
    AmountError(format!(
        "amount {shown} is negative: amounts must be zero or more"
    ))
}

impl FromStr for Baht {
    type Err = AmountError;

    /// Reads "1545340", "1,545,340.50", "0.75" and the like, in Arabic or
    /// Thai digits, with surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let input = s.trim();
        if input.is_empty() {
            return Err(AmountError(
                "no amount given: expected baht in figures, e.g. 1,545,340.50".into(),
            ));
        }
        let ascii = to_arabic_digits(input);
        if ascii.starts_with('-') {
            return Err(negative(format_args!("'{input}'")));
        }
        let malformed = || {
            AmountError(format!(
                "expected baht in figures, e.g. 1,545,340.50, got '{input}'"
            ))
        };

        let (whole, fraction) = match ascii.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (ascii.as_str(), None),
        };
        let satang_part = match fraction {
            None => 0,
            Some(f) if f.contains('.') => {
                return Err(AmountError(format!(
                    "more than one decimal point in '{input}'"
                )));
            }
            Some(f) if f.is_empty() || !all_digits(f) => return Err(malformed()),
            Some(f) if f.len() > 2 => {
                return Err(AmountError(format!(
                    "more than two decimal places in '{input}'"
                )));
            }
            // "0.5" is fifty satang, not five.
            Some(f) if f.len() == 1 => i64::from(f.as_bytes()[0] - b'0') * 10,
            Some(f) => f.parse::<i64>().map_err(|_| malformed())?,
        };

        if whole.is_empty() {
            return Err(malformed());
        }
        let digits: String = if whole.contains(',') {
            // Separators must fall every three digits from the right, or the
            // figure may have been mistyped ("1,54,5340").
            let groups: Vec<&str> = whole.split(',').collect();
            let well_placed = groups.iter().all(|g| all_digits(g))
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3);
            if !well_placed {
                if whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
                    return Err(AmountError(format!(
                        "misplaced thousands separator in '{input}': write 1,545,340 or 1545340"
                    )));
                }
                return Err(malformed());
            }
            groups.concat()
        } else if all_digits(whole) {
            whole.to_string()
        } else {
            return Err(malformed());
        };

        let significant = digits.trim_start_matches('0');
        // Anything longer than 16 digits is over the limit, and checking the
        // length first keeps the parse below from overflowing.
        if significant.len() > 16 {
            return Err(too_large(format_args!("'{input}'")));
        }
        let baht: i64 = if significant.is_empty() {
            0
        } else {
            significant.parse().map_err(|_| malformed())?
        };
        if baht > MAX_BAHT || (baht == MAX_BAHT && satang_part > 0) {
            return Err(too_large(format_args!("'{input}'")));
        }
        Ok(Baht {
            satang: baht * 100 + satang_part,
        })
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Baht {
    /// Converts a number of baht from JSON or a spreadsheet, rounding half
    /// up to the satang.
    ///
    /// Rounds the shortest decimal that prints as `v` rather than `v`'s
    /// binary value, so 1.005 becomes 1.01 as the person who typed it expects.
    pub fn from_f64(v: f64) -> Result<Baht, AmountError> {
        if v.is_nan() {
            return Err(AmountError("amount is not a number (NaN)".into()));
        }
        if v < 0.0 {
            return Err(negative(v));
        }
        // Infinity is caught here too, as it compares greater.
        if v > MAX_BAHT as f64 {
            return Err(too_large(v));
        }
        // Display for f64 gives the shortest round-trip decimal and never an
        // exponent; `abs` turns -0.0 into "0".
        let text = v.abs().to_string();
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let baht: i64 = whole
            .parse()
            .map_err(|_| AmountError(format!("amount {v} could not be read")))?;
        let digit = |i: usize| {
            fraction
                .as_bytes()
                .get(i)
                .map_or(0, |b| i64::from(b - b'0'))
        };
        let round_up = i64::from(digit(2) >= 5);
        Ok(Baht {
            satang: baht * 100 + digit(0) * 10 + digit(1) + round_up,
        })
    }
}

/// The amount in figures with thousands separators; satang only when there
/// are some: "๑,๕๔๕,๓๔๐", "๑,๐๐๐,๐๐๐.๕๐".
pub fn format_amount(b: Baht, digits: DigitStyle) -> String {
    let total = b.satang.unsigned_abs();
    let (baht, satang) = (total / 100, total % 100);
    let mut buf = Buffer::default();
    buf.write_formatted(&baht, &Locale::en);
    let mut text = String::new();
    // Negative only if built by hand; show it rather than hide the sign.
    if b.satang < 0 {
        text.push('-');
    }
    text.push_str(buf.as_str());
    if satang != 0 {
        text.push_str(&format!(".{satang:02}"));
    }
    apply_digits(&text, digits)
}

const DIGIT_WORDS: [&str; 10] = [
    "ศูนย์",
    "หนึ่ง",
    "สอง",
    "สาม",
    "สี่",
    "ห้า",
    "หก",
    "เจ็ด",
    "แปด",
    "เก้า",
];

/// Place names within a group of six digits; millions repeat by recursion.
const PLACE_WORDS: [&str; 6] = ["", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน"];

/// The amount in Thai words as government and banks write it:
/// "หนึ่งล้านห้าแสนสี่หมื่นห้าพันสามร้อยสี่สิบบาทถ้วน",
/// "หนึ่งบาทยี่สิบเอ็ดสตางค์", "ยี่สิบห้าสตางค์".
pub fn baht_text(b: Baht) -> String {
    let total = b.satang.unsigned_abs();
    let (baht, satang) = (total / 100, total % 100);
    if total == 0 {
        return "ศูนย์บาทถ้วน".to_string();
    }
    let mut out = String::new();
    // Never produced by the parsers; said as Excel's BAHTTEXT does rather
    // than failing while a document renders.
    if b.satang < 0 {
        out.push_str("ลบ");
    }
    if baht > 0 {
        push_words(&mut out, baht);
        out.push_str("บาท");
    }
    if satang == 0 {
        out.push_str("ถ้วน");
    } else {
        push_words(&mut out, satang);
        out.push_str("สตางค์");
    }
    out
}

/// Appends a positive number in words. Millions nest: 10^12 is
/// "หนึ่งล้านล้าน".
fn push_words(out: &mut String, n: u64) {
    let (millions, rest) = (n / 1_000_000, n % 1_000_000);
    if millions > 0 {
        push_words(out, millions);
        out.push_str("ล้าน");
    }
    push_group(out, rest, millions > 0);
}

/// Appends a group below a million. A final 1 is "เอ็ด" whenever any
/// higher digit of the number is non-zero, in this group or in the
/// millions before it (101 "หนึ่งร้อยเอ็ด", 1,000,001 "หนึ่งล้านเอ็ด"),
/// following the bank (BAHTTEXT) convention.
fn push_group(out: &mut String, n: u64, has_millions: bool) {
    for place in (0..6).rev() {
        let digit = (n / 10u64.pow(place as u32) % 10) as usize;
        if digit == 0 {
            continue;
        }
        match (place, digit) {
            (0, 1) if has_millions || n >= 10 => out.push_str("เอ็ด"),
            (0, _) => out.push_str(DIGIT_WORDS[digit]),
            // Tens are irregular: 10 is "สิบ", not "หนึ่งสิบ"; 20 is "ยี่สิบ".
            (1, 1) => out.push_str("สิบ"),
            (1, 2) => out.push_str("ยี่สิบ"),
            _ => {
                out.push_str(DIGIT_WORDS[digit]);
                out.push_str(PLACE_WORDS[place]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baht(s: &str) -> Baht {
        s.parse().unwrap()
    }

    fn error(s: &str) -> String {
        s.parse::<Baht>().unwrap_err().to_string()
    }

    fn words(satang: i64) -> String {
        baht_text(Baht { satang })
    }

    #[test]
    fn parses_plain_and_separated_amounts() {
        assert_eq!(
            baht("1545340"),
            Baht {
                satang: 154_534_000
            }
        );
        assert_eq!(
            baht("1,545,340.50"),
            Baht {
                satang: 154_534_050
            }
        );
        assert_eq!(
            baht("1545340.5"),
            Baht {
                satang: 154_534_050
            }
        );
        assert_eq!(baht("0.75"), Baht { satang: 75 });
        assert_eq!(baht(" 12 "), Baht { satang: 1200 });
        assert_eq!(baht("0"), Baht { satang: 0 });
        assert_eq!(baht("1.05"), Baht { satang: 105 });
        assert_eq!(baht("999"), Baht { satang: 99_900 });
        assert_eq!(baht("1,000"), Baht { satang: 100_000 });
        assert_eq!(baht("007"), Baht { satang: 700 });
        assert_eq!(
            baht("๑,๐๐๐,๐๐๐.๕๐"),
            Baht {
                satang: 100_000_050
            }
        );
        assert_eq!(
            baht("1000000000000000"),
            Baht {
                satang: 100_000_000_000_000_000
            }
        );
        assert_eq!(
            baht("1,000,000,000,000,000.00"),
            Baht {
                satang: 100_000_000_000_000_000
            }
        );
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(
            error(""),
            "no amount given: expected baht in figures, e.g. 1,545,340.50"
        );
        assert_eq!(
            error("   "),
            "no amount given: expected baht in figures, e.g. 1,545,340.50"
        );
        assert_eq!(
            error("-5"),
            "amount '-5' is negative: amounts must be zero or more"
        );
        assert_eq!(
            error("-0.50"),
            "amount '-0.50' is negative: amounts must be zero or more"
        );
        assert_eq!(error("1.234"), "more than two decimal places in '1.234'");
        assert_eq!(
            error("1,000.505"),
            "more than two decimal places in '1,000.505'"
        );
        assert_eq!(error("1.2.3"), "more than one decimal point in '1.2.3'");
        assert_eq!(
            error("1,54,5340"),
            "misplaced thousands separator in '1,54,5340': write 1,545,340 or 1545340"
        );
        assert_eq!(
            error("1,2345"),
            "misplaced thousands separator in '1,2345': write 1,545,340 or 1545340"
        );
        assert_eq!(
            error(",123"),
            "misplaced thousands separator in ',123': write 1,545,340 or 1545340"
        );
        assert_eq!(
            error("123,"),
            "misplaced thousands separator in '123,': write 1,545,340 or 1545340"
        );
        assert_eq!(
            error("1234,567"),
            "misplaced thousands separator in '1234,567': write 1,545,340 or 1545340"
        );
        assert_eq!(
            error("abc"),
            "expected baht in figures, e.g. 1,545,340.50, got 'abc'"
        );
        assert_eq!(
            error("12 บาท"),
            "expected baht in figures, e.g. 1,545,340.50, got '12 บาท'"
        );
        assert_eq!(
            error("1 000"),
            "expected baht in figures, e.g. 1,545,340.50, got '1 000'"
        );
        assert_eq!(
            error(".5"),
            "expected baht in figures, e.g. 1,545,340.50, got '.5'"
        );
        assert_eq!(
            error("5."),
            "expected baht in figures, e.g. 1,545,340.50, got '5.'"
        );
        assert_eq!(
            error("+5"),
            "expected baht in figures, e.g. 1,545,340.50, got '+5'"
        );
        assert_eq!(
            error("1.x"),
            "expected baht in figures, e.g. 1,545,340.50, got '1.x'"
        );
        assert_eq!(
            error("1,0a0"),
            "expected baht in figures, e.g. 1,545,340.50, got '1,0a0'"
        );
        assert_eq!(
            error("1000000000000000.01"),
            "amount '1000000000000000.01' is too large: at most 1,000,000,000,000,000 baht"
        );
        assert_eq!(
            error("99999999999999999999999"),
            "amount '99999999999999999999999' is too large: at most 1,000,000,000,000,000 baht"
        );
    }

    #[test]
    fn from_f64_rounds_to_satang() {
        assert_eq!(
            Baht::from_f64(1_545_340.0),
            Ok(Baht {
                satang: 154_534_000
            })
        );
        assert_eq!(
            Baht::from_f64(1_000_000.5),
            Ok(Baht {
                satang: 100_000_050
            })
        );
        assert_eq!(Baht::from_f64(0.75), Ok(Baht { satang: 75 }));
        assert_eq!(Baht::from_f64(0.0), Ok(Baht { satang: 0 }));
        assert_eq!(Baht::from_f64(-0.0), Ok(Baht { satang: 0 }));
        // Half up on the written decimal, though 1.005 is stored a shade below.
        assert_eq!(Baht::from_f64(1.005), Ok(Baht { satang: 101 }));
        assert_eq!(Baht::from_f64(1.004), Ok(Baht { satang: 100 }));
        assert_eq!(Baht::from_f64(0.1 + 0.2), Ok(Baht { satang: 30 }));
        assert_eq!(Baht::from_f64(9.999), Ok(Baht { satang: 1000 }));
        assert_eq!(
            Baht::from_f64(1e15),
            Ok(Baht {
                satang: 100_000_000_000_000_000
            })
        );
    }

    #[test]
    fn from_f64_rejects_bad_values() {
        assert_eq!(
            Baht::from_f64(f64::NAN).unwrap_err().to_string(),
            "amount is not a number (NaN)"
        );
        assert_eq!(
            Baht::from_f64(f64::INFINITY).unwrap_err().to_string(),
            "amount inf is too large: at most 1,000,000,000,000,000 baht"
        );
        assert_eq!(
            Baht::from_f64(-5.0).unwrap_err().to_string(),
            "amount -5 is negative: amounts must be zero or more"
        );
        assert_eq!(
            Baht::from_f64(f64::NEG_INFINITY).unwrap_err().to_string(),
            "amount -inf is negative: amounts must be zero or more"
        );
        assert_eq!(
            Baht::from_f64(2e15).unwrap_err().to_string(),
            "amount 2000000000000000 is too large: at most 1,000,000,000,000,000 baht"
        );
    }

    #[test]
    fn figures_with_separators() {
        assert_eq!(
            format_amount(baht("1545340"), DigitStyle::Thai),
            "๑,๕๔๕,๓๔๐"
        );
        assert_eq!(
            format_amount(baht("1545340"), DigitStyle::Arabic),
            "1,545,340"
        );
        assert_eq!(
            format_amount(baht("1000000.50"), DigitStyle::Thai),
            "๑,๐๐๐,๐๐๐.๕๐"
        );
        assert_eq!(
            format_amount(baht("1000000.50"), DigitStyle::Arabic),
            "1,000,000.50"
        );
        assert_eq!(format_amount(baht("0"), DigitStyle::Thai), "๐");
        assert_eq!(format_amount(baht("0.75"), DigitStyle::Thai), "๐.๗๕");
        assert_eq!(format_amount(baht("1.05"), DigitStyle::Arabic), "1.05");
        assert_eq!(format_amount(baht("999"), DigitStyle::Arabic), "999");
        assert_eq!(format_amount(baht("1000"), DigitStyle::Arabic), "1,000");
        assert_eq!(format_amount(baht("12.00"), DigitStyle::Arabic), "12");
    }

    #[test]
    fn figures_round_trip_through_the_parser() {
        for text in [
            "0",
            "0.75",
            "1,000",
            "1,545,340",
            "1,000,000.50",
            "๑,๕๔๕,๓๔๐.๐๕",
        ] {
            let style = if text.contains('๑') {
                DigitStyle::Thai
            } else {
                DigitStyle::Arabic
            };
            assert_eq!(format_amount(baht(text), style), text);
        }
    }

    #[test]
    fn words_for_the_brief_examples() {
        assert_eq!(words(0), "ศูนย์บาทถ้วน");
        assert_eq!(words(100), "หนึ่งบาทถ้วน");
        assert_eq!(words(1_100), "สิบเอ็ดบาทถ้วน");
        assert_eq!(words(2_100), "ยี่สิบเอ็ดบาทถ้วน");
        assert_eq!(words(10_100), "หนึ่งร้อยเอ็ดบาทถ้วน");
        assert_eq!(words(100_000_050), "หนึ่งล้านบาทห้าสิบสตางค์");
        assert_eq!(words(25), "ยี่สิบห้าสตางค์");
        assert_eq!(words(154_534_000), "หนึ่งล้านห้าแสนสี่หมื่นห้าพันสามร้อยสี่สิบบาทถ้วน");
        assert_eq!(words(2_100_000_000), "ยี่สิบเอ็ดล้านบาทถ้วน");
        assert_eq!(words(100_000_100), "หนึ่งล้านเอ็ดบาทถ้วน");
        assert_eq!(words(1_000), "สิบบาทถ้วน");
        assert_eq!(words(2_000), "ยี่สิบบาทถ้วน");
        assert_eq!(words(100_000_000_000_000), "หนึ่งล้านล้านบาทถ้วน");
        assert_eq!(words(101), "หนึ่งบาทหนึ่งสตางค์");
        assert_eq!(words(121), "หนึ่งบาทยี่สิบเอ็ดสตางค์");
    }

    #[test]
    fn words_for_round_numbers() {
        assert_eq!(words(10_000), "หนึ่งร้อยบาทถ้วน");
        assert_eq!(words(100_000), "หนึ่งพันบาทถ้วน");
        assert_eq!(words(1_000_000), "หนึ่งหมื่นบาทถ้วน");
        assert_eq!(words(10_000_000), "หนึ่งแสนบาทถ้วน");
        assert_eq!(words(100_000_000), "หนึ่งล้านบาทถ้วน");
        assert_eq!(words(1_000_000_000), "สิบล้านบาทถ้วน");
        assert_eq!(words(200_000_000), "สองล้านบาทถ้วน");
        assert_eq!(words(2_000_000), "สองหมื่นบาทถ้วน");
        assert_eq!(words(20_000), "สองร้อยบาทถ้วน");
        assert_eq!(words(100_000_000_000), "หนึ่งพันล้านบาทถ้วน");
        assert_eq!(words(100_000_000_000_000_000), "หนึ่งพันล้านล้านบาทถ้วน");
    }

    #[test]
    fn words_with_ones() {
        assert_eq!(words(11_100), "หนึ่งร้อยสิบเอ็ดบาทถ้วน");
        assert_eq!(
            words(111_111_100),
            "หนึ่งล้านหนึ่งแสนหนึ่งหมื่นหนึ่งพันหนึ่งร้อยสิบเอ็ดบาทถ้วน"
        );
        assert_eq!(words(100_100), "หนึ่งพันเอ็ดบาทถ้วน");
        assert_eq!(words(12_100), "หนึ่งร้อยยี่สิบเอ็ดบาทถ้วน");
        assert_eq!(words(1_100_000_100), "สิบเอ็ดล้านเอ็ดบาทถ้วน");
        assert_eq!(words(1_100_000_000), "สิบเอ็ดล้านบาทถ้วน");
        assert_eq!(words(1_200), "สิบสองบาทถ้วน");
        assert_eq!(words(1_500), "สิบห้าบาทถ้วน");
        assert_eq!(words(9_900), "เก้าสิบเก้าบาทถ้วน");
    }

    #[test]
    fn words_with_satang() {
        assert_eq!(words(200_002_121), "สองล้านยี่สิบเอ็ดบาทยี่สิบเอ็ดสตางค์");
        assert_eq!(words(1), "หนึ่งสตางค์");
        assert_eq!(words(11), "สิบเอ็ดสตางค์");
        assert_eq!(words(50), "ห้าสิบสตางค์");
        assert_eq!(words(75), "เจ็ดสิบห้าสตางค์");
        assert_eq!(words(1_050), "สิบบาทห้าสิบสตางค์");
        assert_eq!(words(9_901), "เก้าสิบเก้าบาทหนึ่งสตางค์");
    }

    #[test]
    fn words_from_parsed_amounts() {
        assert_eq!(
            baht_text(baht("1,545,340")),
            "หนึ่งล้านห้าแสนสี่หมื่นห้าพันสามร้อยสี่สิบบาทถ้วน"
        );
        assert_eq!(
            baht_text(baht("2,000,021.21")),
            "สองล้านยี่สิบเอ็ดบาทยี่สิบเอ็ดสตางค์"
        );
        assert_eq!(baht_text(baht("0.25")), "ยี่สิบห้าสตางค์");
    }

    #[test]
    fn error_is_a_std_error() {
        let e: Box<dyn std::error::Error> = Box::new(AmountError("x".into()));
        assert_eq!(e.to_string(), "x");
    }
}
