//! Refuses state-changing requests that a browser marks as coming from
//! another site. Leptos server functions have no CSRF protection of their
//! own; SameSite=Lax cookies are the second line.

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn guard(req: Request, next: Next) -> Response {
    if is_safe(req.method()) || !is_cross_site(&req) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
    (StatusCode::FORBIDDEN, "Cross-site request refused.").into_response()
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_cross_site(req: &Request) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    // Older browsers: compare Origin with the Host the browser addressed.
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_authority = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || origin_authority.is_empty() || !origin_authority.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method(Method::POST).uri("/api/x");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site(&post(&[("sec-fetch-site", "same-origin")])));
        assert!(is_cross_site(&post(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&post(&[("sec-fetch-site", "same-site")])));
    }

    #[test]
    fn origin_must_match_host_otherwise() {
        assert!(!is_cross_site(&post(&[
            ("origin", "http://desk.test:3000"),
            ("host", "desk.test:3000")
        ])));
        assert!(is_cross_site(&post(&[
            ("origin", "https://evil.test"),
            ("host", "desk.test")
        ])));
        assert!(is_cross_site(&post(&[
            ("origin", "null"),
            ("host", "desk.test")
        ])));
        assert!(!is_cross_site(&post(&[("host", "desk.test")])));
    }
}
