//! Taking, completing and cancelling numbers. Each function is one
//! `BEGIN IMMEDIATE` transaction: the write lock is taken before anything is
//! read, so two writers never see the same `last_number`, and a crash before
//! `COMMIT` leaves neither the sequence bump nor the rows.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::columns::{ENTRY_COLUMNS, entry_from_row};
use crate::register::allocation::MAX_STORED_BODY;
use crate::register::entry::{check_cancel_reason, describe_number};
use crate::register::{
    Allocated, Allocation, Completion, Entry, EntryStatus, RegisterError, Series, StoredResponse,
    check_year_be, clock,
};

/// What the register remembers of an idempotency key.
struct PriorRequest {
    request_hash: String,
    year: i32,
    series: Series,
    first: u32,
    last: u32,
    response: Option<StoredResponse>,
    completed: bool,
}

pub(crate) fn allocate(
    conn: &mut Connection,
    req: &Allocation,
) -> Result<Allocated, RegisterError> {
    req.validate()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(key) = &req.idempotency_key
        && let Some(prior) = prior_request(&tx, &req.agency, key)?
    {
        if prior.request_hash != req.request_hash {
            return Err(RegisterError::conflict(format!(
                "Idempotency-Key '{key}' was already used with a different request body; \
                 use a new key for a new request"
            )));
        }
        return replay(&tx, &req.agency, key, prior);
    }

    let count = u32::try_from(req.letters.len()).expect("validated: at most MAX_BATCH letters");
    // One statement that PostgreSQL runs unchanged: it creates the year's
    // sequence at `count` or adds `count` to it, and returns the new last.
    let last: i64 = tx.query_row(
        "INSERT INTO sequences (agency, year, series, last_number) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (agency, year, series)
         DO UPDATE SET last_number = sequences.last_number + excluded.last_number
         RETURNING last_number",
        params![req.agency, req.year_be, req.series, count],
        |row| row.get(0),
    )?;
    let last = u32::try_from(last).map_err(|_| {
        RegisterError::conflict(format!(
            "the {} series of {} for {} has run out of numbers",
            req.series, req.agency, req.year_be
        ))
    })?;
    let first = last - (count - 1);

    let now = clock::now();
    let mut references = Vec::with_capacity(req.letters.len());
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO entries (agency, year, series, number, reference_text, letter_date,
                 sender, recipient, subject, created_at, api_key_id, status, idempotency_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12)",
        )?;
        for (number, letter) in (first..=last).zip(&req.letters) {
            let reference = req.reference_text(number);
            insert.execute(params![
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
            references.push(reference);
        }
    }
    if let Some(key) = &req.idempotency_key {
        tx.execute(
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
    }
    tx.commit()?;
    Ok(Allocated {
        agency: req.agency.clone(),
        year: req.year_be,
        series: req.series,
        first,
        last,
        pdf_sha256: vec![None; references.len()],
        references,
        replay: false,
        response: None,
        idempotency_key: req.idempotency_key.clone(),
    })
}

/// The numbers a key got the first time, read back from their rows.
fn replay(
    tx: &Transaction<'_>,
    agency: &str,
    key: &str,
    prior: PriorRequest,
) -> Result<Allocated, RegisterError> {
    let mut stmt = tx.prepare_cached(
        "SELECT number, reference_text, pdf_sha256 FROM entries
         WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number BETWEEN ?4 AND ?5
         ORDER BY number",
    )?;
    let rows = stmt
        .query_map(
            params![agency, prior.year, prior.series, prior.first, prior.last],
            |row| Ok((row.get::<_, u32>(0)?, row.get(1)?, row.get(2)?)),
        )?
        .collect::<Result<Vec<(u32, String, Option<String>)>, _>>()?;
    let expected = (prior.last - prior.first + 1) as usize;
    if rows.len() != expected {
        return Err(RegisterError::Internal(format!(
            "idempotency key '{key}' holds numbers {}..={} but {} of them have rows",
            prior.first,
            prior.last,
            rows.len()
        )));
    }
    let (references, pdf_sha256) = rows.into_iter().map(|(_, r, h)| (r, h)).unzip();
    Ok(Allocated {
        agency: agency.to_string(),
        year: prior.year,
        series: prior.series,
        first: prior.first,
        last: prior.last,
        references,
        pdf_sha256,
        replay: true,
        response: prior.response,
        idempotency_key: Some(key.to_string()),
    })
}

fn prior_request(
    tx: &Transaction<'_>,
    agency: &str,
    key: &str,
) -> Result<Option<PriorRequest>, RegisterError> {
    let row = tx
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
        .optional()?;
    Ok(row)
}

pub(crate) fn complete(
    conn: &mut Connection,
    done: &Completion,
) -> Result<Option<StoredResponse>, RegisterError> {
    let last = done.checked_last()?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut prior_completed = false;
    if let Some(key) = &done.idempotency_key {
        let prior = prior_request(&tx, &done.agency, key)?.ok_or_else(|| {
            RegisterError::NotFound(format!("Idempotency-Key '{key}' of {}", done.agency))
        })?;
        if let Some(response) = prior.response {
            // Another attempt finished first: its bytes are the answer.
            return Ok(Some(response));
        }
        if (prior.year, prior.series, prior.first, prior.last)
            != (done.year, done.series, done.first, last)
        {
            return Err(RegisterError::conflict(format!(
                "Idempotency-Key '{key}' holds numbers {}..={}, not {}..={last}",
                prior.first, prior.last, done.first
            )));
        }
        prior_completed = prior.completed;
    }

    for (number, hash) in (done.first..=last).zip(&done.pdf_sha256) {
        let changed = tx.execute(
            "UPDATE entries SET pdf_sha256 = ?5, status = 'issued'
             WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number = ?4
               AND status = 'pending'",
            params![done.agency, done.year, done.series, number, hash],
        )?;
        if changed == 1 {
            continue;
        }
        let entry = read_entry(&tx, &done.agency, done.year, done.series, number)?;
        match entry.status {
            EntryStatus::Issued if entry.pdf_sha256.as_deref() == Some(hash.as_str()) => {}
            EntryStatus::Issued => {
                return Err(RegisterError::conflict(format!(
                    "{} was already issued with another PDF",
                    describe_number(&done.agency, done.year, done.series, number)
                )));
            }
            EntryStatus::Cancelled => {
                return Err(RegisterError::conflict(format!(
                    "{} was cancelled ({}); it cannot be issued",
                    describe_number(&done.agency, done.year, done.series, number),
                    entry.cancel_reason.unwrap_or_default()
                )));
            }
            EntryStatus::Pending => {
                return Err(RegisterError::Internal(format!(
                    "{} stayed pending after its update",
                    describe_number(&done.agency, done.year, done.series, number)
                )));
            }
        }
    }

    if let Some(key) = &done.idempotency_key
        && !prior_completed
    {
        // A body too large to keep is dropped: the numbers and hashes still
        // make a replay give the same numbers, and re-rendering is
        // deterministic.
        let kept = done
            .response
            .as_ref()
            .filter(|r| r.body.len() <= MAX_STORED_BODY);
        tx.execute(
            "UPDATE idempotent_requests
             SET response_status = ?3, content_type = ?4, body = ?5, completed_at = ?6
             WHERE agency = ?1 AND idempotency_key = ?2",
            params![
                done.agency,
                key,
                kept.map(|r| r.status),
                kept.map(|r| r.content_type.as_str()),
                kept.map(|r| r.body.as_slice()),
                clock::now(),
            ],
        )?;
    }
    tx.commit()?;
    Ok(None)
}

pub(crate) fn abandon(
    conn: &mut Connection,
    allocated: &Allocated,
    reason: &str,
) -> Result<(), RegisterError> {
    let reason = check_cancel_reason(reason)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE entries SET status = 'cancelled', cancel_reason = ?6, cancelled_at = ?7
         WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number BETWEEN ?4 AND ?5
           AND status = 'pending'",
        params![
            allocated.agency,
            allocated.year,
            allocated.series,
            allocated.first,
            allocated.last,
            format!("render failed: {reason}"),
            clock::now(),
        ],
    )?;
    if let Some(key) = &allocated.idempotency_key {
        // Only an unfinished request is forgotten: if another attempt
        // completed meanwhile, its response stands.
        tx.execute(
            "DELETE FROM idempotent_requests
             WHERE agency = ?1 AND idempotency_key = ?2 AND completed_at IS NULL",
            params![allocated.agency, key],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn cancel(
    conn: &mut Connection,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
    reason: &str,
) -> Result<Entry, RegisterError> {
    check_year_be(year_be)?;
    let reason = check_cancel_reason(reason)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let entry = read_entry(&tx, agency, year_be, series, number)?;
    if entry.status == EntryStatus::Cancelled {
        return Err(RegisterError::conflict(format!(
            "{} was already cancelled on {} ({})",
            describe_number(agency, year_be, series, number),
            entry.cancelled_at.unwrap_or_default(),
            entry.cancel_reason.unwrap_or_default()
        )));
    }
    tx.execute(
        "UPDATE entries SET status = 'cancelled', cancel_reason = ?5, cancelled_at = ?6
         WHERE agency = ?1 AND year = ?2 AND series = ?3 AND number = ?4",
        params![agency, year_be, series, number, reason, clock::now()],
    )?;
    let entry = read_entry(&tx, agency, year_be, series, number)?;
    tx.commit()?;
    Ok(entry)
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
