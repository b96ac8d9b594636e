//! The agent workspace: the queues and the ticket page.

mod notifications;
mod ticket;

pub use notifications::AgentNotifications;
pub use ticket::AgentTicket;
use ticket::{TicketPane, TicketWorkspace};

use crate::api::tickets::{assignable_agents, queue_counts, ticket_groups, ticket_queue};
use crate::api::types::{
    breaching_order_label, count_label, AgentOption, GroupOption, QueueParams, QueueView,
    TicketPage,
};
use crate::components::availability::{AvailabilityPanel, Presence};
use crate::components::guard::Guarded;
use crate::components::keys::{move_selection, on_shortcut, toggle_help, Shortcut, ShortcutHelp};
use crate::components::live::follow_settled;
use crate::components::ticket::TicketTable;
use crate::domain::live::Topic;
use crate::domain::Action;
use crate::domain::{Priority, Status};
use crate::error::AppError;
use crate::pages::{query_param, url_encode};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn AgentHome() -> impl IntoView {
    let view_param = query_param("view");
    let after = query_param("after");
    // Split view: the agent's choice to open tickets beside the list, and
    // the ticket open there.
    let layout = query_param("layout");
    let split = Signal::derive(move || layout.get().as_deref() == Some("split"));
    let open_param = query_param("open");
    let deleted = query_param("deleted");
    let open = Signal::derive(move || {
        split
            .get()
            .then(|| open_param.get().and_then(|id| id.parse::<i64>().ok()))
            .flatten()
    });
    // The open ticket's data and actions, outside the guard (see
    // `AgentTicket`); nothing is fetched while no ticket is open.
    let pane = TicketPane::new(open);
    let current = Signal::derive(move || {
        view_param
            .get()
            .and_then(|v| QueueView::parse(&v).ok())
            .filter(|v| *v != QueueView::Mine)
            .unwrap_or(QueueView::MyOpen)
    });
    // Rows and counts follow every ticket's changes while the page is open.
    let changes = follow_settled(|| Some(Topic::Queues), 300);
    let counts = Resource::new(move || changes.get(), |_| queue_counts());
    let presence = Presence::new();
    let choices = Resource::new(
        || (),
        |_| async {
            (
                assignable_agents().await.unwrap_or_default(),
                ticket_groups().await.unwrap_or_default(),
            )
        },
    );
    let filters = QueueFilters::from_query();
    let page = Resource::new(
        move || (current.get(), after.get(), filters.params(), changes.get()),
        |(view, after, params, _)| {
            ticket_queue(QueueParams {
                view: view.as_str().to_owned(),
                after,
                ..params
            })
        },
    );
    let selected = RwSignal::new(None::<usize>);
    // The rows' ids as last rendered: key presses read these, never the
    // resource itself (outside its Suspense that read warns in the browser).
    let row_ids = StoredValue::new(Vec::<i64>::new());
    let help = RwSignal::new(false);
    let navigate = use_navigate();
    on_shortcut(move |shortcut| {
        if matches!(shortcut, Shortcut::Help | Shortcut::Dismiss) {
            return toggle_help(help, shortcut);
        }
        let ids = row_ids.get_value();
        match shortcut {
            Shortcut::Open => {
                if let Some(id) = selected.get_untracked().and_then(|i| ids.get(i)) {
                    let base = row_link(current.get_untracked(), filters, split.get_untracked());
                    navigate(&format!("{base}{id}"), Default::default());
                }
            }
            other => selected.update(|s| *s = move_selection(*s, ids.len(), other)),
        }
    });
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The agent workspace is for agents and admins.">
            <ShortcutHelp open=help />
            <div class="workspace">
                <aside class="sidebar">
                    // A disclosure: agents fold the queues away to give the
                    // list the whole width (it works without JavaScript).
                    <details class="queue-nav" open=true>
                    <summary>"Queues"</summary>
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
                                                {count.map(|n| view! { <span class="count">{count_label(n)}</span> })}
                                            </a>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </Transition>
                    </nav>
                    <AvailabilityPanel presence />
                    </details>
                </aside>
                <div class="workspace-main">
                    <h1 class="page-title">"Agent workspace"</h1>
                    {move || deleted.get().map(|id| view! {
                        <div class="form-success" role="status">{format!("Ticket #{id} was deleted.")}</div>
                    })}
                    <div class="queue-head">
                        <h2 class="panel-title">{move || current.get().label()}</h2>
                        <a class="layout-toggle" href=move || layout_link(current.get(), filters, !split.get())>
                            {move || if split.get() { "Open tickets on their own page" } else { "Open tickets beside the list" }}
                        </a>
                    </div>
                    <Transition fallback=|| ()>
                        {move || {
                            choices.get().map(|(agents, groups)| view! { <FilterForm current filters agents groups page /> })
                        }}
                    </Transition>
                    <div class=move || if open.get().is_some() { "queue-split has-pane" } else { "queue-split" }>
                    <div class="queue-list">
                    <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                        {move || {
                            page.get()
                                .map(|result| match result {
                                    Ok(page) if page.items.is_empty() => {
                                        view! { <div class="empty-state">"No tickets in this queue."</div> }.into_any()
                                    }
                                    Ok(page) => {
                                        row_ids.set_value(page.items.iter().map(|t| t.id).collect());
                                        let view_name = current.get().as_str();
                                        let carried = filters.query_string();
                                        let base = row_link(current.get(), filters, split.get());
                                        view! {
                                            <p class="muted">{format!("{} tickets", count_label(page.total))}</p>
                                            <TicketTable items=page.items base staff=true selected />
                                            <p class="hint">"Keys: j and k move, Enter opens, ? lists every shortcut."</p>
                                            {page.next.map(|next| view! {
                                                <p><a href=format!("/agent?view={view_name}{carried}{}&after={next}", if split.get() { "&layout=split" } else { "" })>"Next page"</a></p>
                                            })}
                                        }
                                            .into_any()
                                    }
                                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                                })
                        }}
                    </Transition>
                    </div>
                    {move || open.get().map(|_| view! {
                        <section class="ticket-pane" aria-label="Open ticket">
                            <TicketWorkspace pane />
                        </section>
                    })}
                    </div>
                </div>
            </div>
        </Guarded>
    }
}

