//! Prometheus metrics, kept by hand: request counts by route and status, request
//! latency and render time histograms, letters rendered, and the pool's gauges.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::pool::Pool;

/// Upper bounds of the latency buckets, seconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// A cumulative histogram in the Prometheus sense.
#[derive(Debug, Clone)]
struct Histogram {
    counts: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn new() -> Self {
        Histogram {
            counts: vec![0; LATENCY_BUCKETS.len()],
            sum: 0.0,
            count: 0,
        }
    }

    fn observe(&mut self, seconds: f64) {
        for (bound, c) in LATENCY_BUCKETS.iter().zip(self.counts.iter_mut()) {
            if seconds <= *bound {
                *c += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (bound, c) in LATENCY_BUCKETS.iter().zip(&self.counts) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {c}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// The `# HELP` and `# TYPE` lines of a metric whose samples follow.
fn write_head(out: &mut String, kind: &str, name: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// One metric without labels: its `# HELP` and `# TYPE` lines and its value.
pub fn write_metric(
    out: &mut String,
    kind: &str,
    name: &str,
    help: &str,
    value: impl std::fmt::Display,
) {
    write_head(out, kind, name, help);
    let _ = writeln!(out, "{name} {value}");
}

/// What the register did for this instance (see `metered.rs`).
#[derive(Debug)]
pub struct RegisterMetrics {
    allocation: Mutex<Histogram>,
    allocated: AtomicU64,
    replayed: AtomicU64,
    failed: AtomicU64,
    issued: AtomicU64,
    abandoned: AtomicU64,
    cancelled: AtomicU64,
    jobs_started: AtomicU64,
    jobs_done: AtomicU64,
    jobs_failed: AtomicU64,
    jobs_lost: AtomicU64,
    jobs_running: AtomicU64,
}

/// How a job run by this instance ended, for the metrics.
#[derive(Debug, Clone, Copy)]
pub enum JobEnd {
    /// Its result is written.
    Done,
    /// It failed.
    Failed,
    /// Another instance took it over (this one's lease ran out).
    Lost,
}

impl Default for RegisterMetrics {
    fn default() -> Self {
        RegisterMetrics {
            allocation: Mutex::new(Histogram::new()),
            allocated: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            issued: AtomicU64::new(0),
            abandoned: AtomicU64::new(0),
            cancelled: AtomicU64::new(0),
            jobs_started: AtomicU64::new(0),
            jobs_done: AtomicU64::new(0),
            jobs_failed: AtomicU64::new(0),
            jobs_lost: AtomicU64::new(0),
            jobs_running: AtomicU64::new(0),
        }
    }
}

impl RegisterMetrics {
    /// Counts an allocation: the numbers taken (or replayed), or a failure,
    /// and how long it took.
    pub fn allocated(
        &self,
        result: &Result<crate::register::Allocated, crate::register::RegisterError>,
        elapsed: Duration,
    ) {
        match result {
            Ok(a) if a.replay => self.replayed.fetch_add(1, Ordering::Relaxed),
            Ok(a) => self
                .allocated
                .fetch_add(a.count() as u64, Ordering::Relaxed),
            Err(_) => self.failed.fetch_add(1, Ordering::Relaxed),
        };
        if let Ok(mut h) = self.allocation.lock() {
            h.observe(elapsed.as_secs_f64());
        }
    }

    /// Counts numbers issued (their PDFs recorded).
    pub fn issued(&self, numbers: usize) {
        self.issued.fetch_add(numbers as u64, Ordering::Relaxed);
    }

    /// Counts numbers cancelled because their render failed.
    pub fn abandoned(&self, numbers: usize) {
        self.abandoned.fetch_add(numbers as u64, Ordering::Relaxed);
    }

    /// Counts a number cancelled by a clerk.
    pub fn cancelled(&self) {
        self.cancelled.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a job this instance started.
    pub fn job_started(&self) {
        self.jobs_started.fetch_add(1, Ordering::Relaxed);
        self.jobs_running.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts how a job this instance ran ended.
    pub fn job_ended(&self, end: JobEnd) {
        self.jobs_running.fetch_sub(1, Ordering::Relaxed);
        match end {
            JobEnd::Done => &self.jobs_done,
            JobEnd::Failed => &self.jobs_failed,
            JobEnd::Lost => &self.jobs_lost,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String) {
        write_head(
            out,
            "histogram",
            "saraban_register_allocation_seconds",
            "Time to take numbers from the register (waiting for a connection or the series' lock included).",
        );
        if let Ok(h) = self.allocation.lock() {
            h.write(out, "saraban_register_allocation_seconds", "");
        }
        let counters = [
            (
                "saraban_register_numbers_allocated_total",
                "Numbers taken by this instance.",
                &self.allocated,
            ),
            (
                "saraban_register_replays_total",
                "Allocations answered from an Idempotency-Key seen before.",
                &self.replayed,
            ),
            (
                "saraban_register_allocation_failures_total",
                "Allocations that failed (busy, conflict, database).",
                &self.failed,
            ),
            (
                "saraban_register_numbers_issued_total",
                "Numbers whose PDF was recorded.",
                &self.issued,
            ),
            (
                "saraban_register_numbers_abandoned_total",
                "Numbers cancelled because their letter failed to render.",
                &self.abandoned,
            ),
            (
                "saraban_register_numbers_cancelled_total",
                "Numbers cancelled by a clerk.",
                &self.cancelled,
            ),
            (
                "saraban_jobs_started_total",
                "Batch jobs this instance started (a job taken over counts again).",
                &self.jobs_started,
            ),
            (
                "saraban_jobs_done_total",
                "Batch jobs this instance finished.",
                &self.jobs_done,
            ),
            (
                "saraban_jobs_failed_total",
                "Batch jobs that failed here.",
                &self.jobs_failed,
            ),
            (
                "saraban_jobs_lost_total",
                "Batch jobs another instance took over from this one.",
                &self.jobs_lost,
            ),
        ];
        for (name, help, v) in counters {
            write_metric(out, "counter", name, help, v.load(Ordering::Relaxed));
        }
        write_metric(
            out,
            "gauge",
            "saraban_jobs_running",
            "Batch jobs this instance is rendering now.",
            self.jobs_running.load(Ordering::Relaxed),
        );
    }
}

/// The service's counters.
#[derive(Debug)]
pub struct Metrics {
    /// The register's, shared with the metered store.
    pub register: std::sync::Arc<RegisterMetrics>,
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    render: Mutex<Histogram>,
    letters: AtomicU64,
    failures: AtomicU64,
    rejected: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            requests: Mutex::default(),
            latency: Mutex::default(),
            render: Mutex::new(Histogram::new()),
            letters: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            register: std::sync::Arc::default(),
        }
    }
}

impl Metrics {
    /// Counts a finished request (`route` is the matched route, `other` for none).
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route.to_string(), method.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            m.entry(route.to_string())
                .or_insert_with(Histogram::new)
                .observe(elapsed.as_secs_f64());
        }
    }

    /// Counts a letter rendered (or failed) and its render time.
    pub fn letter(&self, ok: bool, elapsed: Duration) {
        if ok {
            self.letters.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut h) = self.render.lock() {
            h.observe(elapsed.as_secs_f64());
        }
    }

    /// Counts a request turned away because the queue was full.
    pub fn rejected(&self) {
        self.rejected.fetch_add(1, Ordering::Relaxed);
    }

    /// Letters rendered so far.
    pub fn letters(&self) -> u64 {
        self.letters.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    pub fn render(&self, pool: &Pool) -> String {
        let mut out = String::new();
        write_head(
            &mut out,
            "counter",
            "saraban_http_requests_total",
            "HTTP requests by route, method and status.",
        );
        if let Ok(m) = self.requests.lock() {
            for ((route, method, status), n) in m.iter() {
                let _ = writeln!(
                    out,
                    "saraban_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
        }
        write_head(
            &mut out,
            "histogram",
            "saraban_http_request_duration_seconds",
            "Time to answer a request (to the first byte of a streamed body).",
        );
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                h.write(
                    &mut out,
                    "saraban_http_request_duration_seconds",
                    &format!("route=\"{}\"", escape(route)),
                );
            }
        }
        write_head(
            &mut out,
            "histogram",
            "saraban_render_duration_seconds",
            "Time to lay out and export one letter.",
        );
        if let Ok(h) = self.render.lock() {
            h.write(&mut out, "saraban_render_duration_seconds", "");
        }
        let counters = [
            (
                "saraban_letters_rendered_total",
                "Letters rendered.",
                self.letters.load(Ordering::Relaxed),
            ),
            (
                "saraban_render_failures_total",
                "Letters that failed to render (a fault of saraban or a template).",
                self.failures.load(Ordering::Relaxed),
            ),
            (
                "saraban_rejected_total",
                "Requests turned away with 503 because the queue was full.",
                self.rejected.load(Ordering::Relaxed),
            ),
        ];
        for (name, help, v) in counters {
            write_metric(&mut out, "counter", name, help, v);
        }
        let gauges = [
            (
                "saraban_queue_depth",
                "Render jobs waiting for a worker.",
                pool.waiting(),
            ),
            ("saraban_workers_busy", "Render jobs running.", pool.busy()),
            ("saraban_workers", "Render workers.", pool.workers()),
            (
                "saraban_requests_admitted",
                "Rendering requests admitted and not yet finished.",
                pool.admitted(),
            ),
            (
                "saraban_admission_capacity",
                "Rendering requests admitted at most at once (workers + queue).",
                pool.capacity(),
            ),
        ];
        for (name, help, v) in gauges {
            write_metric(&mut out, "gauge", name, help, v);
        }
        self.register.write(&mut out);
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
