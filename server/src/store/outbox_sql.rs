//! The mail outbox: emails queued in the transaction of the change that
//! causes them, leased to one worker at a time, retried, and pruned.

use super::common::{enqueue, OutboxRow, OUTBOX_COLUMNS};
use super::dialect::{Dialect, SqlStore, Value};
use super::{millis, NewEmail, OutboxMessage, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait OutboxStore: Send + Sync {
    // Outbox
    async fn enqueue_email(&self, mail: NewEmail, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Leases up to `limit` due messages until `lease_until`; no two workers
    /// (or instances) get the same message while the lease holds.
    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    async fn mark_outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;
    /// Records a failed attempt: retried at `retry_at`, or dead when `None`.
    async fn mark_outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>, StoreError>;
    /// Deletes messages sent before `before` (their bodies hold one-time links).
    async fn prune_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

#[async_trait]
impl<DB> OutboxStore for SqlStore<DB>
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
    async fn enqueue_email(&self, mail: NewEmail, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        enqueue(&mut tx, &mail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(<DB as Dialect>::CLAIM_OUTBOX_SQL)
            .bind(millis(now))
            .bind(millis(lease_until))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn mark_outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "update outbox set status = 'sent', sent_at = $2, locked_until = null, last_error = null, \
             updated_at = $2 where id = $1",
        )
        .bind(id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let query = match retry_at {
            Some(at) => sqlx::query(
                "update outbox set status = 'pending', next_attempt_at = $3, locked_until = null, \
                 last_error = $2, updated_at = $4 where id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(millis(at)),
            None => sqlx::query(
                "update outbox set status = 'dead', locked_until = null, last_error = $2, \
                 next_attempt_at = $3, updated_at = $4 where id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(millis(now)),
        };
        query.bind(millis(now)).execute(&self.pool).await?;
        Ok(())
    }

    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>, StoreError> {
        let sql = format!("select {OUTBOX_COLUMNS} from outbox where id = $1");
        let row: Option<OutboxRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn prune_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("delete from outbox where status = 'sent' and sent_at < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(DB::rows_affected(&done))
    }
}
