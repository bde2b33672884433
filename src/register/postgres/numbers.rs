//! Taking, completing and cancelling numbers on PostgreSQL: each function is
//! one transaction; see the module's notes on locks.

use postgres::{Client, GenericClient, Transaction};

use super::rows::{ENTRY_COLUMNS, entry, int, parsed};
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

/// Waits for every other transaction working under this agency's key.
fn lock_key(tx: &mut Transaction<'_>, agency: &str, key: &str) -> Result<(), RegisterError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))",
        &[&agency, &key],
    )?;
    Ok(())
}

pub(super) fn allocate(client: &mut Client, req: &Allocation) -> Result<Allocated, RegisterError> {
    req.validate()?;
    let mut tx = client.transaction()?;
    if let Some(key) = &req.idempotency_key {
        lock_key(&mut tx, &req.agency, key)?;
        if let Some(prior) = prior_request(&mut tx, &req.agency, key)? {
            if prior.request_hash != req.request_hash {
                return Err(RegisterError::conflict(format!(
                    "Idempotency-Key '{key}' was already used with a different request body; \
                     use a new key for a new request"
                )));
            }
            return replay(&mut tx, &req.agency, key, prior);
        }
    }

    let count = u32::try_from(req.letters.len()).expect("validated: at most MAX_BATCH letters");
    let year = i64::from(req.year_be);
    let series = req.series.as_str();
    // The series' row is locked from here to COMMIT: the next allocation of
    // the series waits, then reads this one's last number.
    let last: i64 = tx
        .query_one(
            "INSERT INTO sequences (agency, year, series, last_number) VALUES ($1, $2, $3, $4)
             ON CONFLICT (agency, year, series)
             DO UPDATE SET last_number = sequences.last_number + excluded.last_number
             RETURNING last_number",
            &[&req.agency, &year, &series, &i64::from(count)],
        )?
        .get(0);
    let last = u32::try_from(last).map_err(|_| {
        RegisterError::conflict(format!(
            "the {} series of {} for {} has run out of numbers",
            req.series, req.agency, req.year_be
        ))
    })?;
    let first = last - (count - 1);

    let now = clock::now();
    let mut references = Vec::with_capacity(req.letters.len());
    let insert = tx.prepare(
        "INSERT INTO entries (agency, year, series, number, reference_text, letter_date,
             sender, recipient, subject, created_at, api_key_id, status, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12)",
    )?;
    for (number, letter) in (first..=last).zip(&req.letters) {
        let reference = req.reference_text(number);
        tx.execute(
            &insert,
            &[
                &req.agency,
                &year,
                &series,
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
        references.push(reference);
    }
    if let Some(key) = &req.idempotency_key {
        tx.execute(
            "INSERT INTO idempotent_requests (agency, idempotency_key, request_hash, year, series,
                 first_number, last_number, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &req.agency,
                key,
                &req.request_hash,
                &year,
                &series,
                &i64::from(first),
                &i64::from(last),
                &now,
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
    tx: &mut Transaction<'_>,
    agency: &str,
    key: &str,
    prior: PriorRequest,
) -> Result<Allocated, RegisterError> {
    let rows = tx.query(
        "SELECT number, reference_text, pdf_sha256 FROM entries
         WHERE agency = $1 AND year = $2 AND series = $3 AND number BETWEEN $4 AND $5
         ORDER BY number",
        &[
            &agency,
            &i64::from(prior.year),
            &prior.series.as_str(),
            &i64::from(prior.first),
            &i64::from(prior.last),
        ],
    )?;
    let expected = (prior.last - prior.first + 1) as usize;
    if rows.len() != expected {
        return Err(RegisterError::Internal(format!(
            "idempotency key '{key}' holds numbers {}..={} but {} of them have rows",
            prior.first,
            prior.last,
            rows.len()
        )));
    }
    let mut references = Vec::with_capacity(rows.len());
    let mut pdf_sha256 = Vec::with_capacity(rows.len());
    for row in rows {
        references.push(row.try_get(1)?);
        pdf_sha256.push(row.try_get(2)?);
    }
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
    tx: &mut Transaction<'_>,
    agency: &str,
    key: &str,
) -> Result<Option<PriorRequest>, RegisterError> {
    let Some(row) = tx.query_opt(
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

pub(super) fn complete(
    client: &mut Client,
    done: &Completion,
) -> Result<Option<StoredResponse>, RegisterError> {
    let last = done.checked_last()?;

    let mut tx = client.transaction()?;
    let mut prior_completed = false;
    if let Some(key) = &done.idempotency_key {
        lock_key(&mut tx, &done.agency, key)?;
        let prior = prior_request(&mut tx, &done.agency, key)?.ok_or_else(|| {
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

    let year = i64::from(done.year);
    let series = done.series.as_str();
    for (number, hash) in (done.first..=last).zip(&done.pdf_sha256) {
        let changed = tx.execute(
            "UPDATE entries SET pdf_sha256 = $5, status = 'issued'
             WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4
               AND status = 'pending'",
            &[&done.agency, &year, &series, &i64::from(number), hash],
        )?;
        if changed == 1 {
            continue;
        }
        let entry = read_entry(&mut tx, &done.agency, done.year, done.series, number)?;
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
        // A body too large to keep is dropped, as in SQLite.
        let kept = done
            .response
            .as_ref()
            .filter(|r| r.body.len() <= MAX_STORED_BODY);
        tx.execute(
            "UPDATE idempotent_requests
             SET response_status = $3, content_type = $4, body = $5, completed_at = $6
             WHERE agency = $1 AND idempotency_key = $2",
            &[
                &done.agency,
                key,
                &kept.map(|r| i64::from(r.status)),
                &kept.map(|r| r.content_type.as_str()),
                &kept.map(|r| r.body.as_slice()),
                &clock::now(),
            ],
        )?;
    }
    tx.commit()?;
    Ok(None)
}

pub(super) fn abandon(
    client: &mut Client,
    allocated: &Allocated,
    reason: &str,
) -> Result<(), RegisterError> {
    let reason = check_cancel_reason(reason)?;
    let mut tx = client.transaction()?;
    if let Some(key) = &allocated.idempotency_key {
        lock_key(&mut tx, &allocated.agency, key)?;
    }
    tx.execute(
        "UPDATE entries SET status = 'cancelled', cancel_reason = $6, cancelled_at = $7
         WHERE agency = $1 AND year = $2 AND series = $3 AND number BETWEEN $4 AND $5
           AND status = 'pending'",
        &[
            &allocated.agency,
            &i64::from(allocated.year),
            &allocated.series.as_str(),
            &i64::from(allocated.first),
            &i64::from(allocated.last),
            &format!("render failed: {reason}"),
            &clock::now(),
        ],
    )?;
    if let Some(key) = &allocated.idempotency_key {
        // Only an unfinished request is forgotten: if another attempt
        // completed meanwhile, its response stands.
        tx.execute(
            "DELETE FROM idempotent_requests
             WHERE agency = $1 AND idempotency_key = $2 AND completed_at IS NULL",
            &[&allocated.agency, key],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(super) fn cancel(
    client: &mut Client,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
    reason: &str,
) -> Result<Entry, RegisterError> {
    check_year_be(year_be)?;
    let reason = check_cancel_reason(reason)?;
    let mut tx = client.transaction()?;
    // FOR UPDATE: a second cancel of the number waits and then sees this one.
    let locked = tx.query_opt(
        "SELECT status FROM entries
         WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4 FOR UPDATE",
        &[
            &agency,
            &i64::from(year_be),
            &series.as_str(),
            &i64::from(number),
        ],
    )?;
    if locked.is_none() {
        return Err(RegisterError::NotFound(describe_number(
            agency, year_be, series, number,
        )));
    }
    let entry = read_entry(&mut tx, agency, year_be, series, number)?;
    if entry.status == EntryStatus::Cancelled {
        return Err(RegisterError::conflict(format!(
            "{} was already cancelled on {} ({})",
            describe_number(agency, year_be, series, number),
            entry.cancelled_at.unwrap_or_default(),
            entry.cancel_reason.unwrap_or_default()
        )));
    }
    tx.execute(
        "UPDATE entries SET status = 'cancelled', cancel_reason = $5, cancelled_at = $6
         WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4",
        &[
            &agency,
            &i64::from(year_be),
            &series.as_str(),
            &i64::from(number),
            &reason,
            &clock::now(),
        ],
    )?;
    let entry = read_entry(&mut tx, agency, year_be, series, number)?;
    tx.commit()?;
    Ok(entry)
}

/// One row, or `NotFound` naming it.
pub(super) fn read_entry(
    client: &mut impl GenericClient,
    agency: &str,
    year_be: i32,
    series: Series,
    number: u32,
) -> Result<Entry, RegisterError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM entries
                 WHERE agency = $1 AND year = $2 AND series = $3 AND number = $4"
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
