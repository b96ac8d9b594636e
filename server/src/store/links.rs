//! Requesters without an account: a contact (a customer user with no
//! password) and the emailed links that let them follow one ticket. Links
//! are written with the ticket or reply whose email carries them.

use super::common::insert_user;
use super::common::user_by_email;
use super::dialect::{Dialect, SqlStore, Value};
use super::millis;
use super::{NewUser, StoreError, UserRecord};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait LinkStore: Send + Sync {
    /// The user with this address, created as a password-less customer
    /// when there is none (concurrent calls agree on one row).
    async fn contact_for(
        &self,
        user: NewUser,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, StoreError>;
    /// The (user, ticket) a live link opens, if the digest is known and unexpired.
    async fn ticket_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, i64)>, StoreError>;
}

#[async_trait::async_trait]
impl<DB> LinkStore for SqlStore<DB>
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
    async fn contact_for(
        &self,
        user: NewUser,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, StoreError> {
        if let Some(existing) = user_by_email(&self.pool, &user.email).await? {
            return Ok(existing);
        }
        let email = user.email.clone();
        match insert_user(&self.pool, user, now).await {
            Ok(created) => Ok(created),
            // Someone else created it a moment ago.
            Err(StoreError::Conflict(_)) => user_by_email(&self.pool, &email)
                .await?
                .ok_or(StoreError::NotFound),
            Err(other) => Err(other),
        }
    }

    async fn ticket_link(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "select user_id, ticket_id from ticket_links where token_hash = $1 and expires_at > $2",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?)
    }
}
