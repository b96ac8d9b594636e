//! Follows the event log and hands every new event, once, to every live
//! connection of this instance. It reads the log rather than trusting
//! wake-ups to carry data: a wake-up (this process's commits, or a
//! PostgreSQL notice from any instance) only says "read again", so a lost
//! one costs at most the fallback interval, never an event.

use crate::store::{committed, Channel, LoggedEvent, SharedStore, Subscription};
use app::api::history;
use app::api::live_types::LiveEvent;
use app::domain::event::DomainEvent;
use app::domain::live::Audience;
use app::domain::TicketId;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Events read per query.
const BATCH: i64 = 500;
/// Read again this often even without a wake-up.
const FALLBACK: Duration = Duration::from_secs(2);

/// One logged event, read once and shared by every connection.
#[derive(Debug)]
pub struct FeedItem {
    pub audience: Audience,
    pub change: DomainEvent,
    /// The frame's content; each connection adds the topics it matched.
    pub event: LiveEvent,
}

impl FeedItem {
    pub fn new(logged: LoggedEvent) -> Self {
        let LoggedEvent {
            seq,
            actor_name,
            requester,
            event,
        } = logged;
        let text = history::describe(actor_name.as_deref(), event.actor, &event.change);
        FeedItem {
            audience: Audience {
                ticket: event.ticket.map(TicketId),
                requester,
                public: event.public,
            },
            event: LiveEvent {
                seq,
                ticket: event.ticket,
                kind: event.change.kind().to_owned(),
                text,
                at: event.at,
                actor: event.actor,
                public: event.public,
                topics: Vec::new(),
            },
            change: event.change,
        }
    }

    pub fn seq(&self) -> i64 {
        self.event.seq
    }
}

pub struct Feed {
    pub sender: broadcast::Sender<Arc<FeedItem>>,
    /// The last sequence number handed out. Stored before the item is
    /// sent, so a connection that subscribes and then reads it either
    /// receives every later item or has seen its number (see `Connection`).
    last: AtomicI64,
}

impl Feed {
    /// `backlog`: the events a connection may fall behind by before it is
    /// told to resync. The ring is shared, so memory does not grow with a
    /// connection that stopped reading.
    pub fn new(start: i64, backlog: usize) -> Self {
        Feed {
            sender: broadcast::channel(backlog).0,
            last: AtomicI64::new(start),
        }
    }

    pub fn last(&self) -> i64 {
        self.last.load(Ordering::SeqCst)
    }

    /// Runs until shutdown.
    pub async fn follow(self: Arc<Self>, store: SharedStore, mut shutdown: watch::Receiver<bool>) {
        let mut remote: Option<Box<dyn Subscription>> = None;
        let mut listening = false;
        loop {
            if !listening {
                match store.subscribe(Channel::Events).await {
                    Ok(subscription) => {
                        remote = subscription;
                        listening = true;
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "live feed: cannot listen for other instances' events")
                    }
                }
            }
            let wake = committed();
            tokio::pin!(wake);
            wake.as_mut().enable();
            self.read_all(&store).await;
            tokio::select! {
                _ = wake => {}
                heard = next(&mut remote) => {
                    if let Err(err) = heard {
                        tracing::warn!(error = %err, "live feed: lost the notification connection; listening again");
                        remote = None;
                        listening = false;
                    }
                }
                _ = tokio::time::sleep(FALLBACK) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    async fn read_all(&self, store: &SharedStore) {
        loop {
            let after = self.last();
            let batch = match store.events_after(after, BATCH).await {
                Ok(batch) => batch,
                Err(err) => {
                    tracing::warn!(error = %err, after, "live feed: cannot read the event log");
                    return;
                }
            };
            let full = batch.len() as i64 == BATCH;
            for logged in batch {
                let item = Arc::new(FeedItem::new(logged));
                self.last.store(item.seq(), Ordering::SeqCst);
                // No receivers is fine: nobody is connected.
                let _ = self.sender.send(item);
            }
            if !full {
                return;
            }
        }
    }
}

/// The next notice, or never when there is nobody else to hear from.
async fn next(
    remote: &mut Option<Box<dyn Subscription>>,
) -> Result<String, crate::store::StoreError> {
    match remote {
        Some(subscription) => subscription.next().await,
        None => std::future::pending().await,
    }
}
