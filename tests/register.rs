//! The outgoing register on real databases, an SQLite file and a PostgreSQL
//! database, with the same tests for both: concurrency, idempotency, year
//! rollover, series, cancellation, keys, and a process killed mid-batch.
//!
//! PostgreSQL: a server at `SARABAN_TEST_POSTGRES` (an admin URL, by default
//! `postgres://saraban:saraban@127.0.0.1:5432/postgres`, the cluster and role
//! `.ci/run` starts and creates); each test makes its own database and drops
//! it after.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use saraban::register::{
    Allocation, EntryStatus, LetterDetails, PgRegister, Register, RegisterError, RegisterStore,
    Series, StoredResponse, open_store, request_hash, sha256_hex, to_csv,
};
use saraban::thai::DigitStyle;

mod common;

use common::TempDir;
use common::postgres::PgDatabase;

/// Where one test's register lives.
enum Backend {
    Sqlite(TempDir),
    Postgres(PgDatabase),
}

impl Backend {
    fn sqlite(test: &str) -> Backend {
        Backend::Sqlite(TempDir::new(test))
    }

    fn postgres(test: &str) -> Backend {
        Backend::Postgres(PgDatabase::new(test))
    }

    /// What `--db` would say: the file's path or the database's URL.
    fn spec(&self) -> PathBuf {
        match self {
            Backend::Sqlite(dir) => dir.db(),
            Backend::Postgres(db) => PathBuf::from(db.url()),
        }
    }

    /// The register, opened as an instance of the service opens it.
    fn open(&self) -> Arc<dyn RegisterStore> {
        open_store(&self.spec()).expect("open the register")
    }

    /// Waits until whatever a killed client had sent is done: a SQLite
    /// writer's work ends with its process, a PostgreSQL server's does not.
    fn settle_after_kill(&self) {
        if let Backend::Postgres(db) = self {
            db.wait_for_other_sessions();
        }
    }

    /// The backend's own consistency check, where it has one.
    fn check_integrity(&self) {
        if let Backend::Sqlite(dir) = self {
            Register::open(dir.db()).unwrap().integrity_check().unwrap();
        }
    }

    /// Everything the database stores, as bytes, to search for secrets.
    fn dump(&self) -> Vec<u8> {
        match self {
            Backend::Sqlite(dir) => {
                let mut bytes = std::fs::read(dir.db()).unwrap();
                bytes.extend(std::fs::read(dir.0.join("register.sqlite-wal")).unwrap_or_default());
                bytes
            }
            Backend::Postgres(db) => {
                let mut client = db.client();
                let mut out = Vec::new();
                for table in ["api_keys", "entries", "idempotent_requests", "sequences"] {
                    for row in client
                        .query(&format!("SELECT row_to_json(t)::text FROM {table} t"), &[])
                        .unwrap()
                    {
                        out.extend(row.get::<_, String>(0).into_bytes());
                    }
                }
                out
            }
        }
    }
}

/// Runs `test` once on a fresh SQLite file and once on a fresh PostgreSQL
/// database, as `<test>::sqlite` and `<test>::postgres`.
macro_rules! on_both {
    ($test:ident) => {
        mod $test {
            #[test]
            fn sqlite() {
                super::$test(super::Backend::sqlite(stringify!($test)))
            }
            #[test]
            fn postgres() {
                super::$test(super::Backend::postgres(stringify!($test)))
            }
        }
    };
}

const AGENCY: &str = "khonkaen-province";

/// A request for `count` numbers; `body` stands for the HTTP request body.
fn request(
    series: Series,
    year_be: i32,
    count: usize,
    key: Option<&str>,
    body: &str,
) -> Allocation {
    Allocation {
        agency: AGENCY.into(),
        series,
        year_be,
        code: "ขก 0017.5".into(),
        year_in_reference: series == Series::Order,
        digits: DigitStyle::Thai,
        idempotency_key: key.map(str::to_string),
        request_hash: request_hash(body.as_bytes()),
        api_key_id: None,
        letters: (0..count)
            .map(|i| LetterDetails {
                letter_date: Some("2025-06-15".into()),
                sender: "จังหวัดขอนแก่น".into(),
                recipient: format!("ผู้รับ {i}"),
                subject: format!("เรื่องที่ {i}"),
            })
            .collect(),
    }
}

