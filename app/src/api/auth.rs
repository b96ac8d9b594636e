//! Signing up, in and out, password resets and invitations.

use super::types::*;
use crate::domain::Actor;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::backend,
    crate::service::account_commands::{self as cmd, LinkToken},
    leptos_axum::redirect,
};

/// Who is signed in on this request (None for visitors).
#[server(endpoint = "auth/current_user", input = server_fn::codec::GetUrl)]
pub async fn current_user() -> Result<Option<Actor>, AppError> {
    backend::current_actor().await
}

#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(input: SignUpInput) -> Result<(), AppError> {
    let sign_up = cmd::SignUp::from_input(&input)?;
    let ip = backend::client_ip().await?;
    backend::account_service()?.sign_up(sign_up, ip).await?;
    redirect("/portal/sign-up?sent=1");
    Ok(())
}

/// The emailed confirmation link's form: creates the account, signs in.
#[server(endpoint = "auth/confirm_sign_up")]
pub async fn confirm_sign_up(input: TokenInput) -> Result<(), AppError> {
    let token = LinkToken(input.token);
    let user = backend::account_service()?.confirm_sign_up(token).await?;
    backend::start_session(user).await?;
    redirect("/portal");
    Ok(())
}

#[server(endpoint = "auth/check_sign_up", input = server_fn::codec::GetUrl)]
pub async fn check_sign_up(token: String) -> Result<(), AppError> {
    let token = LinkToken(token);
    Ok(backend::account_service()?.check_sign_up(token).await?)
}

#[server(endpoint = "auth/sign_in")]
pub async fn sign_in(input: SignInInput) -> Result<(), AppError> {
    let sign_in = cmd::SignIn::from_input(&input);
    let ip = backend::client_ip().await?;
    let (user, role) = backend::account_service()?.sign_in(sign_in, ip).await?;
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
    let email = cmd::reset_request_from_input(&input)?;
    let ip = backend::client_ip().await?;
    backend::account_service()?
        .request_password_reset(email, ip)
        .await?;
    redirect("/portal/reset?sent=1");
    Ok(())
}

#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(input: ResetConfirmInput) -> Result<(), AppError> {
    let reset = cmd::ResetPassword::from_input(&input)?;
    backend::account_service()?.reset_password(reset).await?;
    // Any session on this browser belonged to whoever was signed in before.
    backend::end_session().await?;
    redirect("/portal/sign-in?reset=1");
    Ok(())
}

#[server(endpoint = "auth/accept_invite")]
pub async fn accept_invite(input: AcceptInviteInput) -> Result<(), AppError> {
    let accept = cmd::AcceptInvitation::from_input(&input)?;
    let user = backend::account_service()?
        .accept_invitation(accept)
        .await?;
    backend::start_session(user).await?;
    redirect("/agent");
    Ok(())
}

#[server(endpoint = "auth/check_reset_token", input = server_fn::codec::GetUrl)]
pub async fn check_reset_token(token: String) -> Result<(), AppError> {
    let token = LinkToken(token);
    Ok(backend::account_service()?.check_reset_token(token).await?)
}

#[server(endpoint = "auth/check_invitation", input = server_fn::codec::GetUrl)]
pub async fn check_invitation(token: String) -> Result<(), AppError> {
    let token = LinkToken(token);
    Ok(backend::account_service()?.check_invitation(token).await?)
}
