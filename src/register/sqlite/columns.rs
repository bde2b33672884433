//! How the register's enums and rows travel through rusqlite.

use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::register::{ApiKey, Entry, EntryStatus, Series};

impl ToSql for Series {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Series {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl FromSql for EntryStatus {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// The columns [`entry_from_row`] reads, in its order.
pub(crate) const ENTRY_COLUMNS: &str = "agency, year, series, number, reference_text, letter_date, \
     sender, recipient, subject, pdf_sha256, created_at, api_key_id, status, cancel_reason, \
     cancelled_at, idempotency_key";

/// An entry from a row selected with [`ENTRY_COLUMNS`].
pub(crate) fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<Entry> {
    Ok(Entry {
        agency: row.get(0)?,
        year: row.get(1)?,
        series: row.get(2)?,
        number: row.get(3)?,
        reference_text: row.get(4)?,
        letter_date: row.get(5)?,
        sender: row.get(6)?,
        recipient: row.get(7)?,
        subject: row.get(8)?,
        pdf_sha256: row.get(9)?,
        created_at: row.get(10)?,
        api_key_id: row.get(11)?,
        status: row.get(12)?,
        cancel_reason: row.get(13)?,
        cancelled_at: row.get(14)?,
        idempotency_key: row.get(15)?,
    })
}

/// The columns [`key_from_row`] reads, in its order.
pub(crate) const KEY_COLUMNS: &str = "id, agency, label, created_at, revoked_at";

/// An API key from a row selected with [`KEY_COLUMNS`].
pub(crate) fn key_from_row(row: &Row<'_>) -> rusqlite::Result<ApiKey> {
    Ok(ApiKey {
        id: row.get(0)?,
        agency: row.get(1)?,
        label: row.get(2)?,
        created_at: row.get(3)?,
        revoked_at: row.get(4)?,
    })
}
