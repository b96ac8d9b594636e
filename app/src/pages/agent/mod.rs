//! The agent workspace: the queues and the ticket page.

mod ticket;

pub use ticket::AgentTicket;

use crate::api::tickets::{queue_counts, ticket_queue};
use crate::api::types::QueueView;
use crate::components::guard::Guarded;
use crate::components::ticket::TicketTable;
use crate::domain::Action;
use crate::pages::query_param;
use leptos::prelude::*;

#[component]
pub fn AgentHome() -> impl IntoView {
    let view_param = query_param("view");
    let after = query_param("after");
    let current = Signal::derive(move || {
        view_param
            .get()
            .and_then(|v| QueueView::parse(&v).ok())
            .filter(|v| *v != QueueView::Mine)
            .unwrap_or(QueueView::MyOpen)
    });
    let counts = Resource::new(|| (), |_| queue_counts());
    let page = Resource::new(
        move || (current.get(), after.get()),
        |(view, after)| ticket_queue(view.as_str().to_owned(), after),
    );
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The agent workspace is for agents and admins.">
            <div class="workspace">
                <aside class="sidebar">
                    <nav class="sidenav" aria-label="Queues">
                        <Transition fallback=|| ()>
                            {move || {
                                let counts = counts.get().and_then(|c| c.ok()).unwrap_or_default();
                                QueueView::AGENT_VIEWS
                                    .into_iter()
                                    .map(|view| {
                                        let count = counts.iter().find(|c| c.view == view).map(|c| c.count);
                                        let href = format!("/agent?view={}", view.as_str());
                                        view! {
                                            <a href=href aria-current=move || (current.get() == view).then_some("page")>
                                                {view.label()}
                                                {count.map(|n| view! { <span class="count">{n}</span> })}
                                            </a>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </Transition>
                    </nav>
                </aside>
                <div class="workspace-main">
                    <h1 class="page-title">"Agent workspace"</h1>
                    <h2 class="panel-title">{move || current.get().label()}</h2>
                    <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {move || {
                            page.get()
                                .map(|result| match result {
                                    Ok(page) if page.items.is_empty() => {
                                        view! { <div class="empty-state">"No tickets in this queue."</div> }.into_any()
                                    }
                                    Ok(page) => {
                                        let view_name = current.get().as_str();
                                        view! {
                                            <p class="muted">{format!("{} tickets", page.total)}</p>
                                            <TicketTable items=page.items base="/agent/tickets" staff=true />
                                            {page.next.map(|next| view! {
                                                <p><a href=format!("/agent?view={view_name}&after={next}")>"Next page"</a></p>
                                            })}
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                                })
                        }}
                    </Transition>
                </div>
            </div>
        </Guarded>
    }
}
