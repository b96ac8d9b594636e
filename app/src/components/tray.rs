//! The header's way into the notification tray, with the unread count,
//! which follows the tray live. Its resource is the header's own, created
//! once with the header (never inside another boundary: see
//! `AuthContext::own`); for anyone without a tray it answers with a
//! refusal and nothing is shown.

use crate::api::tray::my_tray;
use crate::api::tray_types::TrayView;
use crate::components::auth::use_auth;
use crate::components::live::follow;
use crate::domain::live::Topic;
use crate::error::AppError;
use leptos::prelude::*;

/// The tray as the header shows it, refetched when the signed-in user
/// changes or the tray does.
pub fn tray_resource() -> Resource<Result<TrayView, AppError>> {
    let auth = use_auth();
    let changes = follow(|| Some(Topic::Notifications));
    Resource::new(move || (auth.version(), changes.get()), |_| my_tray())
}

#[component]
pub fn TrayLink(tray: Resource<Result<TrayView, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || {
                tray.get().and_then(|t| t.ok()).map(|t| {
                    let count = (t.unread > 0).then(|| {
                        let label = if t.unread == 1 { "1 unread".to_owned() } else { format!("{} unread", t.unread) };
                        view! { <span class="count" aria-label=label>{t.unread}</span> }
                    });
                    view! {
                        <a href="/agent/notifications" class="tray-link">"Notifications"{count}</a>
                    }
                })
            }}
        </Transition>
    }
}
