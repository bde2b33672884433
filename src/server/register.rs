//! The outgoing register over HTTP: API keys, the blocking register calls, the
//! headers that tell a client which number it got, and the register's own
//! endpoints, `GET /v1/register/{agency}/{year}` (JSON, CSV or a printable
//! PDF) and `POST /v1/register/{agency}/{year}/{number}/cancel`.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::extract::{Body, Param, Params, QueryParams, ShortSize};
use super::problem::ApiError;
use super::{AppState, body};
use crate::register::{
    Allocated, ApiKey, Entry, RegisterError, RegisterStore, Series, StoredResponse, bearer_token,
    check_year_be, to_csv,
};

/// The client's key for a retried request.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The reference the letter prints (UTF-8), e.g. `ขก ๐๐๑๗.๕/๑๕`; of a block,
/// the first.
pub const X_REFERENCE: &str = "x-reference";
/// The reference as ASCII: an RFC 8187 ext-value (`UTF-8''%E0%B8%82...`),
/// for clients that mangle a header's raw UTF-8.
pub const X_REFERENCE_ENCODED: &str = "x-reference-encoded";
/// The register number (of a block, the first).
pub const X_REGISTER_NUMBER: &str = "x-register-number";
/// The last number of a batch's block.
pub const X_REGISTER_LAST: &str = "x-register-last";
/// The Buddhist-era year of the register book.
pub const X_REGISTER_YEAR: &str = "x-register-year";
/// The series: `normal`, `circular` or `order`.
pub const X_REGISTER_SERIES: &str = "x-register-series";
/// `true` when the answer is the replay of an earlier request with the same
/// `Idempotency-Key`.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// Runs a register call on a blocking thread.
pub async fn blocking<T, F>(register: &Arc<dyn RegisterStore>, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn RegisterStore) -> Result<T, RegisterError> + Send + 'static,
{
    let register = register.clone();
    tokio::task::spawn_blocking(move || f(register.as_ref()))
        .await
        .map_err(|e| ApiError::internal(format!("register call failed: {e}")))?
        .map_err(ApiError::from)
}

/// The key of the request, authorised for `agency`'s register: 401 without
/// one (or with an unknown or revoked one), 403 for another agency's key.
pub async fn authorize(
    register: &Arc<dyn RegisterStore>,
    headers: &HeaderMap,
    agency: &str,
) -> Result<ApiKey, ApiError> {
    let secret = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .map(str::to_string);
    let agency = agency.to_string();
    blocking(register, move |r| r.authorize(secret.as_deref(), &agency)).await
}

/// The `Idempotency-Key` header, if any; the register checks its form.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.trim().to_string())).map_err(|_| {
            ApiError::from(RegisterError::invalid(
                "Idempotency-Key",
                "may hold only visible ASCII characters",
            ))
        }),
    }
}

/// Adds the headers naming the numbers a response carries.
pub fn number_headers(headers: &mut HeaderMap, allocated: &Allocated, block: bool) {
    let mut put = |name: &'static str, value: HeaderValue| {
        headers.insert(HeaderName::from_static(name), value);
    };
    if let Some(reference) = allocated.references.first()
        && let Ok(v) = HeaderValue::from_bytes(reference.as_bytes())
    {
        put(X_REFERENCE, v);
        let encoded =
            percent_encoding::utf8_percent_encode(reference, percent_encoding::NON_ALPHANUMERIC);
        if let Ok(v) = HeaderValue::from_str(&format!("UTF-8''{encoded}")) {
            put(X_REFERENCE_ENCODED, v);
        }
    }
    put(X_REGISTER_NUMBER, HeaderValue::from(allocated.first));
    if block {
        put(X_REGISTER_LAST, HeaderValue::from(allocated.last));
    }
    put(X_REGISTER_YEAR, HeaderValue::from(allocated.year));
    put(
        X_REGISTER_SERIES,
        HeaderValue::from_static(allocated.series.as_str()),
    );
    if allocated.replay {
        put(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
}

/// The response an earlier attempt under the same key completed with, byte
/// for byte.
pub fn replayed(
    stored: StoredResponse,
    allocated: &Allocated,
    block: bool,
    file: &str,
) -> Response {
    let status =
        axum::http::StatusCode::from_u16(stored.status).unwrap_or(axum::http::StatusCode::OK);
    let mut res = (status, stored.body).into_response();
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&stored.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let disposition = if stored.content_type == "application/zip" {
        "attachment"
    } else {
        "inline"
    };
    if let Ok(v) = HeaderValue::from_str(&format!("{disposition}; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    number_headers(headers, allocated, block);
    res
}

/// The register of an agency for a year, as `GET /v1/register/{agency}/{year}`
/// answers it in JSON.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Listing {
    /// Agency id.
    pub agency: String,
    /// Buddhist-era year.
    pub year: i32,
    /// Where each series stands.
    pub series: Vec<SeriesState>,
    /// Every number of the year, by series then number.
    pub entries: Vec<Entry>,
}

/// Where one series of the register stands.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeriesState {
    /// `normal`, `circular` or `order`.
    #[schemars(with = "String")]
    pub series: Series,
    /// The last number taken; 0 when none has been.
    pub last: u32,
    /// The number the next letter will get.
    pub next: u32,
    /// Numbers taken whose PDF is not yet recorded.
    pub pending: Vec<u32>,
    /// How many numbers were cancelled.
    pub cancelled: u32,
    /// Numbers below `last` without a row: always empty unless the database
    /// was edited by hand.
    pub missing: Vec<u32>,
}

/// The body of a cancellation.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// Why the number is cancelled; printed in the register's หมายเหตุ.
    pub reason: String,
    /// The series of the number: `normal` (default), `circular` or `order`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub series: Option<Series>,
}

