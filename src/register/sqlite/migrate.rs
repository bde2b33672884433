//! Versioned schema migrations: numbered SQL files compiled into the binary,
//! applied in order inside one transaction and recorded in
//! `schema_migrations`, so a database is never left half-migrated and two
//! processes starting at once migrate it once.

use rusqlite::{Connection, TransactionBehavior, params};

use crate::register::{RegisterError, clock};

/// One schema step. Versions only grow; a released file is never edited,
/// a change is a new file.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "jobs",
        sql: include_str!("../migrations/0002_jobs.sql"),
    },
];

/// The schema version this program writes.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to [`latest_version`]. Refuses a database from a
/// newer program rather than write rows its schema does not expect.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), RegisterError> {
    // An up-to-date database needs no write lock: read the version first, so
    // that opening the register never queues behind busy writers.
    let up_to_date = conn
        .query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |row| row.get::<_, i64>(0),
        )
        .is_ok_and(|v| v == latest_version());
    if up_to_date {
        return Ok(());
    }
    // IMMEDIATE takes the write lock before reading the version, so a second
    // process waits and then finds the work done.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         )",
    )?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?;
    let latest = latest_version();
    if current > latest {
        return Err(RegisterError::Internal(format!(
            "the database has schema version {current}, newer than this program's {latest}: \
             upgrade saraban before opening it"
        )));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.execute_batch(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, clock::now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The version the database is at.
pub(crate) fn current_version(conn: &Connection) -> Result<i64, RegisterError> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?)
}
