//! Dates the way Thai official documents print them: Buddhist-era years
//! (พ.ศ.), Thai month names, and a blank day for letters that are dated by
//! hand when they are signed.

use std::fmt;
use std::str::FromStr;

use time::{Date, Month};

use super::digits::{DigitStyle, apply_digits, to_arabic_digits};

/// Full Thai month names, January first.
pub const MONTHS: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];

/// Abbreviated Thai month names, January first, for tables and short dates.
pub const MONTHS_ABBR: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];

/// Years between the Buddhist and the Common era. Exact all year round only
/// since 1941, when the Thai year began to start on 1 January; documents
/// this crate prints are not dated earlier.
const BE_OFFSET: i32 = 543;

/// Gregorian years accepted on input; wider than any letter needs, narrow
/// enough to catch a Buddhist-era year given by mistake.
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 2200;

/// What a day is replaced by when a letter leaves it for a pen: two em
/// spaces, about as wide as a handwritten day.
const BLANK_DAY: &str = "\u{2003}\u{2003}";

/// The Buddhist-era year (พ.ศ.) of a Gregorian year.
pub fn buddhist_year(ce_year: i32) -> i32 {
    ce_year + BE_OFFSET
}

/// A date on a document. Always a real calendar date when it comes from
/// [`FromStr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThaiDate {
    /// Gregorian (CE) year; converted to the Buddhist era only when printed.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month; None means "month and year only; leave the day
    /// blank for a pen", as for a letter dated when it is signed.
    pub day: Option<u8>,
}

/// Why a date could not be read, worded for the clerk who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateError {}

impl ThaiDate {
    /// The day of the week in Thai (`พุธ`), as in `วันพุธที่ ๑๔`; none for a
    /// date whose day is left blank.
    pub fn weekday(&self) -> Option<&'static str> {
        let month = time::Month::try_from(self.month).ok()?;
        let date = time::Date::from_calendar_date(self.year, month, self.day?).ok()?;
        Some(match date.weekday() {
            time::Weekday::Monday => "จันทร์",
            time::Weekday::Tuesday => "อังคาร",
            time::Weekday::Wednesday => "พุธ",
            time::Weekday::Thursday => "พฤหัสบดี",
            time::Weekday::Friday => "ศุกร์",
            time::Weekday::Saturday => "เสาร์",
            time::Weekday::Sunday => "อาทิตย์",
        })
    }

    /// The date as ISO text, Gregorian: `2019-06-15`, or `2019-06` without a day.
    pub fn iso(&self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{d:02}", self.year, self.month),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }
}

impl FromStr for ThaiDate {
    type Err = DateError;

    /// Reads "2019-06-15", or "2019-06" for a date whose day is left blank.
    /// Thai digits are accepted too, since they may be pasted from a letter,
    /// and so is a date written as a Thai letter writes it, in the Buddhist
    /// era: "๑๕ มิถุนายน ๒๕๖๒", "15 มิ.ย. 2562", "มิถุนายน พ.ศ. ๒๕๖๒".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let input = s.trim();
        if input
            .chars()
            .any(|c| ('\u{0E01}'..='\u{0E4E}').contains(&c))
        {
            return parse_thai_written(input);
        }
        let ascii = to_arabic_digits(input);
        if ascii.contains('/') {
            return parse_slashed(input, &ascii);
        }
        let format_error = || {
            DateError(format!(
                "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) \
                 or DD/MM/YYYY, got '{input}'"
            ))
        };

