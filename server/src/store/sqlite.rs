//! The embedded backend: one SQLite file in the data directory.

use super::dialect::{Dialect, SearchDialect, SqlStore};
use super::{Backend, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};
use std::path::Path;
use std::time::Duration;

pub type SqliteStore = SqlStore<Sqlite>;

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;
    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN IMMEDIATE");

    /// `BEGIN IMMEDIATE` already keeps every other writer out.
    const DUE_CLOCKS_LOCK: &'static str = "";

    const LOCK_EVENT_LOG: Option<&'static str> = None;
    const NOTIFY_EVENTS: Option<&'static str> = None;
    const OVERRIDING_SYSTEM_VALUE: &'static str = "";
    const RESYNC_TICKET_IDS: Option<&'static str> = None;
    const REFRESH_STATISTICS: &'static str = "analyze";

    /// Matches are capped so a common word stays cheap; the newest texts win.
    const SEARCH: SearchDialect = SearchDialect {
        prefix: " and t.id in (select ticket_id from ticket_search where ticket_search match ",
        suffix: " order by rowid desc limit 2000)",
        term: fts5_term,
    };

    const CLAIM_OUTBOX_SQL: &'static str =
        "update outbox set locked_until = $2, attempts = attempts + 1, updated_at = $1 \
         where id in (select id from outbox where status = 'pending' and next_attempt_at <= $1 \
         and (locked_until is null or locked_until <= $1) order by id limit $3) \
         returning id, recipient, subject, body_text, message_id, status, attempts, last_error";

    fn rows_affected(result: &Self::QueryResult) -> u64 {
        result.rows_affected()
    }

    /// Rebuilds the search index with the tokenizer of `language` unless it
    /// already uses it: `english` stems with porter, `simple` does not.
    async fn switch_search_language(pool: &Pool<Self>, language: &str) -> Result<bool, StoreError> {
        let tokenizer = match language {
            "english" => "porter unicode61 remove_diacritics 2",
            "simple" => "unicode61 remove_diacritics 2",
            other => {
                return Err(StoreError::Unsupported(format!(
                    "SQLite search cannot stem {other:?}; use english or simple"
                )))
            }
        };
        let mut tx = Self::begin_write(pool).await?;
        let current: String = sqlx::query_scalar("select language from search_settings")
            .fetch_one(&mut *tx)
            .await?;
        if current == language {
            return Ok(false);
        }
        sqlx::query("drop table ticket_search")
            .execute(&mut *tx)
            .await?;
        // The tokenizer is one of the two literals above.
        sqlx::query(&format!(
            "create virtual table ticket_search using fts5 (ticket_id unindexed, body, tokenize = '{tokenizer}')"
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into ticket_search (ticket_id, body) \
             select t.id, t.subject || ' ' || t.description || ' ' || u.name || ' ' || u.email \
             from tickets t join users u on u.id = t.requester_id",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query("insert into ticket_search (ticket_id, body) select ticket_id, body from ticket_messages")
            .execute(&mut *tx)
            .await?;
        sqlx::query("update search_settings set language = $1")
            .bind(language)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
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
}

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