/// The book a register path names: its agency and year, and the number of
/// an entry; a wrong part is a 400 naming it.
pub struct Book {
    /// The agency's profile id.
    pub agency: String,
    /// The Buddhist-era year.
    pub year: i32,
    /// The entry's number, in paths that name one.
    pub number: Option<u32>,
}

impl<S: Send + Sync> FromRequestParts<S> for Book {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Book, ApiError> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_path("", e.body_text()))?;
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let agency = get("agency");
        let year_text = get("year");
        let year: i32 = year_text.parse().map_err(|_| {
            ApiError::bad_path(
                "year",
                format!("'{year_text}' is not a Buddhist-era year (e.g. 2568)"),
            )
        })?;
        check_year_be(year).map_err(|_| {
            ApiError::bad_path(
                "year",
                format!("{year} is not a Buddhist-era year (e.g. 2568)"),
            )
        })?;
        let number = match params.iter().find(|(k, _)| k == "number") {
            None => None,
            Some((_, n)) => Some(n.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                ApiError::bad_path("number", format!("'{n}' is not a number from 1"))
            })?),
        };
        Ok(Book {
            agency,
            year,
            number,
        })
    }
}

/// The parameters of `GET /v1/register/{agency}/{year}`.
pub enum ListParams {}
impl QueryParams for ListParams {
    const PARAMS: &'static [Param] = &[Param {
        name: "format",
        description: "`json` (default), `csv` (the official columns, UTF-8 with a byte-order mark) or `pdf` (the printed book, A4 landscape).",
        schema: r#"{"type": "string", "enum": ["json", "csv", "pdf"], "default": "json"}"#,
    }];
}

/// `GET /v1/register/{agency}/{year}`: the register as JSON, CSV or PDF.
pub async fn list(
    State(state): State<AppState>,
    book: Book,
    Params(query, _): Params<ListParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let format = query.choice("format", &["json", "csv", "pdf"])?;
    let register = state.register()?;
    let Book { agency, year, .. } = book;
    authorize(&register, &headers, &agency).await?;
    let (entries, audits) = {
        let agency = agency.clone();
        blocking(&register, move |r| {
            let entries = r.list(&agency, year)?;
            let audits = Series::ALL
                .into_iter()
                .map(|s| r.audit(&agency, year, s))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((entries, audits))
        })
        .await?
    };
    let file = format!("register-{}-{year}", safe_name(&agency));
    match format {
        "csv" => {
            let mut res = to_csv(&entries).into_response();
            let headers = res.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.csv\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(res)
        }
        "pdf" => {
            let (name, digits, fonts) = match state.agencies.get(&agency) {
                Some(a) => (a.name.clone(), a.digits, a.layout.fonts.clone()),
                None => (
                    agency.clone(),
                    crate::thai::DigitStyle::Thai,
                    crate::agency::Layout::default().fonts,
                ),
            };
            let page = crate::register::RegisterPage {
                agency_name: name,
                year_be: year,
                digits,
                fonts,
                entries,
            };
            let ticket = state.admit()?;
            let engine = state.engine.clone();
            let pdf = state
                .pool
                .run(&ticket, move || page.pdf(&engine))
                .await
                .map_err(|e| ApiError::internal(e.to_string()))??;
            let mut res = pdf.into_response();
            let headers = res.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file}.pdf\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(res)
        }
        _ => Ok(Json(Listing {
            agency,
            year,
            series: audits
                .into_iter()
                .map(|a| SeriesState {
                    series: a.series,
                    last: a.last,
                    next: a.next(),
                    pending: a.pending,
                    cancelled: a.cancelled,
                    missing: a.missing,
                })
                .collect(),
            entries,
        })
        .into_response()),
    }
}

/// `POST /v1/register/{agency}/{year}/{number}/cancel`: cancels a number with
/// a reason; it is never issued again.
pub async fn cancel(
    State(state): State<AppState>,
    book: Book,
    headers: HeaderMap,
    Body(bytes, _): Body<ShortSize>,
) -> Result<Json<Entry>, ApiError> {
    let register = state.register()?;
    let Book {
        agency,
        year,
        number,
    } = book;
    let number = number.ok_or_else(|| ApiError::bad_path("number", "is missing"))?;
    authorize(&register, &headers, &agency).await?;
    let req: CancelRequest = body::parse(&bytes)?;
    if req.reason.trim().is_empty() {
        return Err(ApiError::invalid(vec![crate::error::Problem::new(
            "reason",
            "is required: why the number is cancelled",
        )]));
    }
    let series = req.series.unwrap_or(Series::Normal);
    let entry = blocking(&register, move |r| {
        r.cancel(&agency, year, series, number, req.reason.trim())
    })
    .await?;
    tracing::info!(
        agency = %entry.agency,
        year = entry.year,
        series = %entry.series,
        number = entry.number,
        "number cancelled"
    );
    Ok(Json(entry))
}

/// An agency id fit for a file name.
fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
