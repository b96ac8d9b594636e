//! The assignment planner: a pure function of (queue, roster, now).
//!
//! Tickets are taken across all groups in queue order. Each goes to the best
//! eligible member of its group — online, below their capacity for that
//! group — by the group's strategy, ties broken by the oldest last
//! assignment, then id. A group with no eligible member left is done for
//! this plan: loads only grow while planning, so no later ticket of it could
//! be placed, and nothing ranked lower ever jumps the queue.

use super::routing::{
    AgentState, Assignment, Availability, QueueKey, Roster, RoutingQueue, Strategy,
};
use chrono::{DateTime, Utc};
use std::cmp::{Ordering, Reverse};
use std::collections::{btree_set, BinaryHeap, HashMap};

/// `load / capacity`, compared exactly by cross-multiplication.
#[derive(Debug, Clone, Copy)]
struct Share {
    load: u64,
    capacity: u64,
}

impl Ord for Share {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.load * other.capacity).cmp(&(other.load * self.capacity))
    }
}

impl PartialOrd for Share {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Share {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Share {}

/// Smaller is better: the strategy's measure, then the oldest last
/// assignment (never assigned first), then id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    share: Share,
    last_assigned: Option<DateTime<Utc>>,
    /// Order of assignment within this plan, where every one is at `now`.
    turn: u64,
    agent_id: i64,
    /// How many times the agent was assigned in this plan when this entry
    /// was made; an older entry is stale and gets re-ranked.
    stamp: u32,
}

/// One group's members, best first, re-ranked lazily as loads change.
struct Pool {
    strategy: Strategy,
    capacity: HashMap<i64, u32>,
    heap: BinaryHeap<Reverse<Candidate>>,
}

/// The agents' state as this plan changes it.
struct Live<'a> {
    base: &'a HashMap<i64, AgentState>,
    /// Per agent assigned in this plan: (how many, at, turn of the latest).
    assigned: HashMap<i64, (u32, DateTime<Utc>, u64)>,
}

/// An agent as this plan has left them so far.
struct Current {
    availability: Availability,
    load: u32,
    last_assigned: Option<DateTime<Utc>>,
    turn: u64,
    stamp: u32,
}

impl Live<'_> {
    fn state(&self, agent_id: i64) -> Option<Current> {
        let agent = self.base.get(&agent_id)?;
        Some(match self.assigned.get(&agent_id) {
            Some(&(extra, at, turn)) => Current {
                availability: agent.availability,
                load: agent.load + extra,
                last_assigned: Some(at),
                turn,
                stamp: extra,
            },
            None => Current {
                availability: agent.availability,
                load: agent.load,
                last_assigned: agent.last_assigned,
                turn: 0,
                stamp: 0,
            },
        })
    }
}

impl Pool {
    fn candidate(&self, live: &Live, agent_id: i64) -> Option<Candidate> {
        let capacity = *self.capacity.get(&agent_id)?;
        let Current {
            availability,
            load,
            last_assigned,
            turn,
            stamp,
        } = live.state(agent_id)?;
        if availability != Availability::Online || load >= capacity {
            return None;
        }
        let share = match self.strategy {
            Strategy::LeastLoaded => Share {
                load: u64::from(load),
                capacity: 1,
            },
            Strategy::LeastLoadedPercent => Share {
                load: u64::from(load),
                capacity: u64::from(capacity),
            },
            Strategy::RoundRobin => Share {
                load: 0,
                capacity: 1,
            },
        };
        Some(Candidate {
            share,
            last_assigned,
            turn,
            agent_id,
            stamp,
        })
    }

    /// The best eligible member now, if any.
    fn best(&mut self, live: &Live) -> Option<i64> {
        while let Some(Reverse(top)) = self.heap.pop() {
            let Some(current) = self.candidate(live, top.agent_id) else {
                continue;
            };
            if current.stamp == top.stamp {
                return Some(top.agent_id);
            }
            self.heap.push(Reverse(current));
        }
        None
    }

    fn put_back(&mut self, live: &Live, agent_id: i64) {
        if let Some(candidate) = self.candidate(live, agent_id) {
            self.heap.push(Reverse(candidate));
        }
    }
}

/// Which tickets to give to whom now. Groups with auto-assignment off, and
/// tickets in groups the roster does not know, are left waiting.
pub fn plan(queue: &RoutingQueue, roster: &Roster, now: DateTime<Utc>) -> Vec<Assignment> {
    let mut live = Live {
        base: &roster.agents,
        assigned: HashMap::new(),
    };
    let mut pools: HashMap<i64, Pool> = HashMap::new();
    let mut waiting: HashMap<i64, btree_set::Iter<'_, QueueKey>> = HashMap::new();
    let mut heads: BinaryHeap<Reverse<(QueueKey, i64)>> = BinaryHeap::new();

    for group_id in queue.group_ids() {
        let Some(policy) = roster.groups.get(&group_id).filter(|p| p.auto_assign) else {
            continue;
        };
        let mut pool = Pool {
            strategy: policy.strategy,
            capacity: policy
                .members
                .iter()
                .map(|m| (m.agent_id, m.capacity))
                .collect(),
            heap: BinaryHeap::new(),
        };
        for member in &policy.members {
            pool.put_back(&live, member.agent_id);
        }
        if pool.heap.is_empty() {
            continue;
        }
        let mut tickets = queue.group(group_id);
        if let Some(first) = tickets.next() {
            heads.push(Reverse((*first, group_id)));
            waiting.insert(group_id, tickets);
            pools.insert(group_id, pool);
        }
    }

    let mut assignments = Vec::new();
    while let Some(Reverse((ticket, group_id))) = heads.pop() {
        let Some(pool) = pools.get_mut(&group_id) else {
            continue;
        };
        let Some(agent_id) = pool.best(&live) else {
            continue;
        };
        let turn = assignments.len() as u64 + 1;
        let entry = live.assigned.entry(agent_id).or_insert((0, now, turn));
        entry.0 += 1;
        entry.2 = turn;
        pool.put_back(&live, agent_id);
        assignments.push(Assignment {
            ticket_id: ticket.id,
            agent_id,
            group_id,
        });
        if let Some(next) = waiting.get_mut(&group_id).and_then(Iterator::next) {
            heads.push(Reverse((*next, group_id)));
        }
    }
    assignments
}

#[cfg(test)]
#[path = "planner_tests.rs"]
mod tests;
