//! The scheduler's picture of the database, kept in memory between
//! rebuilds: the routable tickets per group, who holds which running ticket
//! (their load), and the roster. The domain planner reads it.

use crate::store::{QueuedTicket, RosterRecord, RoutingTicket};
use app::domain::planner;
use app::domain::routing::{
    AgentState, Assignment, GroupPolicy, Member, QueueKey, Roster, RoutingQueue,
};
use app::domain::Status;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct RoutingState {
    queue: RoutingQueue,
    /// Running (new or open) assigned tickets: ticket → agent.
    running: HashMap<i64, i64>,
    loads: HashMap<i64, u32>,
    roster: Roster,
}

impl RoutingState {
    pub fn rebuild(
        routable: Vec<QueuedTicket>,
        running: Vec<(i64, i64)>,
        roster: RosterRecord,
    ) -> Self {
        let mut state = RoutingState::default();
        for (ticket, agent) in running {
            state.running.insert(ticket, agent);
            *state.loads.entry(agent).or_default() += 1;
        }
        for ticket in routable {
            state.queue_ticket(ticket);
        }
        state.set_roster(roster);
        state
    }

    pub fn set_roster(&mut self, record: RosterRecord) {
        let mut groups: HashMap<i64, GroupPolicy> = record
            .groups
            .into_iter()
            .map(|g| {
                let policy = GroupPolicy {
                    id: g.id,
                    strategy: g.strategy,
                    auto_assign: g.auto_assign,
                    members: Vec::new(),
                };
                (g.id, policy)
            })
            .collect();
        for (group_id, agent_id, capacity) in record.members {
            if let Some(group) = groups.get_mut(&group_id) {
                group.members.push(Member { agent_id, capacity });
            }
        }
        self.roster = Roster {
            agents: record
                .agents
                .into_iter()
                .map(|a| {
                    let state = AgentState {
                        id: a.id,
                        availability: a.availability,
                        load: self.loads.get(&a.id).copied().unwrap_or(0),
                        last_assigned: a.last_assigned,
                    };
                    (a.id, state)
                })
                .collect(),
            groups: groups.into_iter().collect(),
        };
    }

    /// Brings one ticket up to date with the database.
    pub fn apply_ticket(&mut self, ticket: &RoutingTicket) {
        self.forget(ticket.id);
        let running = matches!(ticket.status, Status::New | Status::Open);
        if let (Some(agent), true) = (ticket.assignee_id, running) {
            self.running.insert(ticket.id, agent);
            self.change_load(agent, 1);
        }
        if let Some(queued) = QueuedTicket::of(ticket) {
            self.queue_ticket(queued);
        }
    }

    /// The ticket is gone (deleted); forget it everywhere.
    pub fn forget(&mut self, ticket_id: i64) {
        self.queue.remove(ticket_id);
        if let Some(agent) = self.running.remove(&ticket_id) {
            self.change_load(agent, -1);
        }
    }

    pub fn plan(&self, now: DateTime<Utc>) -> Vec<Assignment> {
        planner::plan(&self.queue, &self.roster, now)
    }

    /// Records assignments the database accepted.
    pub fn assigned(&mut self, written: &[Assignment], now: DateTime<Utc>) {
        for a in written {
            self.queue.remove(a.ticket_id);
            self.running.insert(a.ticket_id, a.agent_id);
            self.change_load(a.agent_id, 1);
            if let Some(agent) = self.roster.agents.get_mut(&a.agent_id) {
                agent.last_assigned = Some(now);
            }
        }
    }

    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    fn queue_ticket(&mut self, ticket: QueuedTicket) {
        let key = QueueKey {
            priority: ticket.priority,
            sla_due: ticket.sla_due,
            routable_since: ticket.routable_since,
            id: ticket.id,
        };
        self.queue.upsert(ticket.group_id, key);
    }

    fn change_load(&mut self, agent: i64, by: i32) {
        let load = self.loads.entry(agent).or_default();
        *load = load.saturating_add_signed(by);
        let load = *load;
        if let Some(state) = self.roster.agents.get_mut(&agent) {
            state.load = load;
        }
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
