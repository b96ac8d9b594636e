//! Personal API tokens: their owner, name, scopes and lifetime, and the
//! SHA-256 of the secret, by which a request's token is found.

use super::common::from_millis;
use super::dialect::{Dialect, SqlStore, Value};
use super::{millis, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

/// A token to keep; its secret is already digested.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub digest: String,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub prefix: String,
    pub scopes: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait ApiTokenStore: Send + Sync {
    async fn insert_api_token(&self, token: NewApiToken) -> Result<ApiTokenRecord, StoreError>;
    /// The user's tokens, newest first, revoked and expired ones included.
    async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiTokenRecord>, StoreError>;
    /// How many of the user's tokens still work at `now`.
    async fn live_api_tokens(&self, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError>;
    async fn api_token_by_digest(&self, digest: &str)
        -> Result<Option<ApiTokenRecord>, StoreError>;
    /// Revokes one of the user's tokens; `false` when it is not theirs or
    /// was revoked already.
    async fn revoke_api_token(
        &self,
        user_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Notes a use. Written at most once a minute per token, so a busy
    /// integration does not turn every read into a write.
    async fn touch_api_token(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;
}

const COLUMNS: &str =
    "id, user_id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

type TokenRow = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
    Option<i64>,
);

fn record(row: TokenRow) -> Result<ApiTokenRecord, StoreError> {
    let (id, user_id, name, prefix, scopes, created, expires, used, revoked) = row;
    Ok(ApiTokenRecord {
        id,
        user_id,
        name,
        prefix,
        scopes,
        created_at: from_millis(created)?,
        expires_at: from_millis(expires)?,
        last_used_at: used.map(from_millis).transpose()?,
        revoked_at: revoked.map(from_millis).transpose()?,
    })
}

#[async_trait]
impl<DB> ApiTokenStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    i64: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
{
    async fn insert_api_token(&self, token: NewApiToken) -> Result<ApiTokenRecord, StoreError> {
        let sql = format!(
            "insert into api_tokens (user_id, name, prefix, digest, scopes, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning {COLUMNS}"
        );
        let row: TokenRow = sqlx::query_as(&sql)
            .bind(token.user_id)
            .bind(token.name)
            .bind(token.prefix)
            .bind(token.digest)
            .bind(token.scopes)
            .bind(millis(token.created_at))
            .bind(millis(token.expires_at))
            .fetch_one(&self.pool)
            .await?;
        record(row)
    }

    async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let sql = format!("select {COLUMNS} from api_tokens where user_id = $1 order by id desc");
        let rows: Vec<TokenRow> = sqlx::query_as(&sql)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(record).collect()
    }

    async fn live_api_tokens(&self, user_id: i64, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let (count,): (i64,) = sqlx::query_as(
            "select count(*) from api_tokens where user_id = $1 and revoked_at is null \
             and expires_at > $2",
        )
        .bind(user_id)
        .bind(millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(count)
    }

    async fn api_token_by_digest(
        &self,
        digest: &str,
    ) -> Result<Option<ApiTokenRecord>, StoreError> {
        let sql = format!("select {COLUMNS} from api_tokens where digest = $1");
        let row: Option<TokenRow> = sqlx::query_as(&sql)
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        row.map(record).transpose()
    }

    async fn revoke_api_token(
        &self,
        user_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "update api_tokens set revoked_at = $3 where id = $1 and user_id = $2 \
             and revoked_at is null",
        )
        .bind(id)
        .bind(user_id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(DB::rows_affected(&done) > 0)
    }

    async fn touch_api_token(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        let now = millis(now);
        sqlx::query(
            "update api_tokens set last_used_at = $2 where id = $1 \
             and (last_used_at is null or last_used_at < $3)",
        )
        .bind(id)
        .bind(now)
        .bind(now - 60_000)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
