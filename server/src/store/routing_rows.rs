//! The scheduler's rows as stored: routable tickets, roster agents, and
//! the SQL that marks a ticket routable or finds what waits ahead of it.

use super::RosterAgent;
use super::{QueuedTicket, RoutingTicket, StoreError};

pub(super) const MARK_ROUTABLE_SQL: &str = "update tickets set routable_since = case \
     when status in ('new', 'open') and assignee_id is null and group_id is not null \
     then coalesce(routable_since, $2) else null end where id = $1";

pub(super) const ROUTING_COLUMNS: &str =
    "id, group_id, priority, status, assignee_id, routable_since, sla_due_at";

#[derive(sqlx::FromRow)]
pub(super) struct RoutingRow {
    id: i64,
    group_id: Option<i64>,
    priority: String,
    status: String,
    assignee_id: Option<i64>,
    routable_since: Option<i64>,
    sla_due_at: Option<i64>,
}

impl TryFrom<RoutingRow> for RoutingTicket {
    type Error = StoreError;

    fn try_from(row: RoutingRow) -> Result<Self, StoreError> {
        Ok(RoutingTicket {
            id: row.id,
            group_id: row.group_id,
            priority: app::domain::Priority::parse(&row.priority)
                .map_err(|_| StoreError::Corrupt(format!("priority {:?}", row.priority)))?,
            status: app::domain::Status::parse(&row.status)
                .map_err(|_| StoreError::Corrupt(format!("status {:?}", row.status)))?,
            assignee_id: row.assignee_id,
            routable_since: row
                .routable_since
                .map(super::common::from_millis)
                .transpose()?,
            sla_due: row.sla_due_at.map(super::common::from_millis).transpose()?,
        })
    }
}

/// Only columns of the `tickets_routable` index: an index-only read.
pub(super) const QUEUED_SQL: &str =
    "select id, group_id, priority_rank, routable_since, sla_due_at \
     from tickets where routable_since is not null and group_id is not null";

/// (id, group id, priority rank, routable since, SLA due) as `QUEUED_SQL` reads it.
pub(super) fn queued_ticket(
    (id, group_id, rank, since, due): (i64, i64, i64, i64, Option<i64>),
) -> Result<QueuedTicket, StoreError> {
    Ok(QueuedTicket {
        id,
        group_id,
        priority: app::domain::Priority::from_rank(rank)
            .ok_or_else(|| StoreError::Corrupt(format!("priority rank {rank}")))?,
        routable_since: super::common::from_millis(since)?,
        sla_due: due.map(super::common::from_millis).transpose()?,
    })
}

#[derive(sqlx::FromRow)]
pub(super) struct RosterAgentRow {
    id: i64,
    availability: Option<String>,
    last_assigned_at: Option<i64>,
}

impl TryFrom<RosterAgentRow> for RosterAgent {
    type Error = StoreError;

    fn try_from(row: RosterAgentRow) -> Result<Self, StoreError> {
        Ok(RosterAgent {
            id: row.id,
            availability: super::groups::availability(row.availability.as_deref())?,
            last_assigned: row
                .last_assigned_at
                .map(super::common::from_millis)
                .transpose()?,
        })
    }
}

/// The tickets ahead of $1 in its group's queue, in queue order: priority,
/// then the nearest SLA due time (none last), then routable since, then id.
pub(super) const AHEAD_SQL: &str = "select count(*) from tickets o, tickets t where t.id = $1 \
     and o.routable_since is not null and o.group_id = t.group_id and (o.priority_rank > t.priority_rank \
     or (o.priority_rank = t.priority_rank and (coalesce(o.sla_due_at, 9223372036854775807) \
     < coalesce(t.sla_due_at, 9223372036854775807) or (coalesce(o.sla_due_at, 9223372036854775807) \
     = coalesce(t.sla_due_at, 9223372036854775807) and (o.routable_since < t.routable_since \
     or (o.routable_since = t.routable_since and o.id < t.id))))))";

/// Tickets of long-offline agents that they have not touched since assigned.
pub(super) const UNTOUCHED_SQL: &str = "select t.id, t.assignee_id from tickets t \
     join agent_presence p on p.user_id = t.assignee_id \
     where p.availability = 'offline' and p.changed_at <= $1 and t.status in ('new', 'open') \
     and t.assigned_at is not null and not exists (select 1 from events e \
     where e.ticket_id = t.id and e.actor_id = t.assignee_id and e.created_at >= t.assigned_at)";
