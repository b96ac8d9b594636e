//! One ticket in the agent workspace: conversation with notes, reply or
//! note, status, claim, and the full history.

use crate::api::routing::category_options;
use crate::api::routing_types::CategoryOption;
use crate::api::tickets::{
    assignable_agents, ticket_groups, ChangeTicketStatus, ClaimTicket, DeleteTicket, UpdateTicket,
    WatchTicket,
};
use crate::api::types::{AgentOption, GroupOption, TicketDetail, NONE};
use crate::components::form::{action_error, FormMessage};
use crate::components::guard::Guarded;
use crate::components::keys::{
    on_shortcut, start_assigning, start_message, toggle_help, Shortcut, ShortcutHelp,
};
use crate::components::live::follow;
use crate::components::ticket::{
    ticket_resource, when, History, PriorityBadge, StatusBadge, TicketNotFound, TicketThread,
};
use crate::components::ticket_live::{held_while, LiveReplyPanel, PresenceLine, SettledTicket};
use crate::domain::live::Topic;
use crate::domain::{Action, Priority, Status, TicketId};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The ticket page of its own, at `/agent/tickets/:id`.
#[component]
pub fn AgentTicket() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let id =
        Signal::derive(move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    // Created here, outside the guard's reactive body, so they exist once
    // per page and hydrate in the order the server rendered them.
    let pane = TicketPane::new(id);
    let help = RwSignal::new(false);
    on_shortcut(move |shortcut| toggle_help(help, shortcut));
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The agent workspace is for agents and admins.">
            <ShortcutHelp open=help />
            <TicketWorkspace pane />
        </Guarded>
    }
}

/// What a ticket's workspace reads and does: created once per page, by
/// the page, outside any guard (see `AgentTicket`).
#[derive(Clone, Copy)]
pub struct TicketPane {
    actions: TicketActions,
    ticket: Resource<Result<TicketDetail, AppError>>,
    agents: Resource<Result<Vec<AgentOption>, AppError>>,
    groups: Resource<Result<Vec<GroupOption>, AppError>>,
    categories: Resource<Result<Vec<CategoryOption>, AppError>>,
}

impl TicketPane {
    /// For the ticket `id` names; nothing is fetched while it names none.
    pub fn new(id: Signal<Option<i64>>) -> Self {
        let actions = TicketActions {
            status: ServerAction::new(),
            claim: ServerAction::new(),
            update: ServerAction::new(),
            watch: ServerAction::new(),
            delete: ServerAction::new(),
        };
        let open = move || id.get().is_some();
        let agents = Resource::new(open, |open| async move {
            if open {
                assignable_agents().await
            } else {
                Ok(Vec::new())
            }
        });
        let groups = Resource::new(open, |open| async move {
            if open {
                ticket_groups().await
            } else {
                Ok(Vec::new())
            }
        });
        let categories = Resource::new(open, |open| async move {
            if open {
                category_options().await
            } else {
                Ok(Vec::new())
            }
        });
        // Changes by others (and the scheduler, the SLA monitor) arrive on
        // the ticket's live topic.
        let changes = follow(move || id.get().map(|id| Topic::Ticket(TicketId(id))));
        let versions = move || {
            (
                [
                    actions.status.version().get(),
                    actions.claim.version().get(),
                    actions.update.version().get(),
                    actions.watch.version().get(),
                ],
                changes.get(),
            )
        };
        let ticket = ticket_resource(move || id.get(), versions);
        Self {
            actions,
            ticket,
            agents,
            groups,
            categories,
        }
    }
}

/// One ticket with everything an agent does to it: on its own page, or
/// beside the queue (split view). r, n and a start a reply, a note, an
/// assignment.
#[component]
pub fn TicketWorkspace(pane: TicketPane) -> impl IntoView {
    let TicketPane {
        actions,
        ticket,
        agents,
        groups,
        categories,
    } = pane;
    on_shortcut(move |shortcut| match shortcut {
        Shortcut::Reply => start_message(false),
        Shortcut::Note => start_message(true),
        Shortcut::Assign => start_assigning(),
        _ => {}
    });
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <TicketBody ticket agents groups categories actions />
        </Transition>
    }
}

