//! `/api/live`: the live channel's door. The cross-site guard has already
//! refused an upgrade from another origin (see `cross_site`); here the
//! session cookie names the user, the per-user limit is applied, and the
//! socket is handed to a `Connection`.
//!
//! Nobody signed in, or too many connections, is answered by accepting
//! the upgrade and closing at once with the close code: a browser cannot
//! read the HTTP status of a refused upgrade (it sees only 1006 and
//! would retry forever), but it reads a close code and stops.

use crate::live::{Connection, Live};
use crate::store::SharedStore;
use app::api::backend::{actor_for_session, SessionUser, SESSION_USER};
use app::api::live_types::{close, limits, PageSeq};
use axum::extract::ws::{CloseFrame, Message, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tower_sessions::Session;

pub async fn connect(
    State(live): State<Arc<Live>>,
    session: Session,
    upgrade: WebSocketUpgrade,
) -> Response {
    let signed_out = |upgrade| close_at_once(upgrade, close::SIGNED_OUT, "sign in");
    let actor = match actor_for_session(&session, live.accounts.as_ref()).await {
        Ok(Some(actor)) => actor,
        Ok(None) => return signed_out(upgrade),
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "Please try again.").into_response(),
    };
    let (Ok(Some(user)), Some(id)) = (session.get::<SessionUser>(SESSION_USER).await, session.id())
    else {
        return signed_out(upgrade);
    };
    let Some(slot) = live.admit(actor.id) else {
        return close_at_once(
            upgrade,
            close::TOO_MANY_CONNECTIONS,
            "too many connections; close a tab",
        );
    };
    // Frames beyond the protocol's limit are refused with an error frame
    // by the connection; far larger ones end it (1009) without being read.
    upgrade
        .max_message_size(16 * limits::MAX_FRAME_BYTES)
        .max_frame_size(16 * limits::MAX_FRAME_BYTES)
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_write_buffer_size(256 * 1024)
        .on_upgrade(move |socket| Connection::new(live, slot, actor, user, id).run(socket))
}

/// Accepts the upgrade only to close it with `code`: nothing is read and
/// no frame but the close is sent.
fn close_at_once(upgrade: WebSocketUpgrade, code: u16, reason: &'static str) -> Response {
    upgrade.on_upgrade(move |mut socket| async move {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        let _ = socket.send(Message::Close(Some(frame))).await;
    })
}

/// Notes where the event log stood when a page was rendered: the page's
/// first live connection asks for everything after it, so nothing that
/// happened between rendering and connecting is missed.
pub async fn page_seq(State(store): State<SharedStore>, mut req: Request, next: Next) -> Response {
    if req.method() == Method::GET && super::drafts::is_page(&req) {
        match store.last_event_seq().await {
            Ok(seq) => {
                req.extensions_mut().insert(PageSeq(seq));
            }
            Err(err) => tracing::warn!(error = %err, "page rendered without its log position"),
        }
    }
    next.run(req).await
}
