//! Gives server-function errors honest HTTP statuses: server_fn answers every error with 500, so the app's error
//! (JSON in the body) is read back and its own status applied.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Middleware over the server-function routes (which leptos_axum registers
/// itself, with the same context as the pages).
pub async fn error_status(req: Request, next: Next) -> Response {
    with_error_status(next.run(req).await).await
}

async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::RateLimited { retry_after_secs } = error {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                parts.headers.insert(header::RETRY_AFTER, value);
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
