//! Renders a page again when its render stalls. Leptos 0.8 can leave a
//! server-side render waiting forever when several `Suspense` boundaries or
//! serialized resources resolve at once on different threads
//! (leptos-rs/leptos#4851, #4578); the pages avoid the known trigger, and
//! this catches what remains, so a reader gets the page late instead of
//! never. Every page renders fully before its response starts
//! (`SsrMode::Async`), so buffering the body here costs nothing, and the
//! limit covers the trailing resource data too: that stream is where a
//! stall shows once the headers are already out.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// Far beyond any healthy render, even of a debug build under load.
const STALL: Duration = Duration::from_secs(5);
/// Renders tried before the reader gets an error page instead of a hang.
const ATTEMPTS: usize = 3;
/// A rendered page is a few hundred kilobytes at most; this only bounds
/// memory if something goes badly wrong.
const MAX_PAGE: usize = 32 * 1024 * 1024;

pub async fn retry_stalled_render(req: Request, next: Next) -> Response {
    if req.method() != Method::GET || req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    // A GET carries no body, so the request can be sent again as it was.
    let (parts, _) = req.into_parts();
    for attempt in 1..=ATTEMPTS {
        let request = Request::from_parts(parts.clone(), Body::empty());
        match tokio::time::timeout(STALL, render(next.clone(), request)).await {
            Ok(response) => return response,
            Err(_) => tracing::warn!(
                path = %parts.uri.path(),
                attempt,
                "page render stalled; rendering it again"
            ),
        }
    }
    tracing::error!(path = %parts.uri.path(), "page render stalled on every attempt");
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "This page took too long to render. Please reload it.",
    )
        .into_response()
}

async fn render(next: Next, request: Request) -> Response {
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => Response::from_parts(parts, Body::from(bytes)),
        Err(error) => {
            tracing::error!(%error, "page body could not be read");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "This page could not be rendered. Please reload it.",
            )
                .into_response()
        }
    }
}
