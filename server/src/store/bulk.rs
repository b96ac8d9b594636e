//! Bulk loading for `ferrodesk seed`: many tickets and messages per
//! statement, with ids chosen up front so messages can name their ticket.
//! Not for normal operation: it skips history, mail and idempotency.

use super::StoreError;
use app::domain::{Priority, Status};
use async_trait::async_trait;

pub struct SeedTicket {
    pub subject: String,
    pub description: String,
    pub requester_id: i64,
    pub assignee_id: Option<i64>,
    /// A new or open ticket in a group without an assignee waits in that
    /// group's queue from `updated_at`.
    pub group_id: Option<i64>,
    pub priority: Priority,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
    pub messages: Vec<SeedMessage>,
    /// Arms a running first-response clock due then (milliseconds), with
    /// the monitor owing it its breach at that instant.
    pub first_response_due: Option<i64>,
}

impl SeedTicket {
    pub(super) fn routable(&self) -> bool {
        matches!(self.status, Status::New | Status::Open)
            && self.assignee_id.is_none()
            && self.group_id.is_some()
    }
}

pub struct SeedMessage {
    pub author_id: i64,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
}

#[async_trait]
pub trait BulkStore: Send + Sync {
    /// Inserts the tickets and their messages in one transaction.
    async fn load_tickets(&self, tickets: Vec<SeedTicket>) -> Result<(), StoreError>;
    async fn ticket_count(&self) -> Result<i64, StoreError>;
    /// Refreshes the query planner's statistics after a bulk load.
    async fn refresh_statistics(&self) -> Result<(), StoreError>;
}

/// Rows per insert statement (well below SQLite's bound-parameter limit).
pub(super) const ROWS_PER_STATEMENT: usize = 500;

/// `$overriding` lets PostgreSQL accept explicit identity values; `$resync`
/// moves its sequences past them afterwards; `$refresh` updates statistics
/// (on PostgreSQL also the visibility map, without which index-only scans
/// of a freshly loaded table still read every row).
macro_rules! impl_bulk_store {
    ($store:ty, $db:ty, $overriding:expr, $resync:expr, $refresh:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::BulkStore for $store {
            async fn load_tickets(&self, tickets: Vec<SeedTicket>) -> Result<(), StoreError> {
                let mut tx = self.begin_write().await?;
                let first: i64 = sqlx::query_scalar("select coalesce(max(id), 0) + 1 from tickets")
                    .fetch_one(&mut *tx)
                    .await?;
                let ids: Vec<i64> = (first..first + tickets.len() as i64).collect();
                for (chunk, chunk_ids) in tickets.chunks(ROWS_PER_STATEMENT).zip(ids.chunks(ROWS_PER_STATEMENT)) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                        "insert into tickets (id, subject, description, requester_id, assignee_id, priority, status, \
                         version, created_at, updated_at, group_id, routable_since, sla_due_at)",
                        $overriding
                    ));
                    qb.push_values(chunk.iter().zip(chunk_ids), |mut row, (t, id)| {
                        row.push_bind(*id)
                            .push_bind(t.subject.as_str())
                            .push_bind(t.description.as_str())
                            .push_bind(t.requester_id)
                            .push_bind(t.assignee_id)
                            .push_bind(t.priority.as_str())
                            .push_bind(t.status.as_str())
                            .push_bind(1_i64)
                            .push_bind(t.created_at)
                            .push_bind(t.updated_at)
                            .push_bind(t.group_id)
                            .push_bind(t.routable().then_some(t.updated_at))
                            .push_bind(t.first_response_due);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let armed: Vec<(i64, &SeedTicket, i64)> = tickets
                    .iter()
                    .zip(&ids)
                    .filter_map(|(t, id)| t.first_response_due.map(|due| (*id, t, due)))
                    .collect();
                for chunk in armed.chunks(ROWS_PER_STATEMENT) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "insert into sla_clocks (ticket_id, metric, cycle, status, started_at, target_minutes, business, \
                         due_at, next_fire_at)",
                    );
                    qb.push_values(chunk, |mut row, (ticket_id, t, due)| {
                        row.push_bind(*ticket_id)
                            .push_bind("first_response")
                            .push_bind(1_i64)
                            .push_bind("running")
                            .push_bind(t.created_at)
                            .push_bind(((due - t.created_at) / 60_000).max(1))
                            .push_bind(false)
                            .push_bind(*due)
                            .push_bind(*due);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let messages: Vec<(i64, &SeedMessage)> = tickets
                    .iter()
                    .zip(&ids)
                    .flat_map(|(t, id)| t.messages.iter().map(move |m| (*id, m)))
                    .collect();
                for chunk in messages.chunks(ROWS_PER_STATEMENT) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "insert into ticket_messages (ticket_id, author_id, body, internal, created_at, updated_at)",
                    );
                    qb.push_values(chunk, |mut row, (ticket_id, m)| {
                        row.push_bind(*ticket_id)
                            .push_bind(m.author_id)
                            .push_bind(m.body.as_str())
                            .push_bind(m.internal)
                            .push_bind(m.created_at)
                            .push_bind(m.created_at);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                let resync: &str = $resync;
                if !resync.is_empty() {
                    sqlx::query(resync).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn refresh_statistics(&self) -> Result<(), StoreError> {
                sqlx::query($refresh).execute(&self.pool).await?;
                Ok(())
            }

            async fn ticket_count(&self) -> Result<i64, StoreError> {
                Ok(sqlx::query_scalar("select count(*) from tickets").fetch_one(&self.pool).await?)
            }
        }
    };
}

pub(super) use impl_bulk_store;
