//! Invitations: an admin invites an agent or admin by address; the link
//! lets them choose a name and password and signs them in.

use super::{
    hash_err, passwords, store_err, tokens, usable, Accounts, DEAD_INVITATION, EMAIL_TAKEN,
};
use crate::mail::templates;
use crate::store::{NewInvitation, StoreError};
use app::api::backend::SessionUser;
use app::domain::{Action, Actor, EmailAddress};
use app::service::account_commands::{AcceptInvitation, Invite, LinkToken};
use app::service::{require, ServiceError};
use chrono::Duration;

const INVITATION_DAYS: i64 = 7;

impl Accounts {
    pub(super) async fn invite(
        &self,
        actor: &Actor,
        invite: Invite,
    ) -> Result<EmailAddress, ServiceError> {
        require(actor, Action::ManageUsers)?;
        let Invite { email, role } = invite;
        if self
            .store
            .user_by_email(&email)
            .await
            .map_err(store_err)?
            .is_some()
        {
            return Err(ServiceError::field(
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
        Ok(email)
    }

    pub(super) async fn accept_invitation(
        &self,
        accept: AcceptInvitation,
    ) -> Result<SessionUser, ServiceError> {
        let digest = tokens::digest(&accept.token.0);
        let Some(invited) = self
            .store
            .invitation_email(&digest, self.clock.now())
            .await
            .map_err(store_err)?
        else {
            return Err(ServiceError::form(DEAD_INVITATION));
        };
        passwords::check_strength(&accept.password, &invited, accept.name.as_str())
            .map_err(|m| ServiceError::field("password", m))?;
        let hash = passwords::hash(accept.password.expose().to_owned())
            .await
            .map_err(hash_err)?;
        match self
            .store
            .accept_invitation(&digest, &accept.name, &hash, self.clock.now())
            .await
        {
            Ok(Some(user)) => {
                tracing::info!(user_id = user.id, role = %user.role, "invitation accepted");
                Ok(self.session_for(&user))
            }
            Ok(None) => Err(ServiceError::form(DEAD_INVITATION)),
            Err(StoreError::Conflict(_)) => Err(ServiceError::form(EMAIL_TAKEN)),
            Err(other) => Err(store_err(other)),
        }
    }

    pub(super) async fn check_invitation(&self, token: LinkToken) -> Result<(), ServiceError> {
        let found = self
            .store
            .invitation_email(&tokens::digest(&token.0), self.clock.now())
            .await
            .map_err(store_err)?
            .is_some();
        usable(found, DEAD_INVITATION)
    }
}
