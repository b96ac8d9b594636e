//! The routing service: groups and their members, the category tree, and
//! agents' availability. Implemented by the server; every change that can
//! alter who gets what wakes the scheduler.

use super::error::ServiceError;
use super::routing_commands::{CreateGroup, RemoveMember, SaveCategory, SetMember, UpdateGroup};
use crate::api::routing_types::{CategoriesOverview, CategoryOption, GroupsOverview, PresenceView};
use crate::domain::{Actor, Availability, CategoryId, GroupId};
use async_trait::async_trait;

#[async_trait]
pub trait RoutingService: Send + Sync + 'static {
    async fn groups_overview(&self, actor: &Actor) -> Result<GroupsOverview, ServiceError>;
    async fn create_group(
        &self,
        actor: &Actor,
        group: CreateGroup,
    ) -> Result<GroupId, ServiceError>;
    async fn update_group(&self, actor: &Actor, group: UpdateGroup) -> Result<(), ServiceError>;
    async fn set_member(&self, actor: &Actor, member: SetMember) -> Result<(), ServiceError>;
    async fn remove_member(&self, actor: &Actor, member: RemoveMember) -> Result<(), ServiceError>;
    async fn categories_overview(&self, actor: &Actor) -> Result<CategoriesOverview, ServiceError>;
    async fn save_category(
        &self,
        actor: &Actor,
        category: SaveCategory,
    ) -> Result<(), ServiceError>;
    /// Deletes a category nothing uses; one that tickets or sub-categories
    /// use is refused with what uses it (archive it instead).
    async fn delete_category(
        &self,
        actor: &Actor,
        category: CategoryId,
    ) -> Result<(), ServiceError>;
    /// The categories a request can be filed under: open to everyone who
    /// may raise a ticket, with or without an account.
    async fn category_options(
        &self,
        actor: Option<&Actor>,
    ) -> Result<Vec<CategoryOption>, ServiceError>;
    async fn presence(&self, actor: &Actor) -> Result<PresenceView, ServiceError>;
    async fn set_availability(
        &self,
        actor: &Actor,
        availability: Availability,
    ) -> Result<(), ServiceError>;
    /// A staff session was used; best effort, never fails the request.
    async fn seen(&self, user_id: i64, session_id: &str);
    /// A session was signed out; its agent goes offline if it was their last.
    async fn session_ended(&self, user_id: i64, session_id: &str);
}
