//! The store: one abstraction over SQLite and PostgreSQL. Methods read as
//! intent, take and return domain types, and own their transactions, so a
//! change and the email it causes are always written together.

mod account_sql;
mod api_tokens;
mod batch_writes;
mod broadcast;
mod bulk;
mod categories;
mod common;
mod credential_sql;
mod dialect;
mod event_log;
mod groups;
mod links;
mod notifications;
mod outbox_sql;
mod postgres;
mod presence;
mod records;
pub mod routing;
mod routing_records;
mod routing_rows;
mod signups;
mod sla_clocks;
mod sla_config;
mod sla_firing;
pub mod sla_monitor;
mod sla_records;
mod sla_rows;
mod sla_sync;
mod sql_text;
mod sqlite;
mod ticket_changes;
mod ticket_rows;
mod ticket_sql;
mod ticket_store;
mod ticket_writes;
mod tickets;

pub use api_tokens::{ApiTokenRecord, ApiTokenStore, NewApiToken};
pub use broadcast::{Broadcast, Channel, Subscription};
pub use bulk::{BulkStore, SeedMessage, SeedTicket};
pub use categories::{CategoryDeletion, CategoryStore};
pub use credential_sql::CredentialStore;
pub use dialect::{Dialect, SqlStore, Value};
pub use event_log::{committed, EventLogStore, LoggedEvent, EVENTS_CHANNEL};
pub use groups::GroupStore;
pub use links::LinkStore;
pub use notifications::{NotificationRecord, NotificationStore};
pub use outbox_sql::OutboxStore;
pub use postgres::PgStore;
pub use presence::PresenceStore;
pub use records::*;
pub use routing::RoutingStore;
pub use routing_records::*;
pub use signups::{NewSignup, SignupStore, UploadUsage};
pub use sla_clocks::SlaStore;
pub use sla_config::SlaConfigStore;
pub use sla_monitor::SlaMonitorStore;
pub use sla_records::*;
pub use sqlite::SqliteStore;
pub use ticket_store::*;

use app::domain::{DisplayName, EmailAddress, Role, TimezoneName};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write (e.g. a taken email).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    /// A versioned edit lost the race: the row changed since it was read.
    #[error("stale version")]
    Stale,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("i/o: {0}")]
    Io(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The backend cannot do what the configuration asks.
    #[error("not supported: {0}")]
    Unsupported(String),
}

/// Which database is in use (reported by `/healthz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[async_trait]
pub trait Store:
    TicketStore
    + ApiTokenStore
    + CredentialStore
    + OutboxStore
    + EventLogStore
    + GroupStore
    + CategoryStore
    + PresenceStore
    + RoutingStore
    + LinkStore
    + NotificationStore
    + SignupStore
    + SlaConfigStore
    + SlaStore
    + SlaMonitorStore
    + BulkStore
    + Broadcast
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;
    async fn ping(&self) -> Result<(), StoreError>;

    // Users
    async fn insert_user(
        &self,
        user: NewUser,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, StoreError>;
    async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StoreError>;
    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<UserRecord>, StoreError>;
    /// Active agents and admins by name: every list of people to pick.
    async fn list_staff(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Users by name (then id), `limit` at a time after the user `after`;
    /// `text` narrows to names or emails containing it.
    async fn list_users(
        &self,
        text: Option<&str>,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<UserRecord>, StoreError>;
    async fn update_profile(
        &self,
        id: i64,
        name: &DisplayName,
        timezone: &TimezoneName,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Sets a new password hash and ends every session; returns the new epoch.
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    async fn set_role(
        &self,
        actor_id: i64,
        id: i64,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Deactivates the user, ends every session of theirs and returns
    /// their open tickets to their groups' queues; gives those tickets' ids.
    async fn deactivate_user(
        &self,
        actor_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError>;
    /// Lets a deactivated user sign in again (their old sessions stay ended).
    async fn reactivate_user(
        &self,
        actor_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    // Rate limits
    /// Counts one hit in the fixed window starting at `window_start` and
    /// returns the hits so far, atomically across instances.
    async fn hit_rate_limit(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
    ) -> Result<i64, StoreError>;
    async fn prune_rate_limits(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    // Search
    /// Makes full-text search stem in `language` (one of
    /// [`SEARCH_LANGUAGES`]), rebuilding the index when it was built for
    /// another; true when it rebuilt.
    async fn use_search_language(&self, language: &str) -> Result<bool, StoreError>;
}

/// Languages search can stem in. PostgreSQL knows them all; SQLite stems
/// English only (FTS5's porter tokenizer), and `simple` never stems.
pub const SEARCH_LANGUAGES: [&str; 16] = [
    "simple",
    "english",
    "danish",
    "dutch",
    "finnish",
    "french",
    "german",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "turkish",
];

pub type SharedStore = Arc<dyn Store>;

pub(crate) fn millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The opened database: the store plus the session store on the same pool.
pub struct Database {
    pub store: SharedStore,
    pub sessions: crate::sessions::AnySessionStore,
}

pub async fn open(url: &crate::config::DatabaseUrl) -> Result<Database, StoreError> {
    use crate::sessions::AnySessionStore;
    match url {
        crate::config::DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
            }
            let store = SqliteStore::open(path).await?;
            let sessions = AnySessionStore::sqlite(store.pool().clone()).await?;
            Ok(Database {
                store: Arc::new(store),
                sessions,
            })
        }
        crate::config::DatabaseUrl::Postgres(url) => {
            let store = PgStore::connect(url.expose()).await?;
            let sessions = AnySessionStore::postgres(store.pool().clone()).await?;
            Ok(Database {
                store: Arc::new(store),
                sessions,
            })
        }
    }
}

#[cfg(test)]
mod migration_tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The version prefixes (`0007` of `0007_sla.sql`) of one backend's migrations.
    fn versions(backend: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(backend);
        std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".sql"))
            .map(|name| name.split('_').next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migration_versions() {
        let (sqlite, postgres) = (versions("sqlite"), versions("postgres"));
        assert!(!sqlite.is_empty());
        assert_eq!(
            sqlite, postgres,
            "every migration needs its twin in the other backend, with the same version"
        );
    }
}
