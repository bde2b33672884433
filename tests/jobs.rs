//! Batch jobs (`POST /v1/jobs`): queued at once, watched, fetched, bound to
//! the agency's key, announced to a signed webhook, and finished through the
//! death of the instance running them (real `saraban serve` processes on
//! one PostgreSQL register, the runner SIGKILLed mid-job).

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::postgres::PgDatabase;
use common::served::Served;
use saraban::register::{Register, RegisterStore, sha256_hex};
use saraban::server::{AppState, Config, serve_on};
use saraban::{Agencies, Engine};
use serde_json::{Value, json};

const KK: &str = "khonkaen-province";
const SECRET: &str = "webhook-secret";

/// The examples' circular to `n` recipients, each letter numbered.
fn batch(n: usize) -> Value {
    let path = common::examples_dir().join("batch-circular.json");
    let mut batch: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    batch["document"]["reference"] = json!("auto");
    batch["numbering"] = json!("each");
    batch["recipients"] = (1..=n)
        .map(|i| {
            json!({
                "position": format!("นายกเทศมนตรีตำบลทดสอบที่ {i}"),
                "office": format!("เทศบาลตำบลทดสอบที่ {i}"),
                "amount": 1000 + i,
                "file": format!("t{i}"),
            })
        })
        .collect();
    batch
}

fn unzip(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut pdf = Vec::new();
            archive.by_index(i).unwrap().read_to_end(&mut pdf).unwrap();
            pdf
        })
        .collect()
}

