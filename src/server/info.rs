//! What the service tells about itself: kinds, schema, OpenAPI, health, metrics,
//! and the problems for unknown routes.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

use super::AppState;
use super::problem::ApiError;
use crate::model::Kind;

/// One document kind.
#[derive(Debug, Serialize, JsonSchema)]
pub struct KindInfo {
    /// The value of `kind` in a document (`external`).
    pub name: &'static str,
    /// The form's Thai name (`หนังสือภายนอก`).
    pub thai_name: &'static str,
    /// The template that lays it out (`external.typ`).
    pub template: &'static str,
}

/// The answer of `GET /v1/kinds`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Kinds {
    /// Every kind, in order.
    pub kinds: Vec<KindInfo>,
}

/// The answer of `GET /healthz`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// The service's version.
    pub version: &'static str,
    /// Render workers.
    pub workers: usize,
    /// Render jobs running now.
    pub busy: usize,
    /// Render jobs waiting for a worker.
    pub queue_depth: usize,
    /// Rendering requests admitted now, and at most.
    pub admitted: usize,
    /// `workers + queue`.
    pub capacity: usize,
    /// Letters rendered since start.
    pub letters_rendered: u64,
}

/// `GET /v1/kinds`.
pub async fn kinds() -> Json<Kinds> {
    Json(Kinds {
        kinds: Kind::ALL
            .iter()
            .map(|k| KindInfo {
                name: k.name(),
                thai_name: k.thai_name(),
                template: k.template(),
            })
            .collect(),
    })
}

/// `GET /v1/schema`: the JSON Schema of a document.
pub async fn schema() -> Response {
    json_with_type(crate::schema(), "application/schema+json")
}

/// `GET /openapi.json`: the document made when the service started.
pub async fn openapi(State(state): State<AppState>) -> Response {
    let mut res = state.openapi.clone().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// `GET /healthz`.
pub async fn healthz(State(state): State<AppState>) -> Json<Health> {
    let pool = &state.pool;
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        workers: pool.workers(),
        busy: pool.busy(),
        queue_depth: pool.waiting(),
        admitted: pool.admitted(),
        capacity: pool.capacity(),
        letters_rendered: state.metrics.letters(),
    })
}

/// The answer of `GET /readyz`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Readiness {
    /// `ready`, or `unavailable` (with the status 503).
    pub status: &'static str,
    /// Why not, when unavailable: `register: ...`, `pool: ...`.
    pub reasons: Vec<String>,
}

/// How long `/readyz` waits for the register to answer.
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// `GET /readyz`: 200 when the register (if any) answers within two seconds
/// and the render pool can admit a request; 503 otherwise, so a load
/// balancer sends the next request to another instance.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let mut reasons = Vec::new();
    if let Some(register) = state.register.clone() {
        let ping = tokio::task::spawn_blocking(move || register.ping());
        match tokio::time::timeout(READY_WAIT, ping).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => reasons.push(format!("register: {e}")),
            Ok(Err(panicked)) => reasons.push(format!("register: {panicked}")),
            Err(_) => reasons.push(format!(
                "register: no answer within {} s",
                READY_WAIT.as_secs()
            )),
        }
    }
    let pool = &state.pool;
    if pool.admitted() >= pool.capacity() {
        reasons.push(format!(
            "pool: {} of {} requests admitted; full",
            pool.admitted(),
            pool.capacity()
        ));
    }
    let ready = reasons.is_empty();
    let body = Json(Readiness {
        status: if ready { "ready" } else { "unavailable" },
        reasons,
    });
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body).into_response()
}

/// `GET /metrics`: the OpenMetrics text, with the whole register's gauges
/// when it answers in time.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut gauges = None;
    if let Some(register) = state.register.clone() {
        let read = tokio::task::spawn_blocking(move || register.gauges());
        if let Ok(Ok(Ok(g))) = tokio::time::timeout(READY_WAIT, read).await {
            gauges = Some(g);
        }
    }
    let mut res = state.metrics.render(&state.pool, gauges).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(super::metrics::CONTENT_TYPE),
    );
    res
}

/// Any path not served.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::status(
        StatusCode::NOT_FOUND,
        format!("no such resource: {}; see /openapi.json", uri.path()),
    )
}

/// A served path with the wrong method.
pub async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::status(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}; see /openapi.json", uri.path()),
    )
}

/// `value` as JSON under its own media type.
fn json_with_type(value: serde_json::Value, content_type: &'static str) -> Response {
    let mut res = Json(value).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}
