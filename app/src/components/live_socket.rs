//! The socket behind `Live`, in the browser only: connect, follow what the
//! page wants, apply frames, and after a lost connection reconnect with
//! backoff and ask for everything after the last sequence number seen, so
//! nothing is missed and nothing is applied twice.

use super::live::{Live, LiveState};
use crate::api::live_types::{close, ClientFrame, ServerFrame};
use crate::domain::live::Topic;
use futures::channel::mpsc::{unbounded, UnboundedReceiver};
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use leptos::prelude::*;
use std::time::Duration;

const FIRST_PAUSE_MS: u64 = 500;
const LONGEST_PAUSE_MS: u64 = 30_000;

pub fn start(live: Live, generation: u64) {
    let (outbox, frames) = unbounded();
    live.set_outbox(Some(outbox));
    leptos::task::spawn_local(run(live, generation, frames));
}

async fn run(live: Live, generation: u64, mut frames: UnboundedReceiver<ClientFrame>) {
    // The last event applied; the first connection starts from the page.
    let mut last: Option<i64> = live.take_page_seq();
    let mut pause = FIRST_PAUSE_MS;
    // A newer loop (another user signed in) or a sign-out ends this one.
    while live.current(generation) {
        live.state.set(LiveState::Connecting);
        let code = match url().and_then(|url| WebSocket::open(&url).ok()) {
            Some(socket) => session(live, socket, &mut frames, &mut last, &mut pause).await,
            None => None,
        };
        if !live.current(generation) {
            return;
        }
        match code {
            Some(code) if !close::resumable(code) => {
                live.state.set(LiveState::Ended);
                live.set_outbox(None);
                return;
            }
            _ => live.state.set(LiveState::Retrying),
        }
        // Jitter keeps a restarted server from being met by every tab at once.
        let jitter = (js_sys::Math::random() * pause as f64 / 2.0) as u64;
        sleep(pause + jitter).await;
        pause = (pause * 2).min(LONGEST_PAUSE_MS);
    }
}

/// One connection, until it closes; returns its close code if it had one.
/// The socket is not split: before each send its state is checked, since
/// a browser reports sending on a closing socket as an error.
async fn session(
    live: Live,
    mut socket: WebSocket,
    frames: &mut UnboundedReceiver<ClientFrame>,
    last: &mut Option<i64>,
    pause: &mut u64,
) -> Option<u16> {
    loop {
        let outgoing = match select(socket.next(), frames.next()).await {
            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                    continue;
                };
                let ServerFrame::Hello { seq } = frame else {
                    apply(live, frame, last);
                    continue;
                };
                live.state.set(LiveState::Live);
                *pause = FIRST_PAUSE_MS;
                let after = last.unwrap_or(seq);
                *last = Some(after);
                let topics = live.wanted();
                if topics.is_empty() {
                    continue;
                }
                let subscribe = ClientFrame::Subscribe {
                    topics: topics.iter().map(ToString::to_string).collect(),
                    after: Some(after),
                };
                if send(&mut socket, &subscribe).await.is_err() {
                    return None;
                }
                live.subscribed(&topics);
                continue;
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => continue,
            Either::Left((Some(Err(WebSocketError::ConnectionClose(event))), _)) => {
                return Some(event.code)
            }
            Either::Left((_, _)) => return None,
            // Frames for a socket that is not up yet are covered by the
            // subscribe sent on its hello.
            Either::Right((Some(frame), _)) => frame,
            // The page stopped this loop (see `Live::disconnect`).
            Either::Right((None, _)) => return Some(close::SIGNED_OUT),
        };
        if live.state.get_untracked() == LiveState::Live
            && send(&mut socket, &outgoing).await.is_err()
        {
            return None;
        }
    }
}

fn apply(live: Live, frame: ServerFrame, last: &mut Option<i64>) {
    match frame {
        ServerFrame::Event(event) => {
            if last.is_some_and(|seen| event.seq <= seen) {
                return;
            }
            *last = Some(event.seq);
            live.bump(&event.topics);
            live.last_event.set(Some(event));
        }
        ServerFrame::Presence { ticket, people } => live.set_people(ticket, people),
        ServerFrame::Tray { .. } => live.bump(&[Topic::Notifications]),
        ServerFrame::Reset { seq } => {
            *last = Some(seq);
            live.bump_all();
        }
        // A refusal changed nothing; it is for whoever reads the console.
        ServerFrame::Error { message, .. } => {
            leptos::logging::log!("live channel: {message}");
        }
        ServerFrame::Hello { .. } | ServerFrame::Subscribed { .. } => {}
    }
}

/// Sends a frame while the socket is open; a closing one takes nothing.
async fn send(socket: &mut WebSocket, frame: &ClientFrame) -> Result<(), ()> {
    if !matches!(socket.state(), State::Open) {
        return Err(());
    }
    let text = serde_json::to_string(frame).map_err(|_| ())?;
    socket.send(Message::Text(text)).await.map_err(|_| ())
}

/// `/api/live` on this page's host, over wss when the page is https.
fn url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/api/live", location.host().ok()?))
}

async fn sleep(ms: u64) {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        Duration::from_millis(ms),
    );
    let _ = wait.await;
}