/// Polls the job until it ends; its last state.
async fn wait(client: &reqwest::Client, base: &str, id: &str, key: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let res = client
            .get(format!("{base}/v1/jobs/{id}"))
            .bearer_auth(key)
            .send()
            .await;
        if let Ok(res) = res
            && res.status() == 200
        {
            let job: Value = res.json().await.unwrap();
            if job["state"] == "done" || job["state"] == "failed" {
                return job;
            }
        }
        assert!(Instant::now() < deadline, "job {id} did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_is_queued_watched_fetched_and_announced() {
    let dir = common::TempDir::new("jobs-http");
    let register = Register::open(dir.db()).unwrap();
    let key = register.create_key(KK, "jobs").unwrap().1;
    let other = register.create_key("phatthalung-2", "other").unwrap().1;

    // A receiver for the webhook, on loopback.
    // Each call's signature header and body.
    type Calls = Arc<Mutex<Vec<(String, Vec<u8>)>>>;
    let calls: Calls = Arc::default();
    let hook = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/done", hook.local_addr().unwrap());
    let received = calls.clone();
    tokio::spawn(async move {
        let app = axum::Router::new().route(
            "/done",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let received = received.clone();
                    async move {
                        let signature = headers
                            .get("x-saraban-signature")
                            .map(|v| v.to_str().unwrap().to_string())
                            .unwrap_or_default();
                        received.lock().unwrap().push((signature, body.to_vec()));
                        "ok"
                    }
                },
            ),
        );
        axum::serve(hook, app).await.unwrap();
    });

    let engine = tokio::task::spawn_blocking(Engine::shared).await.unwrap();
    let state = AppState::with_register(
        Config {
            any_year: true,
            jobs_dir: dir.0.join("results"),
            webhook_secret: Some(SECRET.into()),
            ..Config::default()
        },
        engine,
        Arc::new(Agencies::built_in()),
        Some(Arc::new(register)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_on(listener, state, async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let submit = |key: Option<&str>, body: &Value| {
        let mut req = client
            .post(format!("{base}/v1/jobs?webhook={hook_url}"))
            .json(body);
        if let Some(key) = key {
            req = req.bearer_auth(key);
        }
        req.send()
    };

    // Only the agency's key submits; a bad letter is refused before queueing.
    assert_eq!(submit(None, &batch(3)).await.unwrap().status(), 401);
    assert_eq!(submit(Some(&other), &batch(3)).await.unwrap().status(), 403);
    let mut bad = batch(3);
    bad["recipients"][1]["amount"] = json!("abc");
    let res = submit(Some(&key), &bad).await.unwrap();
    assert_eq!(res.status(), 422);

    let res = submit(Some(&key), &batch(12)).await.unwrap();
    assert_eq!(res.status(), 202);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let queued: Value = res.json().await.unwrap();
    let id = queued["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/v1/jobs/{id}"));
    assert_eq!(
        (queued["state"].as_str(), queued["total"].as_u64()),
        (Some("queued"), Some(12))
    );

    // Another agency's key sees nothing of it.
    let res = client
        .get(format!("{base}/v1/jobs/{id}"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let job = wait(&client, &base, &id, &key).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(
        (job["done"].as_u64(), job["attempts"].as_u64()),
        (Some(12), Some(1))
    );
    let res = client
        .get(format!("{base}/v1/jobs/{id}/result"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let pdfs = unzip(&res.bytes().await.unwrap());
    assert_eq!(pdfs.len(), 12);

    // Numbered once each, every number's PDF recorded.
    let book: Value =
        common::get_json(&client, format!("{base}/v1/register/{KK}/2567"), &key).await;
    let entries = book["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 12, "{book}");
    for (entry, pdf) in entries.iter().zip(&pdfs) {
        assert_eq!(entry["status"], "issued");
        assert_eq!(entry["pdf_sha256"], sha256_hex(pdf));
        assert_eq!(entry["idempotency_key"], id.as_str());
    }

    // The webhook got the finished job, signed with the service's secret.
    let deadline = Instant::now() + Duration::from_secs(10);
    while calls.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "no webhook call");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (signature, body) = calls.lock().unwrap()[0].clone();
    assert_eq!(
        signature,
        saraban::server::webhook::signature(SECRET.as_bytes(), &body)
    );
    let announced: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (announced["id"].as_str(), announced["state"].as_str()),
        (Some(id.as_str()), Some("done"))
    );

    // The instance counts the job it ran.
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for line in [
        "saraban_jobs_started_total 1",
        "saraban_jobs_done_total 1",
        "saraban_jobs_running 0",
        "saraban_jobs_queued 0",
        "saraban_register_numbers_pending 0",
    ] {
        assert!(
            metrics.lines().any(|l| l == line),
            "no {line} in\n{metrics}"
        );
    }

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_finishes_on_another_instance_when_its_runner_is_killed() {
    const LETTERS: usize = 300;
    let db = tokio::task::spawn_blocking(|| PgDatabase::new("jobs"))
        .await
        .unwrap();
    let url = PathBuf::from(db.url());
    let results = common::TempDir::new("jobs-restart");
    let key = tokio::task::spawn_blocking({
        let url = url.clone();
        move || {
            saraban::register::open_store(&url)
                .unwrap()
                .create_key(KK, "jobs")
                .unwrap()
                .1
        }
    })
    .await
    .unwrap();
    let args: Vec<std::ffi::OsString> = vec![
        "--jobs-dir".into(),
        results.0.clone().into(),
        "--job-lease".into(),
        "2".into(),
    ];
    let start = |url: PathBuf, args: Vec<std::ffi::OsString>| {
        tokio::task::spawn_blocking(move || {
            let more: Vec<&OsStr> = args.iter().map(|a| a.as_os_str()).collect();
            Served::start_with(&url, &more)
        })
    };
    let first = start(url.clone(), args.clone()).await.unwrap();
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/v1/jobs", first.base))
        .bearer_auth(&key)
        .json(&batch(LETTERS))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Killed once it has rendered some letters, before the end.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let job: Value =
            common::get_json(&client, format!("{}/v1/jobs/{id}", first.base), &key).await;
        let done = job["done"].as_u64().unwrap();
        if job["state"] == "running" && done > 0 {
            assert!(done < LETTERS as u64, "finished before the kill: {job}");
            break;
        }
        assert!(Instant::now() < deadline, "{job}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::task::spawn_blocking(move || first.kill())
        .await
        .unwrap();

    // Another instance takes it over once the lease runs out.
    let second = start(url.clone(), args).await.unwrap();
    let job = wait(&client, &second.base, &id, &key).await;
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    let zip = client
        .get(format!("{}/v1/jobs/{id}/result", second.base))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let pdfs = unzip(&zip);
    assert_eq!(pdfs.len(), LETTERS);
    let distinct: BTreeSet<String> = pdfs.iter().map(|p| sha256_hex(p)).collect();
    assert_eq!(distinct.len(), LETTERS, "every letter once");

    // The rerun took the same numbers: 1..=300, each issued once.
    let book: Value = common::get_json(
        &client,
        format!("{}/v1/register/{KK}/2567", second.base),
        &key,
    )
    .await;
    let entries = book["entries"].as_array().unwrap();
    let numbers: Vec<u64> = entries
        .iter()
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=LETTERS as u64).collect::<Vec<_>>());
    assert!(entries.iter().all(|e| e["status"] == "issued"));
    let hashes: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["pdf_sha256"].as_str().unwrap())
        .collect();
    assert_eq!(hashes, distinct.iter().map(String::as_str).collect());

    tokio::task::spawn_blocking(move || second.kill())
        .await
        .unwrap();
    tokio::task::spawn_blocking(move || drop(db)).await.unwrap();
}