fn one(series: Series, year_be: i32) -> Allocation {
    request(series, year_be, 1, None, "{}")
}

/// 64 clients over four instances of the register (four pools on one
/// database, as four processes of the service would hold) take 5,000 numbers:
/// each once, none skipped.
fn concurrent_clients_get_distinct_consecutive_numbers(backend: Backend) {
    const CLIENTS: usize = 64;
    const INSTANCES: usize = 4;
    const TOTAL: usize = 5000;
    // The service creates the database when it starts; the clients then race
    // for numbers (`a_new_database_opened_at_once_migrates_once` races the
    // opening).
    let instances: Vec<Arc<dyn RegisterStore>> = (0..INSTANCES).map(|_| backend.open()).collect();
    let start = Arc::new(Barrier::new(CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let register = instances[c % INSTANCES].clone();
            let start = start.clone();
            let share = TOTAL / CLIENTS + usize::from(c < TOTAL % CLIENTS);
            std::thread::spawn(move || {
                start.wait();
                (0..share)
                    .map(|_| {
                        let got = register
                            .allocate(&one(Series::Normal, 2568))
                            .expect("allocate");
                        assert_eq!(got.first, got.last);
                        got.first
                    })
                    .collect::<Vec<u32>>()
            })
        })
        .collect();
    let mut numbers: Vec<u32> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=TOTAL as u32).collect::<Vec<_>>());

    let register = backend.open();
    let audit = register.audit(AGENCY, 2568, Series::Normal).unwrap();
    assert_eq!(audit.last, TOTAL as u32);
    assert!(audit.missing.is_empty());
    assert_eq!(audit.pending.len(), TOTAL);
    let rows = register.list(AGENCY, 2568).unwrap();
    assert_eq!(rows.len(), TOTAL);
    assert!(rows.iter().zip(1..).all(|(e, n)| e.number == n));
    backend.check_integrity();
}
on_both!(concurrent_clients_get_distinct_consecutive_numbers);

fn idempotent_retry_gets_the_same_number_and_bytes(backend: Backend) {
    let register = backend.open();
    let body = r#"{"kind":"external","reference":"auto"}"#;
    let req = request(Series::Normal, 2568, 1, Some("retry-1"), body);

    let first = register.allocate(&req).unwrap();
    assert!(!first.replay);
    assert_eq!((first.first, first.last), (1, 1));
    assert_eq!(first.references, ["ขก ๐๐๑๗.๕/๑"]);

    // A retry before the first attempt finished: same number, nothing to send
    // yet, so it renders too; whoever completes first wins.
    let early = register.allocate(&req).unwrap();
    assert!(early.replay && early.response.is_none());
    assert_eq!(early.first, 1);

    let pdf = b"%PDF-1.7 first attempt".to_vec();
    let response = StoredResponse {
        status: 200,
        content_type: "application/pdf".into(),
        body: pdf.clone(),
    };
    let done = first.completion(vec![sha256_hex(&pdf)], Some(response.clone()));
    assert_eq!(register.complete(&done).unwrap(), None);

    // The early retry's own render lost the race: it is handed the first bytes.
    let other = b"%PDF-1.7 second attempt".to_vec();
    let late = early.completion(
        vec![sha256_hex(&other)],
        Some(StoredResponse {
            body: other,
            ..response.clone()
        }),
    );
    assert_eq!(register.complete(&late).unwrap(), Some(response.clone()));

    // A retry after completion replays the stored response byte for byte.
    let again = register.allocate(&req).unwrap();
    assert!(again.replay);
    assert_eq!(again.first, 1);
    assert_eq!(again.response, Some(response));
    assert_eq!(again.pdf_sha256, [Some(sha256_hex(&pdf))]);

    // No number was spent on retries.
    assert_eq!(
        register.allocate(&one(Series::Normal, 2568)).unwrap().first,
        2
    );
    let entry = register.entry(AGENCY, 2568, Series::Normal, 1).unwrap();
    assert_eq!(entry.status, EntryStatus::Issued);
    assert_eq!(entry.pdf_sha256, Some(sha256_hex(&pdf)));
    assert_eq!(entry.idempotency_key.as_deref(), Some("retry-1"));

    // The same key with another body is refused, and takes nothing.
    let changed = request(Series::Normal, 2568, 1, Some("retry-1"), "{}");
    let err = register.allocate(&changed).unwrap_err();
    assert!(matches!(err, RegisterError::Conflict { .. }), "{err}");
    assert_eq!(err.http_status(), 409);
    assert!(err.to_string().contains("Idempotency-Key"), "{err}");
    assert_eq!(
        register.audit(AGENCY, 2568, Series::Normal).unwrap().last,
        2
    );
}
on_both!(idempotent_retry_gets_the_same_number_and_bytes);

