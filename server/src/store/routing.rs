//! The scheduler's side of the store: the routable tickets and the roster
//! it plans over, conditional assignment writes, the queue as agents and
//! admins see it, and the lease that lets one instance plan at a time.

use super::batch_writes::tickets_in_all;
use super::batch_writes::{enqueue_all, values_list};
use super::common::staff_roles;
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::groups::GroupRow;
use super::groups::GROUP_COLUMNS;
use super::millis;
use super::routing_rows::{
    queued_ticket, RosterAgentRow, RoutingRow, AHEAD_SQL, MARK_ROUTABLE_SQL, QUEUED_SQL,
    ROUTING_COLUMNS, UNTOUCHED_SQL,
};
use super::ticket_writes::ticket_in;
use super::NewEmail;
use super::{QueuePosition, QueuedTicket, RosterRecord, RoutingTicket, StoreError, TicketRecord};
use app::domain::event::{AssignedBy, DomainEvent, Event, Named, ReleaseReason};
use app::domain::routing::Assignment;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

/// The emails an assignment sends, built from the assigned ticket.
pub type AssignmentMail<'a> = &'a (dyn Fn(&TicketRecord, &Event) -> Vec<NewEmail> + Send + Sync);

#[async_trait]
pub trait RoutingStore: Send + Sync {
    /// Every ticket waiting in a group's queue.
    async fn routable_tickets(&self) -> Result<Vec<QueuedTicket>, StoreError>;
    /// (ticket, assignee) for every assigned ticket that is new or open.
    async fn running_assignments(&self) -> Result<Vec<(i64, i64)>, StoreError>;
    async fn routing_ticket(&self, id: i64) -> Result<Option<RoutingTicket>, StoreError>;
    async fn roster(&self) -> Result<RosterRecord, StoreError>;
    /// Writes the assignments that still hold — the ticket still waits in
    /// that group, unassigned — each with its history event and emails,
    /// and returns those written.
    async fn apply_assignments(
        &self,
        assignments: &[Assignment],
        mail: AssignmentMail<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Assignment>, StoreError>;
    async fn queue_position(&self, ticket_id: i64) -> Result<Option<QueuePosition>, StoreError>;
    /// (group id, tickets waiting) for every group with a queue.
    async fn queue_depths(&self) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Takes or renews the named lease until `until`; false while another
    /// holder's lease runs.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError>;
    /// Who holds the named lease, if anyone's lease still runs at `now`.
    async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError>;
    /// Returns to the queue the tickets of agents offline since before
    /// `offline_before` that they have not worked on since they got them.
    async fn release_untouched(
        &self,
        offline_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError>;
}

/// Keeps `routable_since` true to the ticket after any change to it.
#[async_trait::async_trait]
impl<DB> RoutingStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    for<'n> Option<&'n str>: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    async fn routable_tickets(&self) -> Result<Vec<QueuedTicket>, StoreError> {
        let rows: Vec<(i64, i64, i64, i64, Option<i64>)> =
            sqlx::query_as(QUEUED_SQL).fetch_all(&self.pool).await?;
        rows.into_iter().map(queued_ticket).collect()
    }

    async fn running_assignments(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "select id, assignee_id from tickets where assignee_id is not null and status in ('new', 'open')",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn routing_ticket(&self, id: i64) -> Result<Option<RoutingTicket>, StoreError> {
        let sql = format!("select {ROUTING_COLUMNS} from tickets where id = $1");
        let row: Option<RoutingRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn roster(&self) -> Result<RosterRecord, StoreError> {
        let (staff, roles) = staff_roles(1);
        let sql = format!(
            "select u.id, p.availability, p.last_assigned_at from users u \
             left join agent_presence p on p.user_id = u.id \
             where u.active and u.role in {staff} order by u.id"
        );
        let mut query = sqlx::query_as::<_, RosterAgentRow>(&sql);
        for role in roles {
            query = query.bind(role);
        }
        let agents = query.fetch_all(&self.pool).await?;
        let sql =
            format!("select {GROUP_COLUMNS} from agent_groups where not archived order by id");
        let groups: Vec<GroupRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        let members: Vec<(i64, i64, i64)> = sqlx::query_as(
            "select group_id, user_id, capacity from group_members order by group_id, user_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(RosterRecord {
            agents: agents
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            groups: groups
                .into_iter()
                .map(TryInto::try_into)
                .collect::<Result<_, _>>()?,
            members: members
                .into_iter()
                .map(|(g, u, c)| (g, u, u32::try_from(c).unwrap_or(0)))
                .collect(),
        })
    }

    async fn apply_assignments(
        &self,
        assignments: &[app::domain::routing::Assignment],
        mail: crate::store::routing::AssignmentMail<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<app::domain::routing::Assignment>, StoreError> {
        use std::collections::{BTreeSet, HashSet};
        if assignments.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = DB::begin_write(&self.pool).await?;
        // One conditional update per chunk: only tickets still
        // waiting unassigned in the planned group are taken.
        // (ticket, agent): a ticket planned twice is taken by one.
        let mut taken: HashSet<(i64, i64)> = HashSet::with_capacity(assignments.len());
        for chunk in assignments.chunks(crate::store::batch_writes::ROWS_PER_STATEMENT) {
            // The rows take $1 … $3n; the time is the one after them.
            let now_at = chunk.len() * 3 + 1;
            let sql = format!(
                "with v (ticket, agent, grp) as (values {}) update tickets set assignee_id = v.agent, \
                 routable_since = null, version = version + 1, assigned_at = ${now_at}, updated_at = ${now_at} \
                 from v where tickets.id = v.ticket and tickets.group_id = v.grp \
                 and tickets.assignee_id is null and tickets.status in ('new', 'open') \
                 and exists (select 1 from users u where u.id = v.agent and u.active) \
                 returning tickets.id, tickets.assignee_id",
                values_list(chunk.len(), 3, "")
            );
            let mut query = sqlx::query_as::<_, (i64, i64)>(&sql);
            for a in chunk {
                query = query.bind(a.ticket_id).bind(a.agent_id).bind(a.group_id);
            }
            let pairs = query.bind(millis(now)).fetch_all(&mut *tx).await?;
            taken.extend(pairs);
        }
        let written: Vec<app::domain::routing::Assignment> = assignments
            .iter()
            .filter(|a| taken.remove(&(a.ticket_id, a.agent_id)))
            .copied()
            .collect();
        if written.is_empty() {
            tx.commit().await?;
            return Ok(written);
        }
        let ids: Vec<i64> = written.iter().map(|a| a.ticket_id).collect();
        let records = tickets_in_all(&mut tx, &ids).await?;
        // Every record here has its assignee: the write just set it.
        let events: Vec<Event> = records
            .iter()
            .map(|record| {
                let to = Named::new(
                    record.assignee_id.unwrap_or_default(),
                    record.assignee_name.clone().unwrap_or_default(),
                );
                let change = DomainEvent::TicketAssigned {
                    to,
                    by: AssignedBy::Scheduler,
                };
                Event::on_ticket(record.id, None, now, change)
            })
            .collect();
        let agents: BTreeSet<i64> = written.iter().map(|a| a.agent_id).collect();
        let agents: Vec<i64> = agents.into_iter().collect();
        for chunk in agents.chunks(crate::store::batch_writes::ROWS_PER_STATEMENT) {
            // $1 is the time; the ids follow from $2.
            let ids = (2..chunk.len() + 2)
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql =
                format!("update agent_presence set last_assigned_at = $1 where user_id in ({ids})");
            let mut query = sqlx::query(&sql).bind(millis(now));
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *tx).await?;
        }
        let mails: Vec<NewEmail> = records
            .iter()
            .zip(&events)
            .flat_map(|(record, event)| mail(record, event))
            .collect();
        enqueue_all(&mut tx, &mails, now).await?;
        commit(tx, &events).await?;
        Ok(written)
    }

    async fn queue_position(&self, ticket_id: i64) -> Result<Option<QueuePosition>, StoreError> {
        let waiting: Option<(Option<i64>,)> = sqlx::query_as(
            "select group_id from tickets where id = $1 and routable_since is not null",
        )
        .bind(ticket_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some((Some(group_id),)) = waiting else {
            return Ok(None);
        };
        let ahead: i64 = sqlx::query_scalar(AHEAD_SQL)
            .bind(ticket_id)
            .fetch_one(&self.pool)
            .await?;
        let depth: i64 = sqlx::query_scalar(
            "select count(*) from tickets where group_id = $1 and routable_since is not null",
        )
        .bind(group_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Some(QueuePosition {
            position: ahead + 1,
            depth,
        }))
    }

    async fn queue_depths(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "select group_id, count(*) from tickets where routable_since is not null \
             and group_id is not null group by group_id order by group_id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "insert into leases (name, holder, expires_at) values ($1, $2, $4) \
             on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at \
             where leases.holder = excluded.holder or leases.expires_at <= $3",
        )
        .bind(name)
        .bind(holder)
        .bind(millis(now))
        .bind(millis(until))
        .execute(&self.pool)
        .await?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("delete from leases where name = $1 and holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select holder from leases where name = $1 and expires_at > $2")
                .bind(name)
                .bind(millis(now))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn release_untouched(
        &self,
        offline_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let found: Vec<(i64, i64)> = sqlx::query_as(UNTOUCHED_SQL)
            .bind(millis(offline_before))
            .fetch_all(&mut *tx)
            .await?;
        let mut released = Vec::new();
        let mut events = Vec::new();
        for (ticket_id, agent_id) in found {
            let record = ticket_in(&mut tx, ticket_id).await?;
            sqlx::query(
                "update tickets set assignee_id = null, assigned_at = null, version = version + 1, \
                 updated_at = $3 where id = $1 and assignee_id = $2",
            )
            .bind(ticket_id)
            .bind(agent_id)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            sqlx::query(MARK_ROUTABLE_SQL)
                .bind(ticket_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            let change = DomainEvent::TicketReleased {
                from: record.assignee_name.map(|name| Named::new(agent_id, name)),
                reason: ReleaseReason::WentOffline,
                queue: record.group_name,
            };
            events.push(Event::on_ticket(ticket_id, None, now, change));
            released.push(ticket_id);
        }
        commit(tx, &events).await?;
        Ok(released)
    }
}
