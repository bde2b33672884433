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

use super::AppState;
use super::batch::Batch;
use super::pool::Ticket;
use super::problem::ApiError;
use super::work::{self, Output};
use super::zip_stream::ZipStream;

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
    work::render(shared, &doc, Output::Pdf)
        .map(|r| r.bytes)
        .map_err(|e| e.to_string())
}

fn pages_of(
    shared: &super::Shared,
    batch: &Batch,
    i: usize,
) -> Result<Vec<typst_layout::Page>, String> {
    let doc = batch.document(i).map_err(|p| {
        p.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    work::pages(shared, &doc).map_err(|e| e.to_string())
}

/// The ZIP of one PDF per letter, streamed.
pub fn zip(state: AppState, batch: Arc<Batch>, ticket: Ticket) -> Response {
    let letters = batch.len();
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(CHANNEL_CHUNKS);
    let producer = async move {
        let mut zip = ZipStream::new();
        let mut letters_in = InOrder::new(&state, &batch, &ticket, pdf_of);
        let mut failure = None;
        while let Some(item) = letters_in.next().await {
            let chunk =
                item.and_then(|(i, pdf)| zip.entry(batch.name(i), &pdf).map_err(|e| e.to_string()));
            match chunk {
                Ok(chunk) => {
                    if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                        tracing::warn!("client went away before the batch was complete");
                        return;
                    }
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        drop(letters_in);
        match failure {
            None => {
                let _ = tx.send(Ok(Bytes::from(zip.finish()))).await;
                tracing::info!(letters, "batch sent");
            }
            Some(e) => {
                tracing::error!(error = %e, "batch failed while streaming");
                let _ = tx.send(Err(io::Error::other(e))).await;
            }
        }
        drop(ticket);
    };
    tokio::spawn(producer.instrument(tracing::Span::current()));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
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
    res
}

/// One PDF of every letter, in order (built in memory, so bounded by
/// `max_merge_letters`).
pub async fn merged(
    state: AppState,
    batch: Arc<Batch>,
    ticket: Ticket,
) -> Result<Response, ApiError> {
    let letters = batch.len();
    let mut pages = Vec::new();
    let mut letters_in = InOrder::new(&state, &batch, &ticket, pages_of);
    while let Some(item) = letters_in.next().await {
        let (_, p) = item.map_err(|e| {
            tracing::error!(error = %e, "merged batch failed");
            ApiError::internal(e)
        })?;
        pages.extend(p);
    }
    drop(letters_in);
    let count = pages.len();
    let pdf = state
        .pool
        .run(&ticket, move || work::merged_pdf(pages))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
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
    Ok(res)
}
