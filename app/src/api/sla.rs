//! Server functions for SLA configuration in the admin console: each parses
//! its form into the SLA service's command and calls it.

use super::sla_types::*;
use crate::error::AppError;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::backend, crate::service::sla_commands as cmd, leptos_axum::redirect};

#[server(endpoint = "admin/sla", input = server_fn::codec::GetUrl)]
pub async fn load_sla() -> Result<SlaOverview, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::sla_service()?.overview(&actor).await?)
}

#[server(endpoint = "admin/calendar_save")]
pub async fn save_calendar(input: CalendarInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let calendar = cmd::SaveCalendar::from_input(&input)?;
    let id = backend::sla_service()?
        .save_calendar(&actor, calendar)
        .await?;
    redirect(&format!("/admin/calendars#calendar-{id}"));
    Ok(())
}

#[server(endpoint = "admin/policy_save")]
pub async fn save_policy(input: PolicyInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let policy = cmd::SavePolicy::from_input(&input)?;
    let id = backend::sla_service()?.save_policy(&actor, policy).await?;
    redirect(&format!("/admin/sla#policy-{id}"));
    Ok(())
}

#[server(endpoint = "admin/matrix_save")]
pub async fn save_matrix(input: MatrixInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let matrix = cmd::SaveMatrix::from_input(&input)?;
    let id = backend::sla_service()?.save_matrix(&actor, matrix).await?;
    redirect(&format!("/admin/escalations#matrix-{id}"));
    Ok(())
}

#[server(endpoint = "admin/level_save")]
pub async fn save_level(input: LevelInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let level = cmd::SaveLevel::from_input(&input)?;
    backend::sla_service()?.save_level(&actor, level).await?;
    redirect(&format!("/admin/escalations#matrix-{}", input.matrix_id));
    Ok(())
}

#[server(endpoint = "admin/level_remove")]
pub async fn remove_level(input: LevelRemoveInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let level = cmd::RemoveLevel::from_input(&input)?;
    backend::sla_service()?.remove_level(&actor, level).await?;
    redirect(&format!("/admin/escalations#matrix-{}", input.matrix_id));
    Ok(())
}
