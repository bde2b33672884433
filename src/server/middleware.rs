//! The layers around every route: a request id (`x-request-id`, made when the
//! client sent none, echoed in the response and written into problem documents),
//! a log span carrying it, the time limit, the request metrics, and problems
//! in the language of `Accept-Language` (English, or Thai for `th`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::AppState;
use super::problem::{ApiError, REQUEST_ID as CURRENT_ID};
use crate::i18n::{Lang, localize_response};

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// Request ids: a per-process prefix and a counter (`5f3a9c1e-000042`).
#[derive(Clone)]
struct MakeId {
    prefix: u32,
    next: Arc<AtomicU64>,
}

impl MakeId {
    fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0);
        MakeId {
            prefix: nanos ^ std::process::id().rotate_left(16),
            next: Arc::new(AtomicU64::new(1)),
        }
    }
}

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n:06}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Wraps `app` in the service's layers.
pub fn layers(app: Router<AppState>, state: AppState) -> Router<AppState> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &axum::http::Request<Body>| {
            let id = req
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!(
                "request",
                request_id = %id,
                method = %req.method(),
                path = %req.uri().path(),
            )
        })
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(
                axum::http::HeaderName::from_static(REQUEST_ID),
                MakeId::new(),
            ))
            .layer(trace)
            .layer(PropagateRequestIdLayer::new(
                axum::http::HeaderName::from_static(REQUEST_ID),
            ))
            .layer(middleware::from_fn_with_state(state, track)),
    )
}

/// Time limit, request id in problems, metrics, problems in the client's
/// language.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_string(), |m| m.as_str().to_string());
    let method = req.method().clone();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| "-".to_string(), str::to_string);
    let limit = if route == "/v1/batches" {
        state.config.batch_timeout
    } else {
        state.config.timeout
    };
    // A request with a key may be numbering a letter, which is issued to its
    // end whatever the time limit says: its answer must not invite a retry
    // that would take a second number.
    let keyed = req
        .headers()
        .contains_key(axum::http::header::AUTHORIZATION);
    let lang = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::En, Lang::from_accept_language);
    if let Some(wrong) = unsupported_media(&method, &route, req.headers()) {
        let res = CURRENT_ID.sync_scope(id, || wrong.into_response());
        let res = localize_response(res, lang).await;
        state.metrics.request(
            &route,
            method.as_str(),
            res.status().as_u16(),
            started.elapsed(),
        );
        return res;
    }
    let answer = CURRENT_ID.scope(id.clone(), tokio::time::timeout(limit, next.run(req)));
    let res = match answer.await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(limit_s = limit.as_secs_f64(), "time limit exceeded");
            CURRENT_ID.sync_scope(id, || ApiError::timed_out(limit, keyed).into_response())
        }
    };
    // Problems are made in English and put in the client's language here.
    let res = localize_response(res, lang).await;
    let status = res.status();
    if status.is_server_error() {
        tracing::warn!(status = status.as_u16(), "answered with an error");
    }
    state
        .metrics
        .request(&route, method.as_str(), status.as_u16(), started.elapsed());
    res
}

/// A 415 for a body that is not what the route reads, as the route table
/// says (`/v1/batches` takes JSON or a form, `/v1/recipients` a form only);
/// JSON where the table names no route (a request without a content type is
/// read as JSON).
fn unsupported_media(
    method: &axum::http::Method,
    route: &str,
    headers: &axum::http::HeaderMap,
) -> Option<ApiError> {
    if method != axum::http::Method::POST {
        return None;
    }
    let given = headers
        .get(axum::http::header::CONTENT_TYPE)?
        .to_str()
        .unwrap_or("?");
    let media = given
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let wanted = super::routes::body_media(route);
    let json = media == "application/json"
        || (media.starts_with("application/") && media.ends_with("+json"));
    let accepted = wanted.media.contains(&media.as_str())
        || (json && wanted.media.contains(&"application/json"));
    (!accepted).then(|| {
        ApiError::status(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("the body is {given}; send {}", wanted.names),
        )
    })
}
