//! The token service: a person's own API tokens, and the one way a
//! request's bearer token becomes an actor. Making and revoking tokens
//! takes a browser session (the policy's `ManageTokens`), so a leaked
//! token cannot mint or keep others alive.

use super::error::ServiceError;
use super::token_commands::CreateToken;
use crate::api::token_types::{ApiTokenView, NewApiToken};
use crate::domain::Actor;
use async_trait::async_trait;

#[async_trait]
pub trait TokenService: Send + Sync + 'static {
    async fn create(&self, actor: &Actor, token: CreateToken) -> Result<NewApiToken, ServiceError>;
    /// The actor's tokens, newest first, revoked and expired ones included.
    async fn list(&self, actor: &Actor) -> Result<Vec<ApiTokenView>, ServiceError>;
    async fn revoke(&self, actor: &Actor, id: i64) -> Result<(), ServiceError>;
    /// The actor a bearer token acts as: its owner, active, with the
    /// token's scopes. Unknown, expired and revoked tokens, and those of
    /// deactivated accounts, are all `Unauthenticated`.
    async fn authenticate(&self, secret: &str) -> Result<Actor, ServiceError>;
}
