//! The agent workspace.

use crate::components::{auth::use_auth, guard::Guarded};
use crate::domain::{Action, Role};
use leptos::prelude::*;

#[component]
pub fn AgentHome() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The agent workspace is for agents and admins.">
            <div class="workspace">
                <aside class="sidebar">
                    <nav class="sidenav" aria-label="Workspace">
                        <a href="/agent" aria-current="page">"Overview"</a>
                        <a href="/portal/profile">"Profile"</a>
                    </nav>
                </aside>
                <div class="workspace-main">
                    <h1 class="page-title">"Agent workspace"</h1>
                    {move || {
                        auth.me
                            .get()
                            .and_then(|me| me.ok().flatten())
                            .map(|actor| {
                                let admin = actor.role == Role::Admin;
                                view! {
                                    <p class="lead">{format!("Signed in as {}.", actor.name)}</p>
                                    <section class="panel" aria-labelledby="account-title">
                                        <h2 class="panel-title" id="account-title">"Your account"</h2>
                                        <dl class="facts">
                                            <dt>"Email"</dt>
                                            <dd>{actor.email.clone()}</dd>
                                            <dt>"Role"</dt>
                                            <dd>{actor.role.label()}</dd>
                                        </dl>
                                        <p>
                                            <a href="/portal/profile">"Edit your profile"</a>
                                            {admin.then(|| view! { " · " <a href="/admin">"Manage users"</a> })}
                                        </p>
                                    </section>
                                }
                            })
                    }}
                </div>
            </div>
        </Guarded>
    }
}