        let parts: Vec<&str> = ascii.split('-').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(format_error());
        }
        let year_text = parts[0];
        // Month and day may drop their leading zero; the year must be whole
        // so that "19-06-15" is not read as the year 19.
        if year_text.len() != 4 || !all_digits(year_text) {
            return Err(format_error());
        }
        let field = |text: &str| -> Option<u8> {
            if (1..=2).contains(&text.len()) && all_digits(text) {
                text.parse().ok()
            } else {
                None
            }
        };
        let month = field(parts[1]).ok_or_else(format_error)?;
        let day = match parts.get(2) {
            Some(text) => Some(field(text).ok_or_else(format_error)?),
            None => None,
        };
        // Four ASCII digits always fit.
        let mut year: i32 = year_text.parse().map_err(|_| format_error())?;
        // A clerk types the year as the letter prints it: 2568-06-15 is a
        // Buddhist-era date (the Gregorian and Buddhist ranges do not meet).
        if year > 2400 && (MIN_YEAR..=MAX_YEAR).contains(&(year - BE_OFFSET)) {
            year -= BE_OFFSET;
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(DateError(format!(
                "year {year} in '{input}' is out of range: expected {MIN_YEAR} to {MAX_YEAR} \
                 (Gregorian) or {} to {} (Buddhist era)",
                MIN_YEAR + BE_OFFSET,
                MAX_YEAR + BE_OFFSET
            )));
        }
        let month_enum = Month::try_from(month)
            .map_err(|_| DateError(format!("{input} is not a date: the month must be 01 to 12")))?;
        if let Some(day) = day {
            // The time crate knows the calendar, leap years included.
            if Date::from_calendar_date(year, month_enum, day).is_err() {
                let reason = if day == 0 {
                    "days start at 01".to_string()
                } else {
                    format!("{} {year} has {} days", month_enum, month_enum.length(year))
                };
                return Err(DateError(format!("{input} is not a date: {reason}")));
            }
        }
        Ok(ThaiDate { year, month, day })
    }
}

/// A date as clerks type it in forms and spreadsheets: `15/06/2568`,
/// `๑๕/๖/๒๕๖๘` (day, month, Buddhist-era year), or `15/06/2025` (a Gregorian
/// year, told apart by its size). A two-digit year is refused: `68` may be
/// either era.
fn parse_slashed(input: &str, ascii: &str) -> Result<ThaiDate, DateError> {
    let wrong = || {
        DateError(format!(
            "'{input}' is not a date: write it as DD/MM/YYYY, e.g. 15/06/2568 (Buddhist era)"
        ))
    };
    let parts: Vec<&str> = ascii.trim().split('/').collect();
    let [day, month, year] = parts.as_slice() else {
        return Err(wrong());
    };
    let short = |t: &str| (1..=2).contains(&t.len()) && all_digits(t);
    if !short(day) || !short(month) || !all_digits(year) {
        return Err(wrong());
    }
    if year.len() != 4 {
        return Err(DateError(format!(
            "'{input}': the year {year} is ambiguous: write it in full, as the Buddhist-era \
             year (e.g. 25{year}) or the Gregorian one (20{year})"
        )));
    }
    format!("{year}-{month:0>2}-{day:0>2}").parse()
}

/// A date as a Thai letter writes it: day (optional), month name or its
/// abbreviation, `พ.ศ.` (optional), Buddhist-era year (four digits, or two as
/// tables write them).
fn parse_thai_written(input: &str) -> Result<ThaiDate, DateError> {
    let ascii = to_arabic_digits(input);
    let text = ascii.trim();
    let text = text.strip_prefix("วันที่").unwrap_or(text).trim();
    let wrong = || {
        DateError(format!(
            "'{input}' is not a date: write it as YYYY-MM-DD (Gregorian), or as a Thai \
             letter does, e.g. '๑๕ มิถุนายน ๒๕๖๒' (Buddhist era)"
        ))
    };
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "พ.ศ.").collect();
    let (day, month, year) = match words.as_slice() {
        [d, m, y] => (Some(*d), *m, *y),
        [m, y] => (None, *m, *y),
        _ => return Err(wrong()),
    };
    let month = MONTHS
        .iter()
        .position(|n| *n == month)
        .or_else(|| MONTHS_ABBR.iter().position(|n| *n == month))
        .ok_or_else(wrong)?
        + 1;
    if !all_digits(year) || !all_digits(day.unwrap_or("1")) {
        return Err(wrong());
    }
    let be: i32 = match year.len() {
        4 => year.parse().map_err(|_| wrong())?,
        2 => 2500 + year.parse::<i32>().map_err(|_| wrong())?,
        _ => return Err(wrong()),
    };
    if be < 2400 {
        return Err(DateError(format!(
            "'{input}': a Thai month takes the Buddhist-era year (e.g. {}), or give the \
             date as YYYY-MM-DD",
            be + BE_OFFSET
        )));
    }
    let iso = match day {
        Some(d) => format!("{:04}-{month:02}-{:0>2}", be - BE_OFFSET, d),
        None => format!("{:04}-{month:02}", be - BE_OFFSET),
    };
    iso.parse()
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// How a date is laid out, by kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// "๑๕ มิถุนายน ๒๕๖๒": external letters and memos.
    Letter,
    /// "๙ เมษายน พ.ศ. ๒๕๖๒": announcements and orders, after "ประกาศ ณ วันที่ ".
    Formal,
    /// "๑๕ มิ.ย. ๖๒": abbreviated month and two-digit year, for tables.
    Short,
    /// "๑๕ มิ.ย. ๒๕๖๒": abbreviated month with the full year.
    ShortBe,
}

