//! Groups in the admin console: create, rename, archive, strategy and the
//! auto-assignment switch, members and their capacity.

use super::{staff_options, store_err, Routing};
use crate::store::StoreError;
use app::api::routing_types::*;
use app::domain::category::parse_name;
use app::domain::{Actor, Role, Strategy};
use app::error::{AppError, FieldErrors};

/// Capacity is a count of running tickets; beyond this it is a typo.
const MAX_CAPACITY: u32 = 1_000;

fn taken(err: StoreError) -> AppError {
    match err {
        StoreError::Conflict(_) => AppError::field("name", "Another group already has this name."),
        other => store_err(other),
    }
}

impl Routing {
    pub(super) async fn overview(&self) -> Result<GroupsOverview, AppError> {
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
        input: GroupCreateInput,
    ) -> Result<i64, AppError> {
        let name = parse_name(&input.name).map_err(|m| AppError::field("name", m))?;
        let group = self
            .store
            .create_group(Some(actor.id), &name, self.clock.now())
            .await
            .map_err(taken)?;
        tracing::info!(actor_id = actor.id, group_id = group.id, "group created");
        Ok(group.id)
    }

    pub(super) async fn change_group(
        &self,
        actor: &Actor,
        input: GroupUpdateInput,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&input.name));
        let strategy = errors.check(
            "strategy",
            Strategy::parse(input.strategy.trim()).ok_or("Choose an assignment strategy."),
        );
        errors.into_result()?;
        let (Some(name), Some(strategy)) = (name, strategy) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let now = self.clock.now();
        let id = input.group_id;
        self.store
            .rename_group(Some(actor.id), id, &name, now)
            .await
            .map_err(taken)?;
        self.store
            .set_group_policy(
                Some(actor.id),
                id,
                strategy,
                input.auto_assign.is_some(),
                now,
            )
            .await
            .map_err(store_err)?;
        self.store
            .set_group_archived(Some(actor.id), id, input.archived.is_some(), now)
            .await
            .map_err(store_err)?;
        tracing::info!(actor_id = actor.id, group_id = id, "group changed");
        self.signal.roster().await;
        Ok(())
    }

    pub(super) async fn put_member(
        &self,
        actor: &Actor,
        input: MemberInput,
    ) -> Result<(), AppError> {
        let mut errors = FieldErrors::default();
        let capacity = errors.check(
            "capacity",
            input
                .capacity
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|c| *c <= MAX_CAPACITY)
                .ok_or("Enter a whole number from 0 to 1000."),
        );
        let user_id = errors.check(
            "user_id",
            input
                .user_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose an agent."),
        );
        errors.into_result()?;
        let (Some(capacity), Some(user_id)) = (capacity, user_id) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let user = self.store.user_by_id(user_id).await.map_err(store_err)?;
        if !user.is_some_and(|u| u.active && matches!(u.role, Role::Agent | Role::Admin)) {
            return Err(AppError::field(
                "user_id",
                "Only active agents and admins can join a group.",
            ));
        }
        if self
            .store
            .group(input.group_id)
            .await
            .map_err(store_err)?
            .is_none()
        {
            return Err(AppError::NotFound);
        }
        self.store
            .set_member(input.group_id, user_id, capacity, self.clock.now())
            .await
            .map_err(store_err)?;
        self.store
            .set_lead(input.group_id, user_id, input.lead.is_some())
            .await
            .map_err(store_err)?;
        tracing::info!(
            actor_id = actor.id,
            group_id = input.group_id,
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
        input: MemberRemoveInput,
    ) -> Result<(), AppError> {
        self.store
            .remove_member(input.group_id, input.user_id)
            .await
            .map_err(store_err)?;
        tracing::info!(
            actor_id = actor.id,
            group_id = input.group_id,
            user_id = input.user_id,
            "member removed"
        );
        self.signal.roster().await;
        Ok(())
    }
}
