//! One live connection: what it follows, what it has seen, and the loop
//! that answers its frames and hands it the feed, presence and the hub's
//! news. Every frame it refuses gets an error frame and changes nothing.

use super::feed::FeedItem;
use super::presence::Signal;
use super::{Live, News, Slot};
use app::api::backend::SessionUser;
use app::api::live_types::{close, limits, ClientFrame, ErrorCode, LiveEvent, ServerFrame};
use app::domain::live::{ends_connection, receives, Activity, SignalBudget, Topic};
use app::domain::{Actor, TicketId};
use app::service::ServiceError;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use tower_sessions::session::Id;
use tower_sessions::SessionStore;

/// How often the server pings and re-checks the session.
const HEARTBEAT: Duration = Duration::from_secs(20);
/// Silence after which a connection counts as dead (two missed pongs).
const SILENCE: Duration = Duration::from_secs(50);
/// A client that takes longer than this to take a frame is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// A resume that would scan more of the log than this resets instead.
const MAX_SCAN: i64 = 50_000;

/// How a connection ends.
enum End {
    /// Say why, with a close code (see `live_types::close`).
    Close(u16, &'static str),
    /// The peer is gone or unresponsive: nothing to say to it.
    Gone,
}

pub struct Connection {
    live: Arc<Live>,
    slot: Slot,
    actor: Actor,
    user: SessionUser,
    session: Id,
    session_key: String,
    topics: BTreeSet<Topic>,
    /// The last sequence number the connection has been brought up to.
    seen: i64,
    budget: SignalBudget,
    /// The ticket this connection last said it was on.
    on_ticket: Option<i64>,
}

impl Connection {
    pub fn new(live: Arc<Live>, slot: Slot, actor: Actor, user: SessionUser, session: Id) -> Self {
        let session_key = crate::accounts::tokens::digest(&session.to_string());
        Connection {
            live,
            slot,
            actor,
            user,
            session,
            session_key,
            topics: BTreeSet::new(),
            seen: 0,
            budget: SignalBudget::new(),
            on_ticket: None,
        }
    }

