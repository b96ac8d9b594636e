//! Bulk loading for `ferrodesk seed`: many tickets and messages per
//! statement, with ids chosen up front so messages can name their ticket.
//! Not for normal operation: it skips history, mail and idempotency.

use super::batch_writes::values_list;
use super::dialect::{Dialect, SqlStore, Value};
use super::StoreError;
use app::domain::{Priority, Status};
use async_trait::async_trait;
use sqlx::{ColumnIndex, Encode, Executor, Type};

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

#[async_trait]
impl<DB> BulkStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    Option<i64>: Value<DB>,
{
    async fn load_tickets(&self, tickets: Vec<SeedTicket>) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let first: i64 = sqlx::query_scalar("select coalesce(max(id), 0) + 1 from tickets")
            .fetch_one(&mut *tx)
            .await?;
        let ids: Vec<i64> = (first..first + tickets.len() as i64).collect();
        for (chunk, chunk_ids) in tickets
            .chunks(ROWS_PER_STATEMENT)
            .zip(ids.chunks(ROWS_PER_STATEMENT))
        {
            let sql = format!(
                "insert into tickets (id, subject, description, requester_id, assignee_id, priority, \
                 status, version, created_at, updated_at, group_id, routable_since, sla_due_at){} \
                 values {}",
                DB::OVERRIDING_SYSTEM_VALUE,
                values_list(chunk.len(), 13, "")
            );
            let mut query = sqlx::query(&sql);
            for (t, id) in chunk.iter().zip(chunk_ids) {
                query = query
                    .bind(*id)
                    .bind(t.subject.as_str())
                    .bind(t.description.as_str())
                    .bind(t.requester_id)
                    .bind(t.assignee_id)
                    .bind(t.priority.as_str())
                    .bind(t.status.as_str())
                    .bind(1_i64)
                    .bind(t.created_at)
                    .bind(t.updated_at)
                    .bind(t.group_id)
                    .bind(t.routable().then_some(t.updated_at))
                    .bind(t.first_response_due);
            }
            query.execute(&mut *tx).await?;
        }
        let armed: Vec<(i64, &SeedTicket, i64)> = tickets
            .iter()
            .zip(&ids)
            .filter_map(|(t, id)| t.first_response_due.map(|due| (*id, t, due)))
            .collect();
        for chunk in armed.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "insert into sla_clocks (ticket_id, metric, cycle, status, started_at, \
                 target_minutes, business, due_at, next_fire_at) values {}",
                values_list(chunk.len(), 9, "")
            );
            let mut query = sqlx::query(&sql);
            for (ticket_id, t, due) in chunk {
                query = query
                    .bind(*ticket_id)
                    .bind("first_response")
                    .bind(1_i64)
                    .bind("running")
                    .bind(t.created_at)
                    .bind(((due - t.created_at) / 60_000).max(1))
                    .bind(false)
                    .bind(*due)
                    .bind(*due);
            }
            query.execute(&mut *tx).await?;
        }
        let messages: Vec<(i64, &SeedMessage)> = tickets
            .iter()
            .zip(&ids)
            .flat_map(|(t, id)| t.messages.iter().map(move |m| (*id, m)))
            .collect();
        for chunk in messages.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "insert into ticket_messages (ticket_id, author_id, body, internal, created_at, \
                 updated_at) values {}",
                values_list(chunk.len(), 6, "")
            );
            let mut query = sqlx::query(&sql);
            for (ticket_id, m) in chunk {
                query = query
                    .bind(*ticket_id)
                    .bind(m.author_id)
                    .bind(m.body.as_str())
                    .bind(m.internal)
                    .bind(m.created_at)
                    .bind(m.created_at);
            }
            query.execute(&mut *tx).await?;
        }
        if let Some(resync) = DB::RESYNC_TICKET_IDS {
            sqlx::query(resync).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> Result<(), StoreError> {
        sqlx::query(DB::REFRESH_STATISTICS)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn ticket_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("select count(*) from tickets")
            .fetch_one(&self.pool)
            .await?)
    }
}
