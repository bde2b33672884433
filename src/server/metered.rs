//! The register as the service uses it, counted: every store (SQLite or
//! PostgreSQL) is wrapped once, so the metrics say how many numbers were
//! taken, issued, abandoned and cancelled, and how long taking them took
//! (the wait for a connection or a lock included).

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::metrics::RegisterMetrics;
use crate::register::jobs::{Claimed, Job, NewJob, Outcome};
use crate::register::{
    Allocated, Allocation, ApiKey, Audit, Completion, Entry, RegisterError, RegisterStore, Series,
    StoredResponse,
};

/// A store whose number operations are counted in `metrics`.
pub struct MeteredStore {
    inner: Arc<dyn RegisterStore>,
    metrics: Arc<RegisterMetrics>,
}

impl MeteredStore {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn RegisterStore>, metrics: Arc<RegisterMetrics>) -> MeteredStore {
        MeteredStore { inner, metrics }
    }
}

impl RegisterStore for MeteredStore {
    fn ping(&self) -> Result<(), RegisterError> {
        self.inner.ping()
    }

    fn submit_job(&self, job: &NewJob) -> Result<Job, RegisterError> {
        self.inner.submit_job(job)
    }

    fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Claimed>, RegisterError> {
        self.inner.claim_job(owner, lease)
    }

    fn renew_job(
        &self,
        id: &str,
        owner: &str,
        done: u32,
        lease: Duration,
    ) -> Result<(), RegisterError> {
        self.inner.renew_job(id, owner, done, lease)
    }

    fn finish_job(&self, id: &str, owner: &str, outcome: &Outcome) -> Result<Job, RegisterError> {
        self.inner.finish_job(id, owner, outcome)
    }

    fn job(&self, id: &str) -> Result<Job, RegisterError> {
        self.inner.job(id)
    }

    fn gauges(&self) -> Result<crate::register::Gauges, RegisterError> {
        self.inner.gauges()
    }

    fn allocate(&self, req: &Allocation) -> Result<Allocated, RegisterError> {
        let started = Instant::now();
        let result = self.inner.allocate(req);
        self.metrics.allocated(&result, started.elapsed());
        result
    }

    fn complete(&self, done: &Completion) -> Result<Option<StoredResponse>, RegisterError> {
        let result = self.inner.complete(done);
        if matches!(result, Ok(None)) {
            self.metrics.issued(done.pdf_sha256.len());
        }
        result
    }

    fn abandon(&self, allocated: &Allocated, reason: &str) -> Result<(), RegisterError> {
        let result = self.inner.abandon(allocated, reason);
        if result.is_ok() {
            self.metrics.abandoned(allocated.count());
        }
        result
    }

    fn cancel(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
    ) -> Result<Entry, RegisterError> {
        let result = self.inner.cancel(agency, year_be, series, number, reason);
        if result.is_ok() {
            self.metrics.cancelled();
        }
        result
    }

    fn entry(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
    ) -> Result<Entry, RegisterError> {
        self.inner.entry(agency, year_be, series, number)
    }

    fn list(&self, agency: &str, year_be: i32) -> Result<Vec<Entry>, RegisterError> {
        self.inner.list(agency, year_be)
    }

    fn audit(&self, agency: &str, year_be: i32, series: Series) -> Result<Audit, RegisterError> {
        self.inner.audit(agency, year_be, series)
    }

    fn create_key(&self, agency: &str, label: &str) -> Result<(ApiKey, String), RegisterError> {
        self.inner.create_key(agency, label)
    }

    fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, RegisterError> {
        self.inner.authenticate(secret)
    }

    fn revoke_key(&self, id: &str) -> Result<ApiKey, RegisterError> {
        self.inner.revoke_key(id)
    }

    fn keys(&self, agency: &str) -> Result<Vec<ApiKey>, RegisterError> {
        self.inner.keys(agency)
    }
}
