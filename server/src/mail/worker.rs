//! Drains the outbox: leases due messages, sends them, and records the
//! outcome with exponential backoff and a dead-letter state. Idempotent and
//! crash-safe: a message whose lease runs out is simply tried again, with the
//! same Message-ID.

use super::{MailTransport, TransportError};
use crate::clock::SharedClock;
use crate::store::{SharedStore, StoreError};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use tokio::sync::{watch, Notify};

const BATCH: i64 = 20;
/// With the backoff below, about two hours of retries before the dead letter.
const MAX_ATTEMPTS: i64 = 12;
const LEASE_SECS: i64 = 120;

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OutboxPass {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
}

impl OutboxPass {
    pub fn did_work(&self) -> bool {
        self.sent + self.retried + self.dead > 0
    }
}

/// One pass of the outbox at `now`: sends what is due, records each
/// outcome at `now`, and reports what it did.
pub async fn run_outbox_pass(
    store: &SharedStore,
    transport: &MailTransport,
    from: &str,
    now: DateTime<Utc>,
) -> Result<OutboxPass, StoreError> {
    let batch = store
        .claim_outbox(now, now + Duration::seconds(LEASE_SECS), BATCH)
        .await?;
    let mut pass = OutboxPass::default();
    for message in batch {
        match transport.send(from, &message).await {
            Ok(()) => {
                store.mark_outbox_sent(message.id, now).await?;
                pass.sent += 1;
            }
            Err(err) => {
                let retry_at = match &err {
                    TransportError::Temporary(_) if message.attempts < MAX_ATTEMPTS => {
                        Some(now + backoff(message.attempts))
                    }
                    _ => None,
                };
                tracing::warn!(outbox_id = message.id, attempts = message.attempts, error = %err, dead = retry_at.is_none(), "email not sent");
                store
                    .mark_outbox_failed(message.id, &err.to_string(), retry_at, now)
                    .await?;
                if retry_at.is_some() {
                    pass.retried += 1;
                } else {
                    pass.dead += 1;
                }
            }
        }
    }
    Ok(pass)
}

/// 2 s, 4 s, 8 s … capped at one hour.
fn backoff(attempts: i64) -> Duration {
    Duration::seconds(2i64.saturating_pow(attempts.clamp(1, 20) as u32).min(3600))
}

pub struct OutboxWorker {
    pub store: SharedStore,
    pub transport: MailTransport,
    pub from: String,
    pub clock: SharedClock,
    pub wake: Arc<Notify>,
}

impl OutboxWorker {
    /// Runs until `shutdown` flips: woken at once when mail is queued, and
    /// every second for retries.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(transport = %self.transport.describe(), "outbox worker started");
        loop {
            let now = self.clock.now();
            match run_outbox_pass(&self.store, &self.transport, &self.from, now).await {
                Ok(pass) if pass.did_work() => {
                    tracing::debug!(?pass, "outbox pass");
                    continue;
                }
                Ok(_) => {}
                Err(err) => tracing::error!(error = %err, "outbox pass failed"),
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!("outbox worker stopped");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(2));
        assert_eq!(backoff(3), Duration::seconds(8));
        assert_eq!(backoff(30), Duration::seconds(3600));
    }
}
