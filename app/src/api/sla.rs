//! Server functions for SLA configuration in the admin console.

use super::sla_types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::domain::Action, leptos_axum::redirect};

#[server(endpoint = "admin/sla", input = server_fn::codec::GetUrl)]
pub async fn load_sla() -> Result<SlaOverview, AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    backend::sla_desk()?.overview(&actor).await
}

#[server(endpoint = "admin/calendar_save")]
pub async fn save_calendar(input: CalendarInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    let id = backend::sla_desk()?.save_calendar(&actor, input).await?;
    redirect(&format!("/admin/calendars#calendar-{id}"));
    Ok(())
}

#[server(endpoint = "admin/policy_save")]
pub async fn save_policy(input: PolicyInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    let id = backend::sla_desk()?.save_policy(&actor, input).await?;
    redirect(&format!("/admin/sla#policy-{id}"));
    Ok(())
}

#[server(endpoint = "admin/matrix_save")]
pub async fn save_matrix(input: MatrixInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    let id = backend::sla_desk()?.save_matrix(&actor, input).await?;
    redirect(&format!("/admin/escalations#matrix-{id}"));
    Ok(())
}

#[server(endpoint = "admin/level_save")]
pub async fn save_level(input: LevelInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    let id = input.matrix_id;
    backend::sla_desk()?.save_level(&actor, input).await?;
    redirect(&format!("/admin/escalations#matrix-{id}"));
    Ok(())
}

#[server(endpoint = "admin/level_remove")]
pub async fn remove_level(input: LevelRemoveInput) -> Result<(), AppError> {
    let actor = backend::authorized(Action::ManageSla).await?;
    let id = input.matrix_id;
    backend::sla_desk()?.remove_level(&actor, input).await?;
    redirect(&format!("/admin/escalations#matrix-{id}"));
    Ok(())
}
