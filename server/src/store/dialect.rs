//! The store over both databases as ordinary generic Rust: one
//! [`SqlStore`] whose methods are written once for any [`Dialect`], and the
//! dialect trait that names everything SQLite and PostgreSQL do differently.
//!
//! Rust does not carry a trait's where-clauses about other types (`i64`,
//! `&str`, the connection) to its users, so each generic `impl` block
//! repeats the bounds it needs. The full set, to copy:
//!
//! ```text
//! where
//!     DB: Dialect,
//!     for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
//!     usize: ColumnIndex<DB::Row>,
//!     str: Type<DB>,
//!     for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
//!     for<'n> Option<&'n str>: Encode<'n, DB>,
//!     i64: Value<DB>,
//!     bool: Value<DB>,
//!     String: Value<DB>,
//!     Option<i64>: Value<DB>,
//!     Option<String>: Value<DB>,
//! ```
//!
//! A bind of a new type fails at the `.bind` and names the missing bound.

use super::{Backend, StoreError};
use sqlx::{Database, Decode, Encode, IntoArguments, Pool, Transaction, Type};
use std::future::Future;

/// What differs between the backends. `Database` and `IntoArguments` are
/// implied by `DB: Dialect`; see the module comment for the rest.
pub trait Dialect: for<'q> Database<Arguments<'q>: IntoArguments<'q, Self>> {
    const BACKEND: Backend;
    /// How a write transaction starts: SQLite takes its write lock up front
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout
    /// instead of failing halfway with "database is locked".
    const BEGIN_WRITE: Option<&'static str>;

    /// Leases due outbox rows (`$1` now, `$2` lease end, `$3` limit); only
    /// PostgreSQL needs `for update skip locked` to keep workers apart.
    const CLAIM_OUTBOX_SQL: &'static str;

    /// Locks the due SLA clocks a monitor pass takes (PostgreSQL: `for
    /// update … skip locked`, so instances share the work); empty on SQLite,
    /// whose write transaction already excludes everyone else.
    const DUE_CLOCKS_LOCK: &'static str;

    /// Taken just before a transaction appends to the event log, so
    /// sequence numbers follow commit order (PostgreSQL: a transaction-
    /// scoped advisory lock); none on SQLite, whose writers already take
    /// turns. See `event_log.rs`.
    const LOCK_EVENT_LOG: Option<&'static str>;
    /// Tells the other instances, at commit, that events were logged
    /// (see `event_log`); `None` where there are no other instances.
    const NOTIFY_EVENTS: Option<&'static str>;

    /// Lets a bulk load give tickets explicit ids (PostgreSQL identity
    /// columns refuse them otherwise); spliced after the column list.
    const OVERRIDING_SYSTEM_VALUE: &'static str;
    /// Moves the ticket id sequence past explicitly given ids, where there is one.
    const RESYNC_TICKET_IDS: Option<&'static str>;
    /// Refreshes planner statistics after a bulk load (on PostgreSQL also
    /// the visibility map, without which index-only scans of a freshly
    /// loaded table still read every row).
    const REFRESH_STATISTICS: &'static str;

    /// How full-text search is written: the clause around the bound term,
    /// and the term made from what the person typed.
    const SEARCH: SearchDialect;

    /// `rows_affected` is inherent to each driver's result type.
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// Rebuilds the search index for `language` unless it is built for it
    /// already; `Ok(true)` when it rebuilt.
    fn switch_search_language(
        pool: &Pool<Self>,
        language: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    fn begin_write(
        pool: &Pool<Self>,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, StoreError>> + Send {
        async move {
            Ok(match Self::BEGIN_WRITE {
                Some(statement) => pool.begin_with(statement).await?,
                None => pool.begin().await?,
            })
        }
    }
}

/// A type that is bound and read back; one bound instead of three.
pub trait Value<DB: Database>:
    for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send
{
}

impl<T, DB: Database> Value<DB> for T where
    T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send
{
}

/// How a backend searches text: the clause around the bound term, and
/// the term made from what the person typed.
pub struct SearchDialect {
    pub prefix: &'static str,
    pub suffix: &'static str,
    pub term: fn(&str) -> Option<String>,
}

/// The store of one database; `SqliteStore` and `PgStore` name the two.
pub struct SqlStore<DB: Dialect> {
    pub(super) pool: Pool<DB>,
}

impl<DB: Dialect> SqlStore<DB> {
    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}
