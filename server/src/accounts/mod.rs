//! Account services: sign-up, sign-in, resets, profiles, invitations and
//! user administration. Server functions call these through the app's
//! [`Desk`] trait after the policy has admitted the actor.

pub mod passwords;
pub mod tokens;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::limits::Limiter;
use crate::mail::templates;
use crate::scheduler::RoutingSignal;
use crate::store::{NewInvitation, NewSignup, NewToken, SharedStore, StoreError, UserRecord};
use app::api::backend::{internal, Desk, SessionUser};
use app::api::types::*;
use app::domain::{Actor, DisplayName, EmailAddress, Password, Role, SearchText, TimezoneName};
use app::error::AppError;
use app::service::FieldErrors;
use async_trait::async_trait;
use chrono::Duration;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::Notify;

pub const WRONG_CREDENTIALS: &str = "Email or password is incorrect.";
pub const EMAIL_TAKEN: &str =
    "An account with this email already exists. Sign in or reset your password.";
pub const DEAD_SIGN_UP_LINK: &str =
    "This confirmation link has expired or has already been used. Sign up again to get a new one.";
pub const DEAD_RESET_LINK: &str =
    "This reset link has expired or has already been used. Request a new one.";
pub const DEAD_INVITATION: &str =
    "This invitation has expired or has already been used. Ask an admin for a new one.";
pub const WRONG_CURRENT_PASSWORD: &str = "The current password is incorrect.";
const RESET_MINUTES: i64 = 60;
const SIGN_UP_HOURS: i64 = 24;
const INVITATION_DAYS: i64 = 7;
/// Sessions end after this long no matter how active they are.
const ABSOLUTE_SESSION_DAYS: i64 = 30;

pub struct Accounts {
    store: SharedStore,
    config: Arc<Config>,
    clock: SharedClock,
    limiter: Limiter,
    mail_wake: Arc<Notify>,
    routing: Arc<RoutingSignal>,
}

impl Accounts {
    pub fn new(
        store: SharedStore,
        config: Arc<Config>,
        clock: SharedClock,
        mail_wake: Arc<Notify>,
        routing: Arc<RoutingSignal>,
    ) -> Self {
        let limiter = Limiter::new(store.clone(), config.rate_limits.window_secs);
        Self {
            store,
            config,
            clock,
            limiter,
            mail_wake,
            routing,
        }
    }

    fn session_for(&self, user: &UserRecord) -> SessionUser {
        SessionUser {
            user_id: user.id,
            epoch: user.session_epoch,
            started_at: self.clock.now().timestamp_millis(),
        }
    }

    async fn limit(&self, key: String, limit: i64) -> Result<(), AppError> {
        self.limiter
            .hit(&key, limit, self.clock.now())
            .await
            .map_err(AppError::from)
    }
}

fn store_err(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    }
}

fn hash_err(err: passwords::HashError) -> AppError {
    internal(err)
}

fn summary(user: UserRecord) -> UserSummary {
    UserSummary {
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        active: user.active,
        created_at: user.created_at,
    }
}

impl Accounts {
    /// The account behind a session, if the session still counts: not past
    /// its absolute age, the account active, the epoch unchanged.
    async fn session_account(
        &self,
        session: &SessionUser,
    ) -> Result<Option<crate::store::UserRecord>, AppError> {
        let age = self.clock.now().timestamp_millis() - session.started_at;
        if age > Duration::days(ABSOLUTE_SESSION_DAYS).num_milliseconds() {
            return Ok(None);
        }
        let user = self
            .store
            .user_by_id(session.user_id)
            .await
            .map_err(store_err)?;
        Ok(user.filter(|u| u.active && u.session_epoch == session.epoch))
    }

    /// The timezone a signed-in viewer's pages are drawn in: their
    /// profile's, read fresh so a change shows on the next page.
    pub async fn viewer_timezone(&self, session: SessionUser) -> Option<String> {
        let account = self.session_account(&session).await.ok()??;
        Some(account.timezone)
    }
}

