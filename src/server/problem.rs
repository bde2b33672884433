//! Errors as RFC 9457 problem details (`application/problem+json`), each input
//! problem with the field path it is about.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::{Error, Problem, Problems};
use crate::register::RegisterError;

/// The media type of a problem.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// At most this many problems are listed in one answer.
pub const MAX_LISTED: usize = 100;

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProblemDetails {
    /// A URI naming the kind of problem (`urn:saraban:invalid-document`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// The request's id (`x-request-id`), for finding it in the logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Every problem with the input, each at a field path
    /// (`signatory.name`, `recipients[12].document.to`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// A failed request: a status and a problem document.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    title: &'static str,
    detail: String,
    problems: Vec<Problem>,
    retry_after: Option<u64>,
    /// Sends `WWW-Authenticate: Bearer` (a 401).
    challenge: bool,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, title: &'static str, detail: String) -> Self {
        ApiError {
            status,
            kind,
            title,
            detail,
            problems: Vec::new(),
            retry_after: None,
            challenge: false,
        }
    }

    /// 400: the body is not JSON at all.
    pub fn malformed_json(problems: Vec<Problem>) -> Self {
        let detail = format!("the body is not well-formed JSON: {}", first(&problems));
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "urn:saraban:malformed-json",
            "Malformed JSON",
            detail,
        )
        .with_problems(problems)
    }

    /// 422: well-formed JSON that is not a valid document or request.
    pub fn invalid(problems: Vec<Problem>) -> Self {
        let detail = match problems.len() {
            1 => first(&problems),
            n => format!("{n} problems, first: {}", first(&problems)),
        };
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "urn:saraban:invalid-document",
            "Invalid document",
            detail,
        )
        .with_problems(problems)
    }

    /// 400: a query parameter is wrong.
    pub fn bad_parameter(name: &str, message: impl Into<String>) -> Self {
        let p = Problem::new(name, message);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "urn:saraban:invalid-parameter",
            "Invalid query parameter",
            p.to_string(),
        )
        .with_problems(vec![p])
    }

    /// 413: the body or the batch is larger than this service takes.
    pub fn too_large(field: &str, message: impl Into<String>) -> Self {
        let p = Problem::new(field, message);
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "urn:saraban:too-large",
            "Request too large",
            p.to_string(),
        )
        .with_problems(vec![p])
    }

    /// 503 with `Retry-After`: every worker is busy and the queue is full.
    pub fn overloaded(retry_after: u64) -> Self {
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:saraban:overloaded",
            "Service overloaded",
            "every worker is busy and the queue is full; try again shortly".into(),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// 503 with `Retry-After`: the request took longer than the time limit.
    pub fn timed_out(limit: std::time::Duration, keyed: bool) -> Self {
        let detail = if keyed {
            format!(
                "the request took longer than {} s. A letter numbered from the register is \
                 issued to its end anyway and keeps its number: repeat the request with the \
                 same Idempotency-Key to receive it, or find it in the register, rather than \
                 sending it again without one",
                limit.as_secs_f64()
            )
        } else {
            format!(
                "the request took longer than {} s; try again later or send a smaller batch",
                limit.as_secs_f64()
            )
        };
        let mut e = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "urn:saraban:timeout",
            "Time limit exceeded",
            detail,
        );
        e.retry_after = Some(5);
        e
    }

    /// 500: a fault of saraban or of a template, never of the input.
    pub fn internal(detail: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "urn:saraban:internal",
            "Internal error",
            detail.into(),
        )
    }

    /// Any status with a plain explanation (404, 405, 415...).
    pub fn status(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::new(
            status,
            "about:blank",
            status.canonical_reason().unwrap_or("Error"),
            detail.into(),
        )
    }

    /// 400: a segment of the path is wrong (`/v1/register/x/abc`).
    pub fn bad_path(name: &str, message: impl Into<String>) -> Self {
        let p = Problem::new(name, message);
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "urn:saraban:invalid-path",
            "Invalid path parameter",
            p.to_string(),
        )
        .with_problems(vec![p])
    }

    /// 501: the service runs without a register (no `--db`).
    pub fn no_register() -> Self {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "urn:saraban:no-register",
            "No register",
            "this service keeps no register: start it with --db PATH (or SARABAN_DB)".into(),
        )
    }

    /// Adds the problems (at most [`MAX_LISTED`]).
    pub fn with_problems(mut self, mut problems: Vec<Problem>) -> Self {
        problems.truncate(MAX_LISTED);
        self.problems = problems;
        self
    }

    /// The HTTP status.
    pub fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The problem document.
    pub fn details(&self) -> ProblemDetails {
        ProblemDetails {
            kind: self.kind.to_string(),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            request_id: current_request_id(),
            problems: self.problems.clone(),
        }
    }
}

fn first(problems: &[Problem]) -> String {
    problems
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

impl From<Problems> for ApiError {
    fn from(p: Problems) -> Self {
        ApiError::invalid(p.0)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(p) => ApiError::invalid(p.0),
            Error::Standard { standard, reasons } => ApiError::invalid(vec![Problem::new(
                "pdf_standard",
                format!("the letter cannot be made to conform to {standard}: {reasons}"),
            )]),
            other => {
                tracing::error!(error = %other, "rendering failed");
                ApiError::internal(other.to_string())
            }
        }
    }
}

impl From<RegisterError> for ApiError {
    /// Each case at the status [`RegisterError::http_status`] gives it.
    fn from(e: RegisterError) -> Self {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let detail = e.to_string();
        match e {
            RegisterError::Invalid { field, message } => {
                ApiError::invalid(vec![Problem::new(field, message)])
            }
            RegisterError::NotFound(_) => {
                ApiError::new(status, "urn:saraban:not-found", "Not found", detail)
            }
            RegisterError::Conflict { .. } => ApiError::new(
                status,
                "urn:saraban:conflict",
                "Conflict with the register",
                detail,
            ),
            RegisterError::Unauthorized(_) => {
                let mut e = ApiError::new(
                    status,
                    "urn:saraban:unauthorized",
                    "API key required",
                    detail,
                );
                e.challenge = true;
                e
            }
            RegisterError::Forbidden(_) => ApiError::new(
                status,
                "urn:saraban:forbidden",
                "Another agency's register",
                detail,
            ),
            RegisterError::Busy => {
                let mut e =
                    ApiError::new(status, "urn:saraban:register-busy", "Register busy", detail);
                e.retry_after = Some(1);
                e
            }
            RegisterError::Internal(_) | RegisterError::Db(_) | RegisterError::Postgres(_) => {
                tracing::error!(error = %detail, "register failed");
                ApiError::internal(detail)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.details()).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        // Put in the client's language at the edge (middleware::track).
        res.extensions_mut().insert(crate::i18n::Localizable);
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.challenge {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"saraban\""),
            );
        }
        res
    }
}

tokio::task_local! {
    /// The id of the request being answered, set by the middleware.
    pub static REQUEST_ID: String;
}

fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
