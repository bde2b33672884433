//! The number operations' statements in SQLite (the rules are in
//! `register/numbers.rs`). Each operation is one `BEGIN IMMEDIATE`
//! transaction: the write lock is taken before anything is read, so two
//! writers never see the same `last_number` (and requests under one key are
//! serial already), and a crash before `COMMIT` leaves neither the sequence
//! bump nor the rows.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::columns::{ENTRY_COLUMNS, entry_from_row};
use crate::register::entry::describe_number;
use crate::register::numbers::{NumberTx, PriorRequest};
use crate::register::{
    Allocated, Allocation, Completion, Entry, LetterDetails, RegisterError, Series, StoredResponse,
};

/// Runs `rule` in one IMMEDIATE transaction, committed when it succeeds.
pub(super) fn immediate<T>(
    conn: &mut Connection,
    rule: impl FnOnce(&mut Tx<'_, '_>) -> Result<T, RegisterError>,
) -> Result<T, RegisterError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = rule(&mut Tx(&tx))?;
    tx.commit()?;
    Ok(value)
}

/// One row, or `NotFound` naming it.
pub(crate) fn read_entry(
    conn: &Connection,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
) -> Result<Entry, RegisterError> {
    conn.query_row(
        &format!(
            "SELECT {ENTRY_COLUMNS} FROM entries
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number = ?4"
        ),
        params![agency, year_be, series, number],
        entry_from_row,
    )
    .optional()?
    .ok_or_else(|| RegisterError::NotFound(describe_number(agency, year_be, series, number)))
}

/// An IMMEDIATE transaction as the rules use it.
pub(super) struct Tx<'t, 'c>(&'t Transaction<'c>);

impl NumberTx for Tx<'_, '_> {
    fn lock_key(&mut self, _agency: &str, _key: &str) -> Result<(), RegisterError> {
        // The IMMEDIATE transaction holds the database's one write lock.
        Ok(())
    }

    fn prior_request(
        &mut self,
        agency: &str,
        key: &str,
    ) -> Result<Option<PriorRequest>, RegisterError> {
        Ok(self
            .0
            .query_row(
                "SELECT request_hash, year, series, first_number, last_number, response_status,
                        content_type, body, completed_at
                 FROM idempotent_requests WHERE agency = ?1 AND idempotency_key = ?2",
                params![agency, key],
                |row| {
                    let status: Option<u16> = row.get(5)?;
                    let content_type: Option<String> = row.get(6)?;
                    let body: Option<Vec<u8>> = row.get(7)?;
                    let completed_at: Option<String> = row.get(8)?;
                    let response = match (status, content_type, body) {
                        (Some(status), Some(content_type), Some(body)) => Some(StoredResponse {
                            status,
                            content_type,
                            body,
                        }),
                        _ => None,
                    };
                    Ok(PriorRequest {
                        request_hash: row.get(0)?,
                        year: row.get(1)?,
                        series: row.get(2)?,
                        first: row.get(3)?,
                        last: row.get(4)?,
                        response,
                        completed: completed_at.is_some(),
                    })
                },
            )
            .optional()?)
    }

    fn bump(&mut self, req: &Allocation, count: u32) -> Result<i64, RegisterError> {
        Ok(self.0.query_row(
            "INSERT INTO sequences (agency, year, series, last_number) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (agency, year, series)
             DO UPDATE SET last_number = sequences.last_number + excluded.last_number
             RETURNING last_number",
            params![req.agency, req.year_be, req.series, count],
            |row| row.get(0),
        )?)
    }

    fn insert_entry(
        &mut self,
        req: &Allocation,
        number: u32,
        letter: &LetterDetails,
        reference: &str,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0
            .prepare_cached(
                "INSERT INTO entries (agency, year, series, number, reference_text, letter_date,
                     sender, recipient, subject, created_at, api_key_id, status, idempotency_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12)",
            )?
            .execute(params![
                req.agency,
                req.year_be,
                req.series,
                number,
                reference,
                letter.letter_date,
                letter.sender,
                letter.recipient,
                letter.subject,
                now,
                req.api_key_id,
                req.idempotency_key,
            ])?;
        Ok(())
    }

    fn insert_request(
        &mut self,
        req: &Allocation,
        key: &str,
        first: u32,
        last: u32,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0.execute(
            "INSERT INTO idempotent_requests (agency, idempotency_key, request_hash, year, series,
                 first_number, last_number, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                req.agency,
                key,
                req.request_hash,
                req.year_be,
                req.series,
                first,
                last,
                now
            ],
        )?;
        Ok(())
    }

    fn replay_rows(
        &mut self,
        agency: &str,
        prior: &PriorRequest,
    ) -> Result<Vec<(String, Option<String>)>, RegisterError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT reference_text, pdf_sha256 FROM entries
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number BETWEEN ?4 AND ?5
             ORDER BY number",
        )?;
        let rows = stmt
            .query_map(
                params![agency, prior.year, prior.series, prior.first, prior.last],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn issue(&mut self, done: &Completion, number: u32, hash: &str) -> Result<u64, RegisterError> {
        let changed = self.0.execute(
            "UPDATE entries SET pdf_sha256 = ?5, status = 'issued'
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number = ?4
               AND status = 'pending'",
            params![done.agency, done.year, done.series, number, hash],
        )?;
        Ok(changed as u64)
    }

    fn entry(
        &mut self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        _lock: bool,
    ) -> Result<Entry, RegisterError> {
        read_entry(self.0, agency, year_be, series, number)
    }

    fn keep_response(
        &mut self,
        agency: &str,
        key: &str,
        kept: Option<&StoredResponse>,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0.execute(
            "UPDATE idempotent_requests
             SET response_status = ?3, content_type = ?4, body = ?5, completed_at = ?6
             WHERE agency = ?1 AND idempotency_key = ?2",
            params![
                agency,
                key,
                kept.map(|r| r.status),
                kept.map(|r| r.content_type.as_str()),
                kept.map(|r| r.body.as_slice()),
                now,
            ],
        )?;
        Ok(())
    }

    fn cancel_pending(
        &mut self,
        allocated: &Allocated,
        reason: &str,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0.execute(
            "UPDATE entries SET status = 'cancelled', cancel_reason = ?6, cancelled_at = ?7
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number BETWEEN ?4 AND ?5
               AND status = 'pending'",
            params![
                allocated.agency,
                allocated.year,
                allocated.series,
                allocated.first,
                allocated.last,
                reason,
                now,
            ],
        )?;
        Ok(())
    }

    fn forget_request(&mut self, agency: &str, key: &str) -> Result<(), RegisterError> {
        self.0.execute(
            "DELETE FROM idempotent_requests
             WHERE agency = ?1 AND idempotency_key = ?2 AND completed_at IS NULL",
            params![agency, key],
        )?;
        Ok(())
    }

    fn cancel_number(
        &mut self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0.execute(
            "UPDATE entries SET status = 'cancelled', cancel_reason = ?5, cancelled_at = ?6
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number = ?4",
            params![agency, year_be, series, number, reason, now],
        )?;
        Ok(())
    }
}
