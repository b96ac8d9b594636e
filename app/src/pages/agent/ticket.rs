//! One ticket in the agent workspace: conversation with notes, reply or
//! note, status, claim, and the full history.

use crate::api::tickets::{get_ticket, ChangeTicketStatus, ClaimTicket, ReplyToTicket};
use crate::api::types::TicketDetail;
use crate::components::form::{action_error, FormMessage, TextArea};
use crate::components::guard::{set_status, Guarded};
use crate::components::ticket::{when, Conversation, History, PriorityBadge, StatusBadge};
use crate::domain::{Action, Status};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AgentTicket() -> impl IntoView {
    let params = use_params_map();
    let id =
        Signal::derive(move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    let reply = ServerAction::<ReplyToTicket>::new();
    let status = ServerAction::<ChangeTicketStatus>::new();
    let claim = ServerAction::<ClaimTicket>::new();
    let ticket = Resource::new(
        move || {
            (
                id.get(),
                reply.version().get(),
                status.version().get(),
                claim.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_ticket(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The agent workspace is for agents and admins.">
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    ticket.get()
                        .map(|result| match result {
                            Ok(t) => view! { <StaffTicket t reply status claim /> }.into_any(),
                            Err(AppError::NotFound) => {
                                set_status(404);
                                view! {
                                    <section class="refusal">
                                        <h1>"Ticket not found"</h1>
                                        <p><a href="/agent">"Back to the queues"</a></p>
                                    </section>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                        })
                }}
            </Suspense>
        </Guarded>
    }
}

#[component]
fn StaffTicket(
    t: TicketDetail,
    reply: ServerAction<ReplyToTicket>,
    status: ServerAction<ChangeTicketStatus>,
    claim: ServerAction<ClaimTicket>,
) -> impl IntoView {
    let reply_error = action_error(reply);
    let status_error = action_error(status);
    let claim_error = action_error(claim);
    let ids = [t.id.to_string(), t.id.to_string(), t.id.to_string()];
    let [reply_id, status_id, claim_id] = ids;
    let version = t.version.to_string();
    let current = t.status;
    view! {
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
            </p>
        </section>
        <div class="ticket-layout">
            <div class="ticket-main">
                <Conversation
                    requester=t.requester_name.clone()
                    created=when(t.created_at)
                    description_html=t.description_html.clone()
                    messages=t.messages.clone()
                />
                <section class="panel" aria-labelledby="reply-title">
                    <h2 class="panel-title" id="reply-title">"Reply or note"</h2>
                    <ActionForm action=reply attr:class="form">
                        <FormMessage error=reply_error />
                        <input type="hidden" name="input[ticket_id]" value=reply_id />
                        <TextArea label="Message" name="input[body]" id="reply-body" field="body" error=reply_error rows=5 />
                        <div class="field field-check">
                            <input type="checkbox" id="reply-internal" name="input[internal]" />
                            <label for="reply-internal">"Internal note (never shown to the customer)"</label>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary">"Send"</button>
                        </div>
                    </ActionForm>
                </section>
            </div>
            <aside class="ticket-side">
                <section class="panel" aria-labelledby="assignee-title">
                    <h2 class="panel-title" id="assignee-title">"Assignee"</h2>
                    <FormMessage error=claim_error />
                    {match t.assignee_name.clone() {
                        Some(name) => view! { <p>{name}</p> }.into_any(),
                        None => {
                            view! {
                                <ActionForm action=claim attr:class="inline-form">
                                    <input type="hidden" name="input[ticket_id]" value=claim_id />
                                    <button type="submit" class="btn btn-secondary">"Claim"</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                    }}
                </section>
                <section class="panel" aria-labelledby="status-title">
                    <h2 class="panel-title" id="status-title">"Status"</h2>
                    <ActionForm action=status attr:class="form">
                        <FormMessage error=status_error />
                        <input type="hidden" name="input[ticket_id]" value=status_id />
                        <input type="hidden" name="input[version]" value=version />
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
                </section>
                <section class="panel" aria-labelledby="history-title">
                    <h2 class="panel-title" id="history-title">"History"</h2>
                    <History entries=t.history.clone() />
                </section>
            </aside>
        </div>
    }
}
