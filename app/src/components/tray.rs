//! The header's way into the notification tray, with the unread count,
//! which follows the tray live.

use crate::api::tray::my_tray;
use crate::components::live::follow;
use crate::domain::live::Topic;
use leptos::prelude::*;

#[component]
pub fn TrayLink() -> impl IntoView {
    let changes = follow(|| Some(Topic::Notifications));
    let tray = Resource::new(move || changes.get(), |_| my_tray());
    view! {
        <a href="/agent/notifications" class="tray-link">
            "Notifications"
            <Transition fallback=|| ()>
                {move || {
                    tray.get()
                        .and_then(|t| t.ok())
                        .filter(|t| t.unread > 0)
                        .map(|t| {
                            let label = if t.unread == 1 { "1 unread".to_owned() } else { format!("{} unread", t.unread) };
                            view! { <span class="count" aria-label=label>{t.unread}</span> }
                        })
                }}
            </Transition>
        </a>
    }
}
