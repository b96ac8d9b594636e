//! What the assignment scheduler plans over: the queue of routable tickets
//! per group, in its one total order, and the agents and group policies it
//! may assign to. Plain data; the planner (`planner.rs`) reads it.

use super::Priority;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// How a group picks among its eligible agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Strategy {
    /// Fewest tickets assigned.
    #[default]
    LeastLoaded,
    /// Lowest share of their capacity in use.
    LeastLoadedPercent,
    /// Longest since their last assignment.
    RoundRobin,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [
        Strategy::LeastLoaded,
        Strategy::LeastLoadedPercent,
        Strategy::RoundRobin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::LeastLoaded => "least_loaded",
            Strategy::LeastLoadedPercent => "least_loaded_percent",
            Strategy::RoundRobin => "round_robin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Strategy::LeastLoaded => "Least loaded",
            Strategy::LeastLoadedPercent => "Least loaded (share of capacity)",
            Strategy::RoundRobin => "Round robin (longest since last assignment)",
        }
    }

    pub fn parse(text: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Whether an agent takes new work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Availability {
    Online,
    Away,
    #[default]
    Offline,
}

impl Availability {
    pub const ALL: [Availability; 3] = [
        Availability::Online,
        Availability::Away,
        Availability::Offline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Online => "online",
            Availability::Away => "away",
            Availability::Offline => "offline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Availability::Online => "Online",
            Availability::Away => "Away",
            Availability::Offline => "Offline",
        }
    }

    pub fn parse(text: &str) -> Option<Availability> {
        Availability::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// A routable ticket's place in its group's queue. The derived order is the
/// queue order: critical first, then the nearest SLA due time (tickets
/// without one after those with one), then the time it became routable,
/// then id — a total order, so plans are deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueueKey {
    pub priority: Priority,
    pub sla_due: Option<DateTime<Utc>>,
    pub routable_since: DateTime<Utc>,
    pub id: i64,
}

impl Ord for QueueKey {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .rank()
            .cmp(&self.priority.rank())
            .then_with(|| match (self.sla_due, other.sla_due) {
                (Some(a), Some(b)) => a.cmp(&b),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            })
            .then_with(|| self.routable_since.cmp(&other.routable_since))
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialOrd for QueueKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Routable tickets (new or open, no assignee, in a group), per group, in
/// queue order.
#[derive(Debug, Clone, Default)]
pub struct RoutingQueue {
    groups: BTreeMap<i64, BTreeSet<QueueKey>>,
    index: HashMap<i64, (i64, QueueKey)>,
}

impl RoutingQueue {
    /// Adds the ticket, or moves it when its group or key changed.
    pub fn upsert(&mut self, group_id: i64, key: QueueKey) {
        if let Some((old_group, old_key)) = self.index.insert(key.id, (group_id, key)) {
            if old_group == group_id && old_key == key {
                return;
            }
            self.remove_from_group(old_group, &old_key);
        }
        self.groups.entry(group_id).or_default().insert(key);
    }

    pub fn remove(&mut self, ticket_id: i64) -> bool {
        match self.index.remove(&ticket_id) {
            Some((group, key)) => {
                self.remove_from_group(group, &key);
                true
            }
            None => false,
        }
    }

    fn remove_from_group(&mut self, group_id: i64, key: &QueueKey) {
        if let Some(set) = self.groups.get_mut(&group_id) {
            set.remove(key);
            if set.is_empty() {
                self.groups.remove(&group_id);
            }
        }
    }

    pub fn contains(&self, ticket_id: i64) -> bool {
        self.index.contains_key(&ticket_id)
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn group_len(&self, group_id: i64) -> usize {
        self.groups.get(&group_id).map_or(0, BTreeSet::len)
    }

    /// The group's waiting tickets, first in line first.
    pub fn group(&self, group_id: i64) -> std::collections::btree_set::Iter<'_, QueueKey> {
        static EMPTY: BTreeSet<QueueKey> = BTreeSet::new();
        self.groups.get(&group_id).unwrap_or(&EMPTY).iter()
    }

    /// Groups with at least one waiting ticket, by id.
    pub fn group_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.groups.keys().copied()
    }
}

/// An agent as the planner sees them. `load` counts the tickets assigned to
/// them whose clock runs (new or open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentState {
    pub id: i64,
    pub availability: Availability,
    pub load: u32,
    pub last_assigned: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub agent_id: i64,
    /// How many running tickets the scheduler may give them through this group.
    pub capacity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupPolicy {
    pub id: i64,
    pub strategy: Strategy,
    /// Off: the group's tickets wait for a manual claim or assignment.
    pub auto_assign: bool,
    pub members: Vec<Member>,
}

/// Everyone the planner may assign to.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub agents: HashMap<i64, AgentState>,
    pub groups: BTreeMap<i64, GroupPolicy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Assignment {
    pub ticket_id: i64,
    pub agent_id: i64,
    pub group_id: i64,
}
