//! Who an API request acts as: the bearer token's owner with its scopes,
//! or, without an `Authorization` header, the browser session (already
//! past the cross-site guard). Every request spends from its address's
//! budget and, once known, its token's; the `RateLimit-*` headers say
//! where it stands.

use super::problem::Problem;
use super::rate::Budget;
use super::ApiState;
use app::api::backend::{actor_for_session, ClientIp};
use app::domain::Actor;
use app::service::ServiceError;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower_sessions::Session;

/// The caller, once authenticated; `None` in the extensions for nobody.
#[derive(Clone)]
struct Caller(Option<Actor>);

/// The authenticated actor of an API request.
pub struct ApiActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for ApiActor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        match parts.extensions.get::<Caller>() {
            Some(Caller(Some(actor))) => Ok(ApiActor(actor.clone())),
            _ => Err(ServiceError::Unauthenticated.into()),
        }
    }
}

/// Authenticates (when credentials are given), applies the budgets, and
/// runs the operation.
pub async fn authenticate(State(state): State<ApiState>, mut req: Request, next: Next) -> Response {
    let now = state.clock.now().timestamp();
    let limits = state.config.rate_limits;
    let ip = req
        .extensions()
        .get::<ClientIp>()
        .map(|ip| ip.0.to_string())
        .unwrap_or_default();
    let by_ip = state.windows.hit(
        &format!("ip:{ip}"),
        clamp(limits.api_per_ip_per_minute),
        now,
    );
    if !by_ip.allowed {
        return refuse(Problem::rate_limited(by_ip.reset_secs), by_ip);
    }
    let (caller, key) = match identify(&state, &mut req).await {
        Ok(found) => found,
        Err(problem) => return refuse(problem, by_ip),
    };
    let budget = match key {
        Some(key) => {
            let by_caller = state
                .windows
                .hit(&key, clamp(limits.api_per_token_per_minute), now);
            if !by_caller.allowed {
                return refuse(Problem::rate_limited(by_caller.reset_secs), by_caller);
            }
            tighter(by_ip, by_caller)
        }
        None => by_ip,
    };
    req.extensions_mut().insert(Caller(caller));
    let mut response = next.run(req).await;
    budget_headers(response.headers_mut(), budget);
    response
}

/// The actor, and the key their budget is counted under.
async fn identify(
    state: &ApiState,
    req: &mut Request,
) -> Result<(Option<Actor>, Option<String>), Problem> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let secret = value
            .to_str()
            .ok()
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .ok_or_else(|| Problem::unauthenticated("Use `Authorization: Bearer <token>`."))?;
        let actor = state
            .tokens
            .authenticate(secret)
            .await
            .map_err(|err| match err {
                ServiceError::Unauthenticated => {
                    Problem::unauthenticated("The API token is unknown, expired or revoked.")
                }
                other => other.into(),
            })?;
        let digest = Sha256::digest(secret.as_bytes());
        let key = format!("token:{:x}", digest);
        return Ok((Some(actor), Some(key)));
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return Ok((None, None));
    };
    let actor = actor_for_session(&session, state.accounts.as_ref())
        .await
        .map_err(|_| Problem::from(app::service::internal("session could not be read")))?;
    let key = actor.as_ref().map(|a| format!("session-user:{}", a.id));
    Ok((actor, key))
}

fn clamp(limit: i64) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX)
}

fn tighter(a: Budget, b: Budget) -> Budget {
    if b.remaining < a.remaining {
        b
    } else {
        a
    }
}

fn refuse(problem: Problem, budget: Budget) -> Response {
    let mut response = problem.into_response();
    budget_headers(response.headers_mut(), budget);
    response
}

fn budget_headers(headers: &mut HeaderMap, budget: Budget) {
    for (name, value) in [
        ("ratelimit-limit", u64::from(budget.limit)),
        ("ratelimit-remaining", u64::from(budget.remaining)),
        ("ratelimit-reset", budget.reset_secs),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
}