/// The filter values in the URL, as signals.
#[derive(Clone, Copy)]
struct QueueFilters {
    status: Signal<Option<String>>,
    priority: Signal<Option<String>>,
    requester: Signal<Option<String>>,
    tag: Signal<Option<String>>,
    assignee: Signal<Option<String>>,
    group: Signal<Option<String>>,
    q: Signal<Option<String>>,
    sort: Signal<Option<String>>,
}

impl QueueFilters {
    fn from_query() -> Self {
        Self {
            status: query_param("status"),
            priority: query_param("priority"),
            requester: query_param("requester"),
            tag: query_param("tag"),
            assignee: query_param("assignee"),
            group: query_param("group"),
            q: query_param("q"),
            sort: query_param("sort"),
        }
    }

    fn params(&self) -> QueueParams {
        QueueParams {
            status: self.status.get(),
            priority: self.priority.get(),
            requester: self.requester.get(),
            tag: self.tag.get(),
            assignee: self.assignee.get(),
            group: self.group.get(),
            q: self.q.get(),
            sort: self.sort.get(),
            ..QueueParams::default()
        }
    }

    /// The same pairs, read without subscribing (for key presses).
    fn query_string_untracked(&self) -> String {
        untrack(|| self.query_string())
    }

    /// `&name=value` pairs to carry the filters into the next page's link.
    fn query_string(&self) -> String {
        let pairs = [
            ("status", self.status.get()),
            ("priority", self.priority.get()),
            ("requester", self.requester.get()),
            ("tag", self.tag.get()),
            ("assignee", self.assignee.get()),
            ("group", self.group.get()),
            ("q", self.q.get()),
            ("sort", self.sort.get()),
        ];
        pairs
            .into_iter()
            .filter_map(|(k, v)| {
                v.filter(|v| !v.is_empty())
                    .map(|v| format!("&{k}={}", url_encode(&v)))
            })
            .collect()
    }
}

