//! `saraban serve`: its options and the runtime it starts.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::logging::{self, LogFormat};
use super::{AppState, Config, Limits, open_register, serve_on, shutdown_signal};
use crate::agency::Agencies;
use crate::render::Engine;

/// The defaults of [`ServeArgs`]: those of [`Config`], written once.
static DEFAULTS: std::sync::LazyLock<Config> = std::sync::LazyLock::new(Config::default);

/// Options of `saraban serve`; each can also be set by its environment variable.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SARABAN_ADDR", default_value_t = DEFAULTS.addr)]
    pub addr: SocketAddr,
    /// Render threads (default: the number of cores).
    #[arg(long, env = "SARABAN_WORKERS")]
    pub workers: Option<usize>,
    /// Requests admitted beyond the workers; more are answered 503.
    #[arg(long, env = "SARABAN_QUEUE", default_value_t = DEFAULTS.queue)]
    pub queue: usize,
    /// Batches admitted at once (apart from the letters' queue).
    #[arg(long, env = "SARABAN_STREAMS", default_value_t = DEFAULTS.streams)]
    pub streams: usize,
    /// Seconds a batch's client may take no byte before it counts as gone.
    #[arg(long, env = "SARABAN_STALL", default_value_t = DEFAULTS.stall.as_secs())]
    pub stall: u64,
    /// Seconds a client has to send a request's headers; an idle keep-alive
    /// connection is closed after as long.
    #[arg(long, env = "SARABAN_HEADER_TIMEOUT", default_value_t = DEFAULTS.header_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds shutdown waits for requests, renders and numbered work in flight.
    #[arg(long, env = "SARABAN_DRAIN", default_value_t = DEFAULTS.drain.as_secs())]
    pub drain: u64,
    /// Number letters dated in any year, not only this one (moving an old
    /// register over).
    #[arg(long, env = "SARABAN_ANY_YEAR")]
    pub any_year: bool,
    /// Time limit of a request, seconds.
    #[arg(long, env = "SARABAN_TIMEOUT", default_value_t = DEFAULTS.timeout.as_secs())]
    pub timeout: u64,
    /// Time limit of a batch, its streamed answer included, seconds.
    #[arg(long, env = "SARABAN_BATCH_TIMEOUT", default_value_t = DEFAULTS.batch_timeout.as_secs())]
    pub batch_timeout: u64,
    /// Sizes and counts a request may ask for.
    #[command(flatten)]
    pub limits: Limits,
    /// The outgoing register: an SQLite file, created on first start, or a
    /// PostgreSQL database (`postgres://user:password@host/db`) that several
    /// instances share. Without it the service keeps no register and
    /// `"reference": "auto"` is refused.
    #[arg(long, env = crate::register::DB_ENV)]
    pub db: Option<PathBuf>,
    /// Where batch jobs' results are written; instances sharing a register
    /// share this directory too (a network volume), so any of them can hand
    /// a result out. Default: `saraban-jobs` in the temporary directory.
    #[arg(long, env = "SARABAN_JOBS_DIR")]
    pub jobs_dir: Option<PathBuf>,
    /// Seconds a job's runner holds it without renewing before another
    /// instance takes it over (it renews after every 64 letters).
    #[arg(long, env = "SARABAN_JOB_LEASE", default_value_t = DEFAULTS.job_lease.as_secs())]
    pub job_lease: u64,
    /// Hours a finished job's result is kept.
    #[arg(long, env = "SARABAN_JOB_TTL_HOURS", default_value_t = DEFAULTS.job_ttl.as_secs() / 3600)]
    pub job_ttl_hours: u64,
    /// The secret finished jobs' webhook calls are signed with (HMAC-SHA256
    /// of the body, in `X-Saraban-Signature`).
    #[arg(long, env = "SARABAN_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Log lines: `compact` or `json`.
    #[arg(long, env = "SARABAN_LOG_FORMAT", default_value = "compact")]
    pub log_format: LogFormat,
}

impl ServeArgs {
    /// The service's settings.
    pub fn config(&self) -> Config {
        let defaults = Config::default();
        Config {
            addr: self.addr,
            workers: self.workers.unwrap_or(defaults.workers),
            queue: self.queue,
            streams: self.streams,
            stall: Duration::from_secs(self.stall),
            limits: self.limits.clone(),
            timeout: Duration::from_secs(self.timeout),
            batch_timeout: Duration::from_secs(self.batch_timeout),
            header_timeout: Duration::from_secs(self.header_timeout),
            drain: Duration::from_secs(self.drain),
            any_year: self.any_year,
            db: self.db.clone(),
            jobs_dir: self
                .jobs_dir
                .clone()
                .unwrap_or_else(super::jobs::default_jobs_dir),
            job_lease: Duration::from_secs(self.job_lease.max(1)),
            job_ttl: Duration::from_secs(self.job_ttl_hours * 3600),
            webhook_secret: self.webhook_secret.clone(),
        }
    }
}

/// Starts the service and blocks until Ctrl-C or SIGTERM, then finishes the
/// letters in flight.
pub fn run(args: &ServeArgs, engine: Engine, agencies: Agencies) -> anyhow::Result<()> {
    logging::init(args.log_format);
    let config = args.config();
    let engine = Arc::new(engine);
    let register = open_register(config.db.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Renders run on the pool's blocking threads; the runtime only moves bytes.
        .worker_threads(config.workers.clamp(1, 4))
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr).await?;
        // For scripts and supervisors, whatever the log format: the address
        // really bound (`--addr 127.0.0.1:0` picks a free port).
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {}", listener.local_addr()?);
        let _ = out.flush();
        let state = AppState::with_register(config, engine, Arc::new(agencies), register);
        serve_on(listener, state, shutdown_signal()).await
    })
}
