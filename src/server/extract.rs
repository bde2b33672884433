//! Extractors whose rejections are problem documents, so that axum's
//! plain-text rejections never reach a client: the body as bytes within the
//! route's limit, and the query's parameters checked against the names the
//! route takes.

use std::marker::PhantomData;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;

use super::problem::ApiError;
pub use super::query::Param;
use super::query::Query;
use super::{AppState, Config};

/// How large a route's body may be, read from the configuration.
pub trait Limit {
    /// The largest body, in bytes.
    fn of(config: &Config) -> usize;
}

/// A letter: `limits.letter_bytes`.
pub enum LetterSize {}
impl Limit for LetterSize {
    fn of(config: &Config) -> usize {
        config.limits.letter_bytes
    }
}

/// A batch, a spreadsheet or a job: `limits.batch_bytes`.
pub enum BatchSize {}
impl Limit for BatchSize {
    fn of(config: &Config) -> usize {
        config.limits.batch_bytes
    }
}

/// A short request such as a cancellation's reason: 64 KiB.
pub enum ShortSize {}
impl Limit for ShortSize {
    fn of(_: &Config) -> usize {
        64 * 1024
    }
}

/// The request body as bytes: 413 naming the limit when it is larger.
pub struct Body<L: Limit>(pub Bytes, pub PhantomData<L>);

impl<L: Limit> FromRequest<AppState> for Body<L> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = L::of(&state.config);
        match Bytes::from_request(req, state).await {
            Ok(bytes) if bytes.len() <= limit => Ok(Body(bytes, PhantomData)),
            Ok(_) => Err(too_large(limit)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(too_large(limit))
            }
            Err(rejection) => Err(ApiError::status(rejection.status(), rejection.body_text())),
        }
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::too_large("", format!("the body is larger than {limit} bytes"))
}

/// The query parameters a route takes, described for OpenAPI.
pub trait QueryParams {
    /// Every parameter; any other is a 400 naming it.
    const PARAMS: &'static [Param];
}

/// The query string's parameters, decoded, each one named in `N`.
pub struct Params<N: QueryParams>(pub Query, pub PhantomData<N>);

impl<N: QueryParams, S: Send + Sync> FromRequestParts<S> for Params<N> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(Params(
            Query::parse(parts.uri.query(), N::PARAMS)?,
            PhantomData,
        ))
    }
}