fn idempotent_batch_replays_the_whole_block(backend: Backend) {
    let register = backend.open();
    register.allocate(&one(Series::Normal, 2568)).unwrap();
    let req = request(Series::Normal, 2568, 3, Some("batch-1"), "three letters");
    let got = register.allocate(&req).unwrap();
    assert_eq!((got.first, got.last), (2, 4));
    assert_eq!(got.numbers().count(), 3);
    let again = register.allocate(&req).unwrap();
    assert!(again.replay);
    assert_eq!((again.first, again.last), (2, 4));
    assert_eq!(again.references, got.references);
    // The same key is free in another agency.
    let mut elsewhere = req.clone();
    elsewhere.agency = "other-agency".into();
    assert!(!register.allocate(&elsewhere).unwrap().replay);
}
on_both!(idempotent_batch_replays_the_whole_block);

fn numbers_restart_each_year(backend: Backend) {
    let register = backend.open();
    let take = |year| register.allocate(&one(Series::Normal, year)).unwrap().first;
    assert_eq!([take(2568), take(2568), take(2568)], [1, 2, 3]);
    assert_eq!(take(2569), 1);
    assert_eq!(take(2568), 4);
    assert_eq!(take(2569), 2);
    assert_eq!(register.list(AGENCY, 2568).unwrap().len(), 4);
    assert_eq!(register.list(AGENCY, 2569).unwrap().len(), 2);
    assert_eq!(
        saraban::register::year_be_of_date("2025-12-31").unwrap(),
        2568
    );
    assert_eq!(saraban::register::year_be_of_date("2026-01").unwrap(), 2569);
    let err = register.allocate(&one(Series::Normal, 2025)).unwrap_err();
    assert!(err.to_string().starts_with("year:"), "{err}");
}
on_both!(numbers_restart_each_year);

fn series_count_independently(backend: Backend) {
    let register = backend.open();
    let take = |series| register.allocate(&one(series, 2568)).unwrap();
    assert_eq!(take(Series::Normal).first, 1);
    assert_eq!(take(Series::Normal).first, 2);
    let circular = take(Series::Circular);
    assert_eq!(circular.first, 1);
    assert_eq!(circular.references, ["ขก ๐๐๑๗.๕/ว ๑"]);
    let order = take(Series::Order);
    assert_eq!(order.first, 1);
    assert_eq!(order.references, ["ขก ๐๐๑๗.๕/๑/๒๕๖๘"]);
    assert_eq!(take(Series::Normal).first, 3);
    let series: Vec<(Series, u32)> = register
        .list(AGENCY, 2568)
        .unwrap()
        .iter()
        .map(|e| (e.series, e.number))
        .collect();
    assert_eq!(
        series,
        [
            (Series::Normal, 1),
            (Series::Normal, 2),
            (Series::Normal, 3),
            (Series::Circular, 1),
            (Series::Order, 1)
        ]
    );
}
on_both!(series_count_independently);

