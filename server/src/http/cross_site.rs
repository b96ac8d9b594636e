//! Refuses state-changing requests that a browser marks as coming from
//! another site. Leptos server functions have no CSRF protection of their
//! own; SameSite=Lax cookies are the second line.

use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The names the session cookie goes by (plain and `__Host-` prefixed).
const SESSION_COOKIES: [&str; 2] = ["ferrodesk", "__Host-ferrodesk"];

pub async fn guard(req: Request, next: Next) -> Response {
    // A WebSocket upgrade is a GET, but it opens a channel that acts with
    // the session's authority: it is judged like a change.
    if is_safe(req.method()) && !is_upgrade(req.headers()) {
        return next.run(req).await;
    }
    let verdict = judge(req.headers());
    if verdict == Verdict::SameSite {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), ?verdict, "cross-site request refused");
    (StatusCode::FORBIDDEN, verdict.message()).into_response()
}

fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    SameSite,
    CrossSite,
    /// A cookie-carrying request that says nothing about where it came from.
    Unattributed,
}

impl Verdict {
    fn message(self) -> &'static str {
        match self {
            Self::SameSite => "",
            Self::CrossSite => "Cross-site request refused.",
            Self::Unattributed => {
                "Request refused: a signed-in browser request must say where it comes from \
                 (Sec-Fetch-Site, Origin or Referer). Programs use an API token instead of the cookie."
            }
        }
    }
}

/// Fetch metadata first, then Origin, then Referer, each compared with the
/// Host the browser addressed. A request with none of the three is let
/// through only when it carries no session cookie: every browser sends at
/// least one of them, so a cookie without them is a forged or stripped
/// request (a proxy or extension removing headers), not a page of ours.
fn judge(headers: &HeaderMap) -> Verdict {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let host = text(header::HOST).unwrap_or("");
    let verdict = |same: bool| {
        if same {
            Verdict::SameSite
        } else {
            Verdict::CrossSite
        }
    };
    if let Some(site) = text(HeaderName::from_static("sec-fetch-site")) {
        return verdict(matches!(site, "same-origin" | "none"));
    }
    if let Some(origin) = text(header::ORIGIN) {
        return verdict(origin != "null" && same_authority(origin, host));
    }
    if let Some(referer) = text(header::REFERER) {
        return verdict(same_authority(referer, host));
    }
    if carries_session_cookie(headers) {
        Verdict::Unattributed
    } else {
        Verdict::SameSite
    }
}

/// Whether `url` (an Origin or a Referer) names the host the request was sent to.
fn same_authority(url: &str, host: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !authority.is_empty() && !host.is_empty() && authority.eq_ignore_ascii_case(host)
}

fn carries_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('=').map(|(name, _)| name.trim()))
        .any(|name| SESSION_COOKIES.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Verdict {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        judge(&map)
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert_eq!(
            post(&[("sec-fetch-site", "same-origin")]),
            Verdict::SameSite
        );
        assert_eq!(
            post(&[("sec-fetch-site", "cross-site")]),
            Verdict::CrossSite
        );
        assert_eq!(post(&[("sec-fetch-site", "same-site")]), Verdict::CrossSite);
        // Metadata wins over a matching Origin.
        assert_eq!(
            post(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://desk.test"),
                ("host", "desk.test")
            ]),
            Verdict::CrossSite
        );
    }

    #[test]
    fn origin_must_match_host_otherwise() {
        let host = ("host", "desk.test:3000");
        assert_eq!(
            post(&[("origin", "http://desk.test:3000"), host]),
            Verdict::SameSite
        );
        assert_eq!(
            post(&[("origin", "https://evil.test"), host]),
            Verdict::CrossSite
        );
        assert_eq!(post(&[("origin", "null"), host]), Verdict::CrossSite);
        assert_eq!(
            post(&[("origin", "http://desk.test:3000.evil.test"), host]),
            Verdict::CrossSite
        );
    }

    #[test]
    fn referer_decides_when_nothing_else_is_sent() {
        let host = ("host", "desk.test");
        let cookie = ("cookie", "ferrodesk=abc");
        assert_eq!(
            post(&[("referer", "https://evil.test/x"), host, cookie]),
            Verdict::CrossSite
        );
        assert_eq!(
            post(&[("referer", "https://desk.test.evil.test/"), host]),
            Verdict::CrossSite
        );
        assert_eq!(
            post(&[("referer", "http://desk.test/agent?x=1"), host, cookie]),
            Verdict::SameSite
        );
        assert_eq!(post(&[("referer", "garbage"), host]), Verdict::CrossSite);
    }

    #[test]
    fn a_session_cookie_without_any_source_is_refused() {
        let host = ("host", "desk.test");
        assert_eq!(
            post(&[host, ("cookie", "ferrodesk=abc")]),
            Verdict::Unattributed
        );
        assert_eq!(
            post(&[host, ("cookie", "a=1; __Host-ferrodesk=abc")]),
            Verdict::Unattributed
        );
        // No session: nothing to ride on (sign-in, programs without cookies).
        assert_eq!(post(&[host]), Verdict::SameSite);
        assert_eq!(
            post(&[host, ("cookie", "ferrodesk_tz=Europe/Paris")]),
            Verdict::SameSite
        );
    }
}