/// What a queue row links to, followed by the ticket's id: the ticket's
/// own page, or (split view) this queue with the ticket open beside it.
fn row_link(view: QueueView, filters: QueueFilters, split: bool) -> String {
    if split {
        format!(
            "/agent?view={}{}&layout=split&open=",
            view.as_str(),
            filters.query_string_untracked()
        )
    } else {
        "/agent/tickets/".to_owned()
    }
}

/// This queue, with tickets opening beside it (`split`) or on their own page.
fn layout_link(view: QueueView, filters: QueueFilters, split: bool) -> String {
    let layout = if split { "&layout=split" } else { "" };
    format!(
        "/agent?view={}{}{layout}",
        view.as_str(),
        filters.query_string()
    )
}

/// A plain GET form: it works without JavaScript and leaves a shareable URL.
#[component]
fn FilterForm(
    current: Signal<QueueView>,
    filters: QueueFilters,
    agents: Vec<AgentOption>,
    groups: Vec<GroupOption>,
    page: Resource<Result<TicketPage, AppError>>,
) -> impl IntoView {
    let value = |s: Signal<Option<String>>| move || s.get().unwrap_or_default();
    // "Breaching soon" has one order, bounded by the configured window.
    let fixed_order = move || {
        (current.get() == QueueView::BreachingSoon).then(|| {
            let minutes = page
                .get()
                .and_then(Result::ok)
                .and_then(|p| p.due_within_minutes)
                .unwrap_or(120);
            breaching_order_label(minutes)
        })
    };
    let selected = |s: Signal<Option<String>>, option: &'static str| {
        move || s.get().as_deref() == Some(option)
    };
    view! {
        <form method="get" action="/agent" class="filter-form" role="search" aria-label="Filter tickets">
            <input type="hidden" name="view" value=move || current.get().as_str() />
            {move || (query_param("layout").get().as_deref() == Some("split")).then(|| view! { <input type="hidden" name="layout" value="split" /> })}
            <div class="field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" name="q" type="search" value=value(filters.q) placeholder="Words in subject or messages" />
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="">"Any"</option>
                    {Status::ALL
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str() selected=selected(filters.status, s.as_str())>{s.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-priority">"Priority"</label>
                <select id="filter-priority" name="priority">
                    <option value="">"Any"</option>
                    {Priority::ALL
                        .into_iter()
                        .map(|p| view! { <option value=p.as_str() selected=selected(filters.priority, p.as_str())>{p.label()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-assignee">"Assignee"</label>
                <select id="filter-assignee" name="assignee">
                    <option value="">"Anyone"</option>
                    <option value="me" selected=selected(filters.assignee, "me")>"Me"</option>
                    <option value="none" selected=selected(filters.assignee, "none")>"Nobody"</option>
                    {agents
                        .into_iter()
                        .map(|a| {
                            let id = a.id.to_string();
                            let chosen = filters.assignee.get_untracked().as_deref() == Some(id.as_str());
                            view! { <option value=id selected=chosen>{a.name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-group">"Group"</label>
                <select id="filter-group" name="group">
                    <option value="">"Any"</option>
                    {groups
                        .into_iter()
                        .map(|g| {
                            let id = g.id.to_string();
                            let chosen = filters.group.get_untracked().as_deref() == Some(id.as_str());
                            view! { <option value=id selected=chosen>{g.name}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-tag">"Tag"</label>
                <input id="filter-tag" name="tag" type="text" value=value(filters.tag) />
            </div>
            <div class="field">
                <label for="filter-requester">"Requester email"</label>
                <input id="filter-requester" name="requester" type="email" value=value(filters.requester) />
            </div>
            <div class="field">
                <label for="filter-sort">"Order"</label>
                {move || match fixed_order() {
                    Some(order) => view! {
                        <select id="filter-sort" disabled=true>
                            <option selected=true>{order}</option>
                        </select>
                    }
                        .into_any(),
                    None => view! {
                        <select id="filter-sort" name="sort">
                            <option value="updated" selected=selected(filters.sort, "updated")>"Last update"</option>
                            <option value="created" selected=selected(filters.sort, "created")>"Newest first"</option>
                            <option value="priority" selected=selected(filters.sort, "priority")>"Priority"</option>
                        </select>
                    }
                        .into_any(),
                }}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-secondary">"Apply"</button>
            </div>
        </form>
    }
}
