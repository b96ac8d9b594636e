//! Passwords: signing in, reset links and changing one's own password.
//! Wrong guesses are limited per address and per client, and known and
//! unknown addresses are answered alike.

use super::{
    hash_err, passwords, store_err, tokens, usable, Accounts, DEAD_RESET_LINK, WRONG_CREDENTIALS,
    WRONG_CURRENT_PASSWORD,
};
use crate::mail::templates;
use crate::store::NewToken;
use app::api::backend::SessionUser;
use app::domain::{Action, Actor, EmailAddress, Role};
use app::service::account_commands::{ChangePassword, LinkToken, ResetPassword, SignIn};
use app::service::{require, ServiceError};
use chrono::Duration;
use std::net::IpAddr;

const RESET_MINUTES: i64 = 60;

impl Accounts {
    pub(super) async fn sign_in(
        &self,
        sign_in: SignIn,
        ip: IpAddr,
    ) -> Result<(SessionUser, Role), ServiceError> {
        self.limit(
            format!("login:ip:{ip}"),
            self.config.rate_limits.login_per_ip,
        )
        .await?;
        if let Some(email) = &sign_in.email {
            self.limit(
                format!("login:account:{email}"),
                self.config.rate_limits.login_per_account,
            )
            .await?;
        }
        let user = match &sign_in.email {
            Some(email) => self.store.user_by_email(email).await.map_err(store_err)?,
            None => None,
        };
        let user = user.filter(|u| u.active);
        let verified = passwords::verify(
            sign_in.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await
        .map_err(hash_err)?;
        match user {
            Some(user) if verified => {
                tracing::info!(user_id = user.id, "signed in");
                Ok((self.session_for(&user), user.role))
            }
            _ => Err(ServiceError::form(WRONG_CREDENTIALS)),
        }
    }

    pub(super) async fn request_password_reset(
        &self,
        email: EmailAddress,
        ip: IpAddr,
    ) -> Result<(), ServiceError> {
        self.limit(
            format!("reset:ip:{ip}"),
            self.config.rate_limits.reset_per_ip,
        )
        .await?;
        self.limit(
            format!("reset:account:{email}"),
            self.config.rate_limits.reset_per_account,
        )
        .await?;
        let Some(user) = self
            .store
            .user_by_email(&email)
            .await
            .map_err(store_err)?
            .filter(|u| u.active)
        else {
            // Same answer as for a real account: no enumeration.
            return Ok(());
        };
        // The token and its mail are written after the answer, so a known
        // address answers as fast as an unknown one (no timing oracle).
        let (store, config, wake) = (
            self.store.clone(),
            self.config.clone(),
            self.mail_wake.clone(),
        );
        let now = self.clock.now();
        tokio::spawn(async move {
            let token = tokens::generate();
            let record = NewToken {
                user_id: user.id,
                token_hash: tokens::digest(&token),
                expires_at: now + Duration::minutes(RESET_MINUTES),
            };
            let mail = templates::password_reset(&config, email, &token, RESET_MINUTES);
            match store.replace_reset_token(record, mail, now).await {
                Ok(()) => wake.notify_one(),
                Err(err) => {
                    tracing::error!(user_id = user.id, error = %err, "reset link not stored")
                }
            }
        });
        Ok(())
    }

    pub(super) async fn reset_password(&self, reset: ResetPassword) -> Result<(), ServiceError> {
        let digest = tokens::digest(&reset.token.0);
        let owner = match self
            .store
            .reset_token_owner(&digest, self.clock.now())
            .await
            .map_err(store_err)?
        {
            Some(id) => self.store.user_by_id(id).await.map_err(store_err)?,
            None => None,
        };
        let Some(owner) = owner else {
            return Err(ServiceError::form(DEAD_RESET_LINK));
        };
        passwords::check_strength(&reset.password, owner.email.as_str(), owner.name.as_str())
            .map_err(|m| ServiceError::field("password", m))?;
        let hash = passwords::hash(reset.password.expose().to_owned())
            .await
            .map_err(hash_err)?;
        match self
            .store
            .consume_reset_token(&digest, &hash, self.clock.now())
            .await
            .map_err(store_err)?
        {
            Some(user_id) => {
                tracing::info!(user_id, "password reset");
                Ok(())
            }
            None => Err(ServiceError::form(DEAD_RESET_LINK)),
        }
    }

    pub(super) async fn check_reset_token(&self, token: LinkToken) -> Result<(), ServiceError> {
        let found = self
            .store
            .reset_token_owner(&tokens::digest(&token.0), self.clock.now())
            .await
            .map_err(store_err)?
            .is_some();
        usable(found, DEAD_RESET_LINK)
    }

    pub(super) async fn change_password(
        &self,
        actor: &Actor,
        change: ChangePassword,
    ) -> Result<SessionUser, ServiceError> {
        require(actor, Action::ManageOwnAccount)?;
        self.limit(
            format!("password:account:{}", actor.id),
            self.config.rate_limits.login_per_account,
        )
        .await?;
        passwords::check_strength(&change.new, &actor.email, &actor.name)
            .map_err(|m| ServiceError::field("new_password", m))?;
        let user = self
            .store
            .user_by_id(actor.id)
            .await
            .map_err(store_err)?
            .ok_or(ServiceError::NotFound)?;
        let ok = passwords::verify(change.current, Some(user.password_hash.clone()))
            .await
            .map_err(hash_err)?;
        if !ok {
            return Err(ServiceError::field(
                "current_password",
                WRONG_CURRENT_PASSWORD,
            ));
        }
        let hash = passwords::hash(change.new.expose().to_owned())
            .await
            .map_err(hash_err)?;
        let now = self.clock.now();
        let epoch = self
            .store
            .set_password(user.id, &hash, now)
            .await
            .map_err(store_err)?;
        Ok(SessionUser {
            user_id: user.id,
            epoch,
            started_at: now.timestamp_millis(),
        })
    }
}
