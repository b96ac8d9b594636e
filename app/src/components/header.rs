//! The top bar: brand, the surfaces this person may use, and their account.

use super::auth::{refresh_auth_on_success, use_auth};
use super::live::{use_live, LiveIndicator};
use super::tray::{tray_resource, TrayLink};
use crate::api::auth::SignOut;
use crate::domain::{authorize, Action};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    let sign_out = ServerAction::<SignOut>::new();
    let tray = tray_resource();
    refresh_auth_on_success(sign_out);
    // The live channel runs for whoever is signed in (in the browser only).
    if let Some(live) = use_live() {
        Effect::new(move |_| match auth.me.get() {
            Some(Ok(Some(actor))) => live.connect(actor),
            Some(Ok(None)) => live.disconnect(),
            _ => {}
        });
    }
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <a class="brand" href="/">"Ferrodesk"</a>
            <Transition fallback=|| ()>
                // The only boundary that reads `auth.me`: see `AuthContext::own`.
                {move || Suspend::new(async move {
                        {
                            let me = auth.me.await.ok().flatten();
                            let staff = authorize(me.as_ref(), Action::UseAgentWorkspace).is_ok();
                            let admin = authorize(me.as_ref(), Action::UseAdminConsole).is_ok();
                            let nav = view! {
                                <nav class="topnav" aria-label="Surfaces">
                                    {staff.then(|| view! { <a href="/agent">"Agent workspace"</a> })}
                                    {admin.then(|| view! { <a href="/admin">"Admin console"</a> })}
                                </nav>
                            };
                            let menu = match me {
                                Some(actor) => {
                                    view! {
                                        <div class="user-menu">
                                            <LiveIndicator />
                                            <span class="user-name">{actor.name}</span>
                                            <a href="/portal/profile">"Profile"</a>
                                            <ActionForm action=sign_out attr:class="inline-form">
                                                <button type="submit" class="link-button">
                                                    "Sign out"
                                                </button>
                                            </ActionForm>
                                        </div>
                                    }
                                        .into_any()
                                }
                                None => {
                                    view! {
                                        <div class="user-menu">
                                            <a href="/portal/sign-in">"Sign in"</a>
                                            <a href="/portal/sign-up">"Create account"</a>
                                        </div>
                                    }
                                        .into_any()
                                }
                            };
                            view! { {nav} {menu} }
                        }
                })}
            </Transition>
            <TrayLink tray />
        </header>
    }
}
