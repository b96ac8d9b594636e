//! Agents' availability. An agent chooses online, away or offline; each of
//! their signed-in sessions is remembered while it is used, and when the
//! last one ends or falls idle they go offline.

use super::dialect::{Dialect, SqlStore, Value};
use super::groups::availability;
use super::millis;
use super::{PresenceRecord, StoreError};
use app::domain::Availability;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait PresenceStore: Send + Sync {
    async fn set_availability(
        &self,
        user_id: i64,
        availability: Availability,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn presence(&self, user_id: i64) -> Result<PresenceRecord, StoreError>;
    /// Notes that a staff session was used just now.
    async fn touch_agent_session(
        &self,
        session_key: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Forgets a session that ended. Returns whether its user went offline
    /// because no other session of theirs was used since `idle_before`.
    async fn end_agent_session(
        &self,
        session_key: &str,
        user_id: i64,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Forgets sessions unused since `idle_before` and takes agents with
    /// none left offline; returns those agents.
    async fn expire_idle_agents(
        &self,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct CapacityRow {
    pub name: String,
    pub capacity: i64,
}

pub(super) const SET_AVAILABILITY_SQL: &str =
    "insert into agent_presence (user_id, availability, changed_at, updated_at) values ($1, $2, $3, $3) \
     on conflict (user_id) do update set availability = excluded.availability, \
     changed_at = case when agent_presence.availability = excluded.availability \
     then agent_presence.changed_at else excluded.changed_at end, updated_at = excluded.updated_at";

pub(super) const GO_OFFLINE_SQL: &str =
    "update agent_presence set availability = 'offline', changed_at = $2, updated_at = $2 where user_id = $1";

/// Agents who are not offline and have no session used since $1.
pub(super) const IDLE_AGENTS_SQL: &str =
    "select p.user_id from agent_presence p where p.availability <> 'offline' \
     and not exists (select 1 from agent_sessions s where s.user_id = p.user_id and s.last_seen_at >= $1)";

#[async_trait::async_trait]
impl<DB> PresenceStore for SqlStore<DB>
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
    async fn set_availability(
        &self,
        user_id: i64,
        availability: app::domain::Availability,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(SET_AVAILABILITY_SQL)
            .bind(user_id)
            .bind(availability.as_str())
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn presence(&self, user_id: i64) -> Result<PresenceRecord, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("select availability from agent_presence where user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        let load: i64 = sqlx::query_scalar(
            "select count(*) from tickets where assignee_id = $1 and status in ('new', 'open')",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        let rows: Vec<CapacityRow> = sqlx::query_as(
            "select g.name, m.capacity from group_members m join agent_groups g on g.id = m.group_id \
             where m.user_id = $1 and not g.archived order by lower(g.name), g.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(PresenceRecord {
            availability: availability(text.as_deref())?,
            load,
            capacities: rows
                .into_iter()
                .map(|r| (r.name, u32::try_from(r.capacity).unwrap_or(0)))
                .collect(),
        })
    }

    async fn touch_agent_session(
        &self,
        session_key: &str,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into agent_sessions (session_key, user_id, last_seen_at) values ($1, $2, $3) \
             on conflict (session_key) do update set last_seen_at = excluded.last_seen_at",
        )
        .bind(session_key)
        .bind(user_id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn end_agent_session(
        &self,
        session_key: &str,
        user_id: i64,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        sqlx::query("delete from agent_sessions where session_key = $1")
            .bind(session_key)
            .execute(&mut *tx)
            .await?;
        let idle: Vec<i64> = sqlx::query_scalar(&format!("{IDLE_AGENTS_SQL} and p.user_id = $2"))
            .bind(millis(idle_before))
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
        for id in &idle {
            sqlx::query(GO_OFFLINE_SQL)
                .bind(id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(!idle.is_empty())
    }

    async fn expire_idle_agents(
        &self,
        idle_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        sqlx::query("delete from agent_sessions where last_seen_at < $1")
            .bind(millis(idle_before))
            .execute(&mut *tx)
            .await?;
        let idle: Vec<i64> = sqlx::query_scalar(IDLE_AGENTS_SQL)
            .bind(millis(idle_before))
            .fetch_all(&mut *tx)
            .await?;
        for user_id in &idle {
            sqlx::query(GO_OFFLINE_SQL)
                .bind(user_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(idle)
    }
}
