//! Records of groups, categories, availability and the scheduler's view of
//! tickets, as the store hands them out.

use app::domain::{Availability, Priority, Status, Strategy};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    pub id: i64,
    pub name: String,
    pub archived: bool,
    pub strategy: Strategy,
    pub auto_assign: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub capacity: u32,
    pub availability: Availability,
    /// Tickets assigned to them that are new or open.
    pub load: i64,
    /// Hears of the group's escalations.
    pub lead: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRecord {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub group_id: Option<i64>,
    pub default_priority: Priority,
    pub archived: bool,
}

/// A category as created or edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryFields {
    pub parent_id: Option<i64>,
    pub name: String,
    pub group_id: Option<i64>,
    pub default_priority: Priority,
    pub archived: bool,
}

/// An agent's own view: availability, and load against capacity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceRecord {
    pub availability: Availability,
    pub load: i64,
    /// Per group they belong to: (group name, capacity).
    pub capacities: Vec<(String, u32)>,
}

/// What the scheduler needs to know of one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingTicket {
    pub id: i64,
    pub group_id: Option<i64>,
    pub priority: Priority,
    pub status: Status,
    pub assignee_id: Option<i64>,
    /// Set while the ticket waits in its group's queue.
    pub routable_since: Option<DateTime<Utc>>,
    /// The nearest due time of its running SLA clocks.
    pub sla_due: Option<DateTime<Utc>>,
}

/// A ticket waiting in a group's queue: its queue key, and no more, so the
/// scheduler's rebuild reads a million of them from one index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedTicket {
    pub id: i64,
    pub group_id: i64,
    pub priority: Priority,
    pub routable_since: DateTime<Utc>,
    pub sla_due: Option<DateTime<Utc>>,
}

impl QueuedTicket {
    /// The ticket's place in a queue, if it waits in one.
    pub fn of(ticket: &RoutingTicket) -> Option<Self> {
        Some(Self {
            id: ticket.id,
            group_id: ticket.group_id?,
            priority: ticket.priority,
            routable_since: ticket.routable_since?,
            sla_due: ticket.sla_due,
        })
    }
}

/// Agents with their presence, and groups with their members, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterRecord {
    pub agents: Vec<RosterAgent>,
    /// Active groups only: archived ones take no new tickets.
    pub groups: Vec<GroupRecord>,
    /// (group id, agent id, capacity).
    pub members: Vec<(i64, i64, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterAgent {
    pub id: i64,
    pub availability: Availability,
    pub last_assigned: Option<DateTime<Utc>>,
}

/// Where a waiting ticket stands in its group's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePosition {
    /// 1 for the next ticket to be assigned.
    pub position: i64,
    pub depth: i64,
}
