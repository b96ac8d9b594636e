//! Pages by surface: `portal/` for customers, `agent/` and `admin/` for staff.

pub mod admin;
pub mod agent;
pub mod home;
pub mod invite;
pub mod not_found;
pub mod portal;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A query parameter of the current URL (success flags set by redirects).
pub fn query_param(name: &'static str) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.with(|q| q.get(name)))
}

/// Percent-encodes a value for a URL query (unreserved characters stay).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
