//! The clerk's page (`GET /`): one HTML file, its script and style, and the
//! Thai fonts it shows text in, all compiled into the binary (no CDN, no build
//! step: the page works offline and is the same on every instance).

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

/// What the page may load and run: only its own files. A subject or a
/// recipient's name shown in the page is text, never markup; this header is
/// the second wall if a bug ever let one through.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' blob: data:; \
     style-src 'self'; script-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page's files: path under `/page/`, media type, contents.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../web/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../web/app.css"),
    ),
    // The letters' own faces: the browser may have no Thai font at all.
    (
        "fonts/Laksaman.ttf",
        "font/ttf",
        include_bytes!("../../fonts/Laksaman.ttf"),
    ),
    (
        "fonts/Laksaman-Bold.ttf",
        "font/ttf",
        include_bytes!("../../fonts/Laksaman-Bold.ttf"),
    ),
];

const INDEX: &str = include_str!("../../web/index.html");

/// The page's routes, mounted beside the API (not in the OpenAPI document:
/// they are a page, not an interface).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/page/{*file}", get(file))
}

async fn index() -> Response {
    respond("text/html; charset=utf-8", INDEX.as_bytes(), "no-cache")
}

async fn file(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        // Fonts do not change between builds; the script and style may.
        Some((name, media, bytes)) if name.starts_with("fonts/") => {
            respond(media, bytes, "public, max-age=604800")
        }
        Some((_, media, bytes)) => respond(media, bytes, "no-cache"),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

fn respond(media: &'static str, bytes: &'static [u8], cache: &'static str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}
