//! The notification tray's server functions: thin adapters over the
//! notification service.

use super::tray_types::TrayView;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
#[cfg(feature = "ssr")]
use {
    super::backend, crate::service::notifications::MarkRead, crate::service::ServiceError,
    leptos_axum::redirect,
};

#[server(endpoint = "notifications/tray", input = server_fn::codec::GetUrl)]
pub async fn my_tray() -> Result<TrayView, AppError> {
    let actor = backend::signed_in().await?;
    Ok(backend::notification_service()?.tray(&actor).await?)
}

/// `id`: a notification's number, or `all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkReadInput {
    pub id: String,
}

#[server(endpoint = "notifications/read")]
pub async fn mark_notifications_read(input: MarkReadInput) -> Result<(), AppError> {
    let actor = backend::signed_in().await?;
    let which = MarkRead::parse(&input.id)
        .ok_or_else(|| ServiceError::field("id", "Choose a notification, or all of them."))?;
    backend::notification_service()?
        .mark_read(&actor, which)
        .await?;
    redirect("/agent/notifications");
    Ok(())
}
