//! The routing service behind the app's [`RoutingService`]: groups and their
//! members, the category tree, and agents' availability. Every change that
//! can alter who gets what wakes the scheduler.

mod categories;
mod groups;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::scheduler::RoutingSignal;
use crate::store::{SharedStore, StoreError};
use app::api::routing_types::*;
use app::domain::{Action, Actor, Availability, CategoryId, GroupId};
use app::service::routing_commands::{
    CreateGroup, RemoveMember, SaveCategory, SetMember, UpdateGroup,
};
use app::service::{internal, require, require_of, RoutingService, ServiceError};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A session's use is written at most this often.
const SEEN_EVERY: Duration = Duration::from_secs(60);

pub struct Routing {
    store: SharedStore,
    config: Arc<Config>,
    clock: SharedClock,
    signal: Arc<RoutingSignal>,
    /// When each session's use was last written, so requests stay cheap.
    seen: Mutex<HashMap<String, Instant>>,
}

impl Routing {
    pub fn new(
        store: SharedStore,
        config: Arc<Config>,
        clock: SharedClock,
        signal: Arc<RoutingSignal>,
    ) -> Self {
        Self {
            store,
            config,
            clock,
            signal,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Whether to write this session's use now (at most once a minute).
    fn due(&self, key: &str) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if seen
            .get(key)
            .is_some_and(|at| now.duration_since(*at) < SEEN_EVERY)
        {
            return false;
        }
        if seen.len() > 10_000 {
            seen.retain(|_, at| now.duration_since(*at) < SEEN_EVERY);
        }
        seen.insert(key.to_owned(), now);
        true
    }

    fn forget(&self, key: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    fn idle_before(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now() - chrono::Duration::minutes(self.config.scheduler.idle_minutes)
    }
}

/// How every admin and agent picker lists a group.
impl From<crate::store::GroupRecord> for app::api::types::GroupOption {
    fn from(group: crate::store::GroupRecord) -> Self {
        Self {
            id: group.id,
            name: group.name,
            archived: group.archived,
        }
    }
}

/// Active agents and admins, as the pickers for members, leads and
/// escalation recipients list them.
pub(crate) async fn staff_options(store: &SharedStore) -> Result<Vec<StaffOption>, ServiceError> {
    Ok(store
        .list_staff()
        .await
        .map_err(store_err)?
        .into_iter()
        .filter(|u| u.active && u.role.is_staff())
        .map(|u| StaffOption {
            id: u.id,
            name: u.name,
            email: u.email,
        })
        .collect())
}

pub(crate) fn store_err(err: StoreError) -> ServiceError {
    match err {
        StoreError::NotFound => ServiceError::NotFound,
        other => internal(other),
    }
}

/// Session ids are credentials: only their digest is stored.
fn session_key(session_id: &str) -> String {
    crate::accounts::tokens::digest(session_id)
}

#[async_trait]
impl RoutingService for Routing {
    async fn groups_overview(&self, actor: &Actor) -> Result<GroupsOverview, ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.overview().await
    }

    async fn create_group(
        &self,
        actor: &Actor,
        group: CreateGroup,
    ) -> Result<GroupId, ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.add_group(actor, group).await
    }

    async fn update_group(&self, actor: &Actor, group: UpdateGroup) -> Result<(), ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.change_group(actor, group).await
    }

    async fn set_member(&self, actor: &Actor, member: SetMember) -> Result<(), ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.put_member(actor, member).await
    }

    async fn remove_member(&self, actor: &Actor, member: RemoveMember) -> Result<(), ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.drop_member(actor, member).await
    }

    async fn categories_overview(&self, actor: &Actor) -> Result<CategoriesOverview, ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.category_tree().await
    }

    async fn save_category(
        &self,
        actor: &Actor,
        category: SaveCategory,
    ) -> Result<(), ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.write_category(actor, category).await
    }

    async fn delete_category(
        &self,
        actor: &Actor,
        category: CategoryId,
    ) -> Result<(), ServiceError> {
        require(actor, Action::ManageRouting)?;
        self.remove_category(actor, category).await
    }

    async fn category_options(
        &self,
        actor: Option<&Actor>,
    ) -> Result<Vec<CategoryOption>, ServiceError> {
        require_of(actor, Action::RaiseTicket)?;
        let tree = self.category_tree().await?;
        Ok(tree
            .categories
            .into_iter()
            .filter(|c| !c.archived)
            .map(|c| CategoryOption {
                id: c.id,
                label: c.path,
            })
            .collect())
    }

    async fn presence(&self, actor: &Actor) -> Result<PresenceView, ServiceError> {
        require(actor, Action::ReadQueues)?;
        let record = self.store.presence(actor.id).await.map_err(store_err)?;
        Ok(PresenceView {
            availability: record.availability,
            load: record.load,
            capacities: record.capacities,
        })
    }

    async fn set_availability(
        &self,
        actor: &Actor,
        availability: Availability,
    ) -> Result<(), ServiceError> {
        require(actor, Action::WorkTickets)?;
        self.store
            .set_availability(actor.id, availability, self.clock.now())
            .await
            .map_err(store_err)?;
        tracing::info!(
            user_id = actor.id,
            availability = availability.as_str(),
            "availability changed"
        );
        self.signal.roster().await;
        Ok(())
    }

    async fn seen(&self, user_id: i64, session_id: &str) {
        let key = session_key(session_id);
        if !self.due(&key) {
            return;
        }
        if let Err(err) = self
            .store
            .touch_agent_session(&key, user_id, self.clock.now())
            .await
        {
            tracing::warn!(error = %err, "could not record a session's use");
        }
    }

    async fn session_ended(&self, user_id: i64, session_id: &str) {
        let key = session_key(session_id);
        self.forget(&key);
        match self
            .store
            .end_agent_session(&key, user_id, self.idle_before(), self.clock.now())
            .await
        {
            Ok(true) => {
                tracing::info!(user_id, "last session ended: offline");
                self.signal.roster().await;
            }
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "could not end a session's presence"),
        }
    }
}