fn cancelled_numbers_stay_and_are_never_reused(backend: Backend) {
    let register = backend.open();
    for _ in 0..2 {
        register.allocate(&one(Series::Normal, 2568)).unwrap();
    }
    let cancelled = register
        .cancel(AGENCY, 2568, Series::Normal, 2, "ออกเลขซ้ำซ้อน")
        .unwrap();
    assert_eq!(cancelled.status, EntryStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("ออกเลขซ้ำซ้อน"));
    assert!(cancelled.cancelled_at.is_some());

    let twice = register
        .cancel(AGENCY, 2568, Series::Normal, 2, "again")
        .unwrap_err();
    assert!(matches!(twice, RegisterError::Conflict { .. }), "{twice}");
    let unknown = register
        .cancel(AGENCY, 2568, Series::Normal, 99, "x")
        .unwrap_err();
    assert!(matches!(unknown, RegisterError::NotFound(_)), "{unknown}");
    assert_eq!(unknown.http_status(), 404);
    let no_reason = register
        .cancel(AGENCY, 2568, Series::Normal, 1, "  ")
        .unwrap_err();
    assert!(no_reason.to_string().starts_with("reason:"), "{no_reason}");

    // The next number is 3; 2 is never issued again, nor can it be completed.
    assert_eq!(
        register.allocate(&one(Series::Normal, 2568)).unwrap().first,
        3
    );
    let hash = sha256_hex(b"pdf");
    let err = register
        .record_pdf(AGENCY, 2568, Series::Normal, 2, &hash)
        .unwrap_err();
    assert!(matches!(err, RegisterError::Conflict { .. }), "{err}");
    register
        .record_pdf(AGENCY, 2568, Series::Normal, 1, &hash)
        .unwrap();

    let audit = register.audit(AGENCY, 2568, Series::Normal).unwrap();
    assert_eq!((audit.last, audit.cancelled), (3, 1));
    assert_eq!(audit.pending, [3]);
    assert!(audit.missing.is_empty());

    let csv = to_csv(&register.list(AGENCY, 2568).unwrap());
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}เลขทะเบียนส่ง,ที่,ลงวันที่,จาก,ถึง,เรื่อง,การปฏิบัติ,หมายเหตุ"
    );
    assert_eq!(
        lines.next().unwrap(),
        "1,ขก ๐๐๑๗.๕/๑,2025-06-15,จังหวัดขอนแก่น,ผู้รับ 0,เรื่องที่ 0,,"
    );
    assert!(lines.next().unwrap().ends_with(",ยกเลิก: ออกเลขซ้ำซ้อน"));
    assert!(lines.next().unwrap().ends_with("(pending)"));
}
on_both!(cancelled_numbers_stay_and_are_never_reused);

fn a_failed_render_cancels_its_number_and_frees_the_key(backend: Backend) {
    let register = backend.open();
    let req = request(Series::Circular, 2568, 1, Some("k-1"), "body");
    let got = register.allocate(&req).unwrap();
    register.abandon(&got, "template error").unwrap();
    let entry = register.entry(AGENCY, 2568, Series::Circular, 1).unwrap();
    assert_eq!(entry.status, EntryStatus::Cancelled);
    assert_eq!(
        entry.cancel_reason.as_deref(),
        Some("render failed: template error")
    );
    // A retry takes a fresh number instead of replaying a cancelled one.
    let retry = register.allocate(&req).unwrap();
    assert!(!retry.replay);
    assert_eq!(retry.first, 2);
}
on_both!(a_failed_render_cancels_its_number_and_frees_the_key);

