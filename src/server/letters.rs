//! `POST /v1/letters` (one letter as PDF, or a PNG preview) and
//! `POST /v1/letters/validate` (the problems, or none).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use schemars::JsonSchema;
use serde::Serialize;
use tracing::Instrument;

use super::numbering;
use super::problem::ApiError;
use super::query::Query;
use super::register::{self as reg, blocking};
use super::work::{self, Output};
use super::{AppState, body};
use crate::compose;
use crate::error::{Error, Problem, Problems};
use crate::i18n::Localizable;
use crate::model::Document;
use crate::register::{Allocation, RegisterStore, StoredResponse, request_hash, sha256_hex};

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
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let query = Query::parse(raw.as_deref(), &["format", "dpi", "page", "pdf_standard"])?;
    let format = query.choice("format", &["pdf", "png"])?;
    let standard = query.parsed::<crate::PdfStandard>("pdf_standard")?;
    let dpi = query.number("dpi", 80.0, 10.0, 300.0)?;
    let page = query.integer("page", 1, 1, 10_000)?;
    let output = match format {
        "png" => Output::Png {
            page: page - 1,
            dpi: dpi as f32,
        },
        _ => Output::Pdf(standard),
    };
    let bytes = body::bytes(body, state.config.max_letter_bytes)?;
    let doc: Document = body::parse(&bytes)?;
    if matches!(output, Output::Pdf(_)) && numbering::is_auto(&doc) {
        return numbered(state, doc, &headers, request_hash(&bytes), standard).await;
    }
    let rendered = rendered(&state, doc, output).await?;
    let (content_type, file) = match output {
        Output::Pdf(_) => ("application/pdf", "letter.pdf"),
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

/// Renders `doc` on the pool. An `"auto"` letter is rendered as its draft,
/// the number left blank (a preview takes no number). A page past the end is
/// a problem with the query parameter `page`, not with the body.
pub async fn rendered(
    state: &AppState,
    doc: Document,
    output: Output,
) -> Result<work::Rendered, ApiError> {
    let draft = numbering::is_auto(&doc).then(|| numbering::draft_reference(&doc, &state.agencies));
    let ticket = state.admit()?;
    let shared = state.clone();
    state
        .pool
        .run(&ticket, move || {
            work::render_numbered(&shared, &doc, output, draft.as_deref())
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(|e| match e {
            Error::Invalid(p) if p.0.iter().any(|p| p.field == "page") => {
                ApiError::bad_parameter("page", p.0[0].message.clone())
            }
            other => ApiError::from(other),
        })
}

/// The problem of an `"auto"` letter sent to a service without a register.
pub fn no_register_problem() -> Problem {
    Problem::new(
        "reference",
        "\"auto\" needs the register, and this service keeps none (it was started \
         without --db): give the number",
    )
}

/// A letter whose reference is `"auto"`: checked, then numbered, rendered and
/// recorded. The key must belong to the letter's agency.
async fn numbered(
    state: AppState,
    doc: Document,
    headers: &HeaderMap,
    request_hash: String,
    standard: Option<crate::PdfStandard>,
) -> Result<Response, ApiError> {
    let register = state
        .register
        .clone()
        .ok_or_else(|| ApiError::invalid(vec![no_register_problem()]))?;
    // Who asks comes first: an agency's letters are nobody else's business.
    let agency_id = match &doc.agency {
        crate::model::AgencyRef::Id(id) => Some(id.trim().to_string()),
        crate::model::AgencyRef::Inline(a) => a.id.clone(),
    };
    let mut key = None;
    if let Some(id) = &agency_id {
        key = Some(reg::authorize(&register, headers, id).await?);
    }
    let idempotency_key = reg::idempotency_key(headers)?;
    let ticket = state.admit()?;
    let shared = state.clone();
    // Every problem with the letter is found before a number is taken.
    let (plan, details, doc) = state
        .pool
        .run(&ticket, move || {
            compose::check_texts(&shared.engine, &doc)?;
            let (plan, _, agency) =
                numbering::check(&doc, &shared.agencies, shared.config.any_year)?;
            let details = numbering::details(&doc, &agency);
            Ok::<_, Problems>((plan, details, doc))
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let key = match key {
        Some(key) if key.agency == plan.agency => key,
        _ => reg::authorize(&register, headers, &plan.agency).await?,
    };
    let allocation = plan.allocation(
        vec![details],
        idempotency_key,
        request_hash,
        Some(key.id.clone()),
    );
    // From here the letter is issued to its end even if the client goes away
    // or the time limit passes: its number is recorded either way, and a
    // retry under the same Idempotency-Key gets the answer.
    let tasks = state.tasks.clone();
    let job = issue(state, ticket, register, doc, allocation, standard);
    tasks
        .spawn(job.instrument(tracing::Span::current()))
        .await
        .map_err(|e| ApiError::internal(format!("issuing the letter failed: {e}")))?
}

/// Takes the number, renders the letter with it and records the PDF.
async fn issue(
    state: AppState,
    ticket: super::pool::Ticket,
    register: std::sync::Arc<dyn RegisterStore>,
    doc: Document,
    allocation: Allocation,
    standard: Option<crate::PdfStandard>,
) -> Result<Response, ApiError> {
    let mut allocated = blocking(&register, move |r| r.allocate(&allocation)).await?;
    if let Some(stored) = allocated.response.take() {
        tracing::info!(number = allocated.first, "idempotent replay");
        return Ok(reg::replayed(stored, &allocated, false, "letter.pdf"));
    }
    let reference = allocated.references[0].clone();
    let shared = state.clone();
    let rendered = state
        .pool
        .run(&ticket, move || {
            work::render_numbered(&shared, &doc, Output::Pdf(standard), Some(&reference))
        })
        .await;
    let rendered = match rendered {
        Ok(Ok(rendered)) => rendered,
        Ok(Err(e)) => {
            reg::abandon(&register, allocated, e.to_string()).await;
            return Err(e.into());
        }
        Err(e) => {
            reg::abandon(&register, allocated, e.to_string()).await;
            return Err(ApiError::internal(e.to_string()));
        }
    };
    let pages = rendered.pages;
    let hash = sha256_hex(&rendered.bytes);
    // The bytes are kept for a replay only under an idempotency key.
    let (mut bytes, response) = if allocated.idempotency_key.is_some() {
        let stored = StoredResponse {
            status: 200,
            content_type: "application/pdf".into(),
            body: rendered.bytes,
        };
        (Vec::new(), Some(stored))
    } else {
        (rendered.bytes, None)
    };
    let completion = allocated.completion(vec![hash], response);
    let (earlier, completion) = blocking(&register, move |r| {
        let earlier = r.complete(&completion)?;
        Ok((earlier, completion))
    })
    .await?;
    let mut pages = Some(pages);
    match (earlier, completion.response) {
        // Another attempt under the same key finished first: its bytes.
        (Some(stored), _) => {
            bytes = stored.body;
            pages = None;
        }
        (None, Some(kept)) => bytes = kept.body,
        (None, None) => {}
    }
    tracing::info!(
        agency = %allocated.agency,
        year = allocated.year,
        series = %allocated.series,
        number = allocated.first,
        "letter issued"
    );
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline; filename=\"letter.pdf\""),
    );
    if let Some(pages) = pages {
        headers.insert("x-pages", HeaderValue::from(pages));
    }
    reg::number_headers(headers, &allocated, false);
    Ok(res)
}

/// Validates one letter without rendering it. Problems with the document,
/// malformed JSON included, are answered 200 with `valid: false`.
pub async fn validate(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(Extension<Localizable>, Json<Validation>), ApiError> {
    let bytes = body::bytes(body, state.config.max_letter_bytes)?;
    let doc = match compose::parse(&bytes) {
        Ok(doc) => doc,
        Err(problems) => {
            return Ok((
                Extension(Localizable),
                Json(Validation {
                    valid: false,
                    problems: problems.0,
                }),
            ));
        }
    };
    let ticket = state.admit()?;
    let shared = state.clone();
    let checked = state
        .pool
        .run(&ticket, move || {
            if !numbering::is_auto(&doc) {
                return compose::check(&shared.engine, &doc, &shared.agencies).map(|_| ());
            }
            if shared.register.is_none() {
                return Err(Problems::one(no_register_problem()));
            }
            compose::check_texts(&shared.engine, &doc)?;
            numbering::check(&doc, &shared.agencies, shared.config.any_year).map(|_| ())
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let problems = checked.err().map(|p| p.0).unwrap_or_default();
    Ok((
        Extension(Localizable),
        Json(Validation {
            valid: problems.is_empty(),
            problems,
        }),
    ))
}
