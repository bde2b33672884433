//! Prometheus metrics, kept in a `prometheus-client` registry: request counts
//! by route and status, request latency and render time histograms, letters
//! rendered, the pool's gauges, and the register's work.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use super::pool::Pool;
use crate::register::Gauges;

/// The media type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the latency buckets, seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

fn latency() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

/// What the register did for this instance (see `metered.rs`).
#[derive(Debug)]
pub struct RegisterMetrics {
    allocation: Histogram,
    allocated: Counter,
    replayed: Counter,
    failed: Counter,
    issued: Counter,
    abandoned: Counter,
    cancelled: Counter,
    jobs_started: Counter,
    jobs_done: Counter,
    jobs_failed: Counter,
    jobs_lost: Counter,
    jobs_running: Gauge,
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
            allocation: latency(),
            allocated: Counter::default(),
            replayed: Counter::default(),
            failed: Counter::default(),
            issued: Counter::default(),
            abandoned: Counter::default(),
            cancelled: Counter::default(),
            jobs_started: Counter::default(),
            jobs_done: Counter::default(),
            jobs_failed: Counter::default(),
            jobs_lost: Counter::default(),
            jobs_running: Gauge::default(),
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
            Ok(a) if a.replay => self.replayed.inc(),
            Ok(a) => self.allocated.inc_by(a.count() as u64),
            Err(_) => self.failed.inc(),
        };
        self.allocation.observe(elapsed.as_secs_f64());
    }

    /// Counts numbers issued (their PDFs recorded).
    pub fn issued(&self, numbers: usize) {
        self.issued.inc_by(numbers as u64);
    }

    /// Counts numbers cancelled because their render failed.
    pub fn abandoned(&self, numbers: usize) {
        self.abandoned.inc_by(numbers as u64);
    }

    /// Counts a number cancelled by a clerk.
    pub fn cancelled(&self) {
        self.cancelled.inc();
    }

    /// Counts a job this instance started.
    pub fn job_started(&self) {
        self.jobs_started.inc();
        self.jobs_running.inc();
    }

    /// Counts how a job this instance ran ended.
    pub fn job_ended(&self, end: JobEnd) {
        self.jobs_running.dec();
        match end {
            JobEnd::Done => &self.jobs_done,
            JobEnd::Failed => &self.jobs_failed,
            JobEnd::Lost => &self.jobs_lost,
        }
        .inc();
    }

    /// Adds every metric to `registry` (the handles share their values).
    fn register(&self, registry: &mut Registry) {
        registry.register(
            "saraban_register_allocation_seconds",
            "Time to take numbers from the register (waiting for a connection or the series' lock included)",
            self.allocation.clone(),
        );
        // The registry adds `_total` to a counter's name.
        let counters = [
            (
                "saraban_register_numbers_allocated",
                "Numbers taken by this instance",
                &self.allocated,
            ),
            (
                "saraban_register_replays",
                "Allocations answered from an Idempotency-Key seen before",
                &self.replayed,
            ),
            (
                "saraban_register_allocation_failures",
                "Allocations that failed (busy, conflict, database)",
                &self.failed,
            ),
            (
                "saraban_register_numbers_issued",
                "Numbers whose PDF was recorded",
                &self.issued,
            ),
            (
                "saraban_register_numbers_abandoned",
                "Numbers cancelled because their letter failed to render",
                &self.abandoned,
            ),
            (
                "saraban_register_numbers_cancelled",
                "Numbers cancelled by a clerk",
                &self.cancelled,
            ),
            (
                "saraban_jobs_started",
                "Batch jobs this instance started (a job taken over counts again)",
                &self.jobs_started,
            ),
            (
                "saraban_jobs_done",
                "Batch jobs this instance finished",
                &self.jobs_done,
            ),
            (
                "saraban_jobs_failed",
                "Batch jobs that failed here",
                &self.jobs_failed,
            ),
            (
                "saraban_jobs_lost",
                "Batch jobs another instance took over from this one",
                &self.jobs_lost,
            ),
        ];
        for (name, help, counter) in counters {
            registry.register(name, help, counter.clone());
        }
        registry.register(
            "saraban_jobs_running",
            "Batch jobs this instance is rendering now",
            self.jobs_running.clone(),
        );
    }
}

/// The labels of a request count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

/// The label of a latency histogram.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

/// The pool's gauges, read when the metrics are asked for.
#[derive(Debug, Default)]
struct PoolGauges {
    waiting: Gauge,
    busy: Gauge,
    workers: Gauge,
    admitted: Gauge,
    capacity: Gauge,
}

/// The whole register's gauges (every instance's work), read when the
/// metrics are asked for and written only when the register answered.
#[derive(Debug, Default)]
struct RegisterGauges {
    pending: Gauge,
    jobs_queued: Gauge,
    jobs_running: Gauge,
}

