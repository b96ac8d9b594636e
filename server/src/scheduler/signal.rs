//! How changes reach the scheduler: services note which ticket changed, or
//! that the roster (availability, membership, group policy) did, and wake
//! it at once; other instances hear of it through the store's broadcast.

use crate::store::{Channel, SharedStore};
use std::collections::BTreeSet;
use std::sync::Mutex;
use tokio::sync::Notify;

/// What changed since the scheduler last looked.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pending {
    pub tickets: BTreeSet<i64>,
    pub roster: bool,
}

pub struct RoutingSignal {
    store: SharedStore,
    pending: Mutex<Pending>,
    wake: Notify,
}

impl RoutingSignal {
    pub fn new(store: SharedStore) -> Self {
        Self {
            store,
            pending: Mutex::new(Pending::default()),
            wake: Notify::new(),
        }
    }

    /// A ticket changed in a way that may move it in or out of a queue or
    /// change an agent's load. Call after the change committed.
    pub async fn ticket(&self, id: i64) {
        self.note(&format!("t:{id}"));
        self.announce(&format!("t:{id}")).await;
    }

    /// Availability, membership, capacity or a group's policy changed.
    pub async fn roster(&self) {
        self.note("r");
        self.announce("r").await;
    }

    /// Records a payload (own or another instance's) and wakes the scheduler.
    pub fn note(&self, payload: &str) {
        {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            match payload.strip_prefix("t:").map(str::parse::<i64>) {
                Some(Ok(id)) => {
                    pending.tickets.insert(id);
                }
                _ => pending.roster = true,
            }
        }
        self.wake.notify_one();
    }

    pub fn take(&self) -> Pending {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    async fn announce(&self, payload: &str) {
        // The periodic sweep catches what a lost announcement misses.
        if let Err(err) = self.store.announce(Channel::Routing, payload).await {
            tracing::warn!(error = %err, "could not announce a routing change");
        }
    }
}
