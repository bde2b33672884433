//! Timestamps as the register stores them: RFC 3339 in UTC with milliseconds,
//! written by the program rather than the database so that every backend
//! stores the same text, and text order is time order.

use time::OffsetDateTime;
use time::macros::format_description;

/// Now, as `2025-06-15T08:30:00.123Z`.
pub fn now() -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_else(|_| OffsetDateTime::now_utc().unix_timestamp().to_string())
}

/// `later` from now, in the same form as [`now`] (a job's lease).
pub fn after(later: std::time::Duration) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    (OffsetDateTime::now_utc() + later)
        .format(&format)
        .unwrap_or_else(|_| now())
}
