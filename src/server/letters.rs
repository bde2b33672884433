//! `POST /v1/letters` (one letter as PDF, or a PNG preview) and
//! `POST /v1/letters/validate` (the problems, or none).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

use super::problem::ApiError;
use super::query::Query;
use super::work::{self, Output};
use super::{AppState, body};
use crate::compose;
use crate::error::{Error, Problem};
use crate::model::Document;

/// The answer of `POST /v1/letters/validate`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Validation {
    /// True when the document would render.
    pub valid: bool,
    /// Every problem, each at its field path; empty when valid.
    pub problems: Vec<Problem>,
}

/// Renders one letter.
pub async fn render(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref(), &["format", "dpi", "page"])?;
    let format = query.choice("format", &["pdf", "png"])?;
    let dpi = query.number("dpi", 80.0, 10.0, 300.0)?;
    let page = query.integer("page", 1, 1, 10_000)?;
    let output = match format {
        "png" => Output::Png {
            page: page - 1,
            dpi: dpi as f32,
        },
        _ => Output::Pdf,
    };
    let bytes = body::bytes(body, state.config.max_letter_bytes)?;
    let doc: Document = body::parse(&bytes)?;
    let ticket = state.admit()?;
    let shared = state.clone();
    let rendered = state
        .pool
        .run(&ticket, move || work::render(&shared, &doc, output))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| match e {
            // The page number is a query parameter, not part of the body.
            Error::Invalid(p) if p.0.iter().any(|p| p.field == "page") => {
                ApiError::bad_parameter("page", p.0[0].message.clone())
            }
            other => ApiError::from(other),
        })?;
    let (content_type, file) = match output {
        Output::Pdf => ("application/pdf", "letter.pdf"),
        Output::Png { .. } => ("image/png", "letter.png"),
    };
    let mut res = rendered.bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("inline; filename=\"{file}\""))
            .unwrap_or(HeaderValue::from_static("inline")),
    );
    headers.insert("x-pages", HeaderValue::from(rendered.pages));
    Ok(res)
}

/// Validates one letter without rendering it. Problems with the document,
/// malformed JSON included, are answered 200 with `valid: false`.
pub async fn validate(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Validation>, ApiError> {
    let bytes = body::bytes(body, state.config.max_letter_bytes)?;
    let doc = match compose::parse(&bytes) {
        Ok(doc) => doc,
        Err(problems) => {
            return Ok(Json(Validation {
                valid: false,
                problems: problems.0,
            }));
        }
    };
    let ticket = state.admit()?;
    let shared = state.clone();
    let checked = state
        .pool
        .run(&ticket, move || {
            compose::check(&doc, &shared.agencies).map(|_| ())
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let problems = checked.err().map(|p| p.0).unwrap_or_default();
    Ok(Json(Validation {
        valid: problems.is_empty(),
        problems,
    }))
}
