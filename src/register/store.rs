//! The register's operations as a trait, so the service can hold any backend:
//! SQLite ([`Register`](super::Register)) now, PostgreSQL when several
//! instances share one register. Every method is one transaction and is
//! blocking: call it from `tokio::task::spawn_blocking`.

use std::time::Duration;

use super::jobs::{Claimed, Job, NewJob, Outcome};
use super::{
    Allocated, Allocation, ApiKey, Audit, Completion, Entry, RegisterError, Series, StoredResponse,
};

/// Counts over the whole register (see [`RegisterStore::gauges`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Numbers taken whose PDF is not recorded.
    pub pending: u64,
    /// Jobs waiting for an instance.
    pub jobs_queued: u64,
    /// Jobs an instance is running.
    pub jobs_running: u64,
}

/// A register of outgoing numbers.
pub trait RegisterStore: Send + Sync {
    /// Whether the database answers now (for `/readyz`).
    fn ping(&self) -> Result<(), RegisterError>;

    /// Stores a batch job, queued.
    fn submit_job(&self, job: &NewJob) -> Result<Job, RegisterError>;

    /// Claims for `owner`, until `lease` from now, the oldest job that is
    /// queued or whose runner stopped renewing its lease (it died); `None`
    /// when there is none. Two instances never claim the same job at once.
    fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Claimed>, RegisterError>;

    /// Records `done` letters and extends `owner`'s lease; `Conflict` when
    /// the job is no longer `owner`'s (its lease ran out and another took it).
    fn renew_job(
        &self,
        id: &str,
        owner: &str,
        done: u32,
        lease: Duration,
    ) -> Result<(), RegisterError>;

    /// Ends `owner`'s run of a job; `Conflict` when it is no longer theirs.
    fn finish_job(&self, id: &str, owner: &str, outcome: &Outcome) -> Result<Job, RegisterError>;

    /// One job.
    fn job(&self, id: &str) -> Result<Job, RegisterError>;

    /// What the whole register holds now, for the metrics: numbers pending
    /// (taken, PDF not recorded) and jobs queued and running, over every
    /// agency and instance.
    fn gauges(&self) -> Result<Gauges, RegisterError>;

    /// Takes the next `req.letters.len()` numbers of the series as one
    /// consecutive block and writes a `pending` row for each, atomically:
    /// after a crash a number either has its row or was never taken.
    ///
    /// With an idempotency key already seen, takes nothing and returns the
    /// first request's numbers (`replay`), or `Conflict` when the request
    /// body differs.
    fn allocate(&self, req: &Allocation) -> Result<Allocated, RegisterError>;

    /// Records the PDF hashes (marking the numbers `issued`) and keeps the
    /// response for replay, atomically. Returns `Some(response)` when another
    /// attempt under the same idempotency key completed first: send that one,
    /// so every attempt returns the same bytes.
    fn complete(&self, done: &Completion) -> Result<Option<StoredResponse>, RegisterError>;

    /// Gives up on an allocation whose render failed: its pending numbers are
    /// cancelled with `render failed: {reason}` (never reused, still listed)
    /// and its idempotency key is released, so a retry takes new numbers
    /// instead of replaying cancelled ones.
    fn abandon(&self, allocated: &Allocated, reason: &str) -> Result<(), RegisterError>;

    /// Cancels a number with a reason. `NotFound` when it was never issued,
    /// `Conflict` when it is already cancelled. It is never issued again.
    fn cancel(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
    ) -> Result<Entry, RegisterError>;

    /// One row.
    fn entry(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
    ) -> Result<Entry, RegisterError>;

    /// An agency's register for a year, by series (normal, circular, order)
    /// then number.
    fn list(&self, agency: &str, year_be: i32) -> Result<Vec<Entry>, RegisterError>;

    /// Accounts for a series: the last number taken and any number below it
    /// without a row (always empty, unless the database was edited by hand).
    fn audit(&self, agency: &str, year_be: i32, series: Series) -> Result<Audit, RegisterError>;

    /// Creates a key for `agency`; returns it with its secret, which is not
    /// stored and cannot be shown again.
    fn create_key(&self, agency: &str, label: &str) -> Result<(ApiKey, String), RegisterError>;

    /// The live key whose secret this is; None for unknown or revoked keys.
    fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, RegisterError>;

    /// The key of a request to `agency`'s register: `Unauthorized` (401)
    /// without a secret or with an unknown or revoked one, `Forbidden` (403)
    /// for another agency's key.
    fn authorize(&self, secret: Option<&str>, agency: &str) -> Result<ApiKey, RegisterError> {
        let secret = secret.ok_or_else(|| {
            RegisterError::Unauthorized(
                "an API key is required: Authorization: Bearer sk_...".into(),
            )
        })?;
        let key = self
            .authenticate(secret)?
            .ok_or_else(|| RegisterError::Unauthorized("unknown or revoked API key".into()))?;
        key.authorize(agency)?;
        Ok(key)
    }

    /// Revokes a key by id. `NotFound` for an unknown id; revoking twice is
    /// harmless.
    fn revoke_key(&self, id: &str) -> Result<ApiKey, RegisterError>;

    /// An agency's keys, revoked ones included, oldest first.
    fn keys(&self, agency: &str) -> Result<Vec<ApiKey>, RegisterError>;

    /// Records the PDF of one number that was not allocated under an
    /// idempotency key: the one-letter case of [`complete`](Self::complete).
    fn record_pdf(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        pdf_sha256: &str,
    ) -> Result<(), RegisterError> {
        self.complete(&Completion {
            agency: agency.to_string(),
            year: year_be,
            series,
            first: number,
            pdf_sha256: vec![pdf_sha256.to_string()],
            idempotency_key: None,
            response: None,
        })
        .map(|_| ())
    }
}
