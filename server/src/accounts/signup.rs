//! Sign-up by emailed link: the form always answers "check your email"; a
//! new address gets a confirmation link, an address with an account gets a
//! note to its owner, and both paths cost the same.

use super::{
    hash_err, passwords, store_err, tokens, usable, Accounts, DEAD_SIGN_UP_LINK, EMAIL_TAKEN,
};
use crate::mail::templates;
use crate::store::{NewSignup, StoreError};
use app::api::backend::SessionUser;
use app::domain::TimezoneName;
use app::service::account_commands::{LinkToken, SignUp};
use app::service::ServiceError;
use chrono::Duration;
use std::net::IpAddr;

const SIGN_UP_HOURS: i64 = 24;

impl Accounts {
    pub(super) async fn sign_up(&self, sign_up: SignUp, ip: IpAddr) -> Result<(), ServiceError> {
        self.limit(
            format!("signup:ip:{ip}"),
            self.config.rate_limits.signup_per_ip,
        )
        .await?;
        let SignUp {
            name,
            email,
            password,
            timezone,
        } = sign_up;
        passwords::check_strength(&password, email.as_str(), name.as_str())
            .map_err(|m| ServiceError::field("password", m))?;
        self.limit(
            format!("signup:account:{email}"),
            self.config.rate_limits.reset_per_account,
        )
        .await?;
        // Hashed whether or not it is kept, so both answers take as long.
        let password_hash = passwords::hash(password.expose().to_owned())
            .await
            .map_err(hash_err)?;
        let now = self.clock.now();
        let existing = self.store.user_by_email(&email).await.map_err(store_err)?;
        match existing {
            Some(owner) => {
                if owner.active {
                    let mail = templates::sign_up_with_existing_account(&self.config, email);
                    self.store
                        .enqueue_email(mail, now)
                        .await
                        .map_err(store_err)?;
                }
                tracing::info!(
                    user_id = owner.id,
                    "sign-up for an existing account: owner told"
                );
            }
            None => {
                let token = tokens::generate();
                let mail =
                    templates::confirm_sign_up(&self.config, email.clone(), &token, SIGN_UP_HOURS);
                let signup = NewSignup {
                    email,
                    name,
                    password_hash,
                    timezone: timezone.unwrap_or_else(TimezoneName::utc),
                    token_hash: tokens::digest(&token),
                    expires_at: now + Duration::hours(SIGN_UP_HOURS),
                };
                self.store
                    .replace_signup(signup, mail, now)
                    .await
                    .map_err(store_err)?;
                tracing::info!("sign-up waiting for its address to be confirmed");
            }
        }
        self.mail_wake.notify_one();
        Ok(())
    }

    pub(super) async fn confirm_sign_up(
        &self,
        token: LinkToken,
    ) -> Result<SessionUser, ServiceError> {
        let digest = tokens::digest(&token.0);
        match self.store.complete_signup(&digest, self.clock.now()).await {
            Ok(Some(user)) => {
                tracing::info!(user_id = user.id, "customer signed up");
                Ok(self.session_for(&user))
            }
            Ok(None) => Err(ServiceError::form(DEAD_SIGN_UP_LINK)),
            Err(StoreError::Conflict(_)) => Err(ServiceError::form(EMAIL_TAKEN)),
            Err(other) => Err(store_err(other)),
        }
    }

    pub(super) async fn check_sign_up(&self, token: LinkToken) -> Result<(), ServiceError> {
        let found = self
            .store
            .signup_usable(&tokens::digest(&token.0), self.clock.now())
            .await
            .map_err(store_err)?;
        usable(found, DEAD_SIGN_UP_LINK)
    }
}
