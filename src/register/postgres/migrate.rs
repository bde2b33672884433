//! Versioned migrations for PostgreSQL, applied in one transaction under an
//! advisory lock and recorded in `schema_migrations`, as for SQLite.

use crate::register::{RegisterError, clock};

/// The advisory lock key of migrations (any fixed number: "saraban" in ASCII).
const MIGRATION_LOCK: i64 = 0x73_61_72_61_62_61_6e;

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "init",
        sql: include_str!("../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "jobs",
        sql: include_str!("../migrations/postgres/0002_jobs.sql"),
    },
];

fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Brings the database up to the latest version; refuses a newer one.
pub(super) fn migrate(client: &mut postgres::Client) -> Result<(), RegisterError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         )",
    )?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let latest = latest_version();
    if current > latest {
        return Err(RegisterError::Internal(format!(
            "the database has schema version {current}, newer than this program's {latest}: \
             upgrade saraban before opening it"
        )));
    }
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.batch_execute(m.sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            &[&m.version, &m.name, &clock::now()],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The version the database is at.
pub(super) fn current_version(client: &mut postgres::Client) -> Result<i64, RegisterError> {
    Ok(client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0))
}
