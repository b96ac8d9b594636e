//! A signed-in person's own account: each server function parses its form
//! into the account service's command and calls it.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::service::account_commands as cmd, leptos_axum::redirect};

#[server(endpoint = "account/profile", input = server_fn::codec::GetUrl)]
pub async fn my_profile() -> Result<Profile, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::account_service()?.profile(&actor).await?)
}

#[server(endpoint = "account/update_profile")]
pub async fn update_profile(input: ProfileInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let profile = cmd::UpdateProfile::from_input(&input)?;
    backend::account_service()?
        .update_profile(&actor, profile)
        .await?;
    redirect("/portal/profile?done=profile");
    Ok(())
}

#[server(endpoint = "account/change_password")]
pub async fn change_password(input: PasswordChangeInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let change = cmd::ChangePassword::from_input(&input)?;
    let session_user = backend::account_service()?
        .change_password(&actor, change)
        .await?;
    backend::start_session(session_user).await?;
    redirect("/portal/profile?done=password");
    Ok(())
}
