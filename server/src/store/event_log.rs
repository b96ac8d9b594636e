//! The event log: every change, as a JSON-encoded `DomainEvent`, appended
//! in the transaction that made it, numbered by one global sequence.
//!
//! A follower reads "everything after N". That only works if no event can
//! commit with a number below one a reader has already seen. SQLite runs
//! one writer at a time, so numbers follow commit order by themselves.
//! PostgreSQL hands out identity values when a row is inserted, not when
//! its transaction commits, so two writers can commit 6 before 5. Writers
//! therefore append as the last step before committing, under one
//! transaction-scoped advisory lock (`Dialect::LOCK_EVENT_LOG`): the lock
//! is released only after the commit is visible, so the next writer's
//! numbers are always above every visible one. Appending last keeps the
//! lock short and means the lock holder never waits for a row another
//! writer holds. A writer that rolls back leaves a gap, which a follower
//! simply never sees.
//!
//! Followers learn of commits without polling: every commit wakes this
//! process's followers (`committed`), and on PostgreSQL the transaction
//! also notifies `EVENTS_CHANNEL`, which PostgreSQL delivers to every
//! instance only once the commit is visible. The notice carries nothing;
//! followers read the log after their last number.

use super::dialect::{Dialect, SqlStore, Value};
use super::{millis, StoreError};
use app::domain::event::{DomainEvent, Event};
use async_trait::async_trait;
use sqlx::{ColumnIndex, Encode, Executor, Transaction, Type};

/// The channel a PostgreSQL commit that logged events notifies.
pub const EVENTS_CHANNEL: &str = "ferrodesk_events";

/// Woken after every commit that logged events, in this process. One per
/// process rather than per store: a test process running several stores
/// only gets a spurious read of a log with nothing new.
static COMMITTED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Resolves after the next commit in this process that logged events.
/// Create it before reading the log, so a commit during the read counts.
pub fn committed() -> tokio::sync::futures::Notified<'static> {
    COMMITTED.notified()
}

/// An event as read back: its place in the log, the actor's current name,
/// and the requester of its ticket while the ticket exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedEvent {
    pub seq: i64,
    pub actor_name: Option<String>,
    pub requester: Option<i64>,
    pub event: Event,
}

#[async_trait]
pub trait EventLogStore: Send + Sync {
    /// Up to `limit` events with a sequence number above `after`, in order.
    /// Passing the last number seen never skips an event and never repeats
    /// one, however many writers there are.
    async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<LoggedEvent>, StoreError>;
    /// The highest sequence number logged so far (0 for an empty log).
    async fn last_event_seq(&self) -> Result<i64, StoreError>;
    /// A ticket's history in order; without `staff`, only what its
    /// requester may see.
    async fn ticket_history(
        &self,
        ticket_id: i64,
        staff: bool,
    ) -> Result<Vec<LoggedEvent>, StoreError>;
}

pub(super) const SELECT: &str =
    "select e.seq, e.ticket_id, e.actor_id, u.name as actor_name, t.requester_id, e.public, \
     e.data, e.created_at from events e left join users u on u.id = e.actor_id \
     left join tickets t on t.id = e.ticket_id";

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    seq: i64,
    ticket_id: Option<i64>,
    actor_id: Option<i64>,
    actor_name: Option<String>,
    requester_id: Option<i64>,
    public: bool,
    data: String,
    created_at: i64,
}

impl TryFrom<EventRow> for LoggedEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        let change: DomainEvent = serde_json::from_str(&row.data)
            .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", row.seq)))?;
        Ok(LoggedEvent {
            seq: row.seq,
            actor_name: row.actor_name,
            requester: row.requester_id,
            event: Event {
                actor: row.actor_id,
                at: super::common::from_millis(row.created_at)?,
                ticket: row.ticket_id,
                public: row.public,
                change,
            },
        })
    }
}

/// Appends `events` in order. Call it as the last write of a transaction,
/// right before `commit` (see the module comment for why).
pub(super) async fn append<DB>(
    tx: &mut Transaction<'_, DB>,
    events: &[Event],
) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
{
    if events.is_empty() {
        return Ok(());
    }
    if let Some(lock) = DB::LOCK_EVENT_LOG {
        sqlx::query(lock).execute(&mut **tx).await?;
    }
    for chunk in events.chunks(super::batch_writes::ROWS_PER_STATEMENT) {
        let sql = format!(
            "insert into events (ticket_id, actor_id, kind, public, data, created_at) values {}",
            super::batch_writes::values_list(chunk.len(), 6, "")
        );
        let mut query = sqlx::query(&sql);
        for event in chunk {
            let data = serde_json::to_string(&event.change)
                .map_err(|e| StoreError::Corrupt(format!("event not encodable: {e}")))?;
            query = query
                .bind(event.ticket)
                .bind(event.actor)
                .bind(event.change.kind())
                .bind(event.public)
                .bind(data)
                .bind(millis(event.at));
        }
        query.execute(&mut **tx).await?;
    }
    if let Some(notify) = DB::NOTIFY_EVENTS {
        sqlx::query(notify).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Appends `events` and commits: the way every write transaction ends.
pub(super) async fn commit<DB>(
    mut tx: Transaction<'_, DB>,
    events: &[Event],
) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
{
    append(&mut tx, events).await?;
    tx.commit().await?;
    if let Some(first) = events.first() {
        // The moment of commit, for following an event to its readers
        // (the live benchmark measures from here).
        tracing::debug!(
            target: "ferrodesk::commits",
            ticket = first.ticket,
            kinds = ?events.iter().map(|e| e.change.kind()).collect::<Vec<_>>(),
            "events committed"
        );
        COMMITTED.notify_waiters();
    }
    Ok(())
}

#[async_trait]
impl<DB> EventLogStore for SqlStore<DB>
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
    async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<LoggedEvent>, StoreError> {
        let sql = format!("{SELECT} where e.seq > $1 order by e.seq limit $2");
        let rows: Vec<EventRow> = sqlx::query_as(&sql)
            .bind(after)
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn last_event_seq(&self) -> Result<i64, StoreError> {
        let (seq,): (Option<i64>,) = sqlx::query_as("select max(seq) from events")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }

    async fn ticket_history(
        &self,
        ticket_id: i64,
        staff: bool,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let sql = format!("{SELECT} where e.ticket_id = $1 and (e.public or $2) order by e.seq");
        let rows: Vec<EventRow> = sqlx::query_as(&sql)
            .bind(ticket_id)
            .bind(staff)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}
