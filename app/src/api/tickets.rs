//! Tickets: raising, reading, replying, status changes and claims.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::domain::Action, leptos_axum::redirect};

#[server(endpoint = "tickets/raise")]
pub async fn raise_ticket(input: NewTicketInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    let id = backend::ticket_desk()?.raise(&actor, input).await?;
    let base = if actor.role.is_staff() {
        "/agent/tickets"
    } else {
        "/portal/tickets"
    };
    redirect(&format!("{base}/{id}"));
    Ok(())
}

/// A customer's own tickets, newest update first.
#[server(endpoint = "tickets/mine", input = server_fn::codec::GetUrl)]
pub async fn my_tickets(after: Option<String>) -> Result<TicketPage, AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    let params = QueueParams {
        after,
        ..QueueParams::default()
    };
    backend::ticket_desk()?
        .list(&actor, QueueView::Mine, params)
        .await
}

#[server(endpoint = "tickets/queue", input = server_fn::codec::GetUrl)]
pub async fn ticket_queue(params: QueueParams) -> Result<TicketPage, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    let view = QueueView::parse(&params.view).map_err(|m| AppError::BadRequest(m.to_owned()))?;
    backend::ticket_desk()?.list(&actor, view, params).await
}

#[server(endpoint = "tickets/queue_counts", input = server_fn::codec::GetUrl)]
pub async fn queue_counts() -> Result<Vec<QueueCount>, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.queue_counts(&actor).await
}

#[server(endpoint = "tickets/detail", input = server_fn::codec::GetUrl)]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    backend::ticket_desk()?.detail(&actor, id).await
}

#[server(endpoint = "tickets/reply")]
pub async fn reply_to_ticket(input: ReplyInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    backend::ticket_desk()?.reply(&actor, input).await
}

#[server(endpoint = "tickets/status")]
pub async fn change_ticket_status(input: StatusInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    backend::ticket_desk()?.set_status(&actor, input).await
}

#[server(endpoint = "tickets/claim")]
pub async fn claim_ticket(input: ClaimInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.claim(&actor, input).await
}

/// A fresh idempotency key for a "raise a ticket" form. Fetched as a
/// resource so the server-rendered form and the hydrated one agree.
#[server(endpoint = "tickets/form_key", input = server_fn::codec::GetUrl)]
pub async fn new_form_key() -> Result<String, AppError> {
    backend::authorized(Action::UseTickets).await?;
    Ok(uuid::Uuid::new_v4().to_string())
}

#[server(endpoint = "tickets/update")]
pub async fn update_ticket(input: TicketFieldsInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.update_fields(&actor, input).await
}

#[server(endpoint = "tickets/watch")]
pub async fn watch_ticket(input: WatchInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.watch(&actor, input).await
}

/// Agents and admins a ticket can be assigned to.
#[server(endpoint = "tickets/agents", input = server_fn::codec::GetUrl)]
pub async fn assignable_agents() -> Result<Vec<AgentOption>, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.agents(&actor).await
}
