//! The seam between server functions and the server crate. The server
//! implements [`Desk`] (services over its store) and provides it as context;
//! server functions reach it, the session and the client address through the
//! helpers here.

use super::types::*;
use crate::domain::{authorize, Action, Actor, Denied, Role};
use crate::error::AppError;
use crate::service::{RoutingService, SlaService, TicketService};
use async_trait::async_trait;
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

/// Account services, implemented by the server over its store.
#[async_trait]
pub trait Desk: Send + Sync + 'static {
    /// The active user behind a session, or `None` when the account is gone,
    /// deactivated, or its session epoch moved on.
    async fn load_actor(&self, session: SessionUser) -> Result<Option<Actor>, AppError>;
    /// Mails a confirmation link, or, when the address already has an
    /// account, a note to its owner; the answer is the same either way.
    async fn sign_up(&self, input: SignUpInput, ip: IpAddr) -> Result<(), AppError>;
    /// Creates the account a confirmation link stands for.
    async fn confirm_sign_up(&self, token: String) -> Result<SessionUser, AppError>;
    /// Whether a confirmation link can still be used.
    async fn check_sign_up(&self, token: String) -> Result<(), AppError>;
    async fn sign_in(
        &self,
        input: SignInInput,
        ip: IpAddr,
    ) -> Result<(SessionUser, Role), AppError>;
    async fn request_password_reset(
        &self,
        input: ResetRequestInput,
        ip: IpAddr,
    ) -> Result<(), AppError>;
    async fn reset_password(&self, input: ResetConfirmInput) -> Result<(), AppError>;
    /// Whether a reset link can still be used (so the page can say so at once).
    async fn check_reset_token(&self, token: String) -> Result<(), AppError>;
    /// Whether an invitation link can still be used.
    async fn check_invitation(&self, token: String) -> Result<(), AppError>;
    async fn profile(&self, actor: &Actor) -> Result<Profile, AppError>;
    async fn update_profile(&self, actor: &Actor, input: ProfileInput) -> Result<(), AppError>;
    /// Returns the new session identity: the password change ends every other session.
    async fn change_password(
        &self,
        actor: &Actor,
        input: PasswordChangeInput,
    ) -> Result<SessionUser, AppError>;
    async fn list_users(&self, actor: &Actor, params: UserListParams)
        -> Result<UserPage, AppError>;
    async fn invite(&self, actor: &Actor, input: InviteInput) -> Result<String, AppError>;
    async fn accept_invite(&self, input: AcceptInviteInput) -> Result<SessionUser, AppError>;
    async fn change_role(&self, actor: &Actor, input: ChangeRoleInput) -> Result<(), AppError>;
    async fn deactivate(
        &self,
        actor: &Actor,
        input: DeactivateInput,
    ) -> Result<Deactivated, AppError>;
    async fn reactivate(&self, actor: &Actor, input: ReactivateInput) -> Result<(), AppError>;
}

/// How the server hands its services to the app.
#[derive(Clone)]
pub struct DeskHandle(pub Arc<dyn Desk>);

pub fn desk() -> Result<Arc<dyn Desk>, AppError> {
    use_context::<DeskHandle>()
        .map(|handle| handle.0)
        .ok_or_else(|| internal("desk services missing from context"))
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
    let (desk, routing) = (desk()?, routing_service()?);
    let session = session().await?;
    let actor = actor_for_session(&session, desk.as_ref()).await?;
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
    desk: &dyn Desk,
) -> Result<Option<Actor>, AppError> {
    let Some(user) = session
        .get::<SessionUser>(SESSION_USER)
        .await
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let actor = desk.load_actor(user).await?;
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

/// The actor of this request, if the policy allows the action.
pub async fn authorized(action: Action) -> Result<Actor, AppError> {
    let actor = current_actor().await?;
    match authorize(actor.as_ref(), action) {
        Ok(()) => actor.ok_or(AppError::Unauthenticated),
        Err(Denied::Unauthenticated) => Err(AppError::Unauthenticated),
        Err(Denied::Forbidden) => Err(AppError::Forbidden),
    }
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
    let routing = routing_service()?;
    let session = session().await?;
    let user = session
        .get::<SessionUser>(SESSION_USER)
        .await
        .map_err(internal)?;
    if let (Some(user), Some(id)) = (user, session.id()) {
        routing.session_ended(user.user_id, &id.to_string()).await;
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
