//! The bounded worker pool: renders run on the pool's own `workers` threads,
//! never on the async runtime's, at most `workers` at a time (typst's parallel
//! layout runs on the same threads, so `workers` bounds the cores a render uses), and at most `workers + queue` requests
//! are admitted; the rest are turned away (503) instead of piling up.
//!
//! Batches are admitted apart, at most `streams` at a time: a streamed batch
//! lives as long as its client reads, and slow readers must not take the
//! places of single letters. Their letters share the same workers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

/// Workers and admission.
#[derive(Debug)]
pub struct Pool {
    threads: rayon::ThreadPool,
    permits: Arc<Semaphore>,
    workers: usize,
    capacity: usize,
    admitted: AtomicUsize,
    stream_capacity: usize,
    streams: AtomicUsize,
    waiting: AtomicUsize,
    busy: Arc<AtomicUsize>,
}

/// An admitted request's place. Clones share it; it is given back when the last
/// clone is dropped (a render that outlives its request keeps it).
#[derive(Debug, Clone)]
pub struct Ticket(#[allow(dead_code)] Arc<Slot>);

#[derive(Debug)]
struct Slot(Arc<Pool>, Kind);

/// Which admission a ticket counts in.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Request,
    Stream,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let counter = match self.1 {
            Kind::Request => &self.0.admitted,
            Kind::Stream => &self.0.streams,
        };
        counter.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A job that could not run.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The job panicked.
    #[error("a render job panicked")]
    Panicked,
    /// The pool is shutting down.
    #[error("the worker pool is closed")]
    Closed,
}

impl Pool {
    /// `workers` render threads at a time (at least 1), `queue` further
    /// admitted requests waiting for one, and `streams` batches.
    pub fn new(workers: usize, queue: usize, streams: usize) -> Arc<Pool> {
        let workers = workers.max(1);
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .thread_name(|i| format!("saraban-render-{i}"))
            .build()
            .expect("render threads start");
        Arc::new(Pool {
            threads,
            permits: Arc::new(Semaphore::new(workers)),
            workers,
            capacity: workers + queue,
            admitted: AtomicUsize::new(0),
            stream_capacity: streams,
            streams: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            busy: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Admits a request, or `None` when `workers + queue` are already in.
    pub fn admit(self: &Arc<Self>) -> Option<Ticket> {
        self.take(Kind::Request)
    }

    /// Admits a batch, or `None` when `streams` batches are already in.
    pub fn admit_stream(self: &Arc<Self>) -> Option<Ticket> {
        self.take(Kind::Stream)
    }

    fn take(self: &Arc<Self>, kind: Kind) -> Option<Ticket> {
        let (counter, capacity) = match kind {
            Kind::Request => (&self.admitted, self.capacity),
            Kind::Stream => (&self.streams, self.stream_capacity),
        };
        counter
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < capacity).then_some(n + 1)
            })
            .ok()
            .map(|_| Ticket(Arc::new(Slot(self.clone(), kind))))
    }

    /// Runs `job` on a blocking thread once a worker is free. If the caller stops
    /// waiting, a job already started still runs to its end and keeps its worker
    /// and `ticket` until then.
    pub async fn run<T, F>(&self, ticket: &Ticket, job: F) -> Result<T, JobError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = {
            let _waiting = Count::new(&self.waiting);
            self.permits
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| JobError::Closed)?
        };
        let ticket = ticket.clone();
        let pool_busy = BusyGuard::new(self.busy.clone());
        let (done, result) = tokio::sync::oneshot::channel();
        self.threads.spawn(move || {
            let _permit = permit;
            let _ticket = ticket;
            let _busy = pool_busy;
            // A panic in a rayon job would abort the process.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            let _ = done.send(outcome);
        });
        match result.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) | Err(_) => Err(JobError::Panicked),
        }
    }

    /// Waits until no job is running (used at shutdown).
    pub async fn drain(&self) {
        let n = u32::try_from(self.workers).unwrap_or(u32::MAX);
        if let Ok(all) = self.permits.acquire_many(n).await {
            drop(all);
        }
    }

    /// Render threads.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Requests admitted at most at once (`workers + queue`).
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Requests admitted now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::SeqCst)
    }

    /// Jobs waiting for a worker now: the queue depth.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }

    /// Jobs running now.
    pub fn busy(&self) -> usize {
        self.busy.load(Ordering::SeqCst)
    }
}

/// Counts itself in a gauge for as long as it lives.
struct Count<'a>(&'a AtomicUsize);

impl<'a> Count<'a> {
    fn new(c: &'a AtomicUsize) -> Self {
        c.fetch_add(1, Ordering::SeqCst);
        Count(c)
    }
}

impl Drop for Count<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The busy gauge, owned by a blocking thread.
struct BusyGuard(Arc<AtomicUsize>);

impl BusyGuard {
    fn new(busy: Arc<AtomicUsize>) -> Self {
        busy.fetch_add(1, Ordering::SeqCst);
        BusyGuard(busy)
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