/// The ticket's frame, drawn once per ticket (see `SettledTicket`).
#[component]
fn TicketBody(
    ticket: Resource<Result<TicketDetail, AppError>>,
    agents: Resource<Result<Vec<AgentOption>, AppError>>,
    groups: Resource<Result<Vec<GroupOption>, AppError>>,
    categories: Resource<Result<Vec<CategoryOption>, AppError>>,
    actions: TicketActions,
) -> impl IntoView {
    let settled = SettledTicket::new(ticket);
    let detail = settled.detail;
    move || {
        settled.shape.get().map(|shape| match shape {
            Ok(id) => view! { <StaffTicket id detail agents groups categories actions /> }.into_any(),
            Err(AppError::NotFound) => view! {
                <TicketNotFound text="There is no ticket with this number." back_href="/agent" back_label="Back to the queues" />
            }
                .into_any(),
            Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
        })
    }
}

/// The actions of the ticket page, created once per page.
#[derive(Clone, Copy)]
struct TicketActions {
    status: ServerAction<ChangeTicketStatus>,
    claim: ServerAction<ClaimTicket>,
    update: ServerAction<UpdateTicket>,
    watch: ServerAction<WatchTicket>,
    delete: ServerAction<DeleteTicket>,
}

#[component]
fn StaffTicket(
    id: i64,
    detail: Memo<Option<TicketDetail>>,
    agents: Resource<Result<Vec<AgentOption>, AppError>>,
    groups: Resource<Result<Vec<GroupOption>, AppError>>,
    categories: Resource<Result<Vec<CategoryOption>, AppError>>,
    actions: TicketActions,
) -> impl IntoView {
    let TicketActions {
        status,
        claim,
        update,
        watch,
        delete,
    } = actions;
    let status_error = action_error(status);
    let claim_error = action_error(claim);
    // The two edit forms hold still while the agent works on them.
    let (editing_status, editing_fields) = (RwSignal::new(false), RwSignal::new(false));
    Effect::new(move |_| {
        status.version().get();
        editing_status.set(false);
    });
    Effect::new(move |_| {
        update.version().get();
        editing_fields.set(false);
    });
    let for_status = held_while(editing_status, detail);
    let for_fields = held_while(editing_fields, detail);
    let editing = |flag: RwSignal<bool>| move |_: leptos::ev::Event| flag.set(true);
    view! {
        {move || detail.get().map(|t| view! {
            <section class="hero">
                <p class="muted">
                    <a href="/agent">"Queues"</a>
                    {format!(" / #{}", t.id)}
                </p>
                <h1>{t.subject.clone()}</h1>
                <p class="ticket-facts">
                    <StatusBadge status=t.status />
                    " "
                    <PriorityBadge priority=t.priority />
                    <span class="muted">{format!(" Raised by {} · {}", t.requester_name, when(t.created_at))}</span>
                    {t.category_name.clone().map(|c| view! { <span class="muted">{format!(" · {c}")}</span> })}
                </p>
                {t.queue.clone().map(|q| view! {
                    <p class="queue-info" role="status">
                        <strong>{format!("Waiting in {}: number {} of {}.", q.group_name, q.position, q.depth)}</strong>
                        " "
                        {q.reason}
                    </p>
                })}
            </section>
        })}
        <PresenceLine ticket_id=id />
        {move || detail.get().map(|t| view! { <crate::components::sla::SlaClocks sla=t.sla title="Service level" /> })}
        <div class="ticket-layout">
            <div class="ticket-main">
                {move || detail.get().map(|t| view! { <TicketThread t /> })}
                <LiveReplyPanel ticket_id=id staff=true title="Reply or note" />
            </div>
            <aside class="ticket-side">
                <section class="panel" aria-labelledby="assignee-title">
                    <h2 class="panel-title" id="assignee-title">"Assignee"</h2>
                    <FormMessage error=claim_error />
                    {move || detail.get().map(|t| match t.assignee_name.clone() {
                        Some(name) => view! { <p>{name}</p> }.into_any(),
                        None => {
                            view! {
                                <ActionForm action=claim attr:class="inline-form">
                                    <input type="hidden" name="input[ticket_id]" value=t.id.to_string() />
                                    <button type="submit" class="btn btn-secondary">"Claim"</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    })}
                </section>
                <section class="panel" aria-labelledby="status-title" on:change=editing(editing_status)>
                    <h2 class="panel-title" id="status-title">"Status"</h2>
                    {move || for_status.get().map(|t| {
                        let current = t.status;
                        view! {
                            <ActionForm action=status attr:class="form">
                                <FormMessage error=status_error />
                                <input type="hidden" name="input[ticket_id]" value=t.id.to_string() />
                                <input type="hidden" name="input[version]" value=t.version.to_string() />
                                <div class="field">
                                    <label for="ticket-status">"New status"</label>
                                    <select id="ticket-status" name="input[status]">
                                        {Status::ALL
                                            .into_iter()
                                            .map(|s| view! { <option value=s.as_str() selected=s == current>{s.label()}</option> })
                                            .collect_view()}
                                    </select>
                                </div>
                                <div class="form-actions">
                                    <button type="submit" class="btn btn-secondary">"Update status"</button>
                                </div>
                            </ActionForm>
                        }
                    })}
                </section>
                <div on:input=editing(editing_fields) on:change=editing(editing_fields)>
                    {move || for_fields.get().map(|t| {
                        let agents = agents.get().and_then(|a| a.ok()).unwrap_or_default();
                        let groups = groups.get().and_then(|g| g.ok()).unwrap_or_default();
                        let categories = categories.get().and_then(|c| c.ok()).unwrap_or_default();
                        view! { <TicketFields t agents groups categories update /> }
                    })}
                </div>
                {move || detail.get().map(|t| view! {
                    <section class="panel" id="watch" aria-labelledby="watchers-title">
                        <h2 class="panel-title" id="watchers-title">"Watchers"</h2>
                        <p>
                            {if t.watchers.is_empty() { "Nobody yet.".to_owned() } else { t.watchers.join(", ") }}
                        </p>
                        <ActionForm action=watch attr:class="inline-form">
                            <input type="hidden" name="input[ticket_id]" value=t.id.to_string() />
                            <input type="hidden" name="input[watching]" value=(!t.watching).to_string() />
                            <button type="submit" class="btn btn-secondary btn-small">
                                {if t.watching { "Stop watching" } else { "Watch" }}
                            </button>
                        </ActionForm>
                    </section>
                    <section class="panel" aria-labelledby="history-title">
                        <h2 class="panel-title" id="history-title">"History"</h2>
                        <History entries=t.history.clone() />
                    </section>
                    {t.may_delete.then(|| view! { <DeletePanel id=t.id delete /> })}
                })}
            </aside>
        </div>
    }
}

/// Deleting a ticket for good (spam), behind a second, explicit step (a
/// disclosure, so it works without JavaScript too). Once it is gone, the
/// server sends the page back to the queues.
#[component]
fn DeletePanel(id: i64, delete: ServerAction<DeleteTicket>) -> impl IntoView {
    let error = action_error(delete);
    view! {
        <section class="panel" aria-labelledby="delete-title">
            <h2 class="panel-title" id="delete-title">"Delete ticket"</h2>
            <p class="panel-lead">
                "Removes the ticket, its conversation and its files for everyone. A note that it was deleted stays in the log. This cannot be undone."
            </p>
            <FormMessage error />
            <details class="confirm">
                <summary class="btn btn-secondary btn-small">"Delete ticket…"</summary>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="input[ticket_id]" value=id.to_string() />
                    <button type="submit" class="btn btn-danger btn-small">"Delete for good"</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// Priority, assignee, group, category and tags, saved together as one
/// versioned edit.
#[component]
fn TicketFields(
    t: TicketDetail,
    agents: Vec<AgentOption>,
    groups: Vec<GroupOption>,
    categories: Vec<CategoryOption>,
    update: ServerAction<UpdateTicket>,
) -> impl IntoView {
    let error = action_error(update);
    let field_error = move |name: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| e.field_message(name))
                .map(|m| view! { <p class="field-error" role="alert">{m}</p> })
        }
    };
    let (priority, assignee, group, category) =
        (t.priority, t.assignee_id, t.group_id, t.category_id);
    // An archived category is not offered for new tickets, but the ticket
    // filed under it keeps it unless the agent picks another.
    let kept = category
        .filter(|id| !categories.iter().any(|c| c.id == *id))
        .map(|id| CategoryOption {
            id,
            label: t
                .category_name
                .clone()
                .unwrap_or_else(|| format!("Category {id}")),
        });
    let categories: Vec<CategoryOption> = kept.into_iter().chain(categories).collect();
    view! {
        <section class="panel" aria-labelledby="fields-title">
            <h2 class="panel-title" id="fields-title">"Details"</h2>
            <ActionForm action=update attr:class="form">
                <FormMessage error />
                <input type="hidden" name="input[ticket_id]" value=t.id.to_string() />
                <input type="hidden" name="input[version]" value=t.version.to_string() />
                <div class="field">
                    <label for="ticket-priority">"Priority"</label>
                    <select id="ticket-priority" name="input[priority]">
                        {Priority::ALL
                            .into_iter()
                            .map(|p| view! { <option value=p.as_str() selected=p == priority>{p.label()}</option> })
                            .collect_view()}
                    </select>
                    {field_error("priority")}
                </div>
                <div class="field">
                    <label for="ticket-assignee">"Assignee"</label>
                    <select id="ticket-assignee" name="input[assignee_id]">
                        <option value="" selected=assignee.is_none()>"Unassigned"</option>
                        {agents
                            .into_iter()
                            .map(|a| {
                                let selected = assignee == Some(a.id);
                                view! { <option value=a.id.to_string() selected=selected>{a.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    {field_error("assignee_id")}
                </div>
                <div class="field">
                    <label for="ticket-group">"Group"</label>
                    <select id="ticket-group" name="input[group_id]">
                        <option value=NONE selected=group.is_none()>"No group"</option>
                        {groups
                            .into_iter()
                            .filter(|g| !g.archived || group == Some(g.id))
                            .map(|g| {
                                let selected = group == Some(g.id);
                                view! { <option value=g.id.to_string() selected=selected>{g.name}</option> }
                            })
                            .collect_view()}
                    </select>
                    {field_error("group_id")}
                </div>
                <div class="field">
                    <label for="ticket-category">"Category"</label>
                    <select id="ticket-category" name="input[category_id]" aria-describedby="ticket-category-hint">
                        <option value=NONE selected=category.is_none()>"No category"</option>
                        {categories
                            .into_iter()
                            .map(|c| {
                                let selected = category == Some(c.id);
                                view! { <option value=c.id.to_string() selected=selected>{c.label}</option> }
                            })
                            .collect_view()}
                    </select>
                    <p class="hint" id="ticket-category-hint">"A new category brings its SLA policy; the group stays as it is."</p>
                    {field_error("category_id")}
                </div>
                <div class="field">
                    <label for="ticket-tags">"Tags"</label>
                    <input id="ticket-tags" name="input[tags]" type="text" value=t.tags.join(", ") aria-describedby="ticket-tags-hint" />
                    <p class="hint" id="ticket-tags-hint">"Separated by commas. Agents only."</p>
                    {field_error("tags")}
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-secondary">"Save changes"</button>
                </div>
            </ActionForm>
        </section>
    }
}
