//! Issuing numbered letters, the one way a single letter, a streamed batch and
//! a background job take their numbers: the register gives the numbers before
//! anything is rendered, records them with the PDFs' hashes once rendered, or
//! cancels them with the reason when rendering fails.

use std::path::Path;
use std::sync::Arc;

use axum::http::HeaderMap;
use axum::response::Response;

use super::numbering::Plan;
use super::problem::ApiError;
use super::register::{self as reg, blocking};
use crate::register::{
    Allocated, ApiKey, LetterDetails, RegisterError, RegisterStore, StoredResponse, sha256_hex,
};

/// Numbers taken from the register for one request, until they are recorded
/// ([`Issue::complete`]) or cancelled ([`Issue::abandon`]).
pub struct Issue {
    register: Arc<dyn RegisterStore>,
    allocated: Allocated,
    /// A number for each letter of a batch (the answer names the last too),
    /// rather than one number for the answer.
    per_letter: bool,
}

/// What the register answers a request for numbers.
pub enum Taken {
    /// Numbers to render with (new, or an earlier attempt's that never completed).
    New(Issue),
    /// The answer an earlier attempt under the same `Idempotency-Key`
    /// completed with, byte for byte.
    Replayed(Response),
}

/// Takes the numbers `plan` says for a request: its key must belong to the
/// plan's agency (`known` is a key already authorised, reused when it does),
/// its `Idempotency-Key` makes a retry get the same numbers. `file` names a
/// replayed answer.
pub async fn take(
    register: &Arc<dyn RegisterStore>,
    headers: &HeaderMap,
    known: Option<ApiKey>,
    request: NumbersFor<'_>,
) -> Result<Taken, ApiError> {
    let key = match known {
        Some(key) if key.agency == request.plan.agency => key,
        _ => reg::authorize(register, headers, &request.plan.agency).await?,
    };
    let allocation = request.plan.allocation(
        request.details,
        reg::idempotency_key(headers)?,
        request.hash,
        Some(key.id),
    );
    let mut allocated = blocking(register, move |r| r.allocate(&allocation)).await?;
    if let Some(stored) = allocated.response.take() {
        tracing::info!(
            first = allocated.first,
            last = allocated.last,
            "idempotent replay"
        );
        let res = reg::replayed(stored, &allocated, request.per_letter, request.file);
        return Ok(Taken::Replayed(res));
    }
    tracing::info!(
        agency = %allocated.agency,
        year = allocated.year,
        series = %allocated.series,
        first = allocated.first,
        last = allocated.last,
        replay = allocated.replay,
        "numbers taken"
    );
    Ok(Taken::New(Issue {
        register: register.clone(),
        allocated,
        per_letter: request.per_letter,
    }))
}

/// What a request asks the register for.
pub struct NumbersFor<'a> {
    /// Whose register and which series.
    pub plan: &'a Plan,
    /// What the register records of each letter.
    pub details: Vec<LetterDetails>,
    /// The request's hash: a retry under the same key must be the same request.
    pub hash: String,
    /// A number for each letter of a batch.
    pub per_letter: bool,
    /// The file name of a replayed answer.
    pub file: &'a str,
}

impl Issue {
    /// Takes numbers on this (blocking) thread, for a batch written to a
    /// file (a background job, whose id is its idempotency key so a second run
    /// gets the first's numbers, or the command line).
    pub fn take_here(
        register: Arc<dyn RegisterStore>,
        plan: &Plan,
        details: Vec<LetterDetails>,
        idempotency_key: Option<String>,
        hash: String,
        per_letter: bool,
    ) -> Result<Issue, RegisterError> {
        let allocation = plan.allocation(details, idempotency_key, hash, None);
        let allocated = register.allocate(&allocation)?;
        Ok(Issue {
            register,
            allocated,
            per_letter,
        })
    }

    /// The printed references, one per number.
    pub fn references(&self) -> &[String] {
        &self.allocated.references
    }

    /// How many numbers were taken.
    pub fn count(&self) -> usize {
        self.allocated.count()
    }

    /// A number for each letter rather than one for all.
    pub fn per_letter(&self) -> bool {
        self.per_letter
    }

    /// True when the answer is kept for a replay (the request has an
    /// `Idempotency-Key`).
    pub fn keeps_answer(&self) -> bool {
        self.allocated.idempotency_key.is_some()
    }

    /// Adds the headers that name the numbers to an answer.
    pub fn headers(&self, headers: &mut HeaderMap) {
        reg::number_headers(headers, &self.allocated, self.per_letter);
    }

    /// Records the rendered letters: `hashes` are their PDFs' (one per
    /// number), `body` the whole answer when it is kept for a replay. Returns
    /// the answer of an earlier attempt under the same key that finished first.
    pub async fn complete(
        &self,
        hashes: Vec<String>,
        content_type: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Option<StoredResponse>, ApiError> {
        let response = match (&self.allocated.idempotency_key, body) {
            (Some(_), Some(body)) => Some(StoredResponse {
                status: 200,
                content_type: content_type.to_string(),
                body,
            }),
            _ => None,
        };
        let completion = self.allocated.completion(hashes, response);
        let earlier = blocking(&self.register, move |r| r.complete(&completion)).await?;
        self.issued();
        Ok(earlier)
    }

    /// [`Issue::complete`] on this (blocking) thread for a batch written to
    /// `file`, which is the answer (nothing is kept for a replay): each
    /// number's PDF hash is its letter's (`letters`, of a ZIP numbered per
    /// letter), or else the file's that carries them all.
    pub fn complete_file(
        &self,
        letters: Vec<String>,
        file: &Path,
        merged: bool,
    ) -> anyhow::Result<()> {
        let hashes = if self.per_letter && !merged {
            letters
        } else {
            vec![sha256_hex(&std::fs::read(file)?); self.count()]
        };
        self.register
            .complete(&self.allocated.completion(hashes, None))?;
        self.issued();
        Ok(())
    }

    fn issued(&self) {
        tracing::info!(
            agency = %self.allocated.agency,
            year = self.allocated.year,
            series = %self.allocated.series,
            first = self.allocated.first,
            last = self.allocated.last,
            "issued"
        );
    }

    /// Cancels the numbers of letters that failed to render (on a blocking
    /// thread, as every register call).
    pub async fn abandon(self, reason: String) {
        let _ = tokio::task::spawn_blocking(move || self.abandon_here(&reason)).await;
    }

    /// Cancels the numbers with the reason and releases the idempotency key,
    /// on this (blocking) thread. A failure is logged; the numbers then stay
    /// pending, which listings show.
    pub fn abandon_here(self, reason: &str) {
        let (first, last) = (self.allocated.first, self.allocated.last);
        let short = crate::register::abandon_reason(reason);
        match self.register.abandon(&self.allocated, &short) {
            Ok(()) => tracing::warn!(first, last, %reason, "render failed: numbers cancelled"),
            Err(e) => tracing::error!(
                first,
                last,
                error = %e,
                "render failed and the numbers could not be cancelled: they stay pending"
            ),
        }
    }
}
