//! Signing up, in and out, password resets and invitations.

use super::types::*;
use crate::domain::Actor;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, leptos_axum::redirect};

/// Who is signed in on this request (None for visitors).
#[server(endpoint = "auth/current_user", input = server_fn::codec::GetUrl)]
pub async fn current_user() -> Result<Option<Actor>, AppError> {
    backend::current_actor().await
}

#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(input: SignUpInput) -> Result<(), AppError> {
    let ip = backend::client_ip().await?;
    backend::desk()?.sign_up(input, ip).await?;
    redirect("/portal/sign-up?sent=1");
    Ok(())
}

/// The emailed confirmation link's form: creates the account, signs in.
#[server(endpoint = "auth/confirm_sign_up")]
pub async fn confirm_sign_up(input: TokenInput) -> Result<(), AppError> {
    let user = backend::desk()?.confirm_sign_up(input.token).await?;
    backend::start_session(user).await?;
    redirect("/portal");
    Ok(())
}

#[server(endpoint = "auth/check_sign_up", input = server_fn::codec::GetUrl)]
pub async fn check_sign_up(token: String) -> Result<(), AppError> {
    backend::desk()?.check_sign_up(token).await
}

#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(input: SignInInput) -> Result<(), AppError> {
    let ip = backend::client_ip().await?;
    let (user, role) = backend::desk()?.sign_in(input, ip).await?;
    backend::start_session(user).await?;
    redirect(if role.is_staff() { "/agent" } else { "/portal" });
    Ok(())
}

#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    backend::end_session().await?;
    redirect("/portal/sign-in");
    Ok(())
}

#[server(endpoint = "auth/request_reset")]
pub async fn request_password_reset(input: ResetRequestInput) -> Result<(), AppError> {
    let ip = backend::client_ip().await?;
    backend::desk()?.request_password_reset(input, ip).await?;
    redirect("/portal/reset?sent=1");
    Ok(())
}

#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(input: ResetConfirmInput) -> Result<(), AppError> {
    backend::desk()?.reset_password(input).await?;
    // Any session on this browser belonged to whoever was signed in before.
    backend::end_session().await?;
    redirect("/portal/sign-in?reset=1");
    Ok(())
}

#[server(endpoint = "auth/accept_invite")]
pub async fn accept_invite(input: AcceptInviteInput) -> Result<(), AppError> {
    let user = backend::desk()?.accept_invite(input).await?;
    backend::start_session(user).await?;
    redirect("/agent");
    Ok(())
}

#[server(endpoint = "auth/check_reset_token", input = server_fn::codec::GetUrl)]
pub async fn check_reset_token(token: String) -> Result<(), AppError> {
    backend::desk()?.check_reset_token(token).await
}

#[server(endpoint = "auth/check_invitation", input = server_fn::codec::GetUrl)]
pub async fn check_invitation(token: String) -> Result<(), AppError> {
    backend::desk()?.check_invitation(token).await
}
