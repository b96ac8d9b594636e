//! How the browser bundle and the pages are cached. Bundle files whose
//! names carry a content hash (cargo-leptos `hash-files`) never change, so
//! browsers keep them for a year without asking; everything else is checked
//! again on every use. Release builds also leave `.br` and `.gz` siblings,
//! which the file service picks by `Accept-Encoding`.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The content hashes cargo-leptos wrote beside this binary, if it did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleHashes {
    pub css: Option<String>,
}

impl BundleHashes {
    /// Reads `hash.txt` beside the running binary (`js: …`, `wasm: …`,
    /// `css: …` lines); `None` when the bundle names are plain.
    pub fn beside_binary() -> Option<Self> {
        let exe = std::env::current_exe().ok()?;
        let text = std::fs::read_to_string(exe.parent()?.join("hash.txt")).ok()?;
        Some(Self::parse(&text))
    }

    fn parse(text: &str) -> Self {
        let css = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == "css")
            .map(|(_, v)| v.trim().to_owned());
        Self { css }
    }
}

/// A bundle file named `stem.<hash>.ext`: cargo-leptos hashes are 22
/// characters of unpadded base64url.
fn is_hashed_bundle(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else {
        return false;
    };
    let mut parts = name.rsplit('.');
    let ext = parts.next().unwrap_or_default();
    let hash = parts.next().unwrap_or_default();
    matches!(ext, "js" | "wasm" | "css")
        && hash.len() == 22
        && hash
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && parts.next().is_some()
}

pub async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut response = next.run(req).await;
    if !response.status().is_success() {
        return response;
    }
    let headers = response.headers_mut();
    if path.starts_with("/pkg/") {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if headers.contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let policy = if is_hashed_bundle(&path) {
        "public, max-age=31536000, immutable"
    } else {
        // Pages, unhashed bundles (debug builds) and the small public files:
        // kept, but checked again each time (a 304 when unchanged).
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_bundle_names_are_cached_for_good() {
        assert!(is_hashed_bundle(
            "/pkg/ferrodesk.AbCdEfGhIjKlMnOpQrSt_-.wasm"
        ));
        assert!(is_hashed_bundle(
            "/pkg/ferrodesk.AbCdEfGhIjKlMnOpQrSt_-.css"
        ));
        assert!(!is_hashed_bundle("/pkg/ferrodesk.wasm"));
        assert!(!is_hashed_bundle("/pkg/ferrodesk.short.js"));
        assert!(!is_hashed_bundle("/favicon.svg"));
        assert!(!is_hashed_bundle("/pkg/snippets/x/inline0.js"));
    }

    #[test]
    fn the_stylesheet_hash_is_read_from_hash_txt() {
        let hashes = BundleHashes::parse("js: aaa\nwasm: bbb\ncss: ccc\n");
        assert_eq!(hashes.css.as_deref(), Some("ccc"));
    }
}
