//! PostgreSQL for the tests: a server at `SARABAN_TEST_POSTGRES` (an admin
//! URL, by default `postgres://saraban:saraban@127.0.0.1:5432/postgres`, the
//! cluster and role `.ci/run` starts and creates), a fresh database per test.

use std::time::{SystemTime, UNIX_EPOCH};

/// The PostgreSQL server the tests use, as an admin URL.
pub fn postgres_admin() -> String {
    std::env::var("SARABAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://saraban:saraban@127.0.0.1:5432/postgres".into())
}

/// A fresh PostgreSQL database for one test, dropped after it.
pub struct PgDatabase {
    name: String,
}

impl PgDatabase {
    /// A database named after `test`.
    pub fn new(test: &str) -> PgDatabase {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let name = format!("saraban_{test}_{}_{nanos}", std::process::id());
        let name: String = name.chars().take(63).collect();
        let mut admin = postgres::Client::connect(&postgres_admin(), postgres::NoTls)
            .unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is needed by these tests at {} (SARABAN_TEST_POSTGRES; .ci/run \
                     starts one): {e}",
                    postgres_admin()
                )
            });
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .unwrap();
        PgDatabase { name }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        let admin = postgres_admin();
        let (server, _) = admin.rsplit_once('/').unwrap();
        format!("{server}/{}", self.name)
    }

    /// A client connected to it.
    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).unwrap()
    }

    /// Waits until no other session is connected to it. The server goes on
    /// with what a killed client had already sent (a COMMIT included) until
    /// it notices the closed socket; a test that kills a client must wait
    /// for that before it reads what was left behind.
    pub fn wait_for_other_sessions(&self) {
        let mut client = self.client();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let others: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    &[],
                )
                .unwrap()
                .get(0);
            if others == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{others} sessions still connected to {}",
                self.name
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&postgres_admin(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            ));
        }
    }
}