fn keys_open_only_their_own_agency(backend: Backend) {
    let register = backend.open();
    let (key_a, secret_a) = register.create_key("agency-a", "สารบรรณกลาง").unwrap();
    let (_, secret_b) = register.create_key("agency-b", "").unwrap();
    assert!(secret_a.starts_with("sk_") && secret_a.len() == 67);
    assert_ne!(secret_a, secret_b);

    let found = register.authenticate(&secret_a).unwrap().unwrap();
    assert_eq!(found, key_a);
    found.authorize("agency-a").unwrap();
    let refused = found.authorize("agency-b").unwrap_err();
    assert!(matches!(refused, RegisterError::Forbidden(_)));
    assert_eq!(refused.http_status(), 403);

    // What a handler does with the Authorization header.
    let header = format!("Bearer {secret_a}");
    let token = saraban::register::bearer_token(&header);
    assert_eq!(token, Some(secret_a.as_str()));
    assert_eq!(register.authorize(token, "agency-a").unwrap(), key_a);
    let status = |r: Result<_, RegisterError>| r.unwrap_err().http_status();
    assert_eq!(status(register.authorize(token, "agency-b")), 403);
    assert_eq!(status(register.authorize(None, "agency-a")), 401);
    assert_eq!(
        status(register.authorize(Some("sk_wrong"), "agency-a")),
        401
    );
    assert_eq!(saraban::register::bearer_token("Basic abc"), None);
    assert_eq!(saraban::register::bearer_token("bearer  x "), Some("x"));

    assert_eq!(register.authenticate("sk_nope").unwrap(), None);
    let forged = format!("sk_{}", "0".repeat(64));
    assert_eq!(register.authenticate(&forged).unwrap(), None);

    // The secret itself is nowhere in the database.
    drop(register);
    let stored = backend.dump();
    assert!(!stored.is_empty());
    assert!(
        !stored
            .windows(secret_a.len())
            .any(|w| w == secret_a.as_bytes())
    );

    let register = backend.open();
    let revoked = register.revoke_key(&key_a.id).unwrap();
    assert!(revoked.revoked_at.is_some());
    assert_eq!(register.authenticate(&secret_a).unwrap(), None);
    assert_eq!(status(register.authorize(Some(&secret_a), "agency-a")), 401);
    assert!(register.authenticate(&secret_b).unwrap().is_some());
    assert_eq!(register.keys("agency-a").unwrap(), [revoked]);
    assert!(matches!(
        register.revoke_key("key_unknown"),
        Err(RegisterError::NotFound(_))
    ));
}
on_both!(keys_open_only_their_own_agency);

#[test]
fn schema_is_migrated_once_and_versioned() {
    let dir = TempDir::new("schema");
    let db = dir.0.join("nested/dir/register.sqlite");
    let register = Register::open(&db).unwrap();
    assert_eq!(
        register.schema_version().unwrap(),
        Register::latest_schema_version()
    );
    register.allocate(&one(Series::Normal, 2568)).unwrap();
    drop(register);
    // Reopening keeps the data and applies nothing twice.
    let register = Register::open(&db).unwrap();
    assert_eq!(
        register.audit(AGENCY, 2568, Series::Normal).unwrap().last,
        1
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let applied: i64 = conn
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(applied, Register::latest_schema_version());
    // A database from a newer program is refused, not written to.
    conn.execute(
        "INSERT INTO schema_migrations VALUES (9999, 'future', 'x')",
        [],
    )
    .unwrap();
    let err = Register::open(&db).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
}

#[test]
fn postgres_schema_is_migrated_once_and_versioned() {
    let db = PgDatabase::new("schema");
    let register = PgRegister::open(&db.url()).unwrap();
    assert_eq!(
        register.schema_version().unwrap(),
        Register::latest_schema_version()
    );
    register.allocate(&one(Series::Normal, 2568)).unwrap();
    drop(register);
    let register = PgRegister::open(&db.url()).unwrap();
    assert_eq!(
        register.audit(AGENCY, 2568, Series::Normal).unwrap().last,
        1
    );
    drop(register);
    let mut client = db.client();
    let applied: i64 = client
        .query_one("SELECT COUNT(*) FROM schema_migrations", &[])
        .unwrap()
        .get(0);
    assert_eq!(applied, Register::latest_schema_version());
    client
        .execute(
            "INSERT INTO schema_migrations VALUES (9999, 'future', 'x')",
            &[],
        )
        .unwrap();
    let err = PgRegister::open(&db.url()).unwrap_err();
    assert!(err.to_string().contains("newer"), "{err}");
    // The URL's password never appears in what the register says.
    assert!(!err.to_string().contains(":saraban@"), "{err}");
}

/// The register holds the letters' PDFs: its files are its owner's alone.
#[cfg(unix)]
#[test]
fn database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("private");
    let db = dir.db();
    let register = Register::open(&db).unwrap();
    register.allocate(&one(Series::Normal, 2568)).unwrap();
    for file in [
        db.clone(),
        db.with_extension("sqlite-wal"),
        db.with_extension("sqlite-shm"),
    ] {
        if let Ok(meta) = std::fs::metadata(&file) {
            assert_eq!(
                meta.permissions().mode() & 0o777,
                0o600,
                "{}",
                file.display()
            );
        }
    }
    assert!(std::fs::metadata(&db).is_ok());
}

