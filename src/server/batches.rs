//! `POST /v1/batches`: a checked batch numbered (when its letters say
//! `"auto"`) and answered as a streamed ZIP, or with `?merge=true` one PDF.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

use super::batch::{Batch, BatchRequest, Numbering, form_request};
use super::extract::{BatchSize, Body, Param, Params, QueryParams};
use super::issuing::{self, NumbersFor, Taken};
use super::problem::ApiError;
use super::{AppState, body, stream};
use crate::error::Problem;
use crate::register::request_hash;

/// The parameters of `POST /v1/batches`.
pub enum BatchParams {}
impl QueryParams for BatchParams {
    const PARAMS: &'static [Param] = &[Param {
        name: "merge",
        description: "`true` for one PDF of all letters instead of a ZIP.",
        schema: r#"{"type": "boolean", "default": false}"#,
    }];
}

/// Renders a batch: a ZIP streamed as the letters are made, or with
/// `?merge=true` one PDF of all letters.
pub async fn render(
    State(state): State<AppState>,
    Params(query, _): Params<BatchParams>,
    headers: HeaderMap,
    Body(bytes, _): Body<BatchSize>,
) -> Result<Response, ApiError> {
    let merged = query.flag("merge", false)?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let (req, bytes) = if content_type.starts_with("multipart/form-data") {
        let (req, canonical) = form_request(bytes, &content_type).await?;
        (req, Bytes::from(canonical))
    } else {
        let req: BatchRequest = body::parse(&bytes)?;
        (req, bytes)
    };
    // A merged PDF and a ZIP are different answers to the same body.
    let hash = if merged {
        request_hash(&[b"?merge=true\n".as_slice(), &bytes].concat())
    } else {
        request_hash(&bytes)
    };
    drop(bytes);
    if req.numbering.is_some() && state.register.is_none() {
        return Err(ApiError::invalid(vec![Problem::new(
            "numbering",
            "needs the register, and this service keeps none (it was started without --db)",
        )]));
    }
    let mut batch = Batch::plan_within(req, &state.config.limits, merged)?;
    let ticket = state.admit_stream()?;
    let agencies = state.agencies.clone();
    let engine = state.engine.clone();
    let any_year = state.config.any_year;
    let (mut batch, checked) = state
        .pool
        .run(&ticket, move || {
            let checked = batch.validate(&engine, &agencies, any_year);
            (batch, checked)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    checked.map_err(ApiError::invalid)?;
    let issue = match batch.numbering_plan().cloned() {
        None => None,
        Some(plan) => {
            let register = state.register()?;
            let request = NumbersFor {
                plan: &plan,
                details: batch.take_details(),
                hash,
                per_letter: batch.numbering() == Some(Numbering::Each),
                file: if merged { "letters.pdf" } else { "letters.zip" },
            };
            match issuing::take(&register, &headers, None, request).await? {
                Taken::Replayed(mut res) => {
                    res.headers_mut()
                        .insert("x-letters", axum::http::HeaderValue::from(batch.len()));
                    return Ok(res);
                }
                Taken::New(issue) => {
                    batch.set_references(issue.references());
                    Some(issue)
                }
            }
        }
    };
    let batch = Arc::new(batch);
    tracing::info!(letters = batch.len(), merged, "batch accepted");
    if merged {
        stream::merged(state, batch, ticket, issue).await
    } else {
        Ok(stream::zip(state, batch, ticket, issue))
    }
}
