//! The agents' notification tray. A notification names the event it came
//! from and why it concerns its reader; the sentence is the event's own,
//! read back with it, so the tray and the history never word a change
//! differently. The tray's builder records what it derived from a stretch
//! of the log and how far it has read in one transaction.

use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::{EventRow, LoggedEvent, SELECT};
use super::{millis, StoreError};
use app::domain::notify::{Handle, Reason, TicketFacts};
use app::domain::Role;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};
use std::collections::HashMap;

/// One notification with the event it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub id: i64,
    pub reason: Reason,
    pub read: bool,
    pub event: LoggedEvent,
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// How far the follower `name` has read the log.
    async fn follower_seq(&self, name: &str) -> Result<i64, StoreError>;
    /// Records notifications derived from the log up to `upto`, and that
    /// the follower has read that far. A notification recorded before (by
    /// another instance) is kept as it was.
    async fn record_notifications(
        &self,
        name: &str,
        upto: i64,
        items: &[(i64, i64, Option<i64>, Reason, DateTime<Utc>)],
    ) -> Result<(), StoreError>;
    /// A ticket's requester, assignee and its group's active staff.
    async fn ticket_facts(&self, ticket_id: i64) -> Result<TicketFacts, StoreError>;
    async fn message_body(&self, message_id: i64) -> Result<Option<String>, StoreError>;
    /// Every active agent and admin, as a note can name them.
    async fn staff_handles(&self) -> Result<Vec<Handle>, StoreError>;
    /// The newest `limit` notifications of `user_id`, newest first.
    async fn notifications(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError>;
    async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError>;
    /// Marks one notification (or, with `None`, every one) of `user_id`
    /// read; returns how many changed.
    async fn mark_notifications_read(
        &self,
        user_id: i64,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
    /// Forgets read notifications older than `before`; returns how many.
    async fn prune_notifications(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

#[derive(sqlx::FromRow)]
struct TrayRow {
    id: i64,
    reason: String,
    read_at: Option<i64>,
    seq: i64,
}

#[async_trait]
impl<DB> NotificationStore for SqlStore<DB>
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
    async fn follower_seq(&self, name: &str) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("select seq from log_followers where name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.0).unwrap_or(0))
    }

    async fn record_notifications(
        &self,
        name: &str,
        upto: i64,
        items: &[(i64, i64, Option<i64>, Reason, DateTime<Utc>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (user_id, seq, ticket_id, reason, at) in items {
            sqlx::query(
                "insert into notifications (user_id, seq, ticket_id, reason, created_at) \
                 values ($1, $2, $3, $4, $5) on conflict (user_id, seq) do nothing",
            )
            .bind(*user_id)
            .bind(*seq)
            .bind(*ticket_id)
            .bind(reason.as_str())
            .bind(millis(*at))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "insert into log_followers (name, seq) values ($1, $2) on conflict (name) do update \
             set seq = case when log_followers.seq > excluded.seq then log_followers.seq \
             else excluded.seq end",
        )
        .bind(name)
        .bind(upto)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn ticket_facts(&self, ticket_id: i64) -> Result<TicketFacts, StoreError> {
        let row: Option<(i64, Option<i64>, Option<i64>)> =
            sqlx::query_as("select requester_id, assignee_id, group_id from tickets where id = $1")
                .bind(ticket_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some((requester, assignee, group)) = row else {
            return Ok(TicketFacts::default());
        };
        let group_members = match group {
            Some(group) => {
                let rows: Vec<(i64,)> = sqlx::query_as(
                    "select m.user_id from group_members m join users u on u.id = m.user_id \
                     where m.group_id = $1 and u.active and u.role <> 'customer' order by m.user_id",
                )
                .bind(group)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(|r| r.0).collect()
            }
            None => Vec::new(),
        };
        Ok(TicketFacts {
            requester: Some(requester),
            assignee,
            group_members,
        })
    }

    async fn message_body(&self, message_id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("select body from ticket_messages where id = $1")
                .bind(message_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|r| r.0))
    }

    async fn staff_handles(&self) -> Result<Vec<Handle>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "select id, name, email from users where active and role <> $1 order by id",
        )
        .bind(Role::Customer.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, name, email)| Handle {
                user_id,
                name,
                email,
            })
            .collect())
    }

    async fn notifications(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>, StoreError> {
        let limit = limit.clamp(1, 500);
        let rows: Vec<TrayRow> = sqlx::query_as(
            "select id, reason, read_at, seq from notifications where user_id = $1 \
             order by seq desc limit $2",
        )
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let sql = format!(
            "{SELECT} where e.seq in (select seq from notifications where user_id = $1 \
             order by seq desc limit $2)"
        );
        let events: Vec<EventRow> = sqlx::query_as(&sql)
            .bind(user_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        let mut events: HashMap<i64, LoggedEvent> = events
            .into_iter()
            .map(|row| LoggedEvent::try_from(row).map(|e| (e.seq, e)))
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .filter_map(|row| events.remove(&row.seq).map(|event| (row, event)))
            .map(|(row, event)| {
                let reason = Reason::parse(&row.reason).ok_or_else(|| {
                    StoreError::Corrupt(format!("notification reason {}", row.reason))
                })?;
                Ok(NotificationRecord {
                    id: row.id,
                    reason,
                    read: row.read_at.is_some(),
                    event,
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, user_id: i64) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(
            "select count(*) from notifications where user_id = $1 and read_at is null",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    async fn mark_notifications_read(
        &self,
        user_id: i64,
        id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "update notifications set read_at = $1 \
             where user_id = $2 and read_at is null and ($3 is null or id = $3)",
        )
        .bind(millis(now))
        .bind(user_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(DB::rows_affected(&done))
    }

    async fn prune_notifications(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done =
            sqlx::query("delete from notifications where read_at is not null and created_at < $1")
                .bind(millis(before))
                .execute(&self.pool)
                .await?;
        Ok(DB::rows_affected(&done))
    }
}
