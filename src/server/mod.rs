//! The HTTP service (`saraban serve`): single letters, validation, and batches of
//! thousands with mail merge, streamed as a ZIP or merged into one PDF.
//!
//! Rendering runs on a bounded pool of blocking threads ([`pool`]); a full queue is
//! answered with 503 and `Retry-After`. Every error is an RFC 9457 problem document
//! naming the fields at fault ([`problem`]). The route table in [`routes`] builds both
//! the router and the OpenAPI document ([`openapi`]). With a register (`--db`),
//! letters whose reference is `"auto"` are numbered from their agency's book
//! ([`numbering`], [`register`]), under API keys of that agency.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let config = saraban::server::Config::default();
//! saraban::server::serve(config, saraban::server::shutdown_signal()).await
//! # }
//! ```

pub mod batch;
pub mod batches;
pub mod body;
pub mod catalog;
pub mod cli;
pub mod extract;
pub mod info;
pub mod issuing;
pub mod jobs;
pub mod letters;
pub mod logging;
pub mod metered;
pub mod metrics;
pub mod middleware;
pub mod numbering;
pub mod openapi;
pub mod page;
pub mod pool;
pub mod preview;
pub mod problem;
pub mod query;
pub mod register;
pub mod routes;
pub mod stream;
pub mod webhook;
pub mod work;
pub mod zip_stream;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

use crate::agency::Agencies;
use crate::register::RegisterStore;
use crate::render::Engine;

pub use problem::{ApiError, ProblemDetails};

/// What one request may ask of the service, each refused with a problem
/// naming it (413) when passed; `saraban serve`'s options of the same names.
#[derive(Debug, Clone, clap::Args)]
pub struct Limits {
    /// Largest body of a single letter, bytes.
    #[arg(long = "max-letter-bytes", env = "SARABAN_MAX_LETTER_BYTES", default_value_t = LIMITS.letter_bytes)]
    pub letter_bytes: usize,
    /// Largest body of a batch (or a spreadsheet, or a job), bytes.
    #[arg(long = "max-batch-bytes", env = "SARABAN_MAX_BATCH_BYTES", default_value_t = LIMITS.batch_bytes)]
    pub batch_bytes: usize,
    /// Most letters in one batch.
    #[arg(long = "max-batch-letters", env = "SARABAN_MAX_BATCH_LETTERS", default_value_t = LIMITS.batch_letters)]
    pub batch_letters: usize,
    /// Most letters merged into one PDF (`?merge=true`), which is built in memory.
    #[arg(long = "max-merge-letters", env = "SARABAN_MAX_MERGE_LETTERS", default_value_t = LIMITS.merge_letters)]
    pub merge_letters: usize,
    /// Most pages of a merged PDF: its pages are held in memory until it is written.
    #[arg(long = "max-merge-pages", env = "SARABAN_MAX_MERGE_PAGES", default_value_t = LIMITS.merge_pages)]
    pub merge_pages: usize,
}

/// The limits unless set otherwise.
pub const LIMITS: Limits = Limits {
    letter_bytes: 2 << 20,
    batch_bytes: 16 << 20,
    batch_letters: 10_000,
    merge_letters: 1_000,
    merge_pages: 1_000,
};

impl Default for Limits {
    fn default() -> Self {
        LIMITS
    }
}

