//! The viewer's timezone for a page render: the profile's for a signed-in
//! person (read fresh, so a change shows on the next page), else the one
//! their browser reported in a cookie, else none (the page reads UTC).

use super::drafts::is_page;
use crate::accounts::Accounts;
use app::api::backend::{SessionUser, SESSION_USER};
use app::components::zone::{ViewerZone, BROWSER_ZONE_COOKIE};
use app::domain::TimezoneName;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use tower_sessions::Session;

pub async fn zone(
    State(accounts): State<Arc<Accounts>>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    if req.method() == Method::GET && is_page(&req) {
        let zone = match profile_zone(&accounts, &session).await {
            Some(zone) => Some(zone),
            None => browser_zone(&req),
        };
        if let Some(zone) = zone {
            req.extensions_mut().insert(ViewerZone(zone));
        }
    }
    next.run(req).await
}

async fn profile_zone(accounts: &Accounts, session: &Session) -> Option<String> {
    let user = session.get::<SessionUser>(SESSION_USER).await.ok()??;
    accounts.viewer_timezone(user).await
}

fn browser_zone(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == BROWSER_ZONE_COOKIE)
        .and_then(|(_, value)| TimezoneName::parse(value).ok())
        .map(|zone| zone.as_str().to_owned())
}
