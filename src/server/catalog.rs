//! What a client can start from: the agencies this service knows
//! (`GET /v1/agencies`) and the shipped examples (`GET /v1/examples`,
//! `GET /v1/examples/{name}`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

use super::AppState;
use super::problem::ApiError;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// One stored agency profile.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgencyInfo {
    /// Its id: the value of `agency` in a document.
    pub id: String,
    /// The agency's name as printed.
    pub name: String,
    /// Its reference code (`ขก 0017.5`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// The answer of `GET /v1/agencies`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AgencyList {
    /// Every profile, built in and loaded with `--agencies`, by id.
    pub agencies: Vec<AgencyInfo>,
}

/// `GET /v1/agencies`.
pub async fn agencies(State(state): State<AppState>) -> Json<AgencyList> {
    let mut agencies: Vec<AgencyInfo> = state
        .agencies
        .iter()
        .map(|(id, a)| AgencyInfo {
            id: id.clone(),
            name: a.name.clone(),
            code: a.code.clone(),
        })
        .collect();
    agencies.sort_by(|a, b| a.id.cmp(&b.id));
    Json(AgencyList { agencies })
}

/// One shipped example.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExampleInfo {
    /// Its name (`external-letter`): `GET /v1/examples/{name}` gives it.
    pub name: &'static str,
    /// `document` (a letter) or `batch` (a letter with recipients).
    pub shape: &'static str,
    /// The kind of document (`external`).
    pub kind: String,
    /// Its subject or title, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// The answer of `GET /v1/examples`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExampleList {
    /// Every example, by name.
    pub examples: Vec<ExampleInfo>,
}

/// `GET /v1/examples`.
pub async fn examples() -> Json<ExampleList> {
    let examples = EXAMPLES
        .iter()
        .filter_map(|(name, text)| {
            let value: serde_json::Value = serde_json::from_str(text).ok()?;
            let (shape, doc) = match value.get("document") {
                Some(doc) => ("batch", doc),
                None => ("document", &value),
            };
            let field = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
            Some(ExampleInfo {
                name,
                shape,
                kind: field("kind")?,
                subject: field("subject").or_else(|| field("title")),
            })
        })
        .collect();
    Json(ExampleList { examples })
}

/// `GET /v1/examples/{name}`: the example's JSON as shipped.
pub async fn example(Path(name): Path<String>) -> Result<Response, ApiError> {
    let (_, text) = EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| ApiError::status(StatusCode::NOT_FOUND, format!("no example {name:?}")))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        *text,
    )
        .into_response())
}