/// Prints a date in the Buddhist era in the given layout and digits.
pub fn format_date(d: ThaiDate, style: DateStyle, digits: DigitStyle) -> String {
    // Out-of-range months only come from hand-built values; clamp rather
    // than panic in the middle of rendering a document.
    let index = usize::from(d.month.clamp(1, 12) - 1);
    let be = buddhist_year(d.year);
    let day = match d.day {
        Some(day) => day.to_string(),
        None => BLANK_DAY.to_string(),
    };
    let text = match style {
        DateStyle::Letter => format!("{day} {} {be}", MONTHS[index]),
        DateStyle::Formal => format!("{day} {} พ.ศ. {be}", MONTHS[index]),
        DateStyle::Short => format!("{day} {} {:02}", MONTHS_ABBR[index], be.rem_euclid(100)),
        DateStyle::ShortBe => format!("{day} {} {be}", MONTHS_ABBR[index]),
    };
    apply_digits(&text, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_day_of_the_week() {
        let d = |s: &str| s.parse::<ThaiDate>().unwrap().weekday();
        assert_eq!(d("2024-08-14"), Some("พุธ"));
        assert_eq!(d("๑๕ สิงหาคม ๒๕๖๘"), Some("ศุกร์"));
        assert_eq!(d("2000-02-29"), Some("อังคาร"));
        assert_eq!(d("2024-08"), None);
    }

    #[test]
    fn reads_dates_written_as_thai_letters_write_them() {
        let d = |s: &str| s.parse::<ThaiDate>();
        let june = ThaiDate {
            year: 2019,
            month: 6,
            day: Some(15),
        };
        for text in [
            "๑๕ มิถุนายน ๒๕๖๒",
            "15 มิถุนายน 2562",
            "15 มิ.ย. 2562",
            "๑๕ มิ.ย. ๖๒",
            "วันที่ ๑๕ มิถุนายน พ.ศ. ๒๕๖๒",
        ] {
            assert_eq!(d(text), Ok(june), "{text}");
        }
        assert_eq!(
            d("มิถุนายน ๒๕๖๒"),
            Ok(ThaiDate {
                year: 2019,
                month: 6,
                day: None
            })
        );
        assert!(d("๓๑ มิถุนายน ๒๕๖๒").unwrap_err().0.contains("30 days"));
        assert!(
            d("15 มิถุนายน 2019")
                .unwrap_err()
                .0
                .contains("Buddhist-era year (e.g. 2562)")
        );
        assert!(d("15 มิถุนา 2562").unwrap_err().0.contains("is not a date"));
    }

    fn date(s: &str) -> ThaiDate {
        s.parse().unwrap()
    }

    fn error(s: &str) -> String {
        s.parse::<ThaiDate>().unwrap_err().to_string()
    }

    #[test]
    fn month_tables() {
        assert_eq!(MONTHS[0], "มกราคม");
        assert_eq!(MONTHS[5], "มิถุนายน");
        assert_eq!(MONTHS[11], "ธันวาคม");
        assert_eq!(MONTHS_ABBR[0], "ม.ค.");
        assert_eq!(MONTHS_ABBR[5], "มิ.ย.");
        assert_eq!(MONTHS_ABBR[11], "ธ.ค.");
    }

    #[test]
    fn buddhist_era_offset() {
        assert_eq!(buddhist_year(2019), 2562);
        assert_eq!(buddhist_year(2020), 2563);
        assert_eq!(buddhist_year(2024), 2567);
        assert_eq!(buddhist_year(1957), 2500);
    }

    #[test]
    fn parses_full_dates() {
        assert_eq!(
            date("2019-06-15"),
            ThaiDate {
                year: 2019,
                month: 6,
                day: Some(15)
            }
        );
        assert_eq!(
            date(" 2019-04-09 "),
            ThaiDate {
                year: 2019,
                month: 4,
                day: Some(9)
            }
        );
        assert_eq!(
            date("2019-4-9"),
            ThaiDate {
                year: 2019,
                month: 4,
                day: Some(9)
            }
        );
        assert_eq!(
            date("๒๐๑๙-๐๖-๑๕"),
            ThaiDate {
                year: 2019,
                month: 6,
                day: Some(15)
            }
        );
    }

    #[test]
    fn parses_month_only_dates() {
        assert_eq!(
            date("2019-06"),
            ThaiDate {
                year: 2019,
                month: 6,
                day: None
            }
        );
        assert_eq!(
            date("2020-12"),
            ThaiDate {
                year: 2020,
                month: 12,
                day: None
            }
        );
    }

    #[test]
    fn leap_days() {
        assert_eq!(
            date("2020-02-29"),
            ThaiDate {
                year: 2020,
                month: 2,
                day: Some(29)
            }
        );
        assert_eq!(
            date("2000-02-29"),
            ThaiDate {
                year: 2000,
                month: 2,
                day: Some(29)
            }
        );
        assert_eq!(
            error("2019-02-29"),
            "2019-02-29 is not a date: February 2019 has 28 days"
        );
        // 2100 is not a leap year: divisible by 100 but not by 400.
        assert_eq!(
            error("2100-02-29"),
            "2100-02-29 is not a date: February 2100 has 28 days"
        );
    }

    #[test]
    fn impossible_dates() {
        assert_eq!(
            error("2019-02-30"),
            "2019-02-30 is not a date: February 2019 has 28 days"
        );
        assert_eq!(
            error("2019-06-31"),
            "2019-06-31 is not a date: June 2019 has 30 days"
        );
        assert_eq!(
            error("2019-06-00"),
            "2019-06-00 is not a date: days start at 01"
        );
        assert_eq!(
            error("2019-13-01"),
            "2019-13-01 is not a date: the month must be 01 to 12"
        );
        assert_eq!(
            error("2019-00"),
            "2019-00 is not a date: the month must be 01 to 12"
        );
    }

    #[test]
    fn malformed_dates() {
        assert_eq!(
            error(""),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got ''"
        );
        assert_eq!(
            error("2019"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '2019'"
        );
        assert_eq!(
            error("19-06-15"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '19-06-15'"
        );
        assert_eq!(
            error("2019-06-15-01"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '2019-06-15-01'"
        );
        assert_eq!(
            error("2019-006-15"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '2019-006-15'"
        );
        assert_eq!(
            error("2019-06-1a"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '2019-06-1a'"
        );
        assert_eq!(
            error("2019-06-"),
            "expected a date as YYYY-MM-DD (Gregorian, or Buddhist era as 2568-06-15) or DD/MM/YYYY, got '2019-06-'"
        );
        // A Thai date is read (see reads_dates_written_as_thai_letters_write_them);
        // one that is not quite one says how to write it.
        assert_eq!(
            error("15 มิถุนา 2562"),
            "'15 มิถุนา 2562' is not a date: write it as YYYY-MM-DD (Gregorian), or as a Thai \
             letter does, e.g. '๑๕ มิถุนายน ๒๕๖๒' (Buddhist era)"
        );
    }

    #[test]
    fn dates_as_clerks_type_them() {
        let june = ThaiDate {
            year: 2025,
            month: 6,
            day: Some(15),
        };
        for typed in [
            "2568-06-15",
            "๒๕๖๘-๐๖-๑๕",
            "15/06/2568",
            "๑๕/๐๖/๒๕๖๘",
            "15/6/2568",
            "15/06/2025",
        ] {
            assert_eq!(date(typed), june, "{typed}");
        }
        assert_eq!(date("๒๕๖๓-๐๑").year, 2020);
        assert!(
            error("15/06/68").contains("ambiguous"),
            "{}",
            error("15/06/68")
        );
        assert!(
            error("31/02/2568").contains("February 2025 has 28 days"),
            "{}",
            error("31/02/2568")
        );
        assert!(error("15/06").contains("DD/MM/YYYY"));
    }

    #[test]
    fn years_out_of_range() {
        assert_eq!(
            error("1899-12-31"),
            "year 1899 in '1899-12-31' is out of range: expected 1900 to 2200 (Gregorian) or 2443 to 2743 (Buddhist era)"
        );
        assert_eq!(
            error("2300-01-01"),
            "year 2300 in '2300-01-01' is out of range: expected 1900 to 2200 (Gregorian) or 2443 to 2743 (Buddhist era)"
        );
        assert_eq!(date("1900-01-01").year, 1900);
        assert_eq!(date("2200-12-31").year, 2200);
    }

    #[test]
    fn error_is_a_std_error() {
        let e: Box<dyn std::error::Error> = Box::new(DateError("x".into()));
        assert_eq!(e.to_string(), "x");
    }

    #[test]
    fn letter_style() {
        assert_eq!(
            format_date(date("2019-06-15"), DateStyle::Letter, DigitStyle::Thai),
            "๑๕ มิถุนายน ๒๕๖๒"
        );
        assert_eq!(
            format_date(date("2019-06-15"), DateStyle::Letter, DigitStyle::Arabic),
            "15 มิถุนายน 2562"
        );
    }

    #[test]
    fn formal_style() {
        assert_eq!(
            format_date(date("2019-04-09"), DateStyle::Formal, DigitStyle::Thai),
            "๙ เมษายน พ.ศ. ๒๕๖๒"
        );
        assert_eq!(
            format_date(date("2019-04-09"), DateStyle::Formal, DigitStyle::Arabic),
            "9 เมษายน พ.ศ. 2562"
        );
    }

    #[test]
    fn short_styles() {
        assert_eq!(
            format_date(date("2019-06-15"), DateStyle::Short, DigitStyle::Thai),
            "๑๕ มิ.ย. ๖๒"
        );
        assert_eq!(
            format_date(date("2019-06-15"), DateStyle::ShortBe, DigitStyle::Thai),
            "๑๕ มิ.ย. ๒๕๖๒"
        );
        assert_eq!(
            format_date(date("2019-06-15"), DateStyle::Short, DigitStyle::Arabic),
            "15 มิ.ย. 62"
        );
        // BE 2600 (CE 2057): the two-digit year keeps its leading zero.
        assert_eq!(
            format_date(date("2057-01-05"), DateStyle::Short, DigitStyle::Thai),
            "๕ ม.ค. ๐๐"
        );
        assert_eq!(
            format_date(date("2061-11-30"), DateStyle::Short, DigitStyle::Arabic),
            "30 พ.ย. 04"
        );
    }

    #[test]
    fn across_a_year_end() {
        assert_eq!(
            format_date(date("2019-12-31"), DateStyle::Letter, DigitStyle::Thai),
            "๓๑ ธันวาคม ๒๕๖๒"
        );
        assert_eq!(
            format_date(date("2020-01-01"), DateStyle::Letter, DigitStyle::Thai),
            "๑ มกราคม ๒๕๖๓"
        );
        assert_eq!(
            format_date(date("2019-12-31"), DateStyle::Short, DigitStyle::Thai),
            "๓๑ ธ.ค. ๖๒"
        );
        assert_eq!(
            format_date(date("2020-01-01"), DateStyle::Short, DigitStyle::Thai),
            "๑ ม.ค. ๖๓"
        );
    }

    #[test]
    fn leap_day_formats() {
        assert_eq!(
            format_date(date("2020-02-29"), DateStyle::Letter, DigitStyle::Thai),
            "๒๙ กุมภาพันธ์ ๒๕๖๓"
        );
    }

    #[test]
    fn month_only_leaves_a_blank_day() {
        let d = date("2019-06");
        assert_eq!(
            format_date(d, DateStyle::Letter, DigitStyle::Thai),
            "\u{2003}\u{2003} มิถุนายน ๒๕๖๒"
        );
        assert_eq!(
            format_date(d, DateStyle::Formal, DigitStyle::Thai),
            "\u{2003}\u{2003} มิถุนายน พ.ศ. ๒๕๖๒"
        );
        assert_eq!(
            format_date(d, DateStyle::Short, DigitStyle::Arabic),
            "\u{2003}\u{2003} มิ.ย. 62"
        );
        assert_eq!(
            format_date(d, DateStyle::ShortBe, DigitStyle::Thai),
            "\u{2003}\u{2003} มิ.ย. ๒๕๖๒"
        );
    }
}
