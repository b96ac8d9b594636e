//! The seam between server functions and the server crate. The server
//! implements the services (see `crate::service`) over its store and
//! provides them as context; server functions reach them, the session and
//! the client address through the helpers here.

use crate::domain::Actor;
use crate::error::AppError;
use crate::service::{
    AccountService, LiveService, NotificationService, RoutingService, SlaService, TicketService,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::sync::Arc;
use tower_sessions::Session;

/// Session key holding the signed-in user.
pub const SESSION_USER: &str = "user";

/// What the session remembers: the user and the account's session epoch at
/// sign-in. Bumping the epoch (deactivation, password change) ends every
/// session of that user on its next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub user_id: i64,
    pub epoch: i64,
    /// Unix milliseconds of sign-in, for the absolute session lifetime.
    pub started_at: i64,
}

/// The client address as established by the server's proxy-aware middleware.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// How the server hands its account service to the server functions.
#[derive(Clone)]
pub struct AccountServiceHandle(pub Arc<dyn AccountService>);

pub fn account_service() -> Result<Arc<dyn AccountService>, AppError> {
    use_context::<AccountServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("account service missing from context"))
}

/// Logs an unexpected failure with a fresh reference id and returns the
/// generic error that carries only that id.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    crate::service::internal(cause).into()
}

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

pub async fn client_ip() -> Result<IpAddr, AppError> {
    leptos_axum::extract::<axum::Extension<ClientIp>>()
        .await
        .map(|ext| ext.0 .0)
        .map_err(internal)
}

/// The signed-in, active user of this request, if any. A session whose
/// account is no longer valid is destroyed on the spot. A staff session
/// counts as activity for the agent's availability.
pub async fn current_actor() -> Result<Option<Actor>, AppError> {
    // Context first: while a page renders on the server, it is reachable
    // only until the first await that really waits.
    let (accounts, routing) = (account_service()?, routing_service()?);
    let session = session().await?;
    let actor = actor_for_session(&session, accounts.as_ref()).await?;
    if let (Some(actor), Some(id)) = (&actor, session.id()) {
        if actor.role.is_staff() {
            routing.seen(actor.id, &id.to_string()).await;
        }
    }
    Ok(actor)
}

/// The active user behind a session, for server functions and plain axum
/// routes alike. A session whose account is no longer valid is destroyed.
pub async fn actor_for_session(
    session: &Session,
    accounts: &dyn AccountService,
) -> Result<Option<Actor>, AppError> {
    let Some(user) = session
        .get::<SessionUser>(SESSION_USER)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let actor = accounts.load_actor(user).await?;
    if actor.is_none() {
        session.flush().await.map_err(internal)?;
    }
    Ok(actor)
}

/// The signed-in actor of this request; what they may do is the service's
/// decision.
pub async fn signed_in() -> Result<Actor, AppError> {
    current_actor().await?.ok_or(AppError::Unauthenticated)
}

/// Signs the user in on this session, with a fresh id (no fixation).
pub async fn start_session(user: SessionUser) -> Result<(), AppError> {
    start_session_on(&session().await?, user).await
}

/// Signs a user in on a session outside a server function (an emailed link).
pub async fn start_session_on(session: &Session, user: SessionUser) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(SESSION_USER, user).await.map_err(internal)
}

pub async fn end_session() -> Result<(), AppError> {
    let (routing, live) = (routing_service()?, live_service()?);
    let session = session().await?;
    let user = session
        .get::<SessionUser>(SESSION_USER)
        .await
        .map_err(internal)?;
    if let (Some(user), Some(id)) = (user, session.id()) {
        let id = id.to_string();
        routing.session_ended(user.user_id, &id).await;
        live.session_ended(&id).await;
    }
    session.flush().await.map_err(internal)
}

/// How the server hands its ticket service to the server functions.
#[derive(Clone)]
pub struct TicketServiceHandle(pub Arc<dyn TicketService>);

pub fn ticket_service() -> Result<Arc<dyn TicketService>, AppError> {
    use_context::<TicketServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("ticket service missing from context"))
}

#[derive(Clone)]
pub struct RoutingServiceHandle(pub Arc<dyn RoutingService>);

pub fn routing_service() -> Result<Arc<dyn RoutingService>, AppError> {
    use_context::<RoutingServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("routing service missing from context"))
}

#[derive(Clone)]
pub struct SlaServiceHandle(pub Arc<dyn SlaService>);

pub fn sla_service() -> Result<Arc<dyn SlaService>, AppError> {
    use_context::<SlaServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("SLA service missing from context"))
}

#[derive(Clone)]
pub struct LiveServiceHandle(pub Arc<dyn LiveService>);

pub fn live_service() -> Result<Arc<dyn LiveService>, AppError> {
    use_context::<LiveServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("live service missing from context"))
}

#[derive(Clone)]
pub struct NotificationServiceHandle(pub Arc<dyn NotificationService>);

pub fn notification_service() -> Result<Arc<dyn NotificationService>, AppError> {
    use_context::<NotificationServiceHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("notification service missing from context"))
}
