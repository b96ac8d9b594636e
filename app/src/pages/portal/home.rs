//! The portal's front door: signed-in people see where to go next; a
//! visitor is welcomed with every way in (raise a request with or without
//! an account, follow one, sign in, create an account).

use crate::components::auth::use_auth;
use crate::domain::{Actor, Role};
use leptos::prelude::*;

#[component]
pub fn PortalHome() -> impl IntoView {
    // Its own resource: see `AuthContext::own`.
    let me = use_auth().own();
    view! {
        // Awaited in a boundary of its own: read bare, the page could be
        // rendered before the resource resolved, leaving it empty.
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match me.await.ok().flatten() {
                    Some(actor) => view! { <SignedInHome actor /> }.into_any(),
                    None => view! { <VisitorHome /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VisitorHome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"How can we help?"</h1>
            <p class="lead">
                "Tell us what you need and we will answer by email and here. You do not need an account to ask."
            </p>
            <p class="hero-actions">
                <a class="btn btn-primary" href="/portal/tickets/new">"Raise a request"</a>
                <a class="btn btn-secondary" href="/portal/sign-in">"Sign in"</a>
            </p>
        </section>
        <ul class="link-list">
            <li class="card">
                <h2>
                    <a href="/portal/tickets/new">"Raise a request"</a>
                </h2>
                <p>"With an account, or just your name and email address: we send you a link to follow it."</p>
            </li>
            <li class="card">
                <h2>"Follow a request"</h2>
                <p>
                    "Open the link in the email we sent when you raised it; every answer brings a fresh one. With an account, "
                    <a href="/portal/sign-in">"sign in"</a>
                    " to see all your requests."
                </p>
            </li>
            <li class="card">
                <h2>
                    <a href="/portal/sign-in">"Sign in"</a>
                </h2>
                <p>"Your requests, their answers and your profile. Forgot your password? You can reset it there."</p>
            </li>
            <li class="card">
                <h2>
                    <a href="/portal/sign-up">"Create an account"</a>
                </h2>
                <p>"Follow every request in one place and reply without looking for emails."</p>
            </li>
        </ul>
    }
}

#[component]
fn SignedInHome(actor: Actor) -> impl IntoView {
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
}
