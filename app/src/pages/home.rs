//! The landing page: what Ferrodesk is and where each person goes.

use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Ferrodesk"</h1>
            <p class="lead">
                "The service desk of this organisation: customers use the portal, our team works in the agent workspace, admins manage people and roles."
            </p>
        </section>
        <ul class="link-list">
            <li class="card">
                <h2>
                    <a href="/portal">"Customer portal"</a>
                </h2>
                <p>"Create an account or sign in."</p>
            </li>
            <li class="card">
                <h2>
                    <a href="/agent">"Agent workspace"</a>
                </h2>
                <p>"For agents and admins."</p>
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