/// Environment variable telling [`crash_child`] which database to fill.
const CRASH_DB: &str = "SARABAN_REGISTER_CRASH_DB";

/// Run only as the child of [`killed_mid_batch_loses_nothing`]: allocates
/// batches and completes them until it is killed.
#[test]
#[ignore = "child process of killed_mid_batch_loses_nothing"]
fn crash_child() {
    let Some(db) = std::env::var_os(CRASH_DB) else {
        return;
    };
    let register = open_store(Path::new(&db)).unwrap();
    for i in 0u64.. {
        let key = format!("child-{}-{i}", std::process::id());
        let got = register
            .allocate(&request(Series::Normal, 2568, 5, Some(&key), &key))
            .unwrap();
        let pdf = format!("pdf {key}");
        let hashes = vec![sha256_hex(pdf.as_bytes()); 5];
        let response = StoredResponse {
            status: 200,
            content_type: "application/zip".into(),
            body: pdf.into_bytes(),
        };
        register
            .complete(&got.completion(hashes, Some(response)))
            .unwrap();
    }
}

/// A process taking numbers in batches is SIGKILLed at different moments of
/// its transactions: no batch is ever cut, no number lost or pending but the
/// batch in flight.
fn killed_mid_batch_loses_nothing(backend: Backend) {
    let db = backend.spec();
    backend.open();
    let mut last_seen = 0;
    // Several kills land at different points of the transactions.
    for round in 0..4u64 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--ignored", "--nocapture"])
            .env(CRASH_DB, &db)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the child has issued a few hundred more numbers.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            std::thread::sleep(Duration::from_millis(20));
            if let Ok(register) = open_store(&db)
                && let Ok(audit) = register.audit(AGENCY, 2568, Series::Normal)
                && audit.last >= last_seen + 200
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the child issued too few numbers"
            );
            assert!(child.try_wait().unwrap().is_none(), "the child exited");
        }
        std::thread::sleep(Duration::from_millis(3 * round + 1));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        backend.settle_after_kill();

        backend.check_integrity();
        let register = backend.open();
        let audit = register.audit(AGENCY, 2568, Series::Normal).unwrap();
        assert!(audit.missing.is_empty(), "missing {:?}", audit.missing);
        assert!(audit.last >= last_seen + 200);
        // Whole batches only: the kill never leaves part of one.
        assert_eq!(audit.last % 5, 0, "a batch was cut: last {}", audit.last);
        // At most the batch in flight when killed is left pending.
        let fresh_pending = audit.pending.iter().filter(|&&n| n > last_seen).count();
        assert!(fresh_pending <= 5, "pending {:?}", audit.pending);
        let rows = register.list(AGENCY, 2568).unwrap();
        let numbers: BTreeSet<u32> = rows.iter().map(|e| e.number).collect();
        assert_eq!(numbers, (1..=audit.last).collect());
        assert!(
            rows.iter()
                .all(|e| e.status != EntryStatus::Issued || e.pdf_sha256.is_some())
        );
        let next = register.allocate(&one(Series::Normal, 2568)).unwrap();
        assert_eq!(next.first, audit.last + 1);
        // Keep the series in batches of five for the next round's check.
        register
            .allocate(&request(Series::Normal, 2568, 4, None, "pad"))
            .unwrap();
        last_seen = audit.last + 5;
    }
}
on_both!(killed_mid_batch_loses_nothing);

/// Instances starting at once on a new database migrate it once.
fn a_new_database_opened_at_once_migrates_once(backend: Backend) {
    const OPENERS: usize = 16;
    let db = backend.spec();
    let start = Arc::new(Barrier::new(OPENERS));
    let openers: Vec<_> = (0..OPENERS)
        .map(|_| {
            let db = db.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                let register = open_store(&db).expect("open");
                register
                    .allocate(&one(Series::Normal, 2568))
                    .expect("allocate")
                    .first
            })
        })
        .collect();
    let mut numbers: Vec<u32> = openers.into_iter().map(|o| o.join().unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=OPENERS as u32).collect::<Vec<_>>());
    backend.check_integrity();
    match &backend {
        Backend::Sqlite(dir) => assert_eq!(
            Register::open(dir.db()).unwrap().schema_version().unwrap(),
            Register::latest_schema_version()
        ),
        Backend::Postgres(db) => assert_eq!(
            PgRegister::open(&db.url())
                .unwrap()
                .schema_version()
                .unwrap(),
            Register::latest_schema_version()
        ),
    }
}
on_both!(a_new_database_opened_at_once_migrates_once);

