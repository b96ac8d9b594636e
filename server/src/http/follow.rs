//! `/follow/{token}`: the emailed link that opens a ticket for a requester
//! without a password. It signs the requester in (a fresh session id) and
//! sends them to the ticket; a dead link gets a page that says what to do.

use super::attachments::page;
use app::api::backend::start_session_on;
use app::error::AppError;
use app::service::TicketService;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;
use tower_sessions::Session;

pub async fn follow(
    State(tickets): State<Arc<dyn TicketService>>,
    session: Session,
    Path(token): Path<String>,
) -> Response {
    match tickets.follow_link(&token).await {
        Ok((user, ticket_id)) => match start_session_on(&session, user).await {
            Ok(()) => Redirect::to(&format!("/portal/tickets/{ticket_id}")).into_response(),
            Err(err) => page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                &err.to_string(),
            ),
        },
        Err(err) => page(
            StatusCode::from_u16(AppError::from(err.clone()).status()).unwrap_or(StatusCode::GONE),
            "Link not valid",
            &err.to_string(),
        ),
    }
}
