//! One's own profile, and the admin's user list with role changes,
//! deactivation (which hands the person's tickets back to their queues)
//! and reactivation.

use super::{store_err, summary, Accounts};
use crate::store::StoreError;
use app::api::types::{Deactivated, Profile, UserPage, USERS_PER_PAGE};
use app::domain::{Action, Actor, SearchText, UserId};
use app::service::account_commands::{ChangeRole, ListUsers, UpdateProfile};
use app::service::{require, ServiceError};

impl Accounts {
    pub(super) async fn profile(&self, actor: &Actor) -> Result<Profile, ServiceError> {
        require(actor, Action::ManageOwnAccount)?;
        let user = self
            .store
            .user_by_id(actor.id)
            .await
            .map_err(store_err)?
            .ok_or(ServiceError::NotFound)?;
        Ok(Profile {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
            timezone: user.timezone,
        })
    }

    pub(super) async fn update_profile(
        &self,
        actor: &Actor,
        profile: UpdateProfile,
    ) -> Result<(), ServiceError> {
        require(actor, Action::ManageOwnAccount)?;
        self.store
            .update_profile(actor.id, &profile.name, &profile.timezone, self.clock.now())
            .await
            .map_err(store_err)
    }

    pub(super) async fn list_users(
        &self,
        actor: &Actor,
        list: ListUsers,
    ) -> Result<UserPage, ServiceError> {
        require(actor, Action::ManageUsers)?;
        // One more than a page tells whether another page follows.
        let mut users = self
            .store
            .list_users(
                list.text.as_ref().map(SearchText::as_str),
                list.after,
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

    pub(super) async fn change_role(
        &self,
        actor: &Actor,
        change: ChangeRole,
    ) -> Result<(), ServiceError> {
        let target_id = change.user.0;
        require(actor, Action::ChangeUser { target_id })?;
        self.store
            .set_role(actor.id, target_id, change.role, self.clock.now())
            .await
            .map_err(store_err)
    }

    pub(super) async fn deactivate(
        &self,
        actor: &Actor,
        user: UserId,
    ) -> Result<Deactivated, ServiceError> {
        require(actor, Action::ChangeUser { target_id: user.0 })?;
        let returned = self
            .store
            .deactivate_user(actor.id, user.0, self.clock.now())
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
            .user_by_id(user.0)
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

    pub(super) async fn reactivate(&self, actor: &Actor, user: UserId) -> Result<(), ServiceError> {
        require(actor, Action::ChangeUser { target_id: user.0 })?;
        self.store
            .reactivate_user(actor.id, user.0, self.clock.now())
            .await
            .map_err(store_err)?;
        self.routing.roster().await;
        Ok(())
    }
}
