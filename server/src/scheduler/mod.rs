//! The assignment scheduler: a background task that keeps each group's
//! queue in memory and hands tickets to agents as soon as a ticket becomes
//! routable or an agent can take one.
//!
//! Only the instance holding the `scheduler` lease plans; the others wait
//! to take over when it stops renewing. Every assignment is a conditional
//! write, so even two planners at once could never assign a ticket twice.

mod signal;
mod state;

pub use signal::{Pending, RoutingSignal};
pub use state::RoutingState;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::mail::templates;
use crate::store::{Channel, SharedStore, StoreError, Subscription, TicketRecord};
use app::domain::routing::Assignment;
use app::domain::EmailAddress;
use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};

const LEASE: &str = "scheduler";
/// Assignments written per transaction.
const BATCH: usize = 500;
/// How often the leader looks for idle agents and tickets to return.
const HOUSEKEEPING: chrono::TimeDelta = chrono::TimeDelta::seconds(15);

pub struct Scheduler {
    pub store: SharedStore,
    pub config: Arc<Config>,
    pub clock: SharedClock,
    pub signal: Arc<RoutingSignal>,
    pub mail_wake: Arc<Notify>,
    /// Names this instance in the lease.
    pub holder: String,
}

/// What the leading instance holds.
struct Leading {
    state: RoutingState,
    subscription: Option<Box<dyn Subscription>>,
    rebuilt_at: DateTime<Utc>,
    housekept_at: DateTime<Utc>,
}

/// What one scheduler pass did.
#[derive(Debug, Default)]
pub struct SchedulerPass {
    /// The assignments it wrote, in order.
    pub assigned: Vec<Assignment>,
    /// Whether it reloaded the queue from the database.
    pub rebuilt: bool,
    /// Whether it took idle agents offline and returned untouched tickets.
    pub housekept: bool,
}

