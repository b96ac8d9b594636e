//! The SLA monitor: a background task that sleeps until the next instant
//! a clock is owed something (a breach or an escalation level) and fires it.
//! Only the holder of the `sla-monitor` lease fires; the store's claims make
//! a second firing impossible anyway. It never sleeps longer than a second,
//! so a clock written by another instance is noticed within one.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::mail::templates;
use crate::scheduler::RoutingSignal;
use crate::store::{Fired, NewEmail, SharedStore, SlaAlert, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

const LEASE: &str = "sla-monitor";
/// Clocks fired per transaction.
const BATCH: i64 = 500;
/// The longest the monitor waits without looking.
const MAX_SLEEP: Duration = Duration::from_secs(1);

/// What one monitor pass did.
#[derive(Debug, Default)]
pub struct MonitorPass {
    /// The clocks it fired, with what fired on each.
    pub fired: Vec<Fired>,
    /// When the next clock is due, if any is.
    pub next: Option<DateTime<Utc>>,
}

pub struct SlaMonitor {
    pub store: SharedStore,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub routing: Arc<RoutingSignal>,
    pub mail_wake: Arc<Notify>,
    pub holder: String,
}

impl SlaMonitor {
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let lease_secs = self.config.scheduler.lease_secs;
        let renew_every = Duration::from_secs(u64::try_from(lease_secs / 3).unwrap_or(1).max(1));
        let mut leading = false;
        'outer: loop {
            if *shutdown.borrow() {
                break;
            }
            let now = self.clock.now();
            let until = now + chrono::Duration::seconds(lease_secs);
            match self
                .store
                .acquire_lease(LEASE, &self.holder, now, until)
                .await
            {
                Ok(true) => {
                    if !leading {
                        tracing::info!(holder = %self.holder, "SLA monitor leading");
                    }
                    leading = true;
                }
                Ok(false) => leading = false,
                Err(err) => {
                    tracing::warn!(error = %err, "could not renew the SLA monitor lease");
                    leading = false;
                }
            }
            let renew_at = tokio::time::Instant::now() + renew_every;
            loop {
                let mut nap = MAX_SLEEP;
                if leading {
                    match self.pass(self.clock.now()).await {
                        Ok(MonitorPass {
                            next: Some(next), ..
                        }) => {
                            let wait = (next - self.clock.now()).to_std().unwrap_or(Duration::ZERO);
                            nap = nap.min(wait);
                        }
                        Ok(_) => {}
                        Err(err) => tracing::error!(error = %err, "SLA monitor pass failed"),
                    }
                }
                let wake_at = (tokio::time::Instant::now() + nap).min(renew_at);
                tokio::select! {
                    _ = shutdown.changed() => break 'outer,
                    _ = tokio::time::sleep_until(wake_at) => {}
                }
                if tokio::time::Instant::now() >= renew_at {
                    break;
                }
            }
        }
        if leading {
            if let Err(err) = self.store.release_lease(LEASE, &self.holder).await {
                tracing::warn!(error = %err, "could not release the SLA monitor lease");
            }
        }
    }

    /// One pass at `now`: fires every clock due by then, in batches, and
    /// says what it fired and when the next clock is due. The loop above
    /// only calls this; tests call it directly with the time they choose.
    pub async fn pass(&self, now: DateTime<Utc>) -> Result<MonitorPass, StoreError> {
        let config = self.config.clone();
        let mail = move |alert: &SlaAlert| -> NewEmail {
            templates::sla_alert(
                &config,
                alert.recipient.clone(),
                alert.ticket_id,
                &alert.subject,
                &alert.what,
            )
        };
        let mut done = MonitorPass::default();
        loop {
            // Look before taking the write lock: most passes owe nothing.
            let next = self.store.next_fire_time().await?;
            if next.is_none_or(|at| at > now) {
                done.next = next;
                return Ok(done);
            }
            let fired = self.store.fire_due(now, BATCH, &mail).await?;
            self.after(&fired, now).await;
            if fired.is_empty() {
                // Due but not fired: another instance claimed it first.
                // Its write will move `next_fire_at`; do not spin on it.
                done.next = Some(now + chrono::Duration::milliseconds(100));
                return Ok(done);
            }
            done.fired.extend(fired);
        }
    }

    async fn after(&self, fired: &[Fired], now: DateTime<Utc>) {
        if fired.is_empty() {
            return;
        }
        for f in fired {
            let late_ms = (now - f.due).num_milliseconds();
            tracing::info!(
                ticket_id = f.ticket_id,
                metric = f.metric.as_str(),
                cycle = f.cycle,
                breached = f.breached,
                levels = ?f.levels,
                late_ms,
                "SLA clock fired"
            );
            if f.requeued {
                self.routing.ticket(f.ticket_id).await;
            }
        }
        self.mail_wake.notify_one();
    }
}
