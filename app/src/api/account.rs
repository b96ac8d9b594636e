//! A signed-in person's own account.

use super::types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::domain::Action, leptos_axum::redirect};

#[server(endpoint = "account/profile", input = server_fn::codec::GetUrl)]
pub async fn my_profile() -> Result<Profile, AppError> {
    let actor = backend::authorized(Action::ManageOwnAccount).await?;
    backend::desk()?.profile(&actor).await
}

#[server(endpoint = "account/update_profile")]
pub async fn update_profile(input: ProfileInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageOwnAccount).await?;
    backend::desk()?.update_profile(&actor, input).await?;
    redirect("/portal/profile?done=profile");
    Ok(())
}

#[server(endpoint = "account/change_password")]
pub async fn change_password(input: PasswordChangeInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageOwnAccount).await?;
    let session_user = backend::desk()?.change_password(&actor, input).await?;
    backend::start_session(session_user).await?;
    redirect("/portal/profile?done=password");
    Ok(())
}
