//! The real HTTP service in-process on `127.0.0.1:<ephemeral>`, and a load
//! generator on loopback: batches streamed as ZIP, and concurrent clients of
//! `POST /v1/letters`, every loop bounded in time and count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::Client;
use saraban::server::{AppState, Config, serve_on};
use saraban::{Agencies, Engine};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::stats::Sample;

/// A server on loopback.
pub struct Server {
    pub base: String,
    pub workers: usize,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Server {
    /// The service with its default settings (workers = cores, queue 64).
    pub async fn start(engine: Arc<Engine>) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let config = Config::default();
        let workers = config.workers;
        let state = AppState::new(config, engine, Arc::new(Agencies::built_in()));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve_on(listener, state, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            base: format!("http://{addr}"),
            workers,
            stop: Some(stop),
            task,
        })
    }

    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(60), &mut self.task).await???;
        Ok(())
    }
}

/// A client for the load: no proxy, enough idle connections for every client.
pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(3600))
        .build()
        .expect("a reqwest client")
}

/// One batch, streamed to the end.
#[derive(Debug)]
pub struct BatchRun {
    pub letters: usize,
    pub secs: f64,
    /// Until the first byte of the ZIP (every letter is checked before it).
    pub first_byte_secs: f64,
    pub bytes: u64,
    /// Entries the ZIP's end record counts.
    pub entries: usize,
}

impl BatchRun {
    pub fn rate(&self) -> f64 {
        self.letters as f64 / self.secs
    }
}

/// Posts a batch to `/v1/batches` and reads the streamed ZIP to its end,
/// keeping only its tail (the end record says how many PDFs it holds).
pub async fn batch(
    client: &Client,
    base: &str,
    body: Vec<u8>,
    letters: usize,
) -> anyhow::Result<BatchRun> {
    let started = Instant::now();
    let mut resp = client
        .post(format!("{base}/v1/batches"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    let status = resp.status();
    if !status.is_success() {
        let text = resp.text().await.unwrap_or_default();
        anyhow::bail!("batch answered {status}: {}", &text[..text.len().min(500)]);
    }
    let mut first_byte = None;
    let mut bytes = 0u64;
    let mut tail: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len() as u64;
        tail.extend_from_slice(&chunk);
        if tail.len() > 1 << 16 {
            tail.drain(..tail.len() - 256);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(BatchRun {
        letters,
        secs,
        first_byte_secs: first_byte.unwrap_or_default().as_secs_f64(),
        bytes,
        entries: zip_entries(&tail).unwrap_or(0),
    })
}

/// The entry count of a ZIP's end-of-central-directory record (no comment).
fn zip_entries(tail: &[u8]) -> Option<usize> {
    let at = tail.len().checked_sub(22)?;
    let eocd = &tail[at..];
    (eocd[..4] == [0x50, 0x4b, 0x05, 0x06])
        .then(|| usize::from(u16::from_le_bytes([eocd[10], eocd[11]])))
}

/// Concurrent clients of `POST /v1/letters`.
#[derive(Debug)]
pub struct LoadRun {
    pub clients: usize,
    pub latencies: Sample,
    pub ok: usize,
    pub errors: usize,
    pub secs: f64,
    /// Letters per second asked for (paced), or `None` for a closed loop.
    pub offered: Option<f64>,
}

impl LoadRun {
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.secs
    }
}

/// `clients` clients sending the letters of `bodies` in turn until `duration`
/// has passed (and at most `max_requests` in all). Closed loop when `rate` is
/// `None` (each client sends its next letter as soon as the last came back);
/// otherwise each client sends one every `clients / rate` seconds, staggered.
pub async fn load(
    client: &Client,
    base: &str,
    bodies: Arc<Vec<axum::body::Bytes>>,
    clients: usize,
    duration: Duration,
    max_requests: usize,
    rate: Option<f64>,
) -> LoadRun {
    let url = format!("{base}/v1/letters");
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + duration;
    let period = rate.map(|r| Duration::from_secs_f64(clients as f64 / r));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url, bodies, next) =
            (client.clone(), url.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut due =
                period.map(|p| tokio::time::Instant::now() + p.mul_f64(c as f64 / clients as f64));
            loop {
                if let Some(at) = due {
                    tokio::time::sleep_until(at).await;
                }
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= max_requests {
                    break;
                }
                let body = bodies[i % bodies.len()].clone();
                let t = Instant::now();
                let result = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                let ok = match result {
                    Ok(resp) if resp.status().is_success() => {
                        resp.bytes().await.is_ok_and(|b| b.starts_with(b"%PDF"))
                    }
                    Ok(resp) => {
                        let _ = resp.bytes().await;
                        false
                    }
                    Err(_) => false,
                };
                if ok {
                    latencies.push(t.elapsed());
                } else {
                    errors += 1;
                }
                if let (Some(at), Some(p)) = (due.as_mut(), period) {
                    // The next send is due a period later; a client that fell
                    // behind sends at once, without a burst to catch up.
                    *at = (*at + p).max(tokio::time::Instant::now());
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            latencies.extend(l);
            errors += e;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    LoadRun {
        clients,
        ok: latencies.len(),
        latencies: Sample::from_durations(&latencies),
        errors,
        secs,
        offered: rate,
    }
}
