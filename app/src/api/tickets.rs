//! Tickets: raising, reading, replying, status changes and claims.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
#[cfg(feature = "ssr")]
use {
    super::{backend, uploads::UploadForm},
    crate::domain::{authorize, Action},
    leptos_axum::redirect,
};

/// Raises a ticket from a multipart form (fields `subject`, `description`,
/// `category`, `urgency`, `idempotency_key`, files in `files`). Without a session it
/// takes `email` and `name` too and mails a link to follow the ticket.
#[server(endpoint = "tickets/raise", input = MultipartFormData)]
pub async fn raise_ticket(data: MultipartData) -> Result<(), AppError> {
    let actor = backend::current_actor().await?;
    authorize(actor.as_ref(), Action::RaiseTicket).map_err(|_| AppError::Forbidden)?;
    let desk = backend::ticket_desk()?;
    let mut form = UploadForm::read(data, desk.as_ref()).await?;
    let files = std::mem::take(&mut form.files);
    let result = raise(actor, &form, files, desk.as_ref()).await;
    if result.is_err() {
        form.keep_draft().await;
    }
    result
}

#[cfg(feature = "ssr")]
async fn raise(
    actor: Option<crate::domain::Actor>,
    form: &UploadForm,
    files: Vec<super::uploads::StagedFile>,
    desk: &dyn backend::TicketDesk,
) -> Result<(), AppError> {
    let input = NewTicketInput {
        subject: form.text("subject"),
        description: form.text("description"),
        urgency: form.text("urgency"),
        idempotency_key: form.optional("idempotency_key"),
        email: form.optional("email"),
        name: form.optional("name"),
        category: form.optional("category"),
    };
    match actor {
        Some(actor) => {
            let id = desk.raise(&actor, input, files).await?;
            let base = if actor.role.is_staff() {
                "/agent/tickets"
            } else {
                "/portal/tickets"
            };
            redirect(&format!("{base}/{id}"));
        }
        None => {
            let ip = backend::client_ip().await?;
            desk.raise_without_account(input, files, ip).await?;
            redirect("/portal/tickets/sent");
        }
    }
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

/// A reply or note from a multipart form (`ticket_id`, `body`, `internal`,
/// files in `files`); a plain form post lands back on the ticket.
#[server(endpoint = "tickets/reply", input = MultipartFormData)]
pub async fn reply_to_ticket(data: MultipartData) -> Result<(), AppError> {
    let actor = backend::authorized(Action::UseTickets).await?;
    let desk = backend::ticket_desk()?;
    let mut form = UploadForm::read(data, desk.as_ref()).await?;
    let ticket_id = form
        .text("ticket_id")
        .parse()
        .map_err(|_| AppError::BadRequest("The ticket number is missing.".into()))?;
    let input = ReplyInput {
        ticket_id,
        body: form.text("body"),
        internal: form.optional("internal"),
    };
    let files = std::mem::take(&mut form.files);
    let result = desk.reply(&actor, input, files).await;
    if result.is_err() {
        form.keep_draft().await;
    }
    result
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
    let actor = backend::current_actor().await?;
    authorize(actor.as_ref(), Action::RaiseTicket).map_err(|_| AppError::Forbidden)?;
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

#[server(endpoint = "tickets/delete")]
pub async fn delete_ticket(input: DeleteTicketInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::DeleteTicket).await?;
    let id = input.ticket_id;
    backend::ticket_desk()?.delete(&actor, input).await?;
    redirect(&format!("/agent?deleted={id}"));
    Ok(())
}

/// Agents and admins a ticket can be assigned to.
#[server(endpoint = "tickets/agents", input = server_fn::codec::GetUrl)]
pub async fn assignable_agents() -> Result<Vec<AgentOption>, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.agents(&actor).await
}

/// Groups, for the agent's filters and the ticket's group field.
#[server(endpoint = "tickets/groups", input = server_fn::codec::GetUrl)]
pub async fn ticket_groups() -> Result<Vec<GroupOption>, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::ticket_desk()?.groups(&actor).await
}
