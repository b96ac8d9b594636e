//! User administration in the admin console: each server function parses
//! its form into the account service's command and calls it.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::backend, crate::domain::UserId, crate::pages::url_encode,
    crate::service::account_commands as cmd, leptos_axum::redirect,
};

#[server(endpoint = "admin/users", input = server_fn::codec::GetUrl)]
pub async fn list_users(q: Option<String>, after: Option<i64>) -> Result<UserPage, AppError> {
    let actor = backend::signed_in().await?;
    let list = cmd::ListUsers::from_params(&UserListParams { q, after })?;
    Ok(backend::account_service()?.list_users(&actor, list).await?)
}

#[server(endpoint = "admin/invite")]
pub async fn invite_user(input: InviteInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let invite = cmd::Invite::from_input(&input)?;
    let email = backend::account_service()?.invite(&actor, invite).await?;
    let query = url_encode(email.as_str());
    redirect(&format!("/admin?invited={query}"));
    Ok(())
}

#[server(endpoint = "admin/change_role")]
pub async fn change_role(input: ChangeRoleInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let change = cmd::ChangeRole::from_input(&input)?;
    backend::account_service()?
        .change_role(&actor, change)
        .await?;
    redirect(&back_to_list(""));
    Ok(())
}

#[server(endpoint = "admin/deactivate")]
pub async fn deactivate_user(input: DeactivateInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let user = UserId(input.user_id);
    let done = backend::account_service()?.deactivate(&actor, user).await?;
    let name = url_encode(&done.name);
    redirect(&back_to_list(&format!(
        "deactivated={name}&returned={}",
        done.returned
    )));
    Ok(())
}

#[server(endpoint = "admin/reactivate")]
pub async fn reactivate_user(input: ReactivateInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let user = UserId(input.user_id);
    backend::account_service()?.reactivate(&actor, user).await?;
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
