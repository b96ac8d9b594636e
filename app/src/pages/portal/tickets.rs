//! A customer's tickets: the list, raising one, and one ticket's page.

use crate::api::routing::category_options;
use crate::api::tickets::{my_tickets, new_form_key, ChangeTicketStatus, RaiseTicket};
use crate::api::types::TicketDetail;
use crate::components::auth::use_auth;
use crate::components::form::{
    action_error, drafted_choice, url_error, FileField, FormMessage, TextArea, TextField,
};
use crate::components::guard::Guarded;
use crate::components::live::{follow, follow_settled};
use crate::components::ticket::{
    route_ticket, when, PriorityBadge, StatusBadge, TicketNotFound, TicketTable, TicketThread,
};
use crate::components::ticket_live::{LiveReplyPanel, SettledTicket};
use crate::domain::live::Topic;
use crate::domain::{Action, Status, TicketId};
use crate::error::AppError;
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn MyTickets() -> impl IntoView {
    let after = query_param("after");
    // Agents' replies and status changes arrive live on the customer's topic.
    let changes = follow_settled(|| Some(Topic::MyTickets), 300);
    let page = Resource::new(
        move || (after.get(), changes.get()),
        |(after, _)| my_tickets(after),
    );
    view! {
        <Guarded action=Action::ReadTickets refusal="">
            <section class="hero">
                <h1>"My tickets"</h1>
                <p class="lead">"Everything you asked us, newest activity first."</p>
                <a class="btn btn-primary" href="/portal/tickets/new">"Raise a request"</a>
            </section>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    page.get()
                        .map(|result| match result {
                            Ok(page) if page.items.is_empty() => {
                                view! { <div class="empty-state">"You have not raised any requests yet."</div> }.into_any()
                            }
                            Ok(page) => {
                                view! {
                                    <p class="muted">{format!("{} in total", crate::api::types::count_label(page.total))}</p>
                                    <TicketTable items=page.items base="/portal/tickets/" staff=false />
                                    {page.next.map(|next| view! {
                                        <p><a href=format!("/portal/tickets?after={next}")>"Older tickets"</a></p>
                                    })}
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                        })
                }}
            </Transition>
        </Guarded>
    }
}

#[component]
pub fn NewTicket() -> impl IntoView {
    let error = url_error::<RaiseTicket>();
    let key = Resource::new(|| (), |_| new_form_key());
    let me = use_auth().own();
    view! {
        <div class="page-narrow page-wide-form">
            <div class="card">
                <h1 class="page-title">"Raise a request"</h1>
                <p class="lead">"Tell us what you need; we will answer by email and here."</p>
                <form method="post" enctype="multipart/form-data" action=RaiseTicket::PATH class="form">
                    <FormMessage error />
                    <Suspense fallback=|| ()>
                        // Its own resource: see `AuthContext::own`.
                        {move || Suspend::new(async move {
                            let signed_in = me.await.ok().flatten().is_some();
                            let key = key.await.ok();
                            view! {
                                {key.map(|k| view! { <input type="hidden" name="idempotency_key" value=k /> })}
                                {(!signed_in).then(|| view! { <GuestFields error /> })}
                            }
                        })}
                    </Suspense>
                    <TextField label="Subject" name="subject" id="ticket-subject" field="subject" error />
                    <TextArea
                        label="Description"
                        name="description"
                        id="ticket-description"
                        field="description"
                        error
                        hint="Markdown works: **bold**, lists, `code`, links."
                    />
                    <CategoryField error />
                    <div class="field">
                        <label for="ticket-urgency">"Urgency"</label>
                        <select id="ticket-urgency" name="urgency">
                            {[("", "Let us judge"), ("low", "Low"), ("normal", "Normal"), ("high", "High")]
                                .into_iter()
                                .map(|(value, label)| {
                                    let chosen = drafted_choice("urgency", value, value.is_empty());
                                    view! { <option value=value selected=chosen>{label}</option> }
                                })
                                .collect_view()}
                        </select>
                        {move || error.get().and_then(|e| e.field_message("urgency")).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </div>
                    <FileField label="Attach files (optional)" id="ticket-files" error />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Submit request"</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

/// The category a request is filed under, once an admin has made some.
#[component]
fn CategoryField(error: Signal<Option<AppError>>) -> impl IntoView {
    let options = Resource::new(|| (), |_| category_options());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let list = options.get().and_then(|o| o.ok()).unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <div class="field">
                        <label for="ticket-category">"Category"</label>
                        <select id="ticket-category" name="category">
                            <option value="">"Not sure: an agent will sort it"</option>
                            {list
                                .into_iter()
                                .map(|c| {
                                    let id = c.id.to_string();
                                    let chosen = drafted_choice("category", &id, false);
                                    view! { <option value=id selected=chosen>{c.label}</option> }
                                })
                                .collect_view()}
                        </select>
                        {move || error.get().and_then(|e| e.field_message("category")).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                    </div>
                })
            }}
        </Suspense>
    }
}

