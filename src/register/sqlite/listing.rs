//! Reading the register: listings and the audit of a series.

use rusqlite::{Connection, OptionalExtension, params};

use super::columns::{ENTRY_COLUMNS, entry_from_row};
use crate::register::{Audit, Entry, EntryStatus, RegisterError, Series, check_year_be};

pub(crate) fn list(
    conn: &Connection,
    agency: &str,
    year_be: i32,
) -> Result<Vec<Entry>, RegisterError> {
    check_year_be(year_be)?;
    // CASE rather than the series' names so the book reads normal,
    // circular, order whatever the collation.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM entries WHERE agency = ?1 AND year = ?2
         ORDER BY CASE series WHEN 'normal' THEN 0 WHEN 'circular' THEN 1 ELSE 2 END, number"
    ))?;
    let entries = stmt
        .query_map(params![agency, year_be], entry_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(entries)
}

pub(crate) fn audit(
    conn: &Connection,
    agency: &str,
    year_be: i32,
    series: Series,
) -> Result<Audit, RegisterError> {
    check_year_be(year_be)?;
    let last: Option<u32> = conn
        .query_row(
            "SELECT last_number FROM sequences WHERE agency = ?1 AND year = ?2 AND series = ?3",
            params![agency, year_be, series],
            |row| row.get(0),
        )
        .optional()?;
    let last = last.unwrap_or(0);
    let mut stmt = conn.prepare_cached(
        "SELECT number, status FROM entries
         WHERE agency = ?1 AND year = ?2 AND series = ?3 ORDER BY number",
    )?;
    let rows = stmt
        .query_map(params![agency, year_be, series], |row| {
            Ok((row.get::<_, u32>(0)?, row.get::<_, EntryStatus>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;

    Audit::from_rows(agency, year_be, series, last, rows)
}
