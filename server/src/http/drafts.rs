//! Keeps what someone typed when a plain form post (no JavaScript) comes
//! back with an error, and gives it to the next render of that page. The
//! values travel in the session, never in the URL. Forms that carry files
//! keep their own drafts as they read their parts (`app::api::uploads`).

use app::api::drafts::{path_of, FormDraft, SESSION_KEY};
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// A form post larger than this is no plain form of ours.
const MAX_FORM_BYTES: usize = 1024 * 1024;

pub async fn keep_and_restore(session: Session, req: Request, next: Next) -> Response {
    if req.method() == Method::POST && is_plain_form(&req) {
        keep_on_error(session, req, next).await
    } else if req.method() == Method::GET && is_page(&req) {
        restore(session, req, next).await
    } else {
        next.run(req).await
    }
}

async fn keep_on_error(session: Session, req: Request, next: Next) -> Response {
    let referer = req
        .headers()
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(path_of);
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "This form is too large.").into_response();
    };
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if let (Some(path), true) = (referer, came_back_with_error(&response)) {
        if let Err(err) = session
            .insert(SESSION_KEY, FormDraft::new(&path, fields))
            .await
        {
            tracing::warn!(%err, "form draft not kept");
        }
    }
    response
}

async fn restore(session: Session, mut req: Request, next: Next) -> Response {
    // Only a pending draft is removed: removing marks the session changed,
    // and a visitor without one must not be given a session for nothing.
    match session.get::<FormDraft>(SESSION_KEY).await {
        Ok(Some(draft)) => {
            if let Err(err) = session.remove::<FormDraft>(SESSION_KEY).await {
                tracing::warn!(%err, "form draft not removed");
            }
            if draft.path == req.uri().path() {
                req.extensions_mut().insert(draft);
            }
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(%err, "form draft not read"),
    }
    next.run(req).await
}

/// A browser's own form submission to a server function: it asks for HTML.
fn is_plain_form(req: &Request) -> bool {
    let header_has = |name: header::HeaderName, part: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(part))
    };
    req.uri().path().starts_with("/api/")
        && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        && header_has(header::ACCEPT, "text/html")
}

/// A page a person opens (not a file, not an API call).
pub(super) fn is_page(req: &Request) -> bool {
    let path = req.uri().path();
    !(path.starts_with("/api/") || path.starts_with("/pkg/") || path.contains('.'))
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// Server functions answer a failed plain form post by sending the browser
/// back to the form with the error in `__err`.
fn came_back_with_error(response: &Response) -> bool {
    response.status().is_redirection()
        && response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.contains("__err="))
}
