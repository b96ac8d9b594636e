//! The agent workspace.

use crate::components::{auth::use_auth, guard::Guarded};
use crate::domain::Action;
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
                                view! {
                                    <p class="lead">
                                        {format!("Signed in as {} ({}).", actor.name, actor.role.label())}
                                    </p>
                                }
                            })
                    }}
                    <section class="panel">
                        <h2 class="panel-title">"Your queues"</h2>
                        <div class="empty-state">"No tickets are waiting for you."</div>
                    </section>
                </div>
            </div>
        </Guarded>
    }
}
