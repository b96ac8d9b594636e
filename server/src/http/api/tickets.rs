//! `/api/v1/tickets`: raise, list and read tickets through the ticket
//! service, exactly as the portal and the workspace do.

use super::auth::ApiActor;
use super::body::ApiJson;
use super::problem::{ApiResult, Problem};
use super::ApiState;
use app::api::types::{NewTicketInput, QueueParams, QueueView, TicketDetail, TicketPage};
use app::domain::TicketId;
use app::service::queue_commands::QueueQuery;
use app::service::ticket_commands::RaiseTicket;
use app::service::ServiceError;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    pub subject: String,
    pub description: String,
    /// low, normal or high (critical for staff); the category's default
    /// when left out.
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub category_id: Option<i64>,
}

pub async fn create(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<Response> {
    let idempotency_key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .filter(|key| app::service::ticket_commands::IdempotencyKey::parse(key).is_some())
                .map(str::to_owned)
                .ok_or_else(|| {
                    ServiceError::Malformed(
                        "Idempotency-Key is 1 to 64 letters, digits and dashes.".into(),
                    )
                })?,
        ),
    };
    let input = NewTicketInput {
        subject: body.subject,
        description: body.description,
        urgency: body.urgency.unwrap_or_default(),
        idempotency_key,
        email: None,
        name: None,
        category: body.category_id.map(|id| id.to_string()),
    };
    let command = RaiseTicket::from_input(&input, actor.role.is_staff())?;
    let id = state.tickets.raise(&actor, command, Vec::new()).await?;
    let detail = state.tickets.detail(&actor, id).await?;
    let mut response = (StatusCode::CREATED, Json(detail)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/tickets/{}", id.0)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub after: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub group: Option<String>,
    pub assignee: Option<String>,
    pub requester: Option<String>,
    pub tag: Option<String>,
    pub q: Option<String>,
    pub sort: Option<String>,
}

/// Customers list their own requests (filters do not apply, as in the
/// portal); staff list every ticket with the queue filters.
pub async fn list(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<TicketPage>> {
    let Query(params) = params.map_err(|err| {
        Problem::from(ServiceError::Malformed(format!(
            "The query is not valid: {}.",
            err.body_text()
        )))
    })?;
    let sort = match params.sort.as_deref() {
        None | Some("-updated_at") => None,
        Some("-created_at") => Some("created"),
        Some("-priority") => Some("priority"),
        Some(other) => {
            return Err(ServiceError::Malformed(format!(
                "Unknown sort “{other}”: use -updated_at, -created_at or -priority."
            ))
            .into())
        }
    };
    let view = if actor.role.is_staff() {
        QueueView::RecentlyUpdated
    } else {
        QueueView::Mine
    };
    let query = QueueQuery::from_params(
        view,
        &QueueParams {
            view: String::new(),
            after: params.after,
            status: params.status,
            priority: params.priority,
            requester: params.requester,
            tag: params.tag,
            assignee: params.assignee,
            group: params.group,
            q: params.q,
            sort: sort.map(str::to_owned),
        },
    )?;
    Ok(Json(state.tickets.list(&actor, query).await?))
}

pub async fn get(
    State(state): State<ApiState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<TicketDetail>> {
    let id = TicketId::parse(&id).ok_or(ServiceError::NotFound)?;
    Ok(Json(state.tickets.detail(&actor, id).await?))
}
