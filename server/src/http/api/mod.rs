//! `/api/v1`: the public REST API. Each handler parses JSON or a query
//! into a service command, calls the same service the pages call, and
//! answers JSON or a problem (see `problem`). Authentication, the
//! budgets and their headers are `auth`'s.

// A problem is made once per refused request and goes straight out as the
// response; boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod auth;
mod body;
mod problem;
mod rate;
mod tickets;
mod tokens;
mod users;

use crate::clock::SharedClock;
use crate::config::Config;
use app::service::{AccountService, TicketService, TokenService};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;
use std::sync::Arc;

pub use problem::Problem;

#[derive(Clone)]
pub struct ApiState {
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub accounts: Arc<dyn AccountService>,
    pub tickets: Arc<dyn TicketService>,
    pub tokens: Arc<dyn TokenService>,
    pub windows: Arc<rate::RateWindows>,
}

/// The operations, to be nested under `/api/v1`.
pub fn router(state: ApiState) -> Router {
    Router::new()
        .route("/users/me", get(users::me))
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", delete(tokens::revoke))
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route("/tickets/{id}", get(tickets::get))
        .fallback(no_such_operation)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        // Bodies past the JSON limit are cut off while read (see `body`).
        .layer(DefaultBodyLimit::max(body::MAX_JSON_BYTES + 1))
        .with_state(state)
}

async fn no_such_operation() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "no-such-operation",
        "No such operation",
        "There is no such API operation; see /api/v1/openapi.json.",
    )
}
