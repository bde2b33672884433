//! Which register year a letter belongs to. The register restarts at ๑ every
//! calendar year, and in Thailand that year turns at midnight Bangkok time,
//! seven hours before UTC.

use time::{OffsetDateTime, UtcOffset};

use super::RegisterError;
use crate::thai::{ThaiDate, buddhist_year};

/// Years the register accepts: wide enough for any letter, narrow enough to
/// catch a Gregorian year passed where a Buddhist-era one belongs.
pub const YEAR_BE_RANGE: std::ops::RangeInclusive<i32> = 2400..=2800;

/// Bangkok's offset from UTC; Thailand keeps no daylight saving time.
const BANGKOK: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("+07:00 is a valid offset"),
};

/// The Buddhist-era year of a letter dated `date` (`2025-06-15`, or
/// `2025-06` for a day left blank): the register book the number comes from.
pub fn year_be_of_date(date: &str) -> Result<i32, RegisterError> {
    let parsed: ThaiDate = date
        .parse()
        .map_err(|e: crate::thai::DateError| RegisterError::invalid("date", e.to_string()))?;
    Ok(buddhist_year(parsed.year))
}

/// The Buddhist-era year now in Bangkok, for letters that carry no date.
pub fn current_year_be() -> i32 {
    buddhist_year(OffsetDateTime::now_utc().to_offset(BANGKOK).year())
}

/// Checks a year given by a client or a URL.
pub fn check_year_be(year_be: i32) -> Result<(), RegisterError> {
    if YEAR_BE_RANGE.contains(&year_be) {
        Ok(())
    } else {
        Err(RegisterError::invalid(
            "year",
            format!("{year_be} is not a Buddhist-era year (e.g. 2568)"),
        ))
    }
}