    pub async fn run(mut self, mut socket: WebSocket) {
        // Subscribe before reading where the feed stands (see `Feed::last`).
        let mut feed = self.live.feed.sender.subscribe();
        self.seen = self.live.feed.last();
        let mut presence = self.live.board.changes();
        let mut news = self.live.news.subscribe();
        let mut shutdown = self.live.shutdown.clone();
        let mut heartbeat = tokio::time::interval_at(Instant::now() + HEARTBEAT, HEARTBEAT);
        let mut last_heard = Instant::now();
        let hello = ServerFrame::Hello { seq: self.seen };
        let end = match send(&mut socket, &hello).await {
            Err(end) => end,
            Ok(()) => loop {
                let step = tokio::select! {
                    _ = shutdown.changed() => Err(End::Close(close::RESTARTING, "restarting")),
                    heard = news.recv() => match heard {
                        Ok(News::SessionEnded(key)) if key == self.session_key => Err(End::Close(close::SIGNED_OUT, "signed out")),
                        Ok(News::TrayChanged(users)) if users.contains(&self.actor.id) => self.send_tray(&mut socket).await,
                        _ => Ok(()),
                    },
                    incoming = socket.recv() => match incoming {
                        Some(Ok(message)) => {
                            last_heard = Instant::now();
                            self.on_message(&mut socket, message).await
                        }
                        _ => Err(End::Gone),
                    },
                    item = feed.recv() => match item {
                        Ok(item) => self.on_item(&mut socket, &item).await,
                        Err(RecvError::Lagged(_)) => Err(End::Close(close::RESYNC, "fell behind; resume")),
                        Err(RecvError::Closed) => Err(End::Close(close::RESTARTING, "restarting")),
                    },
                    changed = presence.recv() => match changed {
                        Ok(ticket) => self.send_presence(&mut socket, ticket).await,
                        Err(RecvError::Lagged(_)) => self.send_all_presence(&mut socket).await,
                        Err(RecvError::Closed) => Ok(()),
                    },
                    _ = heartbeat.tick() => {
                        if last_heard.elapsed() > SILENCE {
                            Err(End::Gone)
                        } else {
                            self.beat(&mut socket).await
                        }
                    }
                };
                if let Err(end) = step {
                    break end;
                }
            },
        };
        if let Some(ticket) = self.on_ticket.take() {
            self.live.signal(self.signal(ticket, None)).await;
        }
        if let End::Close(code, reason) = end {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ =
                tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Close(Some(frame)))).await;
        }
    }

    async fn on_message(&mut self, socket: &mut WebSocket, message: Message) -> Result<(), End> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return refuse(socket, ErrorCode::Malformed, "Frames are JSON text.", None).await
            }
            Message::Close(_) => return Err(End::Gone),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        if text.len() > limits::MAX_FRAME_BYTES {
            let message = format!(
                "A frame may be at most {} bytes; this one was {}.",
                limits::MAX_FRAME_BYTES,
                text.len()
            );
            return refuse(socket, ErrorCode::Malformed, &message, None).await;
        }
        match serde_json::from_str::<ClientFrame>(text.as_str()) {
            Ok(ClientFrame::Subscribe { topics, after }) => {
                self.subscribe(socket, topics, after).await
            }
            Ok(ClientFrame::Unsubscribe { topics }) => self.unsubscribe(socket, topics).await,
            Ok(ClientFrame::Presence { ticket, activity }) => {
                self.presence(socket, ticket, activity).await
            }
            Err(err) => {
                let message = format!("This is not a frame the live channel knows: {err}.");
                refuse(socket, ErrorCode::Malformed, &message, None).await
            }
        }
    }

    async fn subscribe(
        &mut self,
        socket: &mut WebSocket,
        topics: Vec<String>,
        after: Option<i64>,
    ) -> Result<(), End> {
        let mut added = Vec::new();
        for text in topics {
            let Some(topic) = Topic::parse(&text) else {
                let message = format!(
                    "There is no topic “{text}”. Topics are queues, ticket:<number>, my-tickets and notifications."
                );
                refuse(socket, ErrorCode::UnknownTopic, &message, Some(text)).await?;
                continue;
            };
            if self.topics.contains(&topic) {
                continue;
            }
            if self.topics.len() >= limits::MAX_TOPICS {
                let message = format!(
                    "A connection follows at most {} topics; unsubscribe from one first.",
                    limits::MAX_TOPICS
                );
                refuse(
                    socket,
                    ErrorCode::TooManySubscriptions,
                    &message,
                    Some(text),
                )
                .await?;
                continue;
            }
            match self.live.tickets.may_follow(&self.actor, topic).await {
                Ok(()) => {
                    self.topics.insert(topic);
                    added.push(topic);
                }
                Err(ServiceError::Internal { reference }) => {
                    let message =
                        format!("Could not subscribe just now (reference {reference}). Try again.");
                    refuse(socket, ErrorCode::Internal, &message, Some(text)).await?;
                }
                Err(_) => {
                    let message = match topic {
                        Topic::Ticket(id) => format!("You cannot follow ticket {}: it does not exist or is not yours to see.", id.0),
                        _ => format!("You cannot follow “{topic}”: it is for agents."),
                    };
                    refuse(socket, ErrorCode::Forbidden, &message, Some(text)).await?;
                }
            }
        }
        let followed = ServerFrame::Subscribed {
            topics: self.topics.iter().copied().collect(),
        };
        send(socket, &followed).await?;
        for topic in &added {
            match topic {
                Topic::Ticket(id) => self.send_presence(socket, id.0).await?,
                Topic::Notifications => self.send_tray(socket).await?,
                _ => {}
            }
        }
        match after {
            Some(after) if !added.is_empty() => self.replay(socket, &added, after).await,
            _ => Ok(()),
        }
    }

    async fn unsubscribe(
        &mut self,
        socket: &mut WebSocket,
        topics: Vec<String>,
    ) -> Result<(), End> {
        for text in topics {
            match Topic::parse(&text) {
                Some(topic) => {
                    self.topics.remove(&topic);
                    if matches!(topic, Topic::Ticket(id) if Some(id.0) == self.on_ticket) {
                        if let Some(ticket) = self.on_ticket.take() {
                            self.live.signal(self.signal(ticket, None)).await;
                        }
                    }
                }
                None => {
                    let message = format!("There is no topic “{text}”.");
                    refuse(socket, ErrorCode::UnknownTopic, &message, Some(text)).await?;
                }
            }
        }
        let followed = ServerFrame::Subscribed {
            topics: self.topics.iter().copied().collect(),
        };
        send(socket, &followed).await
    }

    /// Sends what `added` missed after `after`, up to where the live feed
    /// takes over; too much to replay is a reset instead.
    async fn replay(
        &mut self,
        socket: &mut WebSocket,
        added: &[Topic],
        after: i64,
    ) -> Result<(), End> {
        let until = self.seen;
        if until - after > MAX_SCAN {
            return send(socket, &ServerFrame::Reset { seq: until }).await;
        }
        let mut cursor = after;
        let mut sent = 0;
        while cursor < until {
            let batch = match self.live.store.events_after(cursor, 500).await {
                Ok(batch) if !batch.is_empty() => batch,
                Ok(_) => break,
                Err(err) => {
                    let reference = match app::service::internal(err) {
                        ServiceError::Internal { reference } => reference,
                        _ => String::new(),
                    };
                    let message = format!("Could not replay what was missed (reference {reference}); reload the page.");
                    return refuse(socket, ErrorCode::Internal, &message, None).await;
                }
            };
            for logged in batch {
                if logged.seq > until {
                    return Ok(());
                }
                cursor = logged.seq;
                let item = FeedItem::new(logged);
                let topics = matched(&self.actor, added.iter().copied(), &item);
                if topics.is_empty() {
                    continue;
                }
                sent += 1;
                if sent > limits::MAX_REPLAY {
                    return send(socket, &ServerFrame::Reset { seq: until }).await;
                }
                send(socket, &event_frame(&item, topics)).await?;
            }
        }
        Ok(())
    }

    async fn on_item(&mut self, socket: &mut WebSocket, item: &FeedItem) -> Result<(), End> {
        if item.seq() <= self.seen {
            return Ok(());
        }
        self.seen = item.seq();
        if ends_connection(&self.actor, &item.change) {
            return Err(End::Close(close::SIGNED_OUT, "the account changed"));
        }
        let topics = matched(&self.actor, self.topics.iter().copied(), item);
        if topics.is_empty() {
            return Ok(());
        }
        send(socket, &event_frame(item, topics)).await
    }

    async fn presence(
        &mut self,
        socket: &mut WebSocket,
        ticket: i64,
        activity: Option<Activity>,
    ) -> Result<(), End> {
        if !self.actor.role.is_staff() || !self.topics.contains(&Topic::Ticket(TicketId(ticket))) {
            let message = format!("Presence is shared by agents following the ticket; subscribe to ticket:{ticket} first.");
            return refuse(socket, ErrorCode::Forbidden, &message, None).await;
        }
        if !self.budget.spend(self.live.clock.now()) {
            return refuse(
                socket,
                ErrorCode::RateLimited,
                "Too many presence signals; they are dropped for a few seconds.",
                None,
            )
            .await;
        }
        self.on_ticket = activity.map(|_| ticket);
        self.live.signal(self.signal(ticket, activity)).await;
        Ok(())
    }

    fn signal(&self, ticket: i64, activity: Option<Activity>) -> Signal {
        Signal {
            conn: self.live.conn_ref(self.slot.conn),
            ticket,
            user_id: self.actor.id,
            name: self.actor.name.clone(),
            activity,
        }
    }

    async fn send_presence(&self, socket: &mut WebSocket, ticket: i64) -> Result<(), End> {
        if !self.actor.role.is_staff() || !self.topics.contains(&Topic::Ticket(TicketId(ticket))) {
            return Ok(());
        }
        let people = self
            .live
            .board
            .people(ticket, self.actor.id, self.live.clock.now());
        send(socket, &ServerFrame::Presence { ticket, people }).await
    }

    /// The unread count, to a connection following the tray.
    async fn send_tray(&self, socket: &mut WebSocket) -> Result<(), End> {
        if !self.topics.contains(&Topic::Notifications) {
            return Ok(());
        }
        match self.live.store.unread_notifications(self.actor.id).await {
            Ok(unread) => send(socket, &ServerFrame::Tray { unread }).await,
            Err(err) => {
                tracing::warn!(error = %err, "live: could not count unread notifications");
                Ok(())
            }
        }
    }

    async fn send_all_presence(&self, socket: &mut WebSocket) -> Result<(), End> {
        for topic in &self.topics {
            if let Topic::Ticket(id) = topic {
                self.send_presence(socket, id.0).await?;
            }
        }
        Ok(())
    }

    /// Pings, and ends the connection if its session or account no longer
    /// holds (signed out elsewhere, password changed, deactivated).
    async fn beat(&self, socket: &mut WebSocket) -> Result<(), End> {
        let signed_out = Err(End::Close(close::SIGNED_OUT, "signed out"));
        // An error here is the database's, not the session's: keep going.
        if let Ok(None) = self.live.accounts.load_actor(self.user).await {
            return signed_out;
        }
        if let Ok(None) = self.live.sessions.load(&self.session).await {
            return signed_out;
        }
        match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Ping(Vec::new().into())))
            .await
        {
            Ok(Ok(())) => Ok(()),
            _ => Err(End::Gone),
        }
    }
}

/// The topics among `topics` through which `item` reaches `actor`.
fn matched(actor: &Actor, topics: impl Iterator<Item = Topic>, item: &FeedItem) -> Vec<Topic> {
    topics
        .filter(|topic| receives(actor, *topic, &item.audience))
        .collect()
}

fn event_frame(item: &FeedItem, topics: Vec<Topic>) -> ServerFrame {
    ServerFrame::Event(LiveEvent {
        topics,
        ..item.event.clone()
    })
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), End> {
    let text = serde_json::to_string(frame).map_err(|_| End::Gone)?;
    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(End::Gone),
    }
}

async fn refuse(
    socket: &mut WebSocket,
    code: ErrorCode,
    message: &str,
    topic: Option<String>,
) -> Result<(), End> {
    let frame = ServerFrame::Error {
        code,
        message: message.to_owned(),
        topic,
    };
    send(socket, &frame).await
}
