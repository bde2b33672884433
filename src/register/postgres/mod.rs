//! The register on PostgreSQL, for several instances of the service on one
//! or many machines: the same tables and promises as the SQLite file (a
//! number never issued twice, no gaps, idempotent requests, keys, cancel),
//! held by PostgreSQL's row locks instead of SQLite's one writer.
//!
//! - A number is taken by `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
//!   on the series' row, which locks that row until the transaction ends: a
//!   second allocation of the same series waits, then reads the new last
//!   number. The rows of the numbers are written in the same transaction, so
//!   a crash leaves neither the bump nor the rows.
//! - Requests under one idempotency key are serialised by a transaction-level
//!   advisory lock on the agency and key, as SQLite's write lock did.
//! - Migrations run under an advisory lock, so instances starting at once
//!   migrate once.
//!
//! Blocking, as [`RegisterStore`] is: tokio-postgres's blocking client, from
//! a pool of connections.

mod jobs;
mod keys;
mod listing;
mod migrate;
mod numbers;

use super::numbers as rules;
mod rows;

use std::time::Duration;

use postgres::NoTls;
use r2d2_postgres::PostgresConnectionManager;

use super::jobs::{Claimed, Job, NewJob, Outcome};
use super::{
    Allocated, Allocation, ApiKey, Audit, Completion, Entry, RegisterError, RegisterStore, Series,
    StoredResponse,
};

/// Connections the pool keeps at most: the service's blocking threads share
/// them.
const MAX_CONNECTIONS: u32 = 16;

/// How long a call waits for a free connection before `Busy` (503).
const CONNECTION_WAIT: Duration = Duration::from_secs(10);

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// An outgoing register in a PostgreSQL database, shared by every process
/// that opens the same URL.
pub struct PgRegister {
    pool: Pool,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for PgRegister {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgRegister")
            .field("url", &self.shown)
            .finish()
    }
}

/// Whether `spec` names a PostgreSQL database rather than an SQLite file.
pub fn is_postgres_url(spec: &str) -> bool {
    spec.starts_with("postgres://") || spec.starts_with("postgresql://")
}

impl PgRegister {
    /// Connects to `url` (`postgres://user:password@host:5432/database`) and
    /// brings its schema up to date.
    pub fn open(url: &str) -> Result<PgRegister, RegisterError> {
        let shown = hide_password(url);
        let config: postgres::Config = url
            .parse()
            .map_err(|e| RegisterError::Internal(format!("{shown}: {e}")))?;
        // One connection first, so a wrong password or host is said at once
        // and in the server's words, not as the pool's timeout.
        config.connect(NoTls).map_err(|e| {
            RegisterError::Internal(format!("{shown}: cannot connect: {}", detail(&e)))
        })?;
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(MAX_CONNECTIONS)
            .min_idle(Some(1))
            .connection_timeout(CONNECTION_WAIT)
            // Connection failures are reported to the caller, not logged by r2d2.
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build(manager)
            .map_err(|e| RegisterError::Internal(format!("{shown}: cannot connect: {e}")))?;
        let register = PgRegister { pool, shown };
        register.with_client(migrate::migrate)?;
        Ok(register)
    }

    /// The database's URL without its password.
    pub fn url(&self) -> &str {
        &self.shown
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, RegisterError> {
        self.with_client(migrate::current_version)
    }

    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, RegisterError>,
    ) -> Result<T, RegisterError> {
        let mut conn = self.pool.get().map_err(|e| {
            tracing::warn!(db = %self.shown, error = %e, "no register connection");
            RegisterError::Busy
        })?;
        f(&mut conn)
    }
}

/// The server's own message when it gave one (`password authentication
/// failed for user ...`), the client's otherwise.
fn detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub(crate) fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((auth, host)) => match auth.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl RegisterStore for PgRegister {
    fn ping(&self) -> Result<(), RegisterError> {
        self.with_client(|c| {
            c.simple_query("SELECT 1")?;
            Ok(())
        })
    }

    fn submit_job(&self, job: &NewJob) -> Result<Job, RegisterError> {
        self.with_client(|c| jobs::submit(c, job))
    }

    fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Claimed>, RegisterError> {
        self.with_client(|c| jobs::claim(c, owner, lease))
    }

    fn renew_job(
        &self,
        id: &str,
        owner: &str,
        done: u32,
        lease: Duration,
    ) -> Result<(), RegisterError> {
        self.with_client(|c| jobs::renew(c, id, owner, done, lease))
    }

    fn finish_job(&self, id: &str, owner: &str, outcome: &Outcome) -> Result<Job, RegisterError> {
        self.with_client(|c| jobs::finish(c, id, owner, outcome))
    }

    fn job(&self, id: &str) -> Result<Job, RegisterError> {
        self.with_client(|c| jobs::get(c, id))
    }

    fn gauges(&self) -> Result<super::Gauges, RegisterError> {
        self.with_client(|c| {
            let row = c.query_one(
                "SELECT (SELECT COUNT(*) FROM entries WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM jobs WHERE state = 'queued'),
                    (SELECT COUNT(*) FROM jobs WHERE state = 'running')",
                &[],
            )?;
            let count = |i: usize| -> Result<u64, RegisterError> { rows::int(&row, i) };
            Ok(super::Gauges {
                pending: count(0)?,
                jobs_queued: count(1)?,
                jobs_running: count(2)?,
            })
        })
    }

    fn allocate(&self, req: &Allocation) -> Result<Allocated, RegisterError> {
        self.with_client(|c| numbers::transaction(c, |tx| rules::allocate(tx, req)))
    }

    fn complete(&self, done: &Completion) -> Result<Option<StoredResponse>, RegisterError> {
        self.with_client(|c| numbers::transaction(c, |tx| rules::complete(tx, done)))
    }

    fn abandon(&self, allocated: &Allocated, reason: &str) -> Result<(), RegisterError> {
        self.with_client(|c| numbers::transaction(c, |tx| rules::abandon(tx, allocated, reason)))
    }

    fn cancel(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
    ) -> Result<Entry, RegisterError> {
        self.with_client(|c| {
            numbers::transaction(c, |tx| {
                rules::cancel(tx, agency, year_be, series, number, reason)
            })
        })
    }

    fn entry(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
    ) -> Result<Entry, RegisterError> {
        self.with_client(|c| numbers::read_entry(c, agency, year_be, series, number, false))
    }

    fn list(&self, agency: &str, year_be: i32) -> Result<Vec<Entry>, RegisterError> {
        self.with_client(|c| listing::list(c, agency, year_be))
    }

    fn audit(&self, agency: &str, year_be: i32, series: Series) -> Result<Audit, RegisterError> {
        self.with_client(|c| listing::audit(c, agency, year_be, series))
    }

    fn create_key(&self, agency: &str, label: &str) -> Result<(ApiKey, String), RegisterError> {
        self.with_client(|c| keys::create_key(c, agency, label))
    }

    fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, RegisterError> {
        self.with_client(|c| keys::authenticate(c, secret))
    }

    fn revoke_key(&self, id: &str) -> Result<ApiKey, RegisterError> {
        self.with_client(|c| keys::revoke_key(c, id))
    }

    fn keys(&self, agency: &str) -> Result<Vec<ApiKey>, RegisterError> {
        self.with_client(|c| keys::keys(c, agency))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            super::hide_password("postgres://saraban:s3cret@db:5432/register"),
            "postgres://saraban:***@db:5432/register"
        );
        assert_eq!(
            super::hide_password("postgresql://db/register"),
            "postgresql://db/register"
        );
    }
}