/// The service's settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// Render threads (default: the number of cores).
    pub workers: usize,
    /// Requests admitted beyond the workers, waiting for one; more get 503.
    pub queue: usize,
    /// Batches admitted at once, apart from `workers + queue`: a streamed
    /// batch lasts as long as its client reads.
    pub streams: usize,
    /// A client that takes no byte of a streamed batch for this long is
    /// treated as gone (its place is given back).
    pub stall: Duration,
    /// What one request may ask of the service.
    pub limits: Limits,
    /// Time limit of a request (reading it, waiting for a worker, rendering).
    pub timeout: Duration,
    /// Time limit of a whole batch, its streamed body included.
    pub batch_timeout: Duration,
    /// A client must send a request's headers within this time; an idle
    /// keep-alive connection is closed after it.
    pub header_timeout: Duration,
    /// At shutdown, how long requests, renders and numbered work in flight
    /// may take to finish before the process stops anyway.
    pub drain: Duration,
    /// Numbers letters dated in any year (moving an old register over); by
    /// default only this year's, and last year's in the first fortnight of
    /// January.
    pub any_year: bool,
    /// The outgoing register's database file; None runs without a register
    /// (letters must then give their reference numbers).
    pub db: Option<PathBuf>,
    /// Where batch jobs' results are written (shared between instances
    /// that share a register, so any of them can hand a result out).
    pub jobs_dir: PathBuf,
    /// How long a job's runner holds it without renewing; after that
    /// another instance takes it over.
    pub job_lease: Duration,
    /// How long a finished job's result is kept.
    pub job_ttl: Duration,
    /// The secret finished jobs' webhook calls are signed with.
    pub webhook_secret: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            queue: 64,
            streams: 32,
            stall: Duration::from_secs(30),
            limits: Limits::default(),
            timeout: Duration::from_secs(30),
            batch_timeout: Duration::from_secs(30 * 60),
            header_timeout: Duration::from_secs(10),
            drain: Duration::from_secs(60),
            any_year: false,
            db: None,
            jobs_dir: jobs::default_jobs_dir(),
            job_lease: Duration::from_secs(30),
            job_ttl: Duration::from_secs(24 * 3600),
            webhook_secret: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The contents of [`AppState`].
pub struct Shared {
    /// Fonts and templates.
    pub engine: Arc<Engine>,
    /// Agency profiles.
    pub agencies: Arc<Agencies>,
    /// Render workers and admission.
    pub pool: Arc<pool::Pool>,
    /// Counters.
    pub metrics: metrics::Metrics,
    /// Settings.
    pub config: Config,
    /// The OpenAPI document as JSON, made once from the route table and `config`.
    pub openapi: axum::body::Bytes,
    /// The outgoing register, when the service keeps one.
    pub register: Option<Arc<dyn RegisterStore>>,
    /// Work that outlives its request (a numbered letter or batch whose
    /// client went away): shutdown waits for it, up to `drain`.
    pub tasks: tokio_util::task::TaskTracker,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    /// The state for `config`, with an engine and agencies loaded once, and no
    /// register.
    pub fn new(config: Config, engine: Arc<Engine>, agencies: Arc<Agencies>) -> Self {
        AppState::with_register(config, engine, agencies, None)
    }

    /// The state with an outgoing register (see [`open_register`]).
    pub fn with_register(
        config: Config,
        engine: Arc<Engine>,
        agencies: Arc<Agencies>,
        register: Option<Arc<dyn RegisterStore>>,
    ) -> Self {
        let metrics = metrics::Metrics::default();
        // Every store is counted the same way.
        let register = register.map(|store| {
            Arc::new(metered::MeteredStore::new(store, metrics.register.clone()))
                as Arc<dyn RegisterStore>
        });
        AppState(Arc::new(Shared {
            engine,
            agencies,
            tasks: tokio_util::task::TaskTracker::new(),
            pool: pool::Pool::new(config.workers, config.queue, config.streams),
            metrics,
            openapi: serde_json::to_vec(&openapi::document(&config))
                .unwrap_or_default()
                .into(),
            config,
            register,
        }))
    }

    /// The register, or 501 when the service runs without one.
    pub fn register(&self) -> Result<Arc<dyn RegisterStore>, ApiError> {
        self.register.clone().ok_or_else(ApiError::no_register)
    }

    /// Admits a batch, or 503 when `streams` batches are running.
    pub fn admit_stream(&self) -> Result<pool::Ticket, ApiError> {
        self.pool.admit_stream().ok_or_else(|| {
            self.metrics.rejected();
            ApiError::overloaded(5)
        })
    }

