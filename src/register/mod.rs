//! The outgoing register (ทะเบียนหนังสือส่ง): reference numbers that are never
//! issued twice and never vanish.
//!
//! Each agency has one sequence per Buddhist-era year and [`Series`]
//! (ordinary letters, circulars ว, orders คำสั่ง), counting from 1 and
//! restarting each calendar year. A number is taken by
//! [`RegisterStore::allocate`], which bumps the sequence and writes a
//! `pending` row per number in one transaction; after rendering,
//! [`RegisterStore::complete`] records the PDF's SHA-256 (`issued`) and, for a
//! request with an idempotency key, the response bytes for replay. Every
//! number 1..=last therefore has a row, whatever crashes when: a number is
//! either taken with its row or not taken.
//!
//! # A number whose render fails
//!
//! The caller calls [`RegisterStore::abandon`]: the number is cancelled with
//! `render failed: ...`, stays in the book and is never reused, and the
//! idempotency key is released so a retry takes a fresh number rather than
//! replaying a cancelled one. A process that dies between allocating and
//! completing leaves the number `pending`, shown in listings and by
//! [`RegisterStore::audit`]; a retry with the same idempotency key replays it
//! and completes it, or a clerk cancels it. Numbers are thus never silently
//! lost, and the book shows what happened to each. Callers should validate a
//! document before allocating, so that a render rarely fails after.
//!
//! # Idempotency
//!
//! A request carrying an idempotency key records the key, the hash of the
//! request body and its numbers in the allocating transaction. A retry with
//! the same key and body gets the same numbers (`replay`) and, once the
//! first attempt completed, the same response bytes; the same key with a
//! different body is a `Conflict`. Keys are scoped per agency.
//!
//! # Backends
//!
//! [`RegisterStore`] is the seam. [`Register`] keeps the register in an
//! SQLite file (WAL, `synchronous = FULL`, busy timeout; writers serialise
//! on `BEGIN IMMEDIATE`), which suits one service process, or several on one
//! host. When several hosts share one register, a PostgreSQL store would
//! implement the same trait, and what changes is small:
//!
//! - the migrations: the same numbered files under `migrations/` with `BLOB`
//!   as `BYTEA` (and `BIGINT` for the integers), in the same
//!   `schema_migrations` table, applied in one transaction under
//!   `pg_advisory_xact_lock` so that starting instances migrate once;
//! - placeholders `$1` for `?1`, and a plain `BEGIN` (READ COMMITTED) for
//!   `BEGIN IMMEDIATE`. The sequence bump is already the portable
//!   `INSERT ... ON CONFLICT DO UPDATE ... RETURNING last_number`, which in
//!   PostgreSQL row-locks the sequence until commit, so concurrent
//!   allocations in one series queue on that row (the equivalent of
//!   `SELECT ... FOR UPDATE`) while other series and agencies run in
//!   parallel;
//! - the idempotency check: two first attempts with one key can both miss
//!   the lookup there, so the second's insert into `idempotent_requests` fails
//!   with a unique violation (SQLSTATE 23505) after the first commits; the
//!   store rolls back and retries once, then finds the replay;
//! - connections: a pool (r2d2 or deadpool) instead of the idle list here;
//!   the trait stays blocking, called from `spawn_blocking`.
//!
//! Timestamps are RFC 3339 text written by the program, and the domain
//! queries use no SQLite-only SQL, so those carry over as they are.

mod allocation;
mod audit;
pub mod cli;
mod clock;
mod entry;
mod error;
mod export;
mod hash;
pub mod jobs;
mod keys;
mod numbers;
mod page;
mod postgres;
mod series;
mod sqlite;
mod store;
mod year;

pub use self::postgres::{PgRegister, is_postgres_url};
pub use allocation::{
    Allocated, Allocation, Completion, LetterDetails, MAX_BATCH, MAX_IDEMPOTENCY_KEY,
    MAX_STORED_BODY, StoredResponse, abandon_reason,
};
pub use audit::Audit;
pub use entry::{Entry, EntryStatus};
pub use error::RegisterError;
pub use export::{CSV_COLUMNS, official_rows, to_csv};
pub use hash::{request_hash, sha256_hex};
pub use keys::{ApiKey, SECRET_PREFIX, bearer_token};
pub use page::{RegisterPage, RegisterRow, RegisterView};
pub use series::Series;
pub use sqlite::{DEFAULT_BUSY_TIMEOUT, Register};
pub use store::{Gauges, RegisterStore};
pub use year::{YEAR_BE_RANGE, check_year_be, current_year_be, year_be_of_date};

/// The environment variable naming the register's database file, the
/// default of the `--db` option.
pub const DB_ENV: &str = "SARABAN_DB";

/// Opens the register `db` names: a PostgreSQL database by its URL
/// (`postgres://user:password@host/db`, shared by several instances) or an
/// SQLite file by its path (created on first use), migrated either way.
pub fn open_store(
    db: &std::path::Path,
) -> Result<std::sync::Arc<dyn RegisterStore>, RegisterError> {
    let spec = db.to_string_lossy();
    if is_postgres_url(&spec) {
        Ok(std::sync::Arc::new(PgRegister::open(&spec)?))
    } else {
        Ok(std::sync::Arc::new(Register::open(db)?))
    }
}

/// How `db` is named in logs and messages: a URL without its password, or
/// the file's path.
pub fn describe_store(db: &std::path::Path) -> String {
    let spec = db.to_string_lossy();
    if is_postgres_url(&spec) {
        self::postgres::hide_password(&spec)
    } else {
        db.display().to_string()
    }
}
