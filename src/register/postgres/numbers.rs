//! The number operations' statements in PostgreSQL (the rules are in
//! `register/numbers.rs`). Each operation is one transaction; the series'
//! row is locked by the `INSERT ... ON CONFLICT DO UPDATE` that bumps it,
//! requests under one idempotency key by a transaction-level advisory lock,
//! a number being cancelled by `FOR UPDATE`.

use postgres::{Client, GenericClient, Transaction};

use super::rows::{ENTRY_COLUMNS, entry, int, parsed};
use crate::register::entry::describe_number;
use crate::register::numbers::{NumberTx, PriorRequest};
use crate::register::{
    Allocated, Allocation, Completion, Entry, LetterDetails, RegisterError, Series, StoredResponse,
};

/// Runs `rule` in one transaction, committed when it succeeds.
pub(super) fn transaction<T>(
    client: &mut Client,
    rule: impl FnOnce(&mut Tx<'_, '_>) -> Result<T, RegisterError>,
) -> Result<T, RegisterError> {
    let mut tx = client.transaction()?;
    let value = rule(&mut Tx(&mut tx))?;
    tx.commit()?;
    Ok(value)
}

/// One row, or `NotFound` naming it; `lock` adds `FOR UPDATE`.
pub(super) fn read_entry(
    client: &mut impl GenericClient,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
    lock: bool,
) -> Result<Entry, RegisterError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries
                 WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4{}",
                if lock { " FOR UPDATE" } else { "" }
            ),
            &[
                &agency,
                &i64::from(year_be),
                &series.as_str(),
                &i64::from(number),
            ],
        )?
        .ok_or_else(|| RegisterError::NotFound(describe_number(agency, year_be, series, number)))?;
    entry(&row)
}

/// A transaction as the rules use it.
pub(super) struct Tx<'t, 'c>(&'t mut Transaction<'c>);

impl NumberTx for Tx<'_, '_> {
    fn lock_key(&mut self, agency: &str, key: &str) -> Result<(), RegisterError> {
        self.0.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))",
            &[&agency, &key],
        )?;
        Ok(())
    }

    fn prior_request(
        &mut self,
        agency: &str,
        key: &str,
    ) -> Result<Option<PriorRequest>, RegisterError> {
        let Some(row) = self.0.query_opt(
            "SELECT request_hash, year, series, first_number, last_number, response_status,
                    content_type, body, completed_at
             FROM idempotent_requests WHERE agency = $1 AND idempotency_key = $2",
            &[&agency, &key],
        )?
        else {
            return Ok(None);
        };
        let status: Option<i64> = row.try_get(5)?;
        let content_type: Option<String> = row.try_get(6)?;
        let body: Option<Vec<u8>> = row.try_get(7)?;
        let completed_at: Option<String> = row.try_get(8)?;
        let response = match (status, content_type, body) {
            (Some(status), Some(content_type), Some(body)) => Some(StoredResponse {
                status: u16::try_from(status)
                    .map_err(|_| RegisterError::Internal(format!("stored status {status}")))?,
                content_type,
                body,
            }),
            _ => None,
        };
        Ok(Some(PriorRequest {
            request_hash: row.try_get(0)?,
            year: int(&row, 1)?,
            series: parsed(&row, 2)?,
            first: int(&row, 3)?,
            last: int(&row, 4)?,
            response,
            completed: completed_at.is_some(),
        }))
    }

    fn bump(&mut self, req: &Allocation, count: u32) -> Result<i64, RegisterError> {
        Ok(self
            .0
            .query_one(
                "INSERT INTO sequences (agency, year, series, last_number) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (agency, year, series)
                 DO UPDATE SET last_number = sequences.last_number + excluded.last_number
                 RETURNING last_number",
                &[
                    &req.agency,
                    &i64::from(req.year_be),
                    &req.series.as_str(),
                    &i64::from(count),
                ],
            )?
            .get(0))
    }

    fn insert_entry(
        &mut self,
        req: &Allocation,
        number: u32,
        letter: &LetterDetails,
        reference: &str,
        now: &str,
    ) -> Result<(), RegisterError> {
        self.0.execute(
            "INSERT INTO entries (agency, year, series, number, reference_text, letter_date,
                 sender, recipient, subject, created_at, api_key_id, status, idempotency_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12)",
            &[
                &req.agency,
                &i64::from(req.year_be),
                &req.series.as_str(),
                &i64::from(number),
                &reference,
                &letter.letter_date,
                &letter.sender,
                &letter.recipient,
                &letter.subject,
                &now,
                &req.api_key_id,
                &req.idempotency_key,
            ],
        )?;
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &req.agency,
                &key,
                &req.request_hash,
                &i64::from(req.year_be),
                &req.series.as_str(),
                &i64::from(first),
                &i64::from(last),
                &now,
            ],
        )?;
        Ok(())
    }

    fn replay_rows(
        &mut self,
        agency: &str,
        prior: &PriorRequest,
    ) -> Result<Vec<(String, Option<String>)>, RegisterError> {
        self.0
            .query(
                "SELECT reference_text, pdf_sha256 FROM entries
                 WHERE agency = $1 AND year = $2 AND series = $3 AND number BETWEEN $4 AND $5
                 ORDER BY number",
                &[
                    &agency,
                    &i64::from(prior.year),
                    &prior.series.as_str(),
                    &i64::from(prior.first),
                    &i64::from(prior.last),
                ],
            )?
            .iter()
            .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
            .collect()
    }

    fn issue(&mut self, done: &Completion, number: u32, hash: &str) -> Result<u64, RegisterError> {
        Ok(self.0.execute(
            "UPDATE entries SET pdf_sha256 = $5, status = 'issued'
             WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4
               AND status = 'pending'",
            &[
                &done.agency,
                &i64::from(done.year),
                &done.series.as_str(),
                &i64::from(number),
                &hash,
            ],
        )?)
    }

    fn entry(
        &mut self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        lock: bool,
    ) -> Result<Entry, RegisterError> {
        read_entry(self.0, agency, year_be, series, number, lock)
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
             SET response_status = $3, content_type = $4, body = $5, completed_at = $6
             WHERE agency = $1 AND idempotency_key = $2",
            &[
                &agency,
                &key,
                &kept.map(|r| i64::from(r.status)),
                &kept.map(|r| r.content_type.as_str()),
                &kept.map(|r| r.body.as_slice()),
                &now,
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
            "UPDATE entries SET status = 'cancelled', cancel_reason = $6, cancelled_at = $7
             WHERE agency = $1 AND year = $2 AND series = $3 AND number BETWEEN $4 AND $5
               AND status = 'pending'",
            &[
                &allocated.agency,
                &i64::from(allocated.year),
                &allocated.series.as_str(),
                &i64::from(allocated.first),
                &i64::from(allocated.last),
                &reason,
                &now,
            ],
        )?;
        Ok(())
    }

    fn forget_request(&mut self, agency: &str, key: &str) -> Result<(), RegisterError> {
        self.0.execute(
            "DELETE FROM idempotent_requests
             WHERE agency = $1 AND idempotency_key = $2 AND completed_at IS NULL",
            &[&agency, &key],
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
            "UPDATE entries SET status = 'cancelled', cancel_reason = $5, cancelled_at = $6
             WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4",
            &[
                &agency,
                &i64::from(year_be),
                &series.as_str(),
                &i64::from(number),
                &reason,
                &now,
            ],
        )?;
        Ok(())
    }
}