/// The service's metrics.
#[derive(Debug)]
pub struct Metrics {
    /// The register's, shared with the metered store.
    pub register: std::sync::Arc<RegisterMetrics>,
    registry: Registry,
    register_wide: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabel, Histogram, fn() -> Histogram>,
    render: Histogram,
    letters: Counter,
    failures: Counter,
    rejected: Counter,
    pool: PoolGauges,
    register_gauges: RegisterGauges,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut m = Metrics {
            register: std::sync::Arc::default(),
            registry: Registry::default(),
            register_wide: Registry::default(),
            requests: Family::default(),
            latency: Family::new_with_constructor(latency),
            render: latency(),
            letters: Counter::default(),
            failures: Counter::default(),
            rejected: Counter::default(),
            pool: PoolGauges::default(),
            register_gauges: RegisterGauges::default(),
        };
        let r = &mut m.registry;
        r.register(
            "saraban_http_requests",
            "HTTP requests by route, method and status",
            m.requests.clone(),
        );
        r.register(
            "saraban_http_request_duration_seconds",
            "Time to answer a request (to the first byte of a streamed body)",
            m.latency.clone(),
        );
        r.register(
            "saraban_render_duration_seconds",
            "Time to lay out and export one letter",
            m.render.clone(),
        );
        r.register(
            "saraban_letters_rendered",
            "Letters rendered",
            m.letters.clone(),
        );
        r.register(
            "saraban_render_failures",
            "Letters that failed to render (a fault of saraban or a template)",
            m.failures.clone(),
        );
        r.register(
            "saraban_rejected",
            "Requests turned away with 503 because the queue was full",
            m.rejected.clone(),
        );
        let p = &m.pool;
        for (name, help, gauge) in [
            (
                "saraban_queue_depth",
                "Render jobs waiting for a worker",
                &p.waiting,
            ),
            ("saraban_workers_busy", "Render jobs running", &p.busy),
            ("saraban_workers", "Render workers", &p.workers),
            (
                "saraban_requests_admitted",
                "Rendering requests admitted and not yet finished",
                &p.admitted,
            ),
            (
                "saraban_admission_capacity",
                "Rendering requests admitted at most at once (workers + queue)",
                &p.capacity,
            ),
        ] {
            r.register(name, help, gauge.clone());
        }
        m.register.register(r);
        let g = &m.register_gauges;
        for (name, help, gauge) in [
            (
                "saraban_register_numbers_pending",
                "Numbers taken whose PDF is not recorded yet, in the whole register",
                &g.pending,
            ),
            (
                "saraban_jobs_queued",
                "Batch jobs waiting for an instance, in the whole register",
                &g.jobs_queued,
            ),
            (
                "saraban_jobs_running_all",
                "Batch jobs being run by any instance",
                &g.jobs_running,
            ),
        ] {
            m.register_wide.register(name, help, gauge.clone());
        }
        m
    }
}

impl Metrics {
    /// Counts a finished request (`route` is the matched route, `other` for none).
    pub fn request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method: method.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabel {
                route: route.to_string(),
            })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a letter rendered (or failed) and its render time.
    pub fn letter(&self, ok: bool, elapsed: Duration) {
        if ok {
            self.letters.inc();
        } else {
            self.failures.inc();
        }
        self.render.observe(elapsed.as_secs_f64());
    }

    /// Counts a request turned away because the queue was full.
    pub fn rejected(&self) {
        self.rejected.inc();
    }

    /// Letters rendered so far.
    pub fn letters(&self) -> u64 {
        self.letters.get()
    }

    /// The OpenMetrics text ([`CONTENT_TYPE`]), with the pool's gauges as
    /// they are now and the whole register's when it answered (`register`).
    pub fn render(&self, pool: &Pool, register: Option<Gauges>) -> String {
        let p = &self.pool;
        for (gauge, value) in [
            (&p.waiting, pool.waiting()),
            (&p.busy, pool.busy()),
            (&p.workers, pool.workers()),
            (&p.admitted, pool.admitted()),
            (&p.capacity, pool.capacity()),
        ] {
            gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode_registry(&mut out, &self.registry);
        if let Some(g) = register {
            let r = &self.register_gauges;
            for (gauge, value) in [
                (&r.pending, g.pending),
                (&r.jobs_queued, g.jobs_queued),
                (&r.jobs_running, g.jobs_running),
            ] {
                gauge.set(i64::try_from(value).unwrap_or(i64::MAX));
            }
            let _ = encode_registry(&mut out, &self.register_wide);
        }
        let _ = encode_eof(&mut out);
        out
    }
}
