//! Security headers on every response. The CSP itself is set by the app
//! shell, which knows the per-response script nonce.

use axum::http::{header, HeaderName, HeaderValue};
use tower::layer::util::{Identity, Stack};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

type Layer = SetResponseHeaderLayer<HeaderValue>;

pub fn layer(https: bool) -> ServiceBuilder<Stack<Layer, Stack<Layer, Stack<Layer, Stack<Layer, Stack<Layer, Identity>>>>>> {
    let hsts = if https { "max-age=31536000; includeSubDomains" } else { "max-age=0" };
    ServiceBuilder::new()
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "same-origin"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin"))
        .layer(set(header::STRICT_TRANSPORT_SECURITY, hsts))
}

fn set(name: HeaderName, value: &'static str) -> Layer {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