    /// Admits a rendering request, or 503 when the queue is full.
    pub fn admit(&self) -> Result<pool::Ticket, ApiError> {
        self.pool.admit().ok_or_else(|| {
            self.metrics.rejected();
            ApiError::overloaded(1)
        })
    }
}

/// The service's routes with their layers: request ids, logs, metrics, time limits.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for route in routes::routes() {
        app = app.route(route.path, (route.handler)(&state.config));
    }
    let app = app
        .merge(page::router())
        .fallback(info::not_found)
        .method_not_allowed_fallback(info::method_not_allowed);
    middleware::layers(app, state.clone()).with_state(state)
}

/// Serves on `config.addr` until `shutdown` completes, then finishes the requests
/// and renders in flight.
pub async fn serve(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.addr).await?;
    let agencies = Arc::new(Agencies::built_in());
    let engine = tokio::task::spawn_blocking(Engine::shared).await?;
    let db = config.db.clone();
    let register = tokio::task::spawn_blocking(move || open_register(db.as_deref())).await??;
    let state = AppState::with_register(config, engine, agencies, register);
    serve_on(listener, state, shutdown).await
}

/// Opens the register at `db` (creating the file and applying migrations), or
/// None without a path. Blocking.
pub fn open_register(
    db: Option<&std::path::Path>,
) -> anyhow::Result<Option<Arc<dyn RegisterStore>>> {
    let Some(path) = db else {
        tracing::info!("no register (--db): letters must give their reference numbers");
        return Ok(None);
    };
    let shown = crate::register::describe_store(path);
    let register =
        crate::register::open_store(path).map_err(|e| anyhow::anyhow!("register {shown}: {e}"))?;
    tracing::info!(db = %shown, "register open");
    Ok(Some(register))
}

/// Serves on an already bound listener (tests bind `127.0.0.1:0`).
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let addr = listener.local_addr()?;
    tracing::info!(
        %addr,
        workers = state.pool.workers(),
        queue = state.config.queue,
        "saraban listening"
    );
    let pool = state.pool.clone();
    let tasks = state.tasks.clone();
    let (header_timeout, drain) = (state.config.header_timeout, state.config.drain);
    // Batch jobs are run by every instance that keeps a register.
    let runner = tokio::spawn(jobs::run(state.clone(), jobs::runner_id()));
    let app = router(state);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let connections = tokio_util::task::TaskTracker::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors, say: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        connections.spawn(connection(
            stream,
            app.clone(),
            header_timeout,
            stop_rx.clone(),
        ));
    }
    drop(listener);
    // A job being rendered goes on in its thread until the process ends; if
    // it ends first, the job's lease runs out and another instance runs it.
    runner.abort();
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    connections.close();
    tasks.close();
    let deadline = tokio::time::Instant::now() + drain;
    let finished = tokio::time::timeout_at(deadline, async {
        connections.wait().await;
        tasks.wait().await;
        // Renders whose clients went away may still run.
        pool.drain().await;
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            seconds = drain.as_secs(),
            "work still in flight after the drain time; stopping anyway"
        );
    }
    tracing::info!("saraban stopped");
    Ok(())
}

/// Serves one HTTP/1.1 connection, whose headers must arrive within
/// `header_timeout` (an idle keep-alive connection ends after as long); shuts
/// down gracefully when `stop` turns true.
async fn connection(
    stream: tokio::net::TcpStream,
    app: Router,
    header_timeout: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let service = hyper_util::service::TowerToHyperService::new(app.map_request(
        |req: axum::http::Request<hyper::body::Incoming>| req.map(axum::body::Body::new),
    ));
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended");
                }
                return;
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    conn.as_mut().graceful_shutdown();
                    // Keep polling the connection until it has finished.
                    if let Err(e) = conn.as_mut().await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                    return;
                }
            }
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
