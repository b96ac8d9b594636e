//! Server functions for groups and categories (admin console), agent
//! availability (workspace) and the categories a requester picks from:
//! each parses its form into the routing service's command and calls it.

use super::routing_types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::backend,
    crate::domain::CategoryId,
    crate::service::routing_commands::{self as cmd, availability_from_input},
    leptos_axum::redirect,
};

#[server(endpoint = "admin/groups", input = server_fn::codec::GetUrl)]
pub async fn load_groups() -> Result<GroupsOverview, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::routing_service()?.groups_overview(&actor).await?)
}

#[server(endpoint = "admin/group_create")]
pub async fn create_group(input: GroupCreateInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let group = cmd::CreateGroup::from_input(&input)?;
    let id = backend::routing_service()?
        .create_group(&actor, group)
        .await?;
    redirect(&format!("/admin/groups#group-{}", id.0));
    Ok(())
}

#[server(endpoint = "admin/group_update")]
pub async fn update_group(input: GroupUpdateInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let id = input.group_id;
    let group = cmd::UpdateGroup::from_input(&input)?;
    backend::routing_service()?
        .update_group(&actor, group)
        .await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/member_set")]
pub async fn set_member(input: MemberInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let id = input.group_id;
    let member = cmd::SetMember::from_input(&input)?;
    backend::routing_service()?
        .set_member(&actor, member)
        .await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/member_remove")]
pub async fn remove_member(input: MemberRemoveInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let id = input.group_id;
    let member = cmd::RemoveMember::from_input(&input);
    backend::routing_service()?
        .remove_member(&actor, member)
        .await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/categories", input = server_fn::codec::GetUrl)]
pub async fn load_categories() -> Result<CategoriesOverview, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::routing_service()?
        .categories_overview(&actor)
        .await?)
}

#[server(endpoint = "admin/category_save")]
pub async fn save_category(input: CategoryInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let category = cmd::SaveCategory::from_input(&input)?;
    backend::routing_service()?
        .save_category(&actor, category)
        .await?;
    redirect("/admin/categories");
    Ok(())
}

/// Deletes a category nothing uses (a mistake); one in use is refused with
/// what uses it.
#[server(endpoint = "admin/category_delete")]
pub async fn delete_category(input: CategoryDeleteInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let category = CategoryId(input.category_id);
    backend::routing_service()?
        .delete_category(&actor, category)
        .await?;
    redirect("/admin/categories");
    Ok(())
}

/// The categories a request can be filed under; open to everyone who may
/// raise a ticket, with or without an account.
#[server(endpoint = "tickets/categories", input = server_fn::codec::GetUrl)]
pub async fn category_options() -> Result<Vec<CategoryOption>, AppError> {
    let actor = backend::current_actor().await?;
    Ok(backend::routing_service()?
        .category_options(actor.as_ref())
        .await?)
}

#[server(endpoint = "agent/presence", input = server_fn::codec::GetUrl)]
pub async fn my_presence() -> Result<PresenceView, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::routing_service()?.presence(&actor).await?)
}

#[server(endpoint = "agent/availability")]
pub async fn set_availability(input: AvailabilityInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let availability = availability_from_input(&input)?;
    backend::routing_service()?
        .set_availability(&actor, availability)
        .await?;
    redirect("/agent");
    Ok(())
}