/// Who is asking, for someone without an account (or not signed in).
#[component]
fn GuestFields(error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <p class="hint">
            "No account needed: we email you a link to follow and answer your request. "
            <a href="/portal/sign-in">"Sign in"</a>
            " if you have an account."
        </p>
        <TextField label="Your email" name="email" id="ticket-email" field="email" error kind="email" autocomplete="email" />
        <TextField label="Your name" name="name" id="ticket-name" field="name" error autocomplete="name" required=false hint="Optional." />
    }
}

/// Where someone without an account lands after raising a ticket.
#[component]
pub fn TicketSent() -> impl IntoView {
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Check your email"</h1>
                <p class="lead">"We have your request. We sent you an email with a link to follow it and reply."</p>
                <p class="muted">"No email within a few minutes? Check your spam folder, or raise the request again."</p>
                <p><a href="/portal">"Back to the portal"</a></p>
            </div>
        </div>
    }
}

#[component]
pub fn PortalTicket() -> impl IntoView {
    let status = ServerAction::<ChangeTicketStatus>::new();
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let changes = follow(move || id().map(|id| Topic::Ticket(TicketId(id))));
    let ticket = route_ticket(move || (status.version().get(), changes.get()));
    view! {
        <Guarded action=Action::UseTickets refusal="">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                <CustomerTicketBody ticket status />
            </Transition>
        </Guarded>
    }
}

/// The ticket's frame, drawn once per ticket (see `SettledTicket`).
#[component]
fn CustomerTicketBody(
    ticket: Resource<Result<TicketDetail, AppError>>,
    status: ServerAction<ChangeTicketStatus>,
) -> impl IntoView {
    let settled = SettledTicket::new(ticket);
    let detail = settled.detail;
    move || {
        settled.shape.get().map(|shape| match shape {
            Ok(id) => view! { <CustomerTicket id detail status /> }.into_any(),
            Err(AppError::NotFound) => view! {
                <TicketNotFound
                    text="There is no ticket with this number among yours."
                    back_href="/portal/tickets"
                    back_label="Back to my tickets"
                />
            }
            .into_any(),
            Err(e) => {
                view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any()
            }
        })
    }
}

#[component]
fn CustomerTicket(
    id: i64,
    detail: Memo<Option<TicketDetail>>,
    status: ServerAction<ChangeTicketStatus>,
) -> impl IntoView {
    let status_error = action_error(status);
    view! {
        {move || detail.get().map(|t| view! {
            <section class="hero">
                <p class="muted">
                    <a href="/portal/tickets">"My tickets"</a>
                    {format!(" / #{}", t.id)}
                </p>
                <h1>{t.subject.clone()}</h1>
                <p class="ticket-facts">
                    <StatusBadge status=t.status />
                    " "
                    <PriorityBadge priority=t.priority />
                    <span class="muted">
                        {format!(" Opened {} · ", when(t.created_at))}
                        {t.assignee_name.clone().map(|a| format!("Handled by {a}")).unwrap_or_else(|| "Waiting for an agent".into())}
                    </span>
                </p>
            </section>
            <crate::components::sla::SlaClocks sla=t.sla.clone() title="What we promised" />
            <TicketThread t=t.clone() />
        })}
        <LiveReplyPanel ticket_id=id staff=false title="Reply" />
        {move || detail.get().map(|t| {
            let (next_status, button) = if t.status == Status::Closed || t.status == Status::Resolved {
                (Status::Open, "Reopen ticket")
            } else {
                (Status::Closed, "Close ticket")
            };
            view! {
                <ActionForm action=status attr:class="inline-form ticket-status-form">
                    <FormMessage error=status_error />
                    <input type="hidden" name="input[ticket_id]" value=t.id.to_string() />
                    <input type="hidden" name="input[version]" value=t.version.to_string() />
                    <input type="hidden" name="input[status]" value=next_status.as_str() />
                    <button type="submit" class="btn btn-secondary">{button}</button>
                </ActionForm>
            }
        })}
    }
}
