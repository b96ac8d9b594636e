//! The account service: sign-up, sign-in, resets, one's own profile,
//! invitations and user administration. Implemented by the server over its
//! store; operations on someone else's account ask the policy, the rest
//! act for the actor on their own account or for a link's holder.

use super::account_commands::{
    AcceptInvitation, ChangePassword, ChangeRole, Invite, LinkToken, ListUsers, ResetPassword,
    SignIn, SignUp, UpdateProfile,
};
use super::error::ServiceError;
use crate::api::backend::SessionUser;
use crate::api::types::{Deactivated, Profile, UserPage};
use crate::domain::{Actor, EmailAddress, Role, UserId};
use async_trait::async_trait;
use std::net::IpAddr;

#[async_trait]
pub trait AccountService: Send + Sync + 'static {
    /// The active user behind a session, or `None` when the account is gone,
    /// deactivated, or its session epoch moved on.
    async fn load_actor(&self, session: SessionUser) -> Result<Option<Actor>, ServiceError>;
    /// Mails a confirmation link, or, when the address already has an
    /// account, a note to its owner; the answer is the same either way.
    async fn sign_up(&self, sign_up: SignUp, ip: IpAddr) -> Result<(), ServiceError>;
    /// Creates the account a confirmation link stands for.
    async fn confirm_sign_up(&self, token: LinkToken) -> Result<SessionUser, ServiceError>;
    /// Whether a confirmation link can still be used.
    async fn check_sign_up(&self, token: LinkToken) -> Result<(), ServiceError>;
    async fn sign_in(
        &self,
        sign_in: SignIn,
        ip: IpAddr,
    ) -> Result<(SessionUser, Role), ServiceError>;
    /// Answers alike, and as fast, for known and unknown addresses.
    async fn request_password_reset(
        &self,
        email: EmailAddress,
        ip: IpAddr,
    ) -> Result<(), ServiceError>;
    async fn reset_password(&self, reset: ResetPassword) -> Result<(), ServiceError>;
    /// Whether a reset link can still be used (so the page can say so at once).
    async fn check_reset_token(&self, token: LinkToken) -> Result<(), ServiceError>;
    /// Whether an invitation link can still be used.
    async fn check_invitation(&self, token: LinkToken) -> Result<(), ServiceError>;
    async fn profile(&self, actor: &Actor) -> Result<Profile, ServiceError>;
    async fn update_profile(
        &self,
        actor: &Actor,
        profile: UpdateProfile,
    ) -> Result<(), ServiceError>;
    /// Returns the new session identity: the password change ends every other session.
    async fn change_password(
        &self,
        actor: &Actor,
        change: ChangePassword,
    ) -> Result<SessionUser, ServiceError>;
    async fn list_users(&self, actor: &Actor, list: ListUsers) -> Result<UserPage, ServiceError>;
    /// Returns the address the invitation went to.
    async fn invite(&self, actor: &Actor, invite: Invite) -> Result<EmailAddress, ServiceError>;
    async fn accept_invitation(
        &self,
        accept: AcceptInvitation,
    ) -> Result<SessionUser, ServiceError>;
    async fn change_role(&self, actor: &Actor, change: ChangeRole) -> Result<(), ServiceError>;
    async fn deactivate(&self, actor: &Actor, user: UserId) -> Result<Deactivated, ServiceError>;
    async fn reactivate(&self, actor: &Actor, user: UserId) -> Result<(), ServiceError>;
}
