//! Server functions for groups and categories (admin console), agent
//! availability (workspace) and the categories a requester picks from.

use super::routing_types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::backend,
    crate::domain::{authorize, Action},
    leptos_axum::redirect,
};

#[server(endpoint = "admin/groups", input = server_fn::codec::GetUrl)]
pub async fn load_groups() -> Result<GroupsOverview, AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    backend::routing_desk()?.groups_overview(&actor).await
}

#[server(endpoint = "admin/group_create")]
pub async fn create_group(input: GroupCreateInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    let id = backend::routing_desk()?.create_group(&actor, input).await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/group_update")]
pub async fn update_group(input: GroupUpdateInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    let id = input.group_id;
    backend::routing_desk()?.update_group(&actor, input).await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/member_set")]
pub async fn set_member(input: MemberInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    let id = input.group_id;
    backend::routing_desk()?.set_member(&actor, input).await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/member_remove")]
pub async fn remove_member(input: MemberRemoveInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    let id = input.group_id;
    backend::routing_desk()?
        .remove_member(&actor, input)
        .await?;
    redirect(&format!("/admin/groups#group-{id}"));
    Ok(())
}

#[server(endpoint = "admin/categories", input = server_fn::codec::GetUrl)]
pub async fn load_categories() -> Result<CategoriesOverview, AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    backend::routing_desk()?.categories_overview(&actor).await
}

#[server(endpoint = "admin/category_save")]
pub async fn save_category(input: CategoryInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageRouting).await?;
    backend::routing_desk()?
        .save_category(&actor, input)
        .await?;
    redirect("/admin/categories");
    Ok(())
}

/// The categories a request can be filed under; open to everyone who may
/// raise a ticket, with or without an account.
#[server(endpoint = "tickets/categories", input = server_fn::codec::GetUrl)]
pub async fn category_options() -> Result<Vec<CategoryOption>, AppError> {
    let actor = backend::current_actor().await?;
    authorize(actor.as_ref(), Action::RaiseTicket).map_err(|_| AppError::Forbidden)?;
    backend::routing_desk()?.category_options().await
}

#[server(endpoint = "agent/presence", input = server_fn::codec::GetUrl)]
pub async fn my_presence() -> Result<PresenceView, AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::routing_desk()?.presence(&actor).await
}

#[server(endpoint = "agent/availability")]
pub async fn set_availability(input: AvailabilityInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::WorkTickets).await?;
    backend::routing_desk()?
        .set_availability(&actor, input)
        .await?;
    redirect("/agent");
    Ok(())
}
