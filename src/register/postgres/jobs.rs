//! Batch jobs in PostgreSQL: claimed with `FOR UPDATE SKIP LOCKED`, so
//! instances polling at once each take a different job without waiting.

use std::time::Duration;

use postgres::{Client, GenericClient, Row};

use super::rows::{int, parsed};
use crate::register::jobs::{Claimed, Job, NewJob, Outcome, lease_end, new_job_id, not_owner};
use crate::register::{RegisterError, clock};

const JOB_COLUMNS: &str = "id, agency, state, merge, total, done, attempts, error, created_at, \
     started_at, finished_at, result, webhook";

fn job(row: &Row) -> Result<Job, RegisterError> {
    Ok(Job {
        id: row.try_get(0)?,
        agency: row.try_get(1)?,
        state: parsed(row, 2)?,
        merge: int::<i64>(row, 3)? != 0,
        total: int(row, 4)?,
        done: int(row, 5)?,
        attempts: int(row, 6)?,
        error: row.try_get(7)?,
        created_at: row.try_get(8)?,
        started_at: row.try_get(9)?,
        finished_at: row.try_get(10)?,
        result: row.try_get(11)?,
        webhook: row.try_get(12)?,
    })
}

pub(super) fn submit(client: &mut Client, new: &NewJob) -> Result<Job, RegisterError> {
    let id = new_job_id()?;
    client.execute(
        "INSERT INTO jobs (id, agency, api_key_id, merge, request, total, webhook, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &id,
            &new.agency,
            &new.api_key_id,
            &i64::from(new.merge),
            &new.request,
            &i64::from(new.total),
            &new.webhook,
            &clock::now(),
        ],
    )?;
    get(client, &id)
}

pub(super) fn claim(
    client: &mut Client,
    owner: &str,
    lease: Duration,
) -> Result<Option<Claimed>, RegisterError> {
    let now = clock::now();
    let mut tx = client.transaction()?;
    let Some(row) = tx.query_opt(
        &format!(
            "UPDATE jobs SET state = 'running', owner = $2, lease_until = $3, done = 0,
                 attempts = attempts + 1, started_at = COALESCE(started_at, $1)
             WHERE id = (
                 SELECT id FROM jobs
                 WHERE state = 'queued' OR (state = 'running' AND lease_until < $1)
                 ORDER BY created_at, id LIMIT 1
                 FOR UPDATE SKIP LOCKED)
             RETURNING {JOB_COLUMNS}, request"
        ),
        &[&now, &owner, &lease_end(lease)],
    )?
    else {
        return Ok(None);
    };
    let claimed = Claimed {
        job: job(&row)?,
        request: row.try_get(13)?,
    };
    tx.commit()?;
    Ok(Some(claimed))
}

pub(super) fn renew(
    client: &mut Client,
    id: &str,
    owner: &str,
    done: u32,
    lease: Duration,
) -> Result<(), RegisterError> {
    let changed = client.execute(
        "UPDATE jobs SET done = $3, lease_until = $4
         WHERE id = $1 AND owner = $2 AND state = 'running'",
        &[&id, &owner, &i64::from(done), &lease_end(lease)],
    )?;
    if changed == 1 {
        Ok(())
    } else {
        Err(not_owner(id, owner))
    }
}

pub(super) fn finish(
    client: &mut Client,
    id: &str,
    owner: &str,
    outcome: &Outcome,
) -> Result<Job, RegisterError> {
    let (state, result, error) = outcome.columns();
    let changed = client.execute(
        "UPDATE jobs SET state = $3, result = $4, error = $5, finished_at = $6,
             done = CASE WHEN $3 = 'done' THEN total ELSE done END, lease_until = NULL
         WHERE id = $1 AND owner = $2 AND state = 'running'",
        &[&id, &owner, &state, &result, &error, &clock::now()],
    )?;
    if changed != 1 {
        return Err(not_owner(id, owner));
    }
    get(client, id)
}

pub(super) fn get(client: &mut impl GenericClient, id: &str) -> Result<Job, RegisterError> {
    let row = client
        .query_opt(
            &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"),
            &[&id],
        )?
        .ok_or_else(|| RegisterError::NotFound(format!("job '{id}'")))?;
    job(&row)
}
