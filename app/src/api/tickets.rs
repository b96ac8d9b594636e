//! Tickets: raising, reading, replying, status changes and claims. Each
//! server function resolves the actor, parses its input into the ticket
//! service's command and calls it; the service decides authorization.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
#[cfg(feature = "ssr")]
use {
    super::{backend, uploads::UploadForm},
    crate::domain::TicketId,
    crate::service::queue_commands::QueueQuery,
    crate::service::ticket_commands as cmd,
    leptos_axum::redirect,
};

/// Raises a ticket from a multipart form (fields `subject`, `description`,
/// `category`, `urgency`, `idempotency_key`, files in `files`). Without a session it
/// takes `email` and `name` too and mails a link to follow the ticket.
#[server(endpoint = "tickets/raise", input = MultipartFormData)]
pub async fn raise_ticket(data: MultipartData) -> Result<(), AppError> {
    let actor = backend::current_actor().await?;
    let service = backend::ticket_service()?;
    let mut form = UploadForm::read(data, service.as_ref()).await?;
    let files = std::mem::take(&mut form.files);
    let input = NewTicketInput {
        subject: form.text("subject"),
        description: form.text("description"),
        urgency: form.text("urgency"),
        idempotency_key: form.optional("idempotency_key"),
        email: form.optional("email"),
        name: form.optional("name"),
        category: form.optional("category"),
    };
    let result = match actor {
        Some(actor) => match cmd::RaiseTicket::from_input(&input, actor.role.is_staff()) {
            Ok(ticket) => service.raise(&actor, ticket, files).await.map(|id| {
                let base = if actor.role.is_staff() {
                    "/agent/tickets"
                } else {
                    "/portal/tickets"
                };
                redirect(&format!("{base}/{id}"));
            }),
            Err(err) => Err(err),
        },
        None => match (cmd::Guest::from_input(&input), backend::client_ip().await) {
            (Ok((guest, ticket)), Ok(ip)) => service
                .raise_as_guest(guest, ticket, files, ip)
                .await
                .map(|()| redirect("/portal/tickets/sent")),
            (Err(err), _) => Err(err),
            (_, Err(err)) => return Err(err),
        },
    };
    if result.is_err() {
        form.keep_draft().await;
    }
    Ok(result?)
}

/// A customer's own tickets, newest update first.
#[server(endpoint = "tickets/mine", input = server_fn::codec::GetUrl)]
pub async fn my_tickets(after: Option<String>) -> Result<TicketPage, AppError> {
    let actor = backend::signed_in().await?;
    let params = QueueParams {
        after,
        ..QueueParams::default()
    };
    let query = QueueQuery::from_params(QueueView::Mine, &params)?;
    Ok(backend::ticket_service()?.list(&actor, query).await?)
}

#[server(endpoint = "tickets/queue", input = server_fn::codec::GetUrl)]
pub async fn ticket_queue(params: QueueParams) -> Result<TicketPage, AppError> {
    let actor = backend::signed_in().await?;
    let view = QueueView::parse(&params.view).map_err(|m| AppError::BadRequest(m.to_owned()))?;
    let query = QueueQuery::from_params(view, &params)?;
    Ok(backend::ticket_service()?.list(&actor, query).await?)
}

#[server(endpoint = "tickets/queue_counts", input = server_fn::codec::GetUrl)]
pub async fn queue_counts() -> Result<Vec<QueueCount>, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::ticket_service()?.queue_counts(&actor).await?)
}

#[server(endpoint = "tickets/detail", input = server_fn::codec::GetUrl)]
pub async fn get_ticket(id: i64) -> Result<TicketDetail, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::ticket_service()?
        .detail(&actor, TicketId(id))
        .await?)
}

/// A reply or note from a multipart form (`ticket_id`, `body`, `internal`,
/// files in `files`); a plain form post lands back on the ticket.
#[server(endpoint = "tickets/reply", input = MultipartFormData)]
pub async fn reply_to_ticket(data: MultipartData) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let service = backend::ticket_service()?;
    let mut form = UploadForm::read(data, service.as_ref()).await?;
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
    let result = match cmd::Reply::from_input(&input) {
        Ok(reply) => service.reply(&actor, reply, files).await,
        Err(err) => Err(err),
    };
    if result.is_err() {
        form.keep_draft().await;
    }
    Ok(result?)
}

#[server(endpoint = "tickets/status")]
pub async fn change_ticket_status(input: StatusInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let change = cmd::ChangeStatus::from_input(&input)?;
    Ok(backend::ticket_service()?
        .change_status(&actor, change)
        .await?)
}

#[server(endpoint = "tickets/claim")]
pub async fn claim_ticket(input: ClaimInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let ticket = TicketId(input.ticket_id);
    Ok(backend::ticket_service()?.claim(&actor, ticket).await?)
}

/// A fresh idempotency key for a "raise a ticket" form. Fetched as a
/// resource so the server-rendered form and the hydrated one agree.
#[server(endpoint = "tickets/form_key", input = server_fn::codec::GetUrl)]
pub async fn new_form_key() -> Result<String, AppError> {
    // Anyone may raise a ticket, signed in or not, so anyone gets a key.
    Ok(uuid::Uuid::new_v4().to_string())
}

#[server(endpoint = "tickets/update")]
pub async fn update_ticket(input: TicketFieldsInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let update = cmd::UpdateTicket::from_input(&input)?;
    Ok(backend::ticket_service()?.update(&actor, update).await?)
}

#[server(endpoint = "tickets/watch")]
pub async fn watch_ticket(input: WatchInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let watch = cmd::Watch::from_input(&input)?;
    Ok(backend::ticket_service()?.watch(&actor, watch).await?)
}

#[server(endpoint = "tickets/delete")]
pub async fn delete_ticket(input: DeleteTicketInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let ticket = TicketId(input.ticket_id);
    backend::ticket_service()?.delete(&actor, ticket).await?;
    redirect(&format!("/agent?deleted={ticket}"));
    Ok(())
}

/// Agents and admins a ticket can be assigned to.
#[server(endpoint = "tickets/agents", input = server_fn::codec::GetUrl)]
pub async fn assignable_agents() -> Result<Vec<AgentOption>, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::ticket_service()?.agents(&actor).await?)
}

/// Groups, for the agent's filters and the ticket's group field.
#[server(endpoint = "tickets/groups", input = server_fn::codec::GetUrl)]
pub async fn ticket_groups() -> Result<Vec<GroupOption>, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::ticket_service()?.groups(&actor).await?)
}
