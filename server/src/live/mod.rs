//! The live channel's hub: one feed of the event log, the presence board,
//! and the connections of this instance. Connections are served by
//! `Connection` (one task each); the HTTP route in `http::live` only
//! authenticates and upgrades. What a connection may follow is asked of
//! the ticket service, and what reaches it is decided by
//! `domain::live::receives`: no rule lives here.
//!
//! Between instances on PostgreSQL, events travel through the log (see
//! `feed`), and presence and sign-outs through `Channel::Live` notices.

mod connection;
mod feed;
pub mod presence;
pub mod tray;

pub use connection::Connection;
pub use feed::FeedItem;
pub use tray::Tray;

use crate::accounts::tokens::digest;
use crate::clock::SharedClock;
use crate::sessions::AnySessionStore;
use crate::store::{Channel, SharedStore, StoreError, Subscription};
use app::service::{AccountService, LiveService, TicketService};
use async_trait::async_trait;
use feed::Feed;
use presence::{Board, ConnRef, Signal};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// What instances tell each other about the live channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "notice", rename_all = "snake_case")]
enum Notice {
    Presence(Signal),
    /// A signed-out session, by digest (the id itself never travels).
    SessionEnded {
        key: String,
    },
    /// These people's trays changed.
    Tray {
        users: Vec<i64>,
    },
}

/// What the hub tells its connections besides events and presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum News {
    /// A session was signed out (by digest): its connections end.
    SessionEnded(String),
    /// These people's trays changed: their connections send the count.
    TrayChanged(Vec<i64>),
}

pub struct Live {
    pub(crate) store: SharedStore,
    pub(crate) tickets: Arc<dyn TicketService>,
    pub(crate) accounts: Arc<dyn AccountService>,
    pub(crate) sessions: AnySessionStore,
    pub(crate) clock: SharedClock,
    pub(crate) board: Board,
    feed: Arc<Feed>,
    news: broadcast::Sender<News>,
    instance: String,
    next_conn: AtomicU64,
    per_user: usize,
    open: Mutex<HashMap<i64, usize>>,
    shutdown: watch::Receiver<bool>,
}

pub struct LiveParts {
    pub store: SharedStore,
    pub tickets: Arc<dyn TicketService>,
    pub accounts: Arc<dyn AccountService>,
    pub sessions: AnySessionStore,
    pub clock: SharedClock,
    pub per_user: usize,
    pub backlog: usize,
}

impl Live {
    /// Starts following the log from its current end, with the presence
    /// sweep and the notices of other instances; all stop at shutdown.
    pub async fn start(
        parts: LiveParts,
        shutdown: watch::Receiver<bool>,
    ) -> Result<(Arc<Live>, Vec<tokio::task::JoinHandle<()>>), StoreError> {
        let start = parts.store.last_event_seq().await?;
        let live = Arc::new(Live {
            store: parts.store,
            tickets: parts.tickets,
            accounts: parts.accounts,
            sessions: parts.sessions,
            clock: parts.clock,
            board: Board::new(),
            feed: Arc::new(Feed::new(start, parts.backlog)),
            news: broadcast::channel(256).0,
            instance: uuid::Uuid::new_v4().simple().to_string(),
            next_conn: AtomicU64::new(1),
            per_user: parts.per_user,
            open: Mutex::new(HashMap::new()),
            shutdown: shutdown.clone(),
        });
        let workers = vec![
            tokio::spawn(
                live.feed
                    .clone()
                    .follow(live.store.clone(), shutdown.clone()),
            ),
            tokio::spawn(live.clone().sweep(shutdown.clone())),
            tokio::spawn(live.clone().hear(shutdown)),
        ];
        Ok((live, workers))
    }

    /// A place for one more connection of `user_id`, or `None` at the limit.
    pub fn admit(self: &Arc<Self>, user_id: i64) -> Option<Slot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(user_id).or_default();
        if *count >= self.per_user {
            return None;
        }
        *count += 1;
        Some(Slot {
            live: self.clone(),
            user_id,
            conn: self.next_conn.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Connections open on this instance.
    pub fn connections(&self) -> usize {
        self.open
            .lock()
            .map(|open| open.values().sum())
            .unwrap_or(0)
    }

    /// Waits until every connection has said goodbye (they close on the
    /// shutdown signal), at most `limit`.
    pub async fn drain(&self, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        while self.connections() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn conn_ref(&self, conn: u64) -> ConnRef {
        ConnRef {
            instance: self.instance.clone(),
            conn,
        }
    }

    /// Tells these people's connections, here and on every instance, that
    /// their trays changed.
    pub(crate) async fn tray_changed(&self, users: Vec<i64>) {
        let _ = self.news.send(News::TrayChanged(users.clone()));
        self.tell(&Notice::Tray { users }).await;
    }

    /// Records a local connection's presence and tells the other instances.
    pub(crate) async fn signal(&self, signal: Signal) {
        self.board.apply(&signal, self.clock.now());
        self.tell(&Notice::Presence(signal)).await;
    }

    async fn tell(&self, notice: &Notice) {
        let Ok(payload) = serde_json::to_string(notice) else {
            return;
        };
        if let Err(err) = self.store.announce(Channel::Live, &payload).await {
            tracing::warn!(error = %err, "live: could not tell the other instances");
        }
    }

    async fn sweep(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = shutdown.changed() => return,
            }
            self.board.sweep(self.clock.now());
        }
    }

    /// Other instances' notices; none on SQLite.
    async fn hear(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            let mut subscription: Box<dyn Subscription> =
                match self.store.subscribe(Channel::Live).await {
                    Ok(Some(subscription)) => subscription,
                    Ok(None) => return,
                    Err(err) => {
                        tracing::warn!(error = %err, "live: cannot listen to other instances");
                        tokio::select! {
                            _ = tokio::time::sleep(Duration::from_secs(2)) => continue,
                            _ = shutdown.changed() => return,
                        }
                    }
                };
            loop {
                let payload = tokio::select! {
                    payload = subscription.next() => payload,
                    _ = shutdown.changed() => return,
                };
                let Ok(payload) = payload else { break };
                match serde_json::from_str::<Notice>(&payload) {
                    Ok(Notice::Presence(signal)) if signal.conn.instance != self.instance => {
                        self.board.apply(&signal, self.clock.now());
                    }
                    Ok(Notice::SessionEnded { key }) => {
                        let _ = self.news.send(News::SessionEnded(key));
                    }
                    Ok(Notice::Tray { users }) => {
                        let _ = self.news.send(News::TrayChanged(users));
                    }
                    Ok(_) => {}
                    Err(err) => tracing::warn!(error = %err, "live: unreadable notice"),
                }
            }
        }
    }
}

#[async_trait]
impl LiveService for Live {
    async fn session_ended(&self, session_id: &str) {
        let key = digest(session_id);
        let _ = self.news.send(News::SessionEnded(key.clone()));
        self.tell(&Notice::SessionEnded { key }).await;
    }
}

/// A connection's place in the per-user count, given back when dropped.
pub struct Slot {
    live: Arc<Live>,
    user_id: i64,
    pub conn: u64,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.live.open.lock() {
            if let Some(count) = open.get_mut(&self.user_id) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    open.remove(&self.user_id);
                }
            }
        }
    }
}
