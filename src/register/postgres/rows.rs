//! Register rows read from PostgreSQL rows.

use postgres::Row;

use crate::register::{ApiKey, Entry, RegisterError};

/// The columns [`entry`] reads, in its order (as SQLite's).
pub(super) const ENTRY_COLUMNS: &str = "agency, year, series, number, reference_text, \
     letter_date, sender, recipient, subject, pdf_sha256, created_at, api_key_id, status, \
     cancel_reason, cancelled_at, idempotency_key";

/// A number stored as BIGINT, as the register's types hold it.
pub(super) fn int<T: TryFrom<i64>>(row: &Row, i: usize) -> Result<T, RegisterError> {
    let v: i64 = row.try_get(i)?;
    T::try_from(v)
        .map_err(|_| RegisterError::Internal(format!("the database holds {v} in column {i}")))
}

/// A text column parsed into one of the register's enums.
pub(super) fn parsed<T: std::str::FromStr>(row: &Row, i: usize) -> Result<T, RegisterError>
where
    T::Err: std::fmt::Display,
{
    let s: String = row.try_get(i)?;
    s.parse()
        .map_err(|e| RegisterError::Internal(format!("the database holds '{s}': {e}")))
}

/// An entry from a row selected with [`ENTRY_COLUMNS`].
pub(super) fn entry(row: &Row) -> Result<Entry, RegisterError> {
    Ok(Entry {
        agency: row.try_get(0)?,
        year: int(row, 1)?,
        series: parsed(row, 2)?,
        number: int(row, 3)?,
        reference_text: row.try_get(4)?,
        letter_date: row.try_get(5)?,
        sender: row.try_get(6)?,
        recipient: row.try_get(7)?,
        subject: row.try_get(8)?,
        pdf_sha256: row.try_get(9)?,
        created_at: row.try_get(10)?,
        api_key_id: row.try_get(11)?,
        status: parsed(row, 12)?,
        cancel_reason: row.try_get(13)?,
        cancelled_at: row.try_get(14)?,
        idempotency_key: row.try_get(15)?,
    })
}

/// The columns [`key`] reads, in its order.
pub(super) const KEY_COLUMNS: &str = "id, agency, label, created_at, revoked_at";

/// An API key from a row selected with [`KEY_COLUMNS`].
pub(super) fn key(row: &Row) -> Result<ApiKey, RegisterError> {
    Ok(ApiKey {
        id: row.try_get(0)?,
        agency: row.try_get(1)?,
        label: row.try_get(2)?,
        created_at: row.try_get(3)?,
        revoked_at: row.try_get(4)?,
    })
}
