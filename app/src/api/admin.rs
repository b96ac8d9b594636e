//! User administration in the admin console.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::domain::Action, leptos_axum::redirect};

#[server(endpoint = "admin/users", input = server_fn::codec::GetUrl)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let actor = backend::authorized(Action::ManageUsers).await?;
    backend::desk()?.list_users(&actor).await
}

#[server(endpoint = "admin/invite")]
pub async fn invite_user(input: InviteInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageUsers).await?;
    let email = backend::desk()?.invite(&actor, input).await?;
    let query = url_encode(&email);
    redirect(&format!("/admin?invited={query}"));
    Ok(())
}

#[server(endpoint = "admin/change_role")]
pub async fn change_role(input: ChangeRoleInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ChangeUser {
        target_id: input.user_id,
    })
    .await?;
    backend::desk()?.change_role(&actor, input).await?;
    redirect("/admin");
    Ok(())
}

#[server(endpoint = "admin/deactivate")]
pub async fn deactivate_user(input: DeactivateInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ChangeUser {
        target_id: input.user_id,
    })
    .await?;
    let done = backend::desk()?.deactivate(&actor, input).await?;
    let name = url_encode(&done.name);
    redirect(&format!(
        "/admin?deactivated={name}&returned={}",
        done.returned
    ));
    Ok(())
}

#[server(endpoint = "admin/reactivate")]
pub async fn reactivate_user(input: ReactivateInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ChangeUser {
        target_id: input.user_id,
    })
    .await?;
    backend::desk()?.reactivate(&actor, input).await?;
    redirect("/admin");
    Ok(())
}

#[cfg(feature = "ssr")]
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
