//! The register in an SQLite file: WAL so readers never wait for the writer,
//! `synchronous = FULL` so a committed number survives a power cut (the
//! letter carrying it may already be on its way), and a busy timeout so
//! concurrent writers queue instead of failing.

mod columns;
mod jobs;
mod keys;
mod listing;
mod migrate;
mod numbers;

use super::numbers as rules;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

use super::jobs::{Claimed, Job, NewJob, Outcome};
use super::{
    Allocated, Allocation, ApiKey, Audit, Completion, Entry, RegisterError, RegisterStore, Series,
    StoredResponse,
};

/// How long a writer waits for the lock before giving up with `Busy`: far
/// longer than any allocation holds it, short enough for an HTTP client.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle connections kept for reuse; more are opened under load and closed
/// after.
const MAX_IDLE: usize = 8;

/// An outgoing register stored in one SQLite file. Cheap to share: it is
/// `Sync` and hands each call its own connection, so many blocking tasks
/// can use one `Register` (and several processes one file) at once.
pub struct Register {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    gate: std::sync::Arc<Mutex<()>>,
}

/// One gate per database file in this process. SQLite's busy handler polls
/// with sleeps, so under load a writer can lose the lock again and again; the
/// threads of one process take turns at this mutex instead, and the busy
/// timeout only arbitrates between processes.
fn gate_for(path: &Path) -> std::sync::Arc<Mutex<()>> {
    static GATES: std::sync::LazyLock<
        Mutex<std::collections::HashMap<PathBuf, std::sync::Arc<Mutex<()>>>>,
    > = std::sync::LazyLock::new(Default::default);
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    GATES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key)
        .or_default()
        .clone()
}

impl std::fmt::Debug for Register {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Register")
            .field("path", &self.path)
            .finish()
    }
}

impl Register {
    /// Opens the register at `path`, creating the file (and its directory)
    /// on first start and applying any pending migrations.
    pub fn open(path: impl AsRef<Path>) -> Result<Register, RegisterError> {
        Register::open_with_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// [`open`](Self::open) with another busy timeout.
    ///
    /// A new database file, and its WAL and shared-memory files, are readable
    /// by their owner only: they hold the letters' PDFs.
    pub fn open_with_timeout(
        path: impl AsRef<Path>,
        busy_timeout: Duration,
    ) -> Result<Register, RegisterError> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                RegisterError::Internal(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        create_private(&path)?;
        // Switching a new file to WAL, and the first migration, can report
        // SQLITE_BUSY at once, without waiting in the busy handler, while
        // another process opens the same new file: retry until the timeout.
        // Opening is rare and must not starve behind busy writers: it may wait
        // several busy timeouts.
        let deadline = std::time::Instant::now() + busy_timeout * 6;
        let conn = loop {
            let attempt = connect(&path, busy_timeout).and_then(|mut conn| {
                migrate::migrate(&mut conn)?;
                Ok(conn)
            });
            match attempt {
                Err(RegisterError::Busy) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => break other?,
            }
        };
        Ok(Register {
            gate: gate_for(&path),
            path,
            busy_timeout,
            idle: Mutex::new(vec![conn]),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, RegisterError> {
        self.with_conn(|conn| migrate::current_version(conn))
    }

    /// The schema version this program writes.
    pub fn latest_schema_version() -> i64 {
        migrate::latest_version()
    }

    /// SQLite's own check of the file; `Internal` with its findings when the
    /// file is damaged.
    pub fn integrity_check(&self) -> Result<(), RegisterError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare("PRAGMA integrity_check")?;
            let findings = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            if findings == ["ok"] {
                Ok(())
            } else {
                Err(RegisterError::Internal(format!(
                    "integrity check of {}: {}",
                    self.path.display(),
                    findings.join("; ")
                )))
            }
        })
    }

    /// Runs `f` on an idle connection, or a new one when all are in use.
    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, RegisterError>,
    ) -> Result<T, RegisterError> {
        // A panic elsewhere cannot leave the list inconsistent: it only
        // holds whole connections.
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut conn = match pooled {
            Some(conn) => conn,
            None => connect(&self.path, self.busy_timeout)?,
        };
        // A failed transaction has rolled back when its guard dropped, so the
        // connection is clean to reuse.
        let result = {
            let _turn = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut conn)
        };
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        result
    }
}