/// Batch jobs kept in the register: claimed by one runner at a time, taken
/// over when a runner's lease runs out (it died), ended only by their runner.
fn jobs_are_claimed_once_and_taken_over_when_a_runner_dies(backend: Backend) {
    use saraban::register::jobs::{JobState, NewJob, Outcome};
    let register = backend.open();
    let new = |n: u32| NewJob {
        agency: AGENCY.into(),
        api_key_id: None,
        request: format!("{{\"n\":{n}}}").into_bytes(),
        merge: false,
        total: n,
        webhook: None,
    };
    let first = register.submit_job(&new(3)).unwrap();
    // Jobs are taken oldest first, by their millisecond timestamps.
    std::thread::sleep(Duration::from_millis(3));
    let second = register.submit_job(&new(5)).unwrap();
    assert_eq!(register.gauges().unwrap().jobs_queued, 2);
    register.allocate(&one(Series::Normal, 2568)).unwrap();
    assert_eq!(register.gauges().unwrap().pending, 1);
    assert_eq!(first.state, JobState::Queued);
    assert!(first.id.starts_with("job_") && first.id != second.id);

    let lease = Duration::from_secs(60);
    let a = register.claim_job("instance-a", lease).unwrap().unwrap();
    let b = register.claim_job("instance-b", lease).unwrap().unwrap();
    assert_eq!(
        (a.job.id.as_str(), b.job.id.as_str()),
        (first.id.as_str(), second.id.as_str())
    );
    assert_eq!(a.request, b"{\"n\":3}");
    assert_eq!((a.job.state, a.job.attempts), (JobState::Running, 1));
    assert!(register.claim_job("instance-c", lease).unwrap().is_none());
    let gauges = register.gauges().unwrap();
    assert_eq!((gauges.jobs_queued, gauges.jobs_running), (0, 2));

    register
        .renew_job(&first.id, "instance-a", 2, lease)
        .unwrap();
    assert_eq!(register.job(&first.id).unwrap().done, 2);
    let stolen = register
        .renew_job(&first.id, "instance-c", 3, lease)
        .unwrap_err();
    assert!(matches!(stolen, RegisterError::Conflict { .. }), "{stolen}");

    // B dies: its lease runs out and C takes the job over, from the start.
    register
        .renew_job(&second.id, "instance-b", 4, Duration::ZERO)
        .unwrap();
    std::thread::sleep(Duration::from_millis(5));
    let c = register.claim_job("instance-c", lease).unwrap().unwrap();
    assert_eq!(c.job.id, second.id);
    assert_eq!((c.job.attempts, c.job.done), (2, 0));
    let late = register
        .finish_job(&second.id, "instance-b", &Outcome::Done("late.zip".into()))
        .unwrap_err();
    assert!(matches!(late, RegisterError::Conflict { .. }), "{late}");

    let done = register
        .finish_job(&second.id, "instance-c", &Outcome::Done("r.zip".into()))
        .unwrap();
    assert_eq!(
        (done.state, done.done, done.result.as_deref()),
        (JobState::Done, 5, Some("r.zip"))
    );
    assert!(done.finished_at.is_some());
    let failed = register
        .finish_job(
            &first.id,
            "instance-a",
            &Outcome::Failed("template error".into()),
        )
        .unwrap();
    assert_eq!(
        (failed.state, failed.error.as_deref()),
        (JobState::Failed, Some("template error"))
    );
    assert!(register.claim_job("instance-a", lease).unwrap().is_none());
    assert!(matches!(
        register.job("job_unknown"),
        Err(RegisterError::NotFound(_))
    ));
}
on_both!(jobs_are_claimed_once_and_taken_over_when_a_runner_dies);
