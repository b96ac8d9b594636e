//! `/api/v1/users`: who the caller is.

use super::auth::ApiActor;
use app::domain::{Role, Scopes};
use axum::Json;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Me {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// The token's scopes; `null` for a browser session (its role's all).
    pub scopes: Option<Scopes>,
}

pub async fn me(ApiActor(actor): ApiActor) -> Json<Me> {
    Json(Me {
        id: actor.id,
        name: actor.name,
        email: actor.email,
        role: actor.role,
        scopes: actor.scopes,
    })
}
