//! `/api/v1/tokens`: one's own API tokens. The policy allows these to a
//! browser session only, so a token can neither mint nor list others.

use super::auth::ApiActor;
use super::body::ApiJson;
use super::problem::ApiResult;
use super::ApiState;
use app::api::token_types::{ApiTokenView, NewApiToken, TokenInput};
use app::service::token_commands::CreateToken;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_in_days: u32,
}

#[derive(Debug, Serialize)]
pub struct TokenList {
    pub items: Vec<ApiTokenView>,
}

pub async fn list(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<TokenList>> {
    let items = state.tokens.list(&actor).await?;
    Ok(Json(TokenList { items }))
}

pub async fn create(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<NewApiToken>)> {
    let command = CreateToken::parse(&TokenInput {
        name: body.name,
        scopes: body.scopes.join(" "),
        expires_in_days: body.expires_in_days.to_string(),
    })?;
    let made = state.tokens.create(&actor, command).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

pub async fn revoke(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(app::service::ServiceError::NotFound)?;
    state.tokens.revoke(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
