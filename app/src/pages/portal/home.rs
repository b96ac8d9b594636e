use crate::components::{auth::use_auth, guard::Guarded};
use crate::domain::{Action, Role};
use leptos::prelude::*;

#[component]
pub fn PortalHome() -> impl IntoView {
    // Its own resource: see `AuthContext::own`.
    let me = use_auth().own();
    view! {
        <Guarded action=Action::ManageOwnAccount refusal="">
            // A boundary of its own around its own resource, awaited: read
            // bare inside `Guarded`'s boundary, it could be rendered before
            // it resolved, leaving the page empty.
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await
                        .ok()
                        .flatten()
                        .map(|actor| {
                            let staff = actor.role != Role::Customer;
                            view! {
                                <section class="hero">
                                    <h1>{format!("Welcome, {}", actor.name)}</h1>
                                    <p class="lead">{format!("You are signed in as {}.", actor.email)}</p>
                                </section>
                                <ul class="link-list">
                                    <li class="card">
                                        <h2>
                                            <a href="/portal/tickets/new">"Raise a request"</a>
                                        </h2>
                                        <p>"Tell us what you need."</p>
                                    </li>
                                    <li class="card">
                                        <h2>
                                            <a href="/portal/tickets">"My tickets"</a>
                                        </h2>
                                        <p>"Follow your requests and reply."</p>
                                    </li>
                                    <li class="card">
                                        <h2>
                                            <a href="/portal/profile">"Your profile"</a>
                                        </h2>
                                        <p>"Your name, timezone and password."</p>
                                    </li>
                                    {staff
                                        .then(|| {
                                            view! {
                                                <li class="card">
                                                    <h2>
                                                        <a href="/agent">"Agent workspace"</a>
                                                    </h2>
                                                    <p>"Work the queues."</p>
                                                </li>
                                            }
                                        })}
                                </ul>
                            }
                        })
                })}
            </Suspense>
        </Guarded>
    }
}
