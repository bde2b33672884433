//! Rendering a checked batch: letters go to the pool in order, a few at a time,
//! and each finished PDF is written into a ZIP streamed to the client through a
//! small bounded channel, so memory stays flat however many letters there are.
//! A slow reader slows the rendering down rather than filling memory.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, timeout_at};
use tracing::Instrument;

use sha2::{Digest, Sha256};

use super::AppState;
use super::batch::Batch;
use super::issuing::Issue;
use super::pool::Ticket;
use super::problem::ApiError;
use super::work::{self, Output};
use super::zip_stream::ZipStream;
use crate::outline::Mark;
use crate::register::{MAX_STORED_BODY, sha256_hex};

/// The bytes of an answer, kept for a replay while they fit the register's cap.
struct Kept(Option<Vec<u8>>);

impl Kept {
    fn new(keep: bool) -> Self {
        Kept(keep.then(Vec::new))
    }

    fn push(&mut self, chunk: &[u8]) {
        if let Some(body) = &mut self.0 {
            if body.len() + chunk.len() > MAX_STORED_BODY {
                // Too large to keep: a replay re-renders, to the same hashes.
                self.0 = None;
            } else {
                body.extend_from_slice(chunk);
            }
        }
    }
}

/// Chunks (one letter each) buffered between the renderer and the socket.
const CHANNEL_CHUNKS: usize = 2;

/// A spawned task that is aborted when dropped (the client went away).
struct Job<T>(JoinHandle<T>);

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Renders letters `0..n` in order on the pool, at most `workers + 1` at a time,
/// and yields them in order.
struct InOrder<T> {
    state: AppState,
    batch: Arc<Batch>,
    ticket: Ticket,
    render: fn(&super::Shared, &Batch, usize) -> Result<T, String>,
    pending: VecDeque<(usize, Job<Result<T, String>>)>,
    next: usize,
    deadline: Instant,
}

impl<T: Send + 'static> InOrder<T> {
    fn new(
        state: &AppState,
        batch: &Arc<Batch>,
        ticket: &Ticket,
        render: fn(&super::Shared, &Batch, usize) -> Result<T, String>,
    ) -> Self {
        InOrder {
            state: state.clone(),
            batch: batch.clone(),
            ticket: ticket.clone(),
            render,
            pending: VecDeque::new(),
            next: 0,
            deadline: Instant::now() + state.config.batch_timeout,
        }
    }

    /// The next letter, `None` after the last; an error ends the batch.
    async fn next(&mut self) -> Option<Result<(usize, T), String>> {
        let window = self.state.pool.workers() + 1;
        while self.pending.len() < window && self.next < self.batch.len() {
            let state = self.state.clone();
            let batch = self.batch.clone();
            let ticket = self.ticket.clone();
            let render = self.render;
            let i = self.next;
            let handle = tokio::spawn(async move {
                let shared = state.clone();
                state
                    .pool
                    .run(&ticket, move || render(&shared, &batch, i))
                    .await
                    .map_err(|e| e.to_string())?
            });
            self.pending.push_back((i, Job(handle)));
            self.next += 1;
        }
        let (i, mut job) = self.pending.pop_front()?;
        Some(match timeout_at(self.deadline, &mut job.0).await {
            Err(_) => Err(format!(
                "the batch took longer than {} s",
                self.state.config.batch_timeout.as_secs()
            )),
            Ok(Err(join)) => Err(format!("letter {}: {join}", i + 1)),
            Ok(Ok(Err(e))) => Err(format!("letter {}: {e}", i + 1)),
            Ok(Ok(Ok(value))) => Ok((i, value)),
        })
    }
}