#[async_trait]
impl Desk for Accounts {
    async fn load_actor(&self, session: SessionUser) -> Result<Option<Actor>, AppError> {
        Ok(self.session_account(&session).await?.map(|u| Actor {
            id: u.id,
            role: u.role,
            name: u.name,
            email: u.email,
        }))
    }

    async fn sign_up(&self, input: SignUpInput, ip: IpAddr) -> Result<(), AppError> {
        self.limit(
            format!("signup:ip:{ip}"),
            self.config.rate_limits.signup_per_ip,
        )
        .await?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let password = errors.check("password", Password::parse(&input.password));
        if let Some(password) = &password {
            let strength = passwords::check_strength(password, &input.email, &input.name);
            errors.check("password", strength);
        }
        errors.into_result()?;
        let (Some(name), Some(email), Some(password)) = (name, email, password) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
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
                    // The browser's zone when it sent a valid one.
                    timezone: input
                        .timezone
                        .as_deref()
                        .and_then(|z| TimezoneName::parse(z).ok())
                        .unwrap_or_else(TimezoneName::utc),
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

    async fn confirm_sign_up(&self, token: String) -> Result<SessionUser, AppError> {
        let digest = tokens::digest(&token);
        match self.store.complete_signup(&digest, self.clock.now()).await {
            Ok(Some(user)) => {
                tracing::info!(user_id = user.id, "customer signed up");
                Ok(self.session_for(&user))
            }
            Ok(None) => Err(AppError::form(DEAD_SIGN_UP_LINK)),
            Err(StoreError::Conflict(_)) => Err(AppError::form(EMAIL_TAKEN)),
            Err(other) => Err(store_err(other)),
        }
    }

    async fn check_sign_up(&self, token: String) -> Result<(), AppError> {
        let usable = self
            .store
            .signup_usable(&tokens::digest(&token), self.clock.now())
            .await
            .map_err(store_err)?;
        if usable {
            Ok(())
        } else {
            Err(AppError::form(DEAD_SIGN_UP_LINK))
        }
    }

    async fn sign_in(
        &self,
        input: SignInInput,
        ip: IpAddr,
    ) -> Result<(SessionUser, Role), AppError> {
        self.limit(
            format!("login:ip:{ip}"),
            self.config.rate_limits.login_per_ip,
        )
        .await?;
        let email = EmailAddress::parse(&input.email).ok();
        if let Some(email) = &email {
            self.limit(
                format!("login:account:{email}"),
                self.config.rate_limits.login_per_account,
            )
            .await?;
        }
        let user = match &email {
            Some(email) => self.store.user_by_email(email).await.map_err(store_err)?,
            None => None,
        };
        let user = user.filter(|u| u.active);
        let verified = passwords::verify(
            input.password,
            user.as_ref().map(|u| u.password_hash.clone()),
        )
        .await
        .map_err(hash_err)?;
        match user {
            Some(user) if verified => {
                tracing::info!(user_id = user.id, "signed in");
                Ok((self.session_for(&user), user.role))
            }
            _ => Err(AppError::form(WRONG_CREDENTIALS)),
        }
    }

    async fn request_password_reset(
        &self,
        input: ResetRequestInput,
        ip: IpAddr,
    ) -> Result<(), AppError> {
        self.limit(
            format!("reset:ip:{ip}"),
            self.config.rate_limits.reset_per_ip,
        )
        .await?;
        let email = EmailAddress::parse(&input.email).map_err(|m| AppError::field("email", m))?;
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

    async fn reset_password(&self, input: ResetConfirmInput) -> Result<(), AppError> {
        let password =
            Password::parse(&input.password).map_err(|m| AppError::field("password", m))?;
        let digest = tokens::digest(&input.token);
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
            return Err(AppError::form(DEAD_RESET_LINK));
        };
        passwords::check_strength(&password, owner.email.as_str(), owner.name.as_str())
            .map_err(|m| AppError::field("password", m))?;
        let hash = passwords::hash(password.expose().to_owned())
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
            None => Err(AppError::form(DEAD_RESET_LINK)),
        }
    }

