//! Renders a page only for actors the policy allows; everyone else gets a
//! clear refusal with the right HTTP status, never a blank page. The data
//! behind the page is authorized again by its server functions.

use super::auth::use_auth;
use crate::domain::{authorize, Action, Denied};
use leptos::prelude::*;

#[component]
pub fn Guarded(action: Action, refusal: &'static str, children: ChildrenFn) -> impl IntoView {
    let me = use_auth().own();
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            // Its own resource, awaited: see `AuthContext::own`.
            {move || Suspend::new(async move {
                let me = me.await.ok().flatten();
                match authorize(me.as_ref(), action) {
                    Ok(()) => children.with_value(|c| c()).into_any(),
                    Err(Denied::Unauthenticated) => {
                        set_status(401);
                        view! { <SignInRequired/> }.into_any()
                    }
                    // Pages are seen through a session, which has every scope.
                    Err(Denied::Forbidden | Denied::MissingScope(_)) => {
                        set_status(403);
                        view! { <Refusal text=refusal/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SignInRequired() -> impl IntoView {
    view! {
        <section class="refusal">
            <h1>"Sign in required"</h1>
            <p>"This page is for signed-in users."</p>
            <p>
                <a href="/portal/sign-in">"Sign in"</a>
            </p>
        </section>
    }
}

#[component]
fn Refusal(text: &'static str) -> impl IntoView {
    view! {
        <section class="refusal">
            <h1>"Access refused"</h1>
            <p>{text}</p>
            <p>
                <a href="/portal">"Go to the customer portal"</a>
            </p>
        </section>
    }
}

/// Sets the status of the server-rendered response; a no-op in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        options.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
