//! Reading the register on PostgreSQL: listings and the audit of a series.

use postgres::Client;

use super::rows::{ENTRY_COLUMNS, entry, int, parsed};
use crate::register::{Audit, Entry, RegisterError, Series, check_year_be};

pub(super) fn list(
    client: &mut Client,
    agency: &str,
    year_be: i32,
) -> Result<Vec<Entry>, RegisterError> {
    check_year_be(year_be)?;
    client
        .query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries WHERE agency = $1 AND year = $2
                 ORDER BY CASE series WHEN 'normal' THEN 0 WHEN 'circular' THEN 1 ELSE 2 END,
                          number"
            ),
            &[&agency, &i64::from(year_be)],
        )?
        .iter()
        .map(entry)
        .collect()
}

pub(super) fn audit(
    client: &mut Client,
    agency: &str,
    year_be: i32,
    series: Series,
) -> Result<Audit, RegisterError> {
    check_year_be(year_be)?;
    let year = i64::from(year_be);
    let last = match client.query_opt(
        "SELECT last_number FROM sequences WHERE agency = $1 AND year = $2 AND series = $3",
        &[&agency, &year, &series.as_str()],
    )? {
        Some(row) => int(&row, 0)?,
        None => 0,
    };
    let rows = client
        .query(
            "SELECT number, status FROM entries
             WHERE agency = $1 AND year = $2 AND series = $3 ORDER BY number",
            &[&agency, &year, &series.as_str()],
        )?
        .iter()
        .map(|row| Ok((int(row, 0)?, parsed(row, 1)?)))
        .collect::<Result<Vec<_>, RegisterError>>()?;
    Audit::from_rows(agency, year_be, series, last, rows)
}
