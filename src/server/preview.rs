//! What the clerk's page looks at before sending a batch: the recipients a
//! spreadsheet holds (`POST /v1/recipients`) and one recipient's letter as a
//! page image (`POST /v1/batches/preview`). Neither takes a number.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use super::batch::{Batch, BatchRequest, FormParts};
use super::extract::{BatchSize, Body, Param, Params, QueryParams};
use super::letters::RenderParams;
use super::problem::ApiError;
use super::work::Output;
use super::{AppState, body};

/// The answer of `POST /v1/recipients`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecipientsRead {
    /// The column names, in order: each is a `{{recipient.<column>}}` placeholder.
    pub columns: Vec<String>,
    /// One object per recipient, keyed by column: what `recipients` of a
    /// batch request takes.
    pub rows: Vec<Map<String, Value>>,
    /// The sheet read (a workbook's), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// `POST /v1/recipients`: reads a spreadsheet (`multipart/form-data` with a
/// `recipients` file part, and optionally `sheet` and `encoding`) as a batch
/// would read it.
pub async fn recipients(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(bytes, _): Body<BatchSize>,
) -> Result<Json<RecipientsRead>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !content_type.starts_with("multipart/form-data") {
        return Err(ApiError::status(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the spreadsheet as multipart/form-data, its file in the part `recipients`",
        ));
    }
    let form = FormParts::read(bytes, content_type).await?;
    let read = form.recipients()?;
    if read.rows.len() > state.config.limits.batch_letters {
        return Err(ApiError::too_large(
            "recipients",
            format!(
                "{} recipients; a batch takes at most {}",
                read.rows.len(),
                state.config.limits.batch_letters
            ),
        ));
    }
    Ok(Json(RecipientsRead {
        columns: read.columns,
        rows: read.rows,
        sheet: read.sheet,
    }))
}

/// The parameters of `POST /v1/batches/preview`.
pub enum PreviewParams {}
impl QueryParams for PreviewParams {
    const PARAMS: &'static [Param] = &[
        Param {
            name: "letter",
            description: "Which letter, from 1.",
            schema: r#"{"type": "integer", "minimum": 1, "default": 1}"#,
        },
        RenderParams::PARAMS[1],
        RenderParams::PARAMS[2],
    ];
}

/// `POST /v1/batches/preview?letter=N&page=K`: letter `N` (from 1) of a batch
/// request, as `/v1/batches` would fill it, as a PNG page. A letter whose
/// reference is `"auto"` shows the draft's reference, the number blank.
pub async fn batch(
    State(state): State<AppState>,
    Params(query, _): Params<PreviewParams>,
    Body(bytes, _): Body<BatchSize>,
) -> Result<Response, ApiError> {
    let dpi = query.number("dpi", 80.0, 10.0, 300.0)?;
    let page = query.integer("page", 1, 1, 10_000)?;
    let letter = query.integer("letter", 1, 1, 1_000_000)?;
    let req: BatchRequest = body::parse(&bytes)?;
    let batch = Batch::plan(req, state.config.limits.batch_letters)?;
    let letters = batch.len();
    if letter > letters {
        return Err(ApiError::bad_parameter(
            "letter",
            format!("the batch has {letters} letter(s)"),
        ));
    }
    let doc = batch.document(letter - 1).map_err(ApiError::invalid)?;
    let output = Output::Png {
        page: page - 1,
        dpi: dpi as f32,
    };
    let rendered = super::letters::rendered(&state, doc, output).await?;
    let mut res = rendered.bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    h.insert("x-pages", HeaderValue::from(rendered.pages));
    h.insert("x-letters", HeaderValue::from(letters));
    Ok(res)
}
