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
use gloo_net::websocket::{Message, WebSocketError};
use leptos::prelude::*;
use std::time::Duration;

const FIRST_PAUSE_MS: u64 = 500;
const LONGEST_PAUSE_MS: u64 = 30_000;

pub fn start(live: Live) {
    let (outbox, frames) = unbounded();
    live.set_outbox(Some(outbox));
    leptos::task::spawn_local(run(live, frames));
}

async fn run(live: Live, mut frames: UnboundedReceiver<ClientFrame>) {
    // The last event applied; the first connection starts from the page.
    let mut last: Option<i64> = live.take_page_seq();
    let mut pause = FIRST_PAUSE_MS;
    loop {
        live.state.set(LiveState::Connecting);
        let code = match url().and_then(|url| WebSocket::open(&url).ok()) {
            Some(socket) => session(live, socket, &mut frames, &mut last, &mut pause).await,
            None => None,
        };
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
async fn session(
    live: Live,
    socket: WebSocket,
    frames: &mut UnboundedReceiver<ClientFrame>,
    last: &mut Option<i64>,
    pause: &mut u64,
) -> Option<u16> {
    let (mut write, mut read) = socket.split();
    loop {
        match select(read.next(), frames.next()).await {
            Either::Left((Some(Ok(Message::Text(text))), _)) => {
                let Ok(frame) = serde_json::from_str::<ServerFrame>(&text) else {
                    continue;
                };
                if let ServerFrame::Hello { seq } = frame {
                    live.state.set(LiveState::Live);
                    *pause = FIRST_PAUSE_MS;
                    let after = last.unwrap_or(seq);
                    *last = Some(after);
                    let topics = live.wanted();
                    if !topics.is_empty() {
                        let subscribe = ClientFrame::Subscribe {
                            topics: topics.iter().map(ToString::to_string).collect(),
                            after: Some(after),
                        };
                        if send(&mut write, &subscribe).await.is_err() {
                            return None;
                        }
                        live.subscribed(&topics);
                    }
                } else {
                    apply(live, frame, last);
                }
            }
            Either::Left((Some(Ok(Message::Bytes(_))), _)) => {}
            Either::Left((Some(Err(WebSocketError::ConnectionClose(event))), _)) => {
                return Some(event.code)
            }
            Either::Left((_, _)) => return None,
            Either::Right((Some(frame), _)) => {
                // Frames for a socket that is not up yet are covered by the
                // subscribe sent on its hello.
                if live.state.get_untracked() == LiveState::Live
                    && send(&mut write, &frame).await.is_err()
                {
                    return None;
                }
            }
            Either::Right((None, _)) => return None,
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

async fn send(
    write: &mut futures::stream::SplitSink<WebSocket, Message>,
    frame: &ClientFrame,
) -> Result<(), ()> {
    let text = serde_json::to_string(frame).map_err(|_| ())?;
    write.send(Message::Text(text)).await.map_err(|_| ())
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
