//! Static files, embedded in the binary (`include_bytes!`) so that `urne-server` is
//! self-contained: the booth (`booth/dist/urne_booth.wasm`, `booth/js/booth.js`), the page
//! scripts and the style sheet. Each with its exact media type (a wasm module is compiled by the
//! browser only when served as `application/wasm`).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `(name, media type, bytes)` of every static file.
pub const FILES: &[(&str, &str, &[u8])] = &[
    (
        "urne_booth.wasm",
        "application/wasm",
        include_bytes!("../../../booth/dist/urne_booth.wasm"),
    ),
    (
        "booth.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../booth/js/booth.js"),
    ),
    (
        "login.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/login.js"),
    ),
    (
        "vote.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/vote.js"),
    ),
    (
        "receipt.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/receipt.js"),
    ),
    (
        "admin.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/admin.css"),
    ),
    (
        "urne.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/urne.css"),
    ),
];

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, mime, bytes)) => {
            let mut r = (*bytes).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
            // Short caching: a new build must reach browsers the same day.
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            );
            r
        }
        None => (StatusCode::NOT_FOUND, "fichier introuvable").into_response(),
    }
}
