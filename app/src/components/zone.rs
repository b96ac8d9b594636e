//! Times in the viewer's timezone, with the zone named: the profile's
//! timezone for signed-in people, else the one their browser reported, else
//! UTC. The server decides per request; the browser receives the same zone
//! while hydrating, so both render the same text.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The zone a page is rendered in, as the server found it for the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewerZone(pub String);

/// The cookie in which the browser reports its own timezone, for visitors
/// without a profile.
pub const BROWSER_ZONE_COOKIE: &str = "ferrodesk_tz";

#[derive(Clone, Copy)]
struct Zone(chrono_tz::Tz);

/// Called once by the app, before the router (the shared value must be
/// read in the same order on the server and in the browser).
pub fn provide_viewer_zone() {
    let name = leptos::server::SharedValue::new(request_zone).into_inner();
    let zone = name
        .and_then(|n| n.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::UTC);
    provide_context(Zone(zone));
    #[cfg(feature = "hydrate")]
    report_browser_zone();
}

#[cfg(feature = "ssr")]
fn request_zone() -> Option<String> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<ViewerZone>()
        .map(|z| z.0.clone())
}

#[cfg(not(feature = "ssr"))]
fn request_zone() -> Option<String> {
    None
}

/// The browser's own timezone (`Intl`), if it names one.
#[cfg(feature = "hydrate")]
pub fn browser_zone() -> Option<String> {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()?
        .as_string()
}

/// Tells the server the browser's timezone, for pages seen without a
/// profile (the next page is rendered in it).
#[cfg(feature = "hydrate")]
fn report_browser_zone() {
    use wasm_bindgen::JsCast;
    let Some(zone) = browser_zone() else { return };
    if zone.parse::<chrono_tz::Tz>().is_err() {
        return;
    }
    if let Some(document) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    {
        let cookie =
            format!("{BROWSER_ZONE_COOKIE}={zone}; path=/; max-age=31536000; samesite=lax");
        let _ = document.set_cookie(&cookie);
    }
}

/// A moment as the viewer reads it: `2026-12-02 14:05 CET`.
pub fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    let zone = use_context::<Zone>().map_or(chrono_tz::UTC, |z| z.0);
    format_in(at, zone)
}

/// A moment in `zone`, the zone named by its abbreviation (or offset).
pub fn format_in(at: chrono::DateTime<chrono::Utc>, zone: chrono_tz::Tz) -> String {
    at.with_timezone(&zone)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&chrono::Utc)
    }

    #[test]
    fn times_read_in_the_viewers_zone_with_the_zone_named() {
        let moment = at("2026-12-02T13:05:00Z");
        assert_eq!(format_in(moment, chrono_tz::UTC), "2026-12-02 13:05 UTC");
        assert_eq!(
            format_in(moment, chrono_tz::Europe::Berlin),
            "2026-12-02 14:05 CET"
        );
        assert_eq!(
            format_in(at("2026-07-01T13:05:00Z"), chrono_tz::America::New_York),
            "2026-07-01 09:05 EDT"
        );
    }
}
