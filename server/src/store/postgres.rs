//! The multi-instance backend: PostgreSQL.

use super::dialect::{Dialect, SearchDialect, SqlStore};
use super::{Backend, StoreError};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres};
use std::time::Duration;

pub type PgStore = SqlStore<Postgres>;

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;
    const BEGIN_WRITE: Option<&'static str> = None;

    /// `skip locked` lets several instances drain the outbox side by side.
    /// The monitor locks the due clocks and their tickets as it reads them,
    /// so no ticket write can change them between its plan and its writes;
    /// rows a ticket write holds are left for the next round, not waited
    /// on, so the two never wait on each other.
    const DUE_CLOCKS_LOCK: &'static str = " for update of c, t skip locked";

    /// The key is arbitrary; it only has to be Ferrodesk's alone.
    const LOCK_EVENT_LOG: Option<&'static str> = Some("select pg_advisory_xact_lock(7305516921)");
    // The channel is `event_log::EVENTS_CHANNEL`.
    const NOTIFY_EVENTS: Option<&'static str> = Some("select pg_notify('ferrodesk_events', '')");
    const OVERRIDING_SYSTEM_VALUE: &'static str = " overriding system value";
    const RESYNC_TICKET_IDS: Option<&'static str> = Some(
        "select setval(pg_get_serial_sequence('tickets', 'id'), (select max(id) from tickets))",
    );
    const REFRESH_STATISTICS: &'static str = "vacuum analyze";

    /// Matches are capped so a common word stays cheap; the newest texts win.
    const SEARCH: SearchDialect = SearchDialect {
        prefix: " and t.id in (select ticket_id from ticket_search \
                 where document @@ plainto_tsquery((select language from search_settings), ",
        suffix: ") order by id desc limit 2000)",
        term: pg_term,
    };

    const CLAIM_OUTBOX_SQL: &'static str = "update outbox set locked_until = $2, attempts = attempts + 1, updated_at = $1 \
         where id in (select id from outbox where status = 'pending' and next_attempt_at <= $1 \
         and (locked_until is null or locked_until <= $1) order by id limit $3 for update skip locked) \
         returning id, recipient, subject, body_text, message_id, status, attempts, last_error";

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    /// Rebuilds the search index in `language` (a text search
    /// configuration) unless it is already built in it. Several instances
    /// starting at once take turns on the settings row.
    async fn switch_search_language(pool: &Pool<Self>, language: &str) -> Result<bool, StoreError> {
        let mut tx = Self::begin_write(pool).await?;
        let current: String =
            sqlx::query_scalar("select language::text from search_settings for update")
                .fetch_one(&mut *tx)
                .await?;
        if current == language {
            return Ok(false);
        }
        sqlx::query("update search_settings set language = $1::regconfig")
            .bind(language)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from ticket_search")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into ticket_search (ticket_id, document) \
             select t.id, to_tsvector($1::regconfig, t.subject || ' ' || t.description || ' ' || u.name || ' ' || u.email) \
             from tickets t join users u on u.id = t.requester_id",
        )
        .bind(language)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into ticket_search (ticket_id, document) \
             select ticket_id, to_tsvector($1::regconfig, body) from ticket_messages",
        )
        .bind(language)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

/// plainto_tsquery reads plain words, so the text is passed as typed.
fn pg_term(text: &str) -> Option<String> {
    let text: String = text
        .split_whitespace()
        .take(12)
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}
