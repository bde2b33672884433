//! `cargo bench --bench register`: numbers allocated per second by 64
//! clients on each register store, SQLite (one file) and PostgreSQL (at
//! `SARABAN_TEST_POSTGRES`, as the tests use it), rounds alternating so both
//! see the same machine. Prints each round and the medians.

use std::sync::{Arc, Barrier};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use saraban::register::{
    Allocation, LetterDetails, RegisterStore, Series, open_store, request_hash,
};
use saraban::thai::DigitStyle;

const CLIENTS: usize = 64;
const EACH: usize = 80;
const ROUNDS: usize = 5;

fn allocation() -> Allocation {
    Allocation {
        agency: "khonkaen-province".into(),
        series: Series::Normal,
        year_be: 2568,
        code: "ขก 0017.5".into(),
        year_in_reference: false,
        digits: DigitStyle::Thai,
        idempotency_key: None,
        request_hash: request_hash(b"{}"),
        api_key_id: None,
        letters: vec![LetterDetails {
            letter_date: Some("2025-06-15".into()),
            sender: "จังหวัดขอนแก่น".into(),
            recipient: "ผู้รับ".into(),
            subject: "เรื่อง".into(),
        }],
    }
}

/// Numbers per second for 64 clients sharing `store`.
fn run(store: Arc<dyn RegisterStore>) -> f64 {
    let start = Arc::new(Barrier::new(CLIENTS + 1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let store = store.clone();
            let start = start.clone();
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..EACH {
                    store.allocate(&allocation()).expect("allocate");
                }
            })
        })
        .collect();
    start.wait();
    let t = Instant::now();
    for c in clients {
        c.join().unwrap();
    }
    (CLIENTS * EACH) as f64 / t.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let admin = std::env::var("SARABAN_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://saraban:saraban@127.0.0.1:5432/postgres".into());
    let (server, _) = admin.rsplit_once('/').unwrap();
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("saraban-bench-register-{stamp}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut admin_client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let (mut sqlite, mut pg) = (Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let file = dir.join(format!("round-{round}.sqlite"));
        let s = run(open_store(&file).unwrap());
        let name = format!("saraban_bench_{stamp}_{round}");
        admin_client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = format!("{server}/{name}");
        let p = run(open_store(std::path::Path::new(&url)).unwrap());
        admin_client
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
        println!("round {round}: sqlite {s:.0} numbers/s, postgres {p:.0} numbers/s");
        sqlite.push(s);
        pg.push(p);
    }
    let (s, p) = (median(sqlite), median(pg));
    println!(
        "median of {ROUNDS}, {CLIENTS} clients x {EACH} numbers: sqlite {s:.0}/s, postgres {p:.0}/s (postgres/sqlite {:.2})",
        p / s
    );
    let _ = std::fs::remove_dir_all(&dir);
}