fn pdf_of(shared: &super::Shared, batch: &Batch, i: usize) -> Result<Vec<u8>, String> {
    let doc = batch.document(i).map_err(|p| {
        p.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    work::render_numbered(shared, &doc, Output::Pdf(None), batch.reference(i))
        .map(|r| r.bytes)
        .map_err(|e| e.to_string())
}

fn pages_of(shared: &super::Shared, batch: &Batch, i: usize) -> Result<work::Marked, String> {
    let doc = batch.document(i).map_err(|p| {
        p.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    work::marked_pages(shared, &doc, batch.reference(i), i).map_err(|e| e.to_string())
}

/// The ZIP of one PDF per letter, streamed. A numbered batch (`issue`) is
/// recorded in the register before the ZIP's last bytes are sent, and is
/// rendered to its end even if the client goes away, so its numbers are
/// recorded and a retry under the same `Idempotency-Key` gets the answer.
pub fn zip(state: AppState, batch: Arc<Batch>, ticket: Ticket, issue: Option<Issue>) -> Response {
    let letters = batch.len();
    let mut numbers = axum::http::HeaderMap::new();
    if let Some(issue) = &issue {
        issue.headers(&mut numbers);
    }
    let tasks = state.tasks.clone();
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(CHANNEL_CHUNKS);
    // Set when the client stalled: the body then ends in an error (the
    // connection is cut) rather than as if the ZIP were complete.
    let stalled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stalled_in = stalled.clone();
    let producer = async move {
        let mut zip = match &issue {
            Some(_) => {
                let (y, m, d) = batch.zip_date();
                ZipStream::dated(y, m, d)
            }
            None => ZipStream::new(),
        };
        let each = issue.as_ref().is_some_and(Issue::per_letter);
        let mut hashes = Vec::new();
        let mut whole = Sha256::new();
        let mut kept = Kept::new(issue.as_ref().is_some_and(Issue::keeps_answer));
        let mut client_gone = false;
        let mut letters_in = InOrder::new(&state, &batch, &ticket, pdf_of);
        let mut failure = None;
        while let Some(item) = letters_in.next().await {
            let chunk = match item {
                Ok((i, pdf)) => {
                    if each {
                        hashes.push(sha256_hex(&pdf));
                    }
                    zip.entry(batch.name(i), &pdf)
                        .await
                        .map_err(|e| e.to_string())
                }
                Err(e) => Err(e),
            };
            match chunk {
                Ok(chunk) => {
                    if issue.is_some() {
                        whole.update(&chunk);
                        kept.push(&chunk);
                    }
                    let stall = state.config.stall;
                    let sent = !client_gone
                        && matches!(
                            tokio::time::timeout(stall, tx.send(Ok(Bytes::from(chunk)))).await,
                            Ok(Ok(()))
                        );
                    if !client_gone && !sent {
                        stalled_in.store(true, std::sync::atomic::Ordering::SeqCst);
                        if issue.is_none() {
                            tracing::warn!("client went away before the batch was complete");
                            return;
                        }
                        tracing::warn!(
                            "client went away; the numbered batch is finished so that its numbers are recorded"
                        );
                        client_gone = true;
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(letters_in);
        let end = match failure {
            None => zip.finish().await.map_err(|e| e.to_string()),
            Some(e) => Err(e),
        };
        match (end, issue) {
            (Ok(end), None) => {
                let _ = tx.send(Ok(Bytes::from(end))).await;
                tracing::info!(letters, "batch sent");
            }
            (Ok(end), Some(issue)) => {
                whole.update(&end);
                kept.push(&end);
                let hashes = if each {
                    hashes
                } else {
                    // One number for the circular: the ZIP that carries all
                    // its copies.
                    vec![hex::encode(whole.finalize()); issue.count()]
                };
                match issue.complete(hashes, "application/zip", kept.0).await {
                    Ok(_) => {
                        let _ = tx.send(Ok(Bytes::from(end))).await;
                        tracing::info!(letters, "batch sent");
                    }
                    Err(e) => {
                        let detail = e.details().detail;
                        tracing::error!(error = %detail, "batch rendered but not recorded");
                        let _ = tx.send(Err(io::Error::other(detail))).await;
                    }
                }
            }
            (Err(e), issue) => {
                tracing::error!(error = %e, "batch failed while streaming");
                if let Some(issue) = issue {
                    issue.abandon(e.clone()).await;
                }
                let _ = tx.send(Err(io::Error::other(e))).await;
            }
        }
        drop(ticket);
    };
    tasks.spawn(producer.instrument(tracing::Span::current()));
    let stream = futures_util::stream::unfold(Some(rx), move |rx| {
        let stalled = stalled.clone();
        async move {
            let mut rx = rx?;
            match rx.recv().await {
                Some(item) => Some((item, Some(rx))),
                None if stalled.load(std::sync::atomic::Ordering::SeqCst) => {
                    Some((Err(io::Error::other("the client stalled")), None))
                }
                None => None,
            }
        }
    });
    let mut res = Body::from_stream(stream).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"letters.zip\""),
    );
    headers.insert("x-letters", HeaderValue::from(letters));
    headers.extend(numbers);
    res
}

/// One PDF of every letter, in order (built in memory, so bounded by
/// `limits.merge_letters`). A numbered batch is rendered and recorded to its end
/// even if the client goes away.
pub async fn merged(
    state: AppState,
    batch: Arc<Batch>,
    ticket: Ticket,
    issue: Option<Issue>,
) -> Result<Response, ApiError> {
    match issue {
        None => merged_pdf(state, batch, ticket, None).await,
        Some(issue) => {
            let tasks = state.tasks.clone();
            let job = merged_pdf(state, batch, ticket, Some(issue));
            tasks
                .spawn(job.instrument(tracing::Span::current()))
                .await
                .map_err(|e| ApiError::internal(format!("the merged batch failed: {e}")))?
        }
    }
}

async fn merged_pdf(
    state: AppState,
    batch: Arc<Batch>,
    ticket: Ticket,
    issue: Option<Issue>,
) -> Result<Response, ApiError> {
    let rendered = merge_pages(&state, &batch, &ticket).await;
    match (rendered, issue) {
        (Ok((pdf, count)), None) => Ok(answer(pdf, batch.len(), count)),
        (Ok((pdf, count)), Some(issue)) => {
            // Every number is carried by the one PDF.
            let hashes = vec![sha256_hex(&pdf); issue.count()];
            let body = issue.keeps_answer().then(|| pdf.clone());
            let earlier = issue.complete(hashes, "application/pdf", body).await?;
            let pdf = earlier.map_or(pdf, |stored| stored.body);
            let mut res = answer(pdf, batch.len(), count);
            issue.headers(res.headers_mut());
            Ok(res)
        }
        (Err(e), issue) => {
            if let Some(issue) = issue {
                issue.abandon(e.details().detail).await;
            }
            Err(e)
        }
    }
}

/// The merged PDF and its page count.
async fn merge_pages(
    state: &AppState,
    batch: &Arc<Batch>,
    ticket: &Ticket,
) -> Result<(Vec<u8>, usize), ApiError> {
    let mut pages = Vec::new();
    let mut marks = Vec::new();
    let mut signer = crate::signing::MergedSigner::default();
    let mut letters_in = InOrder::new(state, batch, ticket, pages_of);
    while let Some(item) = letters_in.next().await {
        let (_, letter) = item.map_err(|e| {
            tracing::error!(error = %e, "merged batch failed");
            ApiError::internal(e)
        })?;
        marks.push(Mark {
            page: pages.len(),
            title: letter.title,
        });
        signer.add(letter.signer.as_ref());
        pages.extend(letter.pages);
        let limit = state.config.limits.merge_pages;
        if pages.len() > limit {
            return Err(ApiError::too_large(
                "merge",
                format!("the merged PDF passes {limit} pages; ask for a ZIP instead"),
            ));
        }
    }
    drop(letters_in);
    let count = pages.len();
    let title = batch.title();
    let pdf = state
        .pool
        .run(ticket, move || {
            let pdf = crate::render::to_merged_pdf(&pages, &title, &marks)?;
            signer.sign(pdf, pages.len())
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    Ok((pdf, count))
}

/// The response carrying a merged PDF.
fn answer(pdf: Vec<u8>, letters: usize, count: usize) -> Response {
    let mut res = pdf.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"letters.pdf\""),
    );
    headers.insert("x-letters", HeaderValue::from(letters));
    headers.insert("x-pages", HeaderValue::from(count));
    res
}
