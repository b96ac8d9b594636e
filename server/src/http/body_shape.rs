//! Checks that a server-function call carries the body its codec reads
//! before the codec sees it. server_fn's multipart codec panics on a body
//! without a usable boundary (the connection then drops with no answer), and
//! a form endpoint fed JSON or XML would fail deep in deserialisation; both
//! get a plain 415 here instead.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Where Leptos registers the server functions.
const SERVER_FN_PREFIX: &str = "/api/";
/// The REST API, which reads JSON and checks its own bodies.
const REST_PREFIX: &str = "/api/v1/";

pub async fn check(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() != Method::POST
        || !path.starts_with(SERVER_FN_PREFIX)
        || path.starts_with(REST_PREFIX)
    {
        return next.run(req).await;
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match refusal(req.uri().path(), content_type) {
        None => next.run(req).await,
        Some(message) => {
            tracing::info!(path = %req.uri().path(), content_type, "body refused: {message}");
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, message).into_response()
        }
    }
}

/// Why a body of this content type cannot be read at this path, if it cannot.
fn refusal(path: &str, content_type: &str) -> Option<&'static str> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if app::api::uploads::multipart_paths().contains(&path) {
        if essence != "multipart/form-data" {
            return Some("This form must be sent as multipart/form-data.");
        }
        if multer::parse_boundary(content_type).map_or(true, |b| b.is_empty()) {
            return Some("The multipart/form-data body names no usable boundary.");
        }
        return None;
    }
    (essence != "application/x-www-form-urlencoded")
        .then_some("This form must be sent as application/x-www-form-urlencoded.")
}

#[cfg(test)]
mod tests {
    use super::refusal;

    #[test]
    fn multipart_endpoints_need_a_boundary() {
        let raise = app::api::uploads::multipart_paths()[0];
        assert!(refusal(raise, "multipart/form-data; boundary=abc").is_none());
        assert!(refusal(raise, "multipart/form-data").is_some());
        assert!(refusal(raise, "multipart/form-data; boundary=").is_some());
        assert!(refusal(raise, "application/x-www-form-urlencoded").is_some());
        assert!(refusal(raise, "").is_some());
    }

    #[test]
    fn form_endpoints_take_url_encoded_bodies_only() {
        let path = "/api/tickets/claim";
        assert!(refusal(path, "application/x-www-form-urlencoded").is_none());
        assert!(refusal(path, "Application/X-WWW-Form-Urlencoded; charset=UTF-8").is_none());
        assert!(refusal(path, "application/json").is_some());
        assert!(refusal(path, "multipart/form-data; boundary=x").is_some());
        assert!(refusal(path, "").is_some());
    }
}