/// A connection with the register's settings.
fn connect(path: &Path, busy_timeout: Duration) -> Result<Connection, RegisterError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    // WAL is a property of the file, kept once set; asking again is cheap.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(RegisterError::Internal(format!(
            "{} cannot use write-ahead logging (journal mode stays '{mode}'); \
             put the register on a local disk",
            path.display()
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

impl RegisterStore for Register {
    fn ping(&self) -> Result<(), RegisterError> {
        self.with_conn(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
    }

    fn submit_job(&self, job: &NewJob) -> Result<Job, RegisterError> {
        self.with_conn(|conn| jobs::submit(conn, job))
    }

    fn claim_job(&self, owner: &str, lease: Duration) -> Result<Option<Claimed>, RegisterError> {
        self.with_conn(|conn| jobs::claim(conn, owner, lease))
    }

    fn renew_job(
        &self,
        id: &str,
        owner: &str,
        done: u32,
        lease: Duration,
    ) -> Result<(), RegisterError> {
        self.with_conn(|conn| jobs::renew(conn, id, owner, done, lease))
    }

    fn finish_job(&self, id: &str, owner: &str, outcome: &Outcome) -> Result<Job, RegisterError> {
        self.with_conn(|conn| jobs::finish(conn, id, owner, outcome))
    }

    fn job(&self, id: &str) -> Result<Job, RegisterError> {
        self.with_conn(|conn| jobs::get(conn, id))
    }

    fn gauges(&self) -> Result<super::Gauges, RegisterError> {
        self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT (SELECT COUNT(*) FROM entries WHERE status = 'pending'),
                    (SELECT COUNT(*) FROM jobs WHERE state = 'queued'),
                    (SELECT COUNT(*) FROM jobs WHERE state = 'running')",
                [],
                |row| {
                    Ok(super::Gauges {
                        pending: row.get(0)?,
                        jobs_queued: row.get(1)?,
                        jobs_running: row.get(2)?,
                    })
                },
            )?)
        })
    }

    fn allocate(&self, req: &Allocation) -> Result<Allocated, RegisterError> {
        self.with_conn(|conn| numbers::immediate(conn, |tx| rules::allocate(tx, req)))
    }

    fn complete(&self, done: &Completion) -> Result<Option<StoredResponse>, RegisterError> {
        self.with_conn(|conn| numbers::immediate(conn, |tx| rules::complete(tx, done)))
    }

    fn abandon(&self, allocated: &Allocated, reason: &str) -> Result<(), RegisterError> {
        self.with_conn(|conn| numbers::immediate(conn, |tx| rules::abandon(tx, allocated, reason)))
    }

    fn cancel(
        &self,
        agency: &str,
        year_be: i32,
        series: Series,
        number: u32,
        reason: &str,
    ) -> Result<Entry, RegisterError> {
        self.with_conn(|conn| {
            numbers::immediate(conn, |tx| {
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
        self.with_conn(|conn| numbers::read_entry(conn, agency, year_be, series, number))
    }

    fn list(&self, agency: &str, year_be: i32) -> Result<Vec<Entry>, RegisterError> {
        self.with_conn(|conn| listing::list(conn, agency, year_be))
    }

    fn audit(&self, agency: &str, year_be: i32, series: Series) -> Result<Audit, RegisterError> {
        self.with_conn(|conn| listing::audit(conn, agency, year_be, series))
    }

    fn create_key(&self, agency: &str, label: &str) -> Result<(ApiKey, String), RegisterError> {
        self.with_conn(|conn| keys::create_key(conn, agency, label))
    }

    fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, RegisterError> {
        self.with_conn(|conn| keys::authenticate(conn, secret))
    }

    fn revoke_key(&self, id: &str) -> Result<ApiKey, RegisterError> {
        self.with_conn(|conn| keys::revoke_key(conn, id))
    }

    fn keys(&self, agency: &str) -> Result<Vec<ApiKey>, RegisterError> {
        self.with_conn(|conn| keys::keys(conn, agency))
    }
}

/// Creates the database file, if it does not exist, readable and writable by
/// its owner only (0600); SQLite gives the `-wal` and `-shm` files it creates
/// the same mode as the database.
fn create_private(path: &Path) -> Result<(), RegisterError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .map_err(|e| RegisterError::Internal(format!("cannot create {}: {e}", path.display())))
}
