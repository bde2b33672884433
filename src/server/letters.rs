//! `POST /v1/letters` (one letter as PDF, or a PNG preview) and
//! `POST /v1/letters/validate` (the problems, or none).

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use schemars::JsonSchema;
use serde::Serialize;
use tracing::Instrument;

use super::extract::{Body, LetterSize, Param, Params, QueryParams};
use super::issuing::{self, Issue, NumbersFor, Taken};
use super::numbering;
use super::problem::ApiError;
use super::register as reg;
use super::work::{self, Output};
use super::{AppState, body};
use crate::compose;
use crate::error::{Error, Problem, Problems};
use crate::i18n::Localizable;
use crate::model::Document;
use crate::register::{request_hash, sha256_hex};

/// The answer of `POST /v1/letters/validate`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Validation {
    /// True when the document would render.
    pub valid: bool,
    /// Every problem, each at its field path; empty when valid.
    pub problems: Vec<Problem>,
}

/// The parameters of `POST /v1/letters`.
pub enum RenderParams {}
impl QueryParams for RenderParams {
    const PARAMS: &'static [Param] = &[
        Param {
            name: "format",
            description: "`pdf` (default) or `png` for a preview of one page.",
            schema: r#"{"type": "string", "enum": ["pdf", "png"], "default": "pdf"}"#,
        },
        Param {
            name: "page",
            description: "With `format=png`: which page, from 1.",
            schema: r#"{"type": "integer", "minimum": 1, "default": 1}"#,
        },
        Param {
            name: "dpi",
            description: "With `format=png`: resolution.",
            schema: r#"{"type": "number", "minimum": 10, "maximum": 300, "default": 80}"#,
        },
        Param {
            name: "pdf_standard",
            description: "Write the PDF to a standard: PDF/A (`a-2b`, `a-2u`, `a-2a`, `a-3b`, `a-3u`, `a-3a`) for archives and e-saraban systems, or PDF/UA (`ua-1`); the agency profile's `pdf_standard` otherwise. A letter that cannot conform is a 422 problem at `pdf_standard` giving the reason.",
            schema: r#"{"type": "string", "enum": ["a-2b", "a-2u", "a-2a", "a-3b", "a-3u", "a-3a", "ua-1"]}"#,
        },
    ];
}

/// Renders one letter.
pub async fn render(
    State(state): State<AppState>,
    Params(query, _): Params<RenderParams>,
    headers: HeaderMap,
    Body(bytes, _): Body<LetterSize>,
) -> Result<Response, ApiError> {
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
    let doc: Document = body::parse(&bytes)?;
    if matches!(output, Output::Pdf(_)) && numbering::is_auto(&doc) {
        return numbered(state, doc, headers, request_hash(&bytes), standard).await;
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
    headers: HeaderMap,
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
        key = Some(reg::authorize(&register, &headers, id).await?);
    }
    // A malformed Idempotency-Key is refused before any work (the issuing
    // reads it again when it takes the number).
    reg::idempotency_key(&headers)?;
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
    // From here the letter is issued to its end even if the client goes away
    // or the time limit passes: its number is recorded either way, and a
    // retry under the same Idempotency-Key gets the answer.
    let tasks = state.tasks.clone();
    let job = async move {
        let request = NumbersFor {
            plan: &plan,
            details: vec![details],
            hash: request_hash,
            per_letter: false,
            file: "letter.pdf",
        };
        match issuing::take(&register, &headers, key, request).await? {
            Taken::Replayed(res) => Ok(res),
            Taken::New(issue) => issue_one(state, ticket, issue, doc, standard).await,
        }
    };
    tasks
        .spawn(job.instrument(tracing::Span::current()))
        .await
        .map_err(|e| ApiError::internal(format!("issuing the letter failed: {e}")))?
}

/// Renders the letter with its number and records the PDF.
async fn issue_one(
    state: AppState,
    ticket: super::pool::Ticket,
    issue: Issue,
    doc: Document,
    standard: Option<crate::PdfStandard>,
) -> Result<Response, ApiError> {
    let reference = issue.references()[0].clone();
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
            issue.abandon(e.to_string()).await;
            return Err(e.into());
        }
        Err(e) => {
            issue.abandon(e.to_string()).await;
            return Err(ApiError::internal(e.to_string()));
        }
    };
    let hash = sha256_hex(&rendered.bytes);
    // The bytes are kept for a replay only under an idempotency key.
    let kept = issue.keeps_answer().then(|| rendered.bytes.clone());
    let earlier = issue.complete(vec![hash], "application/pdf", kept).await?;
    let (bytes, pages) = match earlier {
        // Another attempt under the same key finished first: its bytes.
        Some(stored) => (stored.body, None),
        None => (rendered.bytes, Some(rendered.pages)),
    };
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
    issue.headers(headers);
    Ok(res)
}

/// Validates one letter without rendering it. Problems with the document,
/// malformed JSON included, are answered 200 with `valid: false`.
pub async fn validate(
    State(state): State<AppState>,
    Body(bytes, _): Body<LetterSize>,
) -> Result<(Extension<Localizable>, Json<Validation>), ApiError> {
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