    async fn check_reset_token(&self, token: String) -> Result<(), AppError> {
        let usable = self
            .store
            .reset_token_owner(&tokens::digest(&token), self.clock.now())
            .await
            .map_err(store_err)?
            .is_some();
        if usable {
            Ok(())
        } else {
            Err(AppError::form(DEAD_RESET_LINK))
        }
    }

    async fn check_invitation(&self, token: String) -> Result<(), AppError> {
        let usable = self
            .store
            .invitation_email(&tokens::digest(&token), self.clock.now())
            .await
            .map_err(store_err)?
            .is_some();
        if usable {
            Ok(())
        } else {
            Err(AppError::form(DEAD_INVITATION))
        }
    }

    async fn profile(&self, actor: &Actor) -> Result<Profile, AppError> {
        let user = self
            .store
            .user_by_id(actor.id)
            .await
            .map_err(store_err)?
            .ok_or(AppError::NotFound)?;
        Ok(Profile {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            timezone: user.timezone,
        })
    }

    async fn update_profile(&self, actor: &Actor, input: ProfileInput) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let timezone = errors.check("timezone", TimezoneName::parse(&input.timezone));
        errors.into_result()?;
        let (Some(name), Some(timezone)) = (name, timezone) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        self.store
            .update_profile(actor.id, &name, &timezone, self.clock.now())
            .await
            .map_err(store_err)
    }

    async fn change_password(
        &self,
        actor: &Actor,
        input: PasswordChangeInput,
    ) -> Result<SessionUser, AppError> {
        self.limit(
            format!("password:account:{}", actor.id),
            self.config.rate_limits.login_per_account,
        )
        .await?;
        let new =
            Password::parse(&input.new_password).map_err(|m| AppError::field("new_password", m))?;
        passwords::check_strength(&new, &actor.email, &actor.name)
            .map_err(|m| AppError::field("new_password", m))?;
        let user = self
            .store
            .user_by_id(actor.id)
            .await
            .map_err(store_err)?
            .ok_or(AppError::NotFound)?;
        let ok = passwords::verify(input.current_password, Some(user.password_hash.clone()))
            .await
            .map_err(hash_err)?;
        if !ok {
            return Err(AppError::field("current_password", WRONG_CURRENT_PASSWORD));
        }
        let hash = passwords::hash(new.expose().to_owned())
            .await
            .map_err(hash_err)?;
        let epoch = self
            .store
            .set_password(user.id, &hash, self.clock.now())
            .await
            .map_err(store_err)?;
        Ok(SessionUser {
            user_id: user.id,
            epoch,
            started_at: self.clock.now().timestamp_millis(),
        })
    }

    async fn list_users(
        &self,
        _actor: &Actor,
        params: UserListParams,
    ) -> Result<UserPage, AppError> {
        let text = SearchText::parse(params.q.as_deref().unwrap_or(""))
            .map_err(|m| AppError::BadRequest(m.to_owned()))?;
        // One more than a page tells whether another page follows.
        let mut users = self
            .store
            .list_users(
                text.as_ref().map(SearchText::as_str),
                params.after,
                USERS_PER_PAGE + 1,
            )
            .await
            .map_err(store_err)?;
        let more = users.len() as i64 > USERS_PER_PAGE;
        users.truncate(USERS_PER_PAGE as usize);
        let next = more.then(|| users.last().map(|u| u.id)).flatten();
        Ok(UserPage {
            items: users.into_iter().map(summary).collect(),
            next,
        })
    }

    async fn invite(&self, actor: &Actor, input: InviteInput) -> Result<String, AppError> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let role = errors.check(
            "role",
            Role::parse(&input.role)
                .ok()
                .filter(|r| r.is_staff())
                .ok_or("Choose agent or admin."),
        );
        errors.into_result()?;
        let (Some(email), Some(role)) = (email, role) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        if self
            .store
            .user_by_email(&email)
            .await
            .map_err(store_err)?
            .is_some()
        {
            return Err(AppError::field(
                "email",
                "This person already has an account. Change their role in the user list instead.",
            ));
        }
        let token = tokens::generate();
        let now = self.clock.now();
        let invitation = NewInvitation {
            email: email.clone(),
            role,
            token_hash: tokens::digest(&token),
            invited_by: actor.id,
            expires_at: now + Duration::days(INVITATION_DAYS),
        };
        let mail = templates::invitation(
            &self.config,
            email.clone(),
            role,
            &actor.name,
            &token,
            INVITATION_DAYS,
        );
        self.store
            .create_invitation(invitation, mail, now)
            .await
            .map_err(store_err)?;
        self.mail_wake.notify_one();
        tracing::info!(actor_id = actor.id, %role, "invitation sent");
        Ok(email.to_string())
    }

    async fn accept_invite(&self, input: AcceptInviteInput) -> Result<SessionUser, AppError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let password = errors.check("password", Password::parse(&input.password));
        errors.into_result()?;
        let (Some(name), Some(password)) = (name, password) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let digest = tokens::digest(&input.token);
        let Some(invited) = self
            .store
            .invitation_email(&digest, self.clock.now())
            .await
            .map_err(store_err)?
        else {
            return Err(AppError::form(DEAD_INVITATION));
        };
        passwords::check_strength(&password, &invited, name.as_str())
            .map_err(|m| AppError::field("password", m))?;
        let hash = passwords::hash(password.expose().to_owned())
            .await
            .map_err(hash_err)?;
        match self
            .store
            .accept_invitation(&digest, &name, &hash, self.clock.now())
            .await
        {
            Ok(Some(user)) => {
                tracing::info!(user_id = user.id, role = %user.role, "invitation accepted");
                Ok(self.session_for(&user))
            }
            Ok(None) => Err(AppError::form(DEAD_INVITATION)),
            Err(StoreError::Conflict(_)) => Err(AppError::form(EMAIL_TAKEN)),
            Err(other) => Err(store_err(other)),
        }
    }

    async fn change_role(&self, actor: &Actor, input: ChangeRoleInput) -> Result<(), AppError> {
        let role = Role::parse(&input.role).map_err(|m| AppError::field("role", m))?;
        self.store
            .set_role(actor.id, input.user_id, role, self.clock.now())
            .await
            .map_err(store_err)
    }

    async fn deactivate(
        &self,
        actor: &Actor,
        input: DeactivateInput,
    ) -> Result<Deactivated, AppError> {
        let returned = self
            .store
            .deactivate_user(actor.id, input.user_id, self.clock.now())
            .await
            .map_err(store_err)?;
        // The scheduler forgets the agent as a candidate first, then hands
        // the returned tickets on (and the store never assigns to an
        // inactive account, whatever roster a planner still holds).
        self.routing.roster().await;
        for &ticket in &returned {
            self.routing.ticket(ticket).await;
        }
        let user = self
            .store
            .user_by_id(input.user_id)
            .await
            .map_err(store_err)?
            .ok_or_else(|| store_err(StoreError::NotFound))?;
        tracing::info!(
            user_id = user.id,
            returned = returned.len(),
            "user deactivated"
        );
        Ok(Deactivated {
            name: user.name,
            returned: returned.len(),
        })
    }

    async fn reactivate(&self, actor: &Actor, input: ReactivateInput) -> Result<(), AppError> {
        self.store
            .reactivate_user(actor.id, input.user_id, self.clock.now())
            .await
            .map_err(store_err)?;
        self.routing.roster().await;
        Ok(())
    }
}
