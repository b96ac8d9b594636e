//! Offers a form's fields what was typed into them before the form came
//! back with an error (see `api::drafts`). The server reads the draft from
//! the request; the browser receives the same value while hydrating, so
//! both render the same fields. Leaving the page drops the draft.

use crate::api::drafts::FormDraft;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[derive(Clone, Copy)]
struct DraftContext(StoredValue<Option<FormDraft>>);

/// Called once by the app, before the router, so the shared value is read
/// in the same order on the server and in the browser.
pub fn provide_form_draft() {
    let draft = leptos::server::SharedValue::new(request_draft).into_inner();
    provide_context(DraftContext(StoredValue::new(draft)));
}

#[cfg(feature = "ssr")]
fn request_draft() -> Option<FormDraft> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<FormDraft>()
        .cloned()
}

#[cfg(not(feature = "ssr"))]
fn request_draft() -> Option<FormDraft> {
    None
}

/// Drops the draft as soon as the browser moves to another page. Placed
/// inside the router; renders nothing.
#[component]
pub fn DraftLifetime() -> impl IntoView {
    if let Some(DraftContext(draft)) = use_context::<DraftContext>() {
        let location = use_location();
        Effect::new(move |previous: Option<String>| {
            let path = location.pathname.get();
            if previous.is_some_and(|p| p != path) {
                draft.set_value(None);
            }
            path
        });
    }
}

/// What was typed into the field `name` on this page before its form came
/// back with an error, if anything.
pub fn drafted(name: &str) -> Option<String> {
    drafted_form().and_then(|d| d.value(name).map(str::to_owned))
}

/// Whether the option `value` of the select `name` was the one chosen
/// before the form came back; `default` when there is no draft.
pub fn drafted_choice(name: &str, value: &str, default: bool) -> bool {
    match drafted_form() {
        Some(draft) => draft.value(name) == Some(value),
        None => default,
    }
}

/// Whether the checkbox `name` was ticked before the form came back (an
/// unticked box is absent from a post); `default` when there is no draft.
pub fn drafted_check(name: &str, default: bool) -> bool {
    match drafted_form() {
        Some(draft) => draft.value(name).is_some(),
        None => default,
    }
}

/// The draft of this page, if its form came back with an error.
fn drafted_form() -> Option<FormDraft> {
    let DraftContext(draft) = use_context::<DraftContext>()?;
    let path = use_location().pathname.get_untracked();
    draft.with_value(|d| d.clone().filter(|d| d.path == path))
}