impl Scheduler {
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let settings = self.config.scheduler;
        let renew_every =
            Duration::from_secs(u64::try_from(settings.lease_secs / 3).unwrap_or(1).max(1));
        let mut leading: Option<Leading> = None;
        'outer: loop {
            if *shutdown.borrow() {
                break;
            }
            let now = self.clock.now();
            let until = now + chrono::Duration::seconds(settings.lease_secs);
            match self
                .store
                .acquire_lease(LEASE, &self.holder, now, until)
                .await
            {
                Ok(true) if leading.is_none() => match self.lead(now).await {
                    Ok(lead) => leading = Some(lead),
                    Err(err) => {
                        tracing::error!(error = %err, "could not build the scheduler's queue")
                    }
                },
                Ok(true) => {}
                Ok(false) => {
                    if leading.take().is_some() {
                        tracing::warn!("another instance took the scheduler lease");
                    }
                }
                Err(err) => {
                    // Without a renewed lease another instance may lead.
                    tracing::warn!(error = %err, "could not renew the scheduler lease");
                    leading = None;
                }
            }
            let renew_at = tokio::time::Instant::now() + renew_every;
            loop {
                if let Some(lead) = leading.as_mut() {
                    if let Err(err) = self.pass(lead, self.clock.now()).await {
                        tracing::error!(error = %err, "scheduler round failed; rebuilding");
                        leading = None;
                        break;
                    }
                }
                let heard = tokio::select! {
                    _ = shutdown.changed() => break 'outer,
                    _ = self.signal.woken() => None,
                    heard = next_payload(leading.as_mut()) => Some(heard),
                    _ = tokio::time::sleep_until(renew_at) => break,
                };
                match heard {
                    Some(Ok(payload)) => self.signal.note(&payload),
                    Some(Err(err)) => {
                        tracing::warn!(error = %err, "lost the broadcast connection; rebuilding");
                        leading = None;
                        break;
                    }
                    None => {}
                }
            }
        }
        if leading.is_some() {
            if let Err(err) = self.store.release_lease(LEASE, &self.holder).await {
                tracing::warn!(error = %err, "could not release the scheduler lease");
            }
        }
    }

    /// Becomes the planner: listens first (so nothing announced during the
    /// rebuild is missed), then loads the queue from the database.
    async fn lead(&self, now: DateTime<Utc>) -> Result<Leading, StoreError> {
        let subscription = self.store.subscribe(Channel::Routing).await?;
        self.signal.take();
        let state = self.load().await?;
        tracing::info!(queued = state.queued(), holder = %self.holder, "scheduler leading");
        Ok(Leading {
            state,
            subscription,
            rebuilt_at: now,
            housekept_at: now,
        })
    }

    /// The queue as the database has it now.
    async fn load(&self) -> Result<RoutingState, StoreError> {
        let started = Instant::now();
        let routable = self.store.routable_tickets().await?;
        let running = self.store.running_assignments().await?;
        let roster = self.store.roster().await?;
        let state = RoutingState::rebuild(routable, running, roster);
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "scheduler queue rebuilt"
        );
        Ok(state)
    }

    /// The leader's pass at `now`: reloads the queue when the sweep is
    /// due, housekeeps when that is due, catches up with what changed, then
    /// assigns what can be assigned. The loop above only calls this.
    async fn pass(
        &self,
        lead: &mut Leading,
        now: DateTime<Utc>,
    ) -> Result<SchedulerPass, StoreError> {
        let mut done = SchedulerPass::default();
        let sweep = chrono::Duration::seconds(self.config.scheduler.sweep_secs);
        if now - lead.rebuilt_at >= sweep {
            self.signal.take();
            lead.state = self.load().await?;
            lead.rebuilt_at = now;
            done.rebuilt = true;
        }
        if now - lead.housekept_at >= HOUSEKEEPING {
            lead.housekept_at = now;
            self.housekeeping(now).await?;
            done.housekept = true;
        }
        let pending = self.signal.take();
        if pending.roster {
            lead.state.set_roster(self.store.roster().await?);
        }
        for id in pending.tickets {
            self.refresh(&mut lead.state, id).await?;
        }
        done.assigned = self.assign(&mut lead.state, now).await?;
        Ok(done)
    }

    /// A pass of its own at `now` over the queue as the database has it,
    /// leaving the leader's signals alone: what tests drive to see what the
    /// scheduler would do now. Its writes are conditional like the
    /// leader's, so running beside the leader assigns nothing twice.
    pub async fn pass_over_database(
        &self,
        now: DateTime<Utc>,
    ) -> Result<SchedulerPass, StoreError> {
        let mut state = self.load().await?;
        let assigned = self.assign(&mut state, now).await?;
        Ok(SchedulerPass {
            assigned,
            rebuilt: true,
            housekept: false,
        })
    }

    /// Plans and writes until nothing more can be placed; returns what was
    /// written. A refused write means the ticket changed meanwhile: refresh
    /// it and plan again (the planner places everything it can at once).
    async fn assign(
        &self,
        state: &mut RoutingState,
        now: DateTime<Utc>,
    ) -> Result<Vec<Assignment>, StoreError> {
        let mut assigned = Vec::new();
        for _ in 0..3 {
            let plan = state.plan(now);
            if plan.is_empty() {
                break;
            }
            let (written, refused) = self.apply(state, &plan, now).await?;
            assigned.extend(written);
            if refused.is_empty() {
                break;
            }
            for id in refused {
                self.refresh(state, id).await?;
            }
        }
        Ok(assigned)
    }

    async fn refresh(&self, state: &mut RoutingState, id: i64) -> Result<(), StoreError> {
        match self.store.routing_ticket(id).await? {
            Some(ticket) => state.apply_ticket(&ticket),
            None => state.forget(id),
        }
        Ok(())
    }

    /// Writes the plan; returns what was written and the tickets whose
    /// assignment was refused.
    async fn apply(
        &self,
        state: &mut RoutingState,
        plan: &[Assignment],
        now: DateTime<Utc>,
    ) -> Result<(Vec<Assignment>, Vec<i64>), StoreError> {
        let config = self.config.clone();
        let mail = move |t: &TicketRecord, event: &app::domain::event::Event| {
            let what = app::api::history::describe(None, None, &event.change);
            t.assignee_email
                .as_deref()
                .and_then(|e| EmailAddress::parse(e).ok())
                .map(|to| templates::assigned_to_you(&config, to, t.id, &t.subject, &what))
                .into_iter()
                .collect()
        };
        let (mut refused, mut all) = (Vec::new(), Vec::new());
        for chunk in plan.chunks(BATCH) {
            let written = self.store.apply_assignments(chunk, &mail, now).await?;
            let accepted: HashSet<i64> = written.iter().map(|a| a.ticket_id).collect();
            refused.extend(
                chunk
                    .iter()
                    .map(|a| a.ticket_id)
                    .filter(|id| !accepted.contains(id)),
            );
            state.assigned(&written, now);
            for a in &written {
                tracing::info!(
                    ticket_id = a.ticket_id,
                    agent_id = a.agent_id,
                    "ticket assigned"
                );
            }
            if !written.is_empty() {
                self.mail_wake.notify_one();
            }
            all.extend(written);
        }
        Ok((all, refused))
    }

    /// Takes idle agents offline and, if configured, returns the untouched
    /// tickets of agents long offline to the queue.
    async fn housekeeping(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let settings = self.config.scheduler;
        let idle = self
            .store
            .expire_idle_agents(now - chrono::Duration::minutes(settings.idle_minutes), now)
            .await?;
        if !idle.is_empty() {
            tracing::info!(agents = ?idle, "idle agents went offline");
            self.signal.note("r");
        }
        if let Some(minutes) = settings.return_untouched_minutes {
            let returned = self
                .store
                .release_untouched(now - chrono::Duration::minutes(minutes), now)
                .await?;
            for id in returned {
                tracing::info!(
                    ticket_id = id,
                    "returned to the queue: its agent went offline"
                );
                self.signal.ticket(id).await;
            }
        }
        Ok(())
    }
}

async fn next_payload(leading: Option<&mut Leading>) -> Result<String, StoreError> {
    match leading.and_then(|l| l.subscription.as_mut()) {
        Some(subscription) => subscription.next().await,
        None => std::future::pending().await,
    }
}
