//! Personal API tokens, as the account service keeps them: made from a
//! session, shown once, stored as a SHA-256 digest, revocable, and read
//! back on every API request as the owner with the token's scopes.

use super::{store_err, tokens, Accounts};
use crate::store::{ApiTokenRecord, NewApiToken as NewRecord};
use app::api::token_types::{ApiTokenView, NewApiToken, TokenState};
use app::domain::{Action, Actor, Scopes};
use app::service::token_commands::CreateToken;
use app::service::{require, ServiceError, TokenService};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};

/// Every token starts so, which lets secret scanners recognise a leaked one.
pub const SECRET_PREFIX: &str = "fdk_";
/// Tokens one person may hold at once; revoked and expired ones are free.
const LIVE_TOKENS_PER_USER: i64 = 50;
/// How much of the secret the owner's list shows.
const SHOWN_CHARS: usize = SECRET_PREFIX.len() + 8;

fn view(record: ApiTokenRecord, now: DateTime<Utc>) -> ApiTokenView {
    let state = if record.revoked_at.is_some() {
        TokenState::Revoked
    } else if record.expires_at <= now {
        TokenState::Expired
    } else {
        TokenState::Active
    };
    ApiTokenView {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        // Stored by this code from a parsed set; anything else reads as none.
        scopes: Scopes::parse(&record.scopes).unwrap_or_default(),
        created_at: record.created_at,
        expires_at: record.expires_at,
        last_used_at: record.last_used_at,
        revoked_at: record.revoked_at,
        state,
    }
}

#[async_trait]
impl TokenService for Accounts {
    async fn create(&self, actor: &Actor, token: CreateToken) -> Result<NewApiToken, ServiceError> {
        require(actor, Action::ManageTokens)?;
        let now = self.clock.now();
        let live = self
            .store
            .live_api_tokens(actor.id, now)
            .await
            .map_err(store_err)?;
        if live >= LIVE_TOKENS_PER_USER {
            return Err(ServiceError::form(
                "You have 50 active tokens, the most one person may hold. Revoke one you no longer use.",
            ));
        }
        let secret = format!("{SECRET_PREFIX}{}", tokens::generate());
        let record = self
            .store
            .insert_api_token(NewRecord {
                user_id: actor.id,
                name: token.name,
                prefix: secret.chars().take(SHOWN_CHARS).collect(),
                digest: tokens::digest(&secret),
                scopes: token.scopes.within_role(actor.role).to_string(),
                created_at: now,
                expires_at: now + Duration::days(i64::from(token.expires_in_days)),
            })
            .await
            .map_err(store_err)?;
        tracing::info!(
            user_id = actor.id,
            token_id = record.id,
            "API token created"
        );
        Ok(NewApiToken {
            token: view(record, now),
            secret,
        })
    }

    async fn list(&self, actor: &Actor) -> Result<Vec<ApiTokenView>, ServiceError> {
        require(actor, Action::ManageTokens)?;
        let now = self.clock.now();
        let records = self.store.api_tokens(actor.id).await.map_err(store_err)?;
        Ok(records.into_iter().map(|r| view(r, now)).collect())
    }

    async fn revoke(&self, actor: &Actor, id: i64) -> Result<(), ServiceError> {
        require(actor, Action::ManageTokens)?;
        let revoked = self
            .store
            .revoke_api_token(actor.id, id, self.clock.now())
            .await
            .map_err(store_err)?;
        if !revoked {
            // Someone else's token and a revoked one read alike.
            return Err(ServiceError::NotFound);
        }
        tracing::info!(user_id = actor.id, token_id = id, "API token revoked");
        Ok(())
    }

    async fn authenticate(&self, secret: &str) -> Result<Actor, ServiceError> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Err(ServiceError::Unauthenticated);
        }
        let now = self.clock.now();
        let Some(token) = self
            .store
            .api_token_by_digest(&tokens::digest(secret))
            .await
            .map_err(store_err)?
        else {
            return Err(ServiceError::Unauthenticated);
        };
        if token.revoked_at.is_some() || token.expires_at <= now {
            return Err(ServiceError::Unauthenticated);
        }
        let owner = self
            .store
            .user_by_id(token.user_id)
            .await
            .map_err(store_err)?
            .filter(|user| user.active)
            .ok_or(ServiceError::Unauthenticated)?;
        // Once a minute is enough to tell when a token was last used, and
        // keeps a busy integration's reads from all becoming writes.
        if token
            .last_used_at
            .is_none_or(|used| now - used >= Duration::seconds(60))
        {
            self.store
                .touch_api_token(token.id, now)
                .await
                .map_err(store_err)?;
        }
        let scopes = Scopes::parse(&token.scopes)
            .unwrap_or_default()
            .within_role(owner.role);
        Ok(Actor {
            scopes: Some(scopes),
            ..Actor::session(owner.id, owner.role, owner.name, owner.email)
        })
    }
}
