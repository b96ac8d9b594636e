//! User administration in the admin console.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::domain::Action, crate::pages::url_encode, leptos_axum::redirect};

#[server(endpoint = "admin/users", input = server_fn::codec::GetUrl)]
pub async fn list_users(q: Option<String>, after: Option<i64>) -> Result<UserPage, AppError> {
    let actor = backend::authorized(Action::ManageUsers).await?;
    backend::desk()?
        .list_users(&actor, UserListParams { q, after })
        .await
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
    redirect(&back_to_list(""));
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
    redirect(&back_to_list(&format!(
        "deactivated={name}&returned={}",
        done.returned
    )));
    Ok(())
}

#[server(endpoint = "admin/reactivate")]
pub async fn reactivate_user(input: ReactivateInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ChangeUser {
        target_id: input.user_id,
    })
    .await?;
    backend::desk()?.reactivate(&actor, input).await?;
    redirect(&back_to_list(""));
    Ok(())
}

/// The user list as the admin left it (their search and page, read from
/// the page they posted from), with `extra` query parameters.
#[cfg(feature = "ssr")]
fn back_to_list(extra: &str) -> String {
    let kept: Vec<String> = use_context::<http::request::Parts>()
        .and_then(|parts| {
            let referer = parts.headers.get(http::header::REFERER)?.to_str().ok()?;
            let query = referer.split_once('?')?.1;
            let query = query.split('#').next().unwrap_or_default();
            Some(
                query
                    .split('&')
                    .filter(|pair| pair.starts_with("q=") || pair.starts_with("after="))
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .unwrap_or_default();
    let mut params = kept;
    if !extra.is_empty() {
        params.push(extra.to_owned());
    }
    if params.is_empty() {
        "/admin".to_owned()
    } else {
        format!("/admin?{}", params.join("&"))
    }
}
