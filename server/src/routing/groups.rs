//! Groups in the admin console: create, rename, archive, strategy and the
//! auto-assignment switch, members and their capacity.

use super::{staff_options, store_err, Routing};
use crate::store::StoreError;
use app::api::routing_types::*;
use app::domain::{Actor, GroupId, Role};
use app::service::routing_commands::{CreateGroup, RemoveMember, SetMember, UpdateGroup};
use app::service::ServiceError;

fn taken(err: StoreError) -> ServiceError {
    match err {
        StoreError::Conflict(_) => {
            ServiceError::field("name", "Another group already has this name.")
        }
        other => store_err(other),
    }
}

impl Routing {
    pub(super) async fn overview(&self) -> Result<GroupsOverview, ServiceError> {
        let depths: std::collections::HashMap<i64, i64> = self
            .store
            .queue_depths()
            .await
            .map_err(store_err)?
            .into_iter()
            .collect();
        let mut groups = Vec::new();
        for group in self.store.list_groups().await.map_err(store_err)? {
            let members = self
                .store
                .group_members(group.id)
                .await
                .map_err(store_err)?;
            groups.push(GroupAdmin {
                id: group.id,
                name: group.name,
                archived: group.archived,
                strategy: group.strategy,
                auto_assign: group.auto_assign,
                queue_depth: depths.get(&group.id).copied().unwrap_or(0),
                members: members
                    .into_iter()
                    .map(|m| MemberView {
                        user_id: m.user_id,
                        name: m.name,
                        email: m.email,
                        capacity: m.capacity,
                        availability: m.availability,
                        load: m.load,
                        lead: m.lead,
                    })
                    .collect(),
            });
        }
        let staff = staff_options(&self.store).await?;
        Ok(GroupsOverview { groups, staff })
    }

    pub(super) async fn add_group(
        &self,
        actor: &Actor,
        group: CreateGroup,
    ) -> Result<GroupId, ServiceError> {
        let group = self
            .store
            .create_group(Some(actor.id), &group.name, self.clock.now())
            .await
            .map_err(taken)?;
        tracing::info!(actor_id = actor.id, group_id = group.id, "group created");
        Ok(GroupId(group.id))
    }

    pub(super) async fn change_group(
        &self,
        actor: &Actor,
        group: UpdateGroup,
    ) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let id = group.group.0;
        self.store
            .rename_group(Some(actor.id), id, &group.name, now)
            .await
            .map_err(taken)?;
        self.store
            .set_group_policy(Some(actor.id), id, group.strategy, group.auto_assign, now)
            .await
            .map_err(store_err)?;
        self.store
            .set_group_archived(Some(actor.id), id, group.archived, now)
            .await
            .map_err(store_err)?;
        tracing::info!(actor_id = actor.id, group_id = id, "group changed");
        self.signal.roster().await;
        Ok(())
    }

    pub(super) async fn put_member(
        &self,
        actor: &Actor,
        member: SetMember,
    ) -> Result<(), ServiceError> {
        let (group_id, user_id, capacity) = (member.group.0, member.user.0, member.capacity);
        let user = self.store.user_by_id(user_id).await.map_err(store_err)?;
        if !user.is_some_and(|u| u.active && matches!(u.role, Role::Agent | Role::Admin)) {
            return Err(ServiceError::field(
                "user_id",
                "Only active agents and admins can join a group.",
            ));
        }
        if self
            .store
            .group(group_id)
            .await
            .map_err(store_err)?
            .is_none()
        {
            return Err(ServiceError::NotFound);
        }
        self.store
            .set_member(group_id, user_id, capacity, self.clock.now())
            .await
            .map_err(store_err)?;
        self.store
            .set_lead(group_id, user_id, member.lead)
            .await
            .map_err(store_err)?;
        tracing::info!(
            actor_id = actor.id,
            group_id,
            user_id,
            capacity,
            "member set"
        );
        self.signal.roster().await;
        Ok(())
    }

    pub(super) async fn drop_member(
        &self,
        actor: &Actor,
        member: RemoveMember,
    ) -> Result<(), ServiceError> {
        let (group_id, user_id) = (member.group.0, member.user.0);
        self.store
            .remove_member(group_id, user_id)
            .await
            .map_err(store_err)?;
        tracing::info!(actor_id = actor.id, group_id, user_id, "member removed");
        self.signal.roster().await;
        Ok(())
    }
}
