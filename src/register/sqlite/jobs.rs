//! Batch jobs in SQLite: claimed inside an IMMEDIATE transaction, so two
//! runners (threads or processes) never take the same job.

use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::register::jobs::{Claimed, Job, NewJob, Outcome, lease_end, new_job_id, not_owner};
use crate::register::{RegisterError, clock};

/// The columns [`job_from_row`] reads, in its order.
const JOB_COLUMNS: &str = "id, agency, state, merge, total, done, attempts, error, created_at, \
     started_at, finished_at, result, webhook";

fn job_from_row(row: &Row<'_>) -> rusqlite::Result<Job> {
    let state: String = row.get(2)?;
    Ok(Job {
        id: row.get(0)?,
        agency: row.get(1)?,
        state: state.parse().map_err(|e: String| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
        })?,
        merge: row.get(3)?,
        total: row.get(4)?,
        done: row.get(5)?,
        attempts: row.get(6)?,
        error: row.get(7)?,
        created_at: row.get(8)?,
        started_at: row.get(9)?,
        finished_at: row.get(10)?,
        result: row.get(11)?,
        webhook: row.get(12)?,
    })
}

pub(crate) fn submit(conn: &Connection, job: &NewJob) -> Result<Job, RegisterError> {
    let id = new_job_id()?;
    conn.execute(
        "INSERT INTO jobs (id, agency, api_key_id, merge, request, total, webhook, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            job.agency,
            job.api_key_id,
            job.merge,
            job.request,
            job.total,
            job.webhook,
            clock::now()
        ],
    )?;
    get(conn, &id)
}

pub(crate) fn claim(
    conn: &mut Connection,
    owner: &str,
    lease: Duration,
) -> Result<Option<Claimed>, RegisterError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = clock::now();
    let id: Option<String> = tx
        .query_row(
            "SELECT id FROM jobs
             WHERE state = 'queued' OR (state = 'running' AND lease_until < ?1)
             ORDER BY created_at, id LIMIT 1",
            params![now],
            |row| row.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Ok(None);
    };
    tx.execute(
        "UPDATE jobs SET state = 'running', owner = ?2, lease_until = ?3, done = 0,
             attempts = attempts + 1, started_at = COALESCE(started_at, ?4)
         WHERE id = ?1",
        params![id, owner, lease_end(lease), now],
    )?;
    let request: Vec<u8> = tx.query_row(
        "SELECT request FROM jobs WHERE id = ?1",
        params![id],
        |row| row.get(0),
    )?;
    let job = get(&tx, &id)?;
    tx.commit()?;
    Ok(Some(Claimed { job, request }))
}

pub(crate) fn renew(
    conn: &Connection,
    id: &str,
    owner: &str,
    done: u32,
    lease: Duration,
) -> Result<(), RegisterError> {
    let changed = conn.execute(
        "UPDATE jobs SET done = ?3, lease_until = ?4
         WHERE id = ?1 AND owner = ?2 AND state = 'running'",
        params![id, owner, done, lease_end(lease)],
    )?;
    if changed == 1 {
        Ok(())
    } else {
        Err(not_owner(id, owner))
    }
}

pub(crate) fn finish(
    conn: &Connection,
    id: &str,
    owner: &str,
    outcome: &Outcome,
) -> Result<Job, RegisterError> {
    let (state, result, error) = outcome.columns();
    let changed = conn.execute(
        "UPDATE jobs SET state = ?3, result = ?4, error = ?5, finished_at = ?6,
             done = CASE WHEN ?3 = 'done' THEN total ELSE done END, lease_until = NULL
         WHERE id = ?1 AND owner = ?2 AND state = 'running'",
        params![id, owner, state, result, error, clock::now()],
    )?;
    if changed != 1 {
        return Err(not_owner(id, owner));
    }
    get(conn, id)
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Job, RegisterError> {
    conn.query_row(
        &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
        params![id],
        job_from_row,
    )
    .optional()?
    .ok_or_else(|| RegisterError::NotFound(format!("job '{id}'")))
}
