//! Several instances of `saraban serve` sharing one register on PostgreSQL,
//! as a ministry runs them behind a load balancer: 64 clients spread over
//! three real processes, instances SIGKILLed and restarted at random moments
//! while letters are numbered, and `/readyz` telling a balancer which
//! instance can take work.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::postgres::PgDatabase;
use common::served::Served;
use saraban::register::sha256_hex;
use serde_json::{Value, json};

const KK: &str = "khonkaen-province";
const INSTANCES: usize = 3;
const CLIENTS: usize = 64;
const LETTERS_EACH: usize = 6;

/// A small xorshift generator: the kills' moments and victims differ from
/// run to run (seeded by the clock), without a dependency.
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        Dice(u64::from(nanos) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn letter(client: usize, n: usize) -> Value {
    json!({
        "kind": "external",
        "agency": KK,
        "reference": "auto",
        "date": "2024-05-20",
        "subject": format!("ขอเชิญประชุม ครั้งที่ {client}/{n}"),
        "to": "ผู้ว่าราชการจังหวัดขอนแก่น",
        "body": ["ด้วยจังหวัดขอนแก่นขอแจ้งกำหนดการประชุมประจำเดือน", "จึงเรียนมาเพื่อโปรดทราบ"],
        "signatory": {"name": "นายสมศักดิ์ จังตระกุล", "positions": ["ผู้ว่าราชการจังหวัดขอนแก่น"]}
    })
}

/// What one client was told: its idempotency key's number and the PDF's hash.
type Told = (String, u32, String);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_on_one_register_survive_kills_without_duplicates_or_gaps() {
    // The blocking PostgreSQL client must not run on the runtime's threads.
    let db = tokio::task::spawn_blocking(|| PgDatabase::new("instances"))
        .await
        .unwrap();
    let url = PathBuf::from(db.url());
    let key = common::add_key(&url, KK, "instances");

    let start = |url: PathBuf| tokio::task::spawn_blocking(move || Served::start(&url));
    let mut served = Vec::new();
    for _ in 0..INSTANCES {
        served.push(start(url.clone()).await.unwrap());
    }
    let bases = Arc::new(Mutex::new(
        served.iter().map(|s| s.base.clone()).collect::<Vec<_>>(),
    ));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();

    // Ready: the register answers and the pool has room.
    let ready: Value = client
        .get(format!("{}/readyz", served[0].base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");

    // 64 clients, each sending its letters to the instances in turn and,
    // when one dies under it, retrying the same Idempotency-Key on the next.
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let client = client.clone();
            let bases = bases.clone();
            let key = key.clone();
            tokio::spawn(async move {
                let mut told: Vec<Told> = Vec::new();
                for n in 0..LETTERS_EACH {
                    let id = format!("client-{c}-letter-{n}");
                    let body = letter(c, n);
                    let mut attempt = 0;
                    loop {
                        let base = bases.lock().unwrap()[(c + n + attempt) % INSTANCES].clone();
                        attempt += 1;
                        assert!(attempt < 60, "{id}: no instance answered");
                        let res = client
                            .post(format!("{base}/v1/letters"))
                            .bearer_auth(&key)
                            .header("idempotency-key", &id)
                            .json(&body)
                            .send()
                            .await;
                        let Ok(res) = res else {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        };
                        if res.status().is_server_error() {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                        assert_eq!(res.status(), 200, "{id}");
                        let number: u32 = res.headers()["x-register-number"]
                            .to_str()
                            .unwrap()
                            .parse()
                            .unwrap();
                        // The connection may die mid-body: then retry.
                        let Ok(pdf) = res.bytes().await else {
                            continue;
                        };
                        told.push((id.clone(), number, sha256_hex(&pdf)));
                        break;
                    }
                }
                told
            })
        })
        .collect();

    // Meanwhile instances are killed (SIGKILL) at random moments and
    // restarted, as a crashed container is.
    let mut dice = Dice::new();
    let mut kills = 0;
    while !clients.iter().all(|c| c.is_finished()) && kills < 6 {
        tokio::time::sleep(Duration::from_millis(150 + dice.below(400))).await;
        let victim = dice.below(INSTANCES as u64) as usize;
        let fresh = start(url.clone()).await.unwrap();
        bases.lock().unwrap()[victim] = fresh.base.clone();
        let old = std::mem::replace(&mut served[victim], fresh);
        tokio::task::spawn_blocking(move || old.kill())
            .await
            .unwrap();
        kills += 1;
    }
    let mut told: Vec<Told> = Vec::new();
    for c in clients {
        told.extend(c.await.unwrap());
    }
    assert!(kills >= 1, "no instance was killed while clients ran");
    eprintln!("{} letters numbered through {kills} kills", told.len());
    assert_eq!(told.len(), CLIENTS * LETTERS_EACH);

    // No number was given to two letters.
    let mut by_number: BTreeMap<u32, &str> = BTreeMap::new();
    for (id, number, _) in &told {
        if let Some(other) = by_number.insert(*number, id) {
            panic!("number {number} was given to {other} and to {id}");
        }
    }
    // No gaps, and every number a client was told of is in the book, issued,
    // with the PDF the client received.
    let book: Value = common::get_json(
        &client,
        format!("{}/v1/register/{KK}/2567", served[0].base),
        &key,
    )
    .await;
    let entries = book["entries"].as_array().unwrap();
    let numbers: Vec<u64> = entries
        .iter()
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    let last = numbers.len() as u64;
    assert_eq!(numbers, (1..=last).collect::<Vec<_>>(), "gaps in the book");
    assert_eq!(
        last as usize,
        told.len(),
        "numbers spent beyond the letters"
    );
    for (id, number, hash) in &told {
        let entry = &entries[*number as usize - 1];
        assert_eq!(entry["status"], "issued", "{id}: {entry}");
        assert_eq!(entry["pdf_sha256"], hash.as_str(), "{id}: {entry}");
        assert_eq!(entry["idempotency_key"], id.as_str(), "{entry}");
    }

    // The database gone: an instance says it is not ready, and why.
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
    let res = client
        .get(format!("{}/readyz", served[1].base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert!(
        body["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("register:"),
        "{body}"
    );
    for s in served {
        tokio::task::spawn_blocking(move || s.kill()).await.unwrap();
    }
}
