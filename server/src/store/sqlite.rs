//! The embedded backend: one SQLite file in the data directory.

use super::batch_writes::impl_batch_writes;
use super::bulk::*;
use super::categories::*;
use super::common::*;
use super::groups::*;
use super::links::impl_link_store;
use super::presence::*;
use super::routing::*;
use super::sla_clocks::*;
use super::sla_config::*;
use super::sla_monitor::*;
use super::ticket_sql::*;
use super::*;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool};
use std::path::Path;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and migrates it.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Durable commits: a reported success survives a power cut.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Takes the write lock up front, so concurrent writers queue on the
    /// busy timeout instead of failing halfway with "database is locked".
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Matches are capped so a common word stays cheap; the newest texts win.
    const SEARCH: SearchDialect = SearchDialect {
        prefix: " and t.id in (select ticket_id from ticket_search where ticket_search match ",
        suffix: " order by rowid desc limit 2000)",
        term: fts5_term,
    };

    /// `BEGIN IMMEDIATE` already keeps every other writer out.
    const DUE_CLOCKS_LOCK: &'static str = "";

    const CLAIM_OUTBOX_SQL: &'static str =
        "update outbox set locked_until = $2, attempts = attempts + 1, updated_at = $1 \
         where id in (select id from outbox where status = 'pending' and next_attempt_at <= $1 \
         and (locked_until is null or locked_until <= $1) order by id limit $3) \
         returning id, recipient, subject, body_text, message_id, status, attempts, last_error";
}

impl_store!(SqliteStore, Sqlite, Backend::Sqlite);

impl_group_store!(SqliteStore);

impl_category_store!(SqliteStore);

impl_presence_store!(SqliteStore);

impl_routing_store!(SqliteStore);

impl_bulk_store!(SqliteStore, Sqlite, "", "", "analyze");

impl_link_store!(SqliteStore);

impl_ticket_store!(SqliteStore, Sqlite);

impl_sla_config_store!(SqliteStore);

impl_sla_sync!(SqliteStore, Sqlite);

impl_sla_monitor!(SqliteStore, Sqlite);

impl_batch_writes!(Sqlite);

/// Each word becomes a quoted FTS5 string (quotes doubled), so nothing a
/// person types is read as query syntax; all words must occur.
fn fts5_term(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .take(12)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn search_terms_are_quoted_words() {
        assert_eq!(
            super::fts5_term("vpn  \"down\" OR x*").as_deref(),
            Some("\"vpn\" \"\"\"down\"\"\" \"OR\" \"x*\"")
        );
        assert_eq!(super::fts5_term("   "), None);
    }
}
