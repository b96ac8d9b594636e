//! The landing page: what Ferrodesk is and where each person goes.

use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Ferrodesk"</h1>
            <p class="lead">
                "Raise a request and follow it to resolution. Our team answers in the agent workspace; admins shape how work flows."
            </p>
        </section>
        <ul class="link-list">
            <li class="card">
                <h2>
                    <a href="/portal">"Customer portal"</a>
                </h2>
                <p>"Sign in to raise and follow your requests."</p>
            </li>
            <li class="card">
                <h2>
                    <a href="/agent">"Agent workspace"</a>
                </h2>
                <p>"For agents: queues, tickets and replies."</p>
            </li>
            <li class="card">
                <h2>
                    <a href="/admin">"Admin console"</a>
                </h2>
                <p>"For admins: people, roles and invitations."</p>
            </li>
        </ul>
    }
}
