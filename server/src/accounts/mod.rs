//! The account service behind the app's [`AccountService`]: sign-up,
//! sign-in, resets, profiles, invitations and user administration, each
//! kind in the file named for it. This one holds what they share.

mod api_tokens;
mod credentials;
mod invitations;
pub mod passwords;
mod signup;
pub mod tokens;
mod users;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::limits::Limiter;
use crate::scheduler::RoutingSignal;
use crate::store::{SharedStore, StoreError, UserRecord};
use app::api::backend::SessionUser;
use app::api::types::{Deactivated, Profile, UserPage, UserSummary};
use app::domain::{Actor, EmailAddress, Role, UserId};
use app::service::account_commands::{
    AcceptInvitation, ChangePassword, ChangeRole, Invite, LinkToken, ListUsers, ResetPassword,
    SignIn, SignUp, UpdateProfile,
};
use app::service::{internal, AccountService, ServiceError};
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

    async fn limit(&self, key: String, limit: i64) -> Result<(), ServiceError> {
        self.limiter
            .hit(&key, limit, self.clock.now())
            .await
            .map_err(ServiceError::from)
    }
}

fn store_err(err: StoreError) -> ServiceError {
    match err {
        StoreError::NotFound => ServiceError::NotFound,
        other => internal(other),
    }
}

/// A link check's answer: fine, or the page's message for a dead link.
fn usable(usable: bool, dead: &str) -> Result<(), ServiceError> {
    if usable {
        Ok(())
    } else {
        Err(ServiceError::form(dead))
    }
}

fn hash_err(err: passwords::HashError) -> ServiceError {
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
    ) -> Result<Option<UserRecord>, ServiceError> {
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

/// The trait is the service's surface; each method lives with its kind.
#[async_trait]
impl AccountService for Accounts {
    async fn load_actor(&self, session: SessionUser) -> Result<Option<Actor>, ServiceError> {
        Ok(self
            .session_account(&session)
            .await?
            .map(|u| Actor::session(u.id, u.role, u.name, u.email)))
    }

    async fn sign_up(&self, sign_up: SignUp, ip: IpAddr) -> Result<(), ServiceError> {
        Accounts::sign_up(self, sign_up, ip).await
    }

    async fn confirm_sign_up(&self, token: LinkToken) -> Result<SessionUser, ServiceError> {
        Accounts::confirm_sign_up(self, token).await
    }

    async fn check_sign_up(&self, token: LinkToken) -> Result<(), ServiceError> {
        Accounts::check_sign_up(self, token).await
    }

    async fn sign_in(
        &self,
        sign_in: SignIn,
        ip: IpAddr,
    ) -> Result<(SessionUser, Role), ServiceError> {
        Accounts::sign_in(self, sign_in, ip).await
    }

    async fn request_password_reset(
        &self,
        email: EmailAddress,
        ip: IpAddr,
    ) -> Result<(), ServiceError> {
        Accounts::request_password_reset(self, email, ip).await
    }

    async fn reset_password(&self, reset: ResetPassword) -> Result<(), ServiceError> {
        Accounts::reset_password(self, reset).await
    }

    async fn check_reset_token(&self, token: LinkToken) -> Result<(), ServiceError> {
        Accounts::check_reset_token(self, token).await
    }

    async fn check_invitation(&self, token: LinkToken) -> Result<(), ServiceError> {
        Accounts::check_invitation(self, token).await
    }

    async fn profile(&self, actor: &Actor) -> Result<Profile, ServiceError> {
        Accounts::profile(self, actor).await
    }

    async fn update_profile(
        &self,
        actor: &Actor,
        profile: UpdateProfile,
    ) -> Result<(), ServiceError> {
        Accounts::update_profile(self, actor, profile).await
    }

    async fn change_password(
        &self,
        actor: &Actor,
        change: ChangePassword,
    ) -> Result<SessionUser, ServiceError> {
        Accounts::change_password(self, actor, change).await
    }

    async fn list_users(&self, actor: &Actor, list: ListUsers) -> Result<UserPage, ServiceError> {
        Accounts::list_users(self, actor, list).await
    }

    async fn invite(&self, actor: &Actor, invite: Invite) -> Result<EmailAddress, ServiceError> {
        Accounts::invite(self, actor, invite).await
    }

    async fn accept_invitation(
        &self,
        accept: AcceptInvitation,
    ) -> Result<SessionUser, ServiceError> {
        Accounts::accept_invitation(self, accept).await
    }

    async fn change_role(&self, actor: &Actor, change: ChangeRole) -> Result<(), ServiceError> {
        Accounts::change_role(self, actor, change).await
    }

    async fn deactivate(&self, actor: &Actor, user: UserId) -> Result<Deactivated, ServiceError> {
        Accounts::deactivate(self, actor, user).await
    }

    async fn reactivate(&self, actor: &Actor, user: UserId) -> Result<(), ServiceError> {
        Accounts::reactivate(self, actor, user).await
    }
}
