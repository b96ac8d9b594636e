//! The notification tray: a follower of the event log that files what
//! concerns each agent (decided by `domain::notify::recipients`), and the
//! notification service the pages call. Every instance runs a builder;
//! they share one cursor and notifications are unique per person and
//! event, so two builders reading the same stretch file it once.

use super::Live;
use crate::store::{committed, LoggedEvent, SharedStore, StoreError};
use app::api::history;
use app::api::tray_types::{NotificationView, TrayView};
use app::domain::event::DomainEvent;
use app::domain::notify::{mentioned, recipients, Handle, Reason, TicketFacts};
use app::domain::{Action, Actor};
use app::service::notifications::MarkRead;
use app::service::{internal, require, NotificationService, ServiceError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

const FOLLOWER: &str = "tray";
const BATCH: i64 = 500;
/// How many notifications the tray shows.
const SHOWN: i64 = 50;

type Filed = (i64, i64, Option<i64>, Reason, DateTime<Utc>);

pub struct Tray {
    store: SharedStore,
    live: Arc<Live>,
}

impl Tray {
    pub fn new(store: SharedStore, live: Arc<Live>) -> Self {
        Tray { store, live }
    }

    /// Files notifications until shutdown, woken by this process's commits
    /// and every 2 s for the other instances'.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        loop {
            let wake = committed();
            tokio::pin!(wake);
            wake.as_mut().enable();
            if let Err(err) = self.pass().await {
                tracing::warn!(error = %err, "tray: could not file notifications");
            }
            tokio::select! {
                _ = wake => {}
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// Files what the log holds beyond the cursor; returns the people told.
    pub async fn pass(&self) -> Result<BTreeSet<i64>, StoreError> {
        let mut told = BTreeSet::new();
        loop {
            let after = self.store.follower_seq(FOLLOWER).await?;
            let batch = self.store.events_after(after, BATCH).await?;
            let Some(last) = batch.last().map(|e| e.seq) else {
                return Ok(told);
            };
            let filed = self.derive(&batch).await?;
            self.store
                .record_notifications(FOLLOWER, last, &filed)
                .await?;
            let users: BTreeSet<i64> = filed.iter().map(|f| f.0).collect();
            if !users.is_empty() {
                self.live
                    .tray_changed(users.iter().copied().collect())
                    .await;
            }
            told.extend(users);
            if (batch.len() as i64) < BATCH {
                return Ok(told);
            }
        }
    }

    async fn derive(&self, batch: &[LoggedEvent]) -> Result<Vec<Filed>, StoreError> {
        let mut facts: HashMap<i64, TicketFacts> = HashMap::new();
        let mut staff: Option<Vec<Handle>> = None;
        let mut filed = Vec::new();
        for logged in batch {
            let (Some(ticket), true) =
                (logged.event.ticket, concerns_someone(&logged.event.change))
            else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(slot) = facts.entry(ticket) {
                slot.insert(self.store.ticket_facts(ticket).await?);
            }
            let mentions = match &logged.event.change {
                DomainEvent::MessageAdded {
                    message_id,
                    internal: true,
                } => {
                    if staff.is_none() {
                        staff = Some(self.store.staff_handles().await?);
                    }
                    let body = self.store.message_body(*message_id).await?;
                    body.map(|b| mentioned(&b, staff.as_deref().unwrap_or(&[])))
                        .unwrap_or_default()
                }
                _ => Vec::new(),
            };
            let ticket_facts = facts.get(&ticket).cloned().unwrap_or_default();
            for (user, reason) in recipients(&logged.event, &ticket_facts, &mentions) {
                filed.push((user, logged.seq, Some(ticket), reason, logged.event.at));
            }
        }
        Ok(filed)
    }
}

/// The kinds `recipients` can file: only these need the ticket's facts.
fn concerns_someone(change: &DomainEvent) -> bool {
    matches!(
        change,
        DomainEvent::TicketAssigned { .. }
            | DomainEvent::MessageAdded { .. }
            | DomainEvent::SlaWarning { .. }
            | DomainEvent::SlaBreached { .. }
    )
}

fn store_err(err: StoreError) -> ServiceError {
    internal(err)
}

#[async_trait]
impl NotificationService for Tray {
    async fn tray(&self, actor: &Actor) -> Result<TrayView, ServiceError> {
        require(actor, Action::ReadQueues)?;
        let unread = self
            .store
            .unread_notifications(actor.id)
            .await
            .map_err(store_err)?;
        let items = self
            .store
            .notifications(actor.id, SHOWN)
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|n| NotificationView {
                id: n.id,
                reason: n.reason,
                text: history::describe(
                    n.event.actor_name.as_deref(),
                    n.event.event.actor,
                    &n.event.event.change,
                ),
                ticket: n.event.event.ticket,
                at: n.event.event.at,
                read: n.read,
            })
            .collect();
        Ok(TrayView { unread, items })
    }

    async fn mark_read(&self, actor: &Actor, which: MarkRead) -> Result<(), ServiceError> {
        require(actor, Action::WorkTickets)?;
        let id = match which {
            MarkRead::One(id) => Some(id),
            MarkRead::All => None,
        };
        let changed = self
            .store
            .mark_notifications_read(actor.id, id, self.live.clock.now())
            .await
            .map_err(store_err)?;
        if changed == 0 && id.is_some() {
            // Another person's, gone, or read already: nothing to do, and
            // nothing to tell about someone else's tray.
            let mine = self
                .store
                .notifications(actor.id, SHOWN)
                .await
                .map_err(store_err)?;
            if !mine.iter().any(|n| Some(n.id) == id) {
                return Err(ServiceError::NotFound);
            }
        }
        self.live.tray_changed(vec![actor.id]).await;
        Ok(())
    }
}
