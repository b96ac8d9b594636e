//! Sign-ups waiting for their address to be confirmed, and the counts that
//! upload quotas are checked against.

use super::common::{enqueue, from_millis, unique_as_conflict, UserRow, USER_COLUMNS};
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::{millis, NewEmail, StoreError, UserRecord};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::{DisplayName, EmailAddress, Role, TimezoneName};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

/// A sign-up as submitted; its password is already hashed.
#[derive(Debug, Clone)]
pub struct NewSignup {
    pub email: EmailAddress,
    pub name: DisplayName,
    pub password_hash: String,
    pub timezone: TimezoneName,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// Files and bytes uploaded since some moment: by one person (anywhere) and
/// to one ticket (by anyone), with the oldest upload counted in each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UploadUsage {
    pub account_files: i64,
    pub account_bytes: i64,
    pub account_oldest: Option<DateTime<Utc>>,
    pub ticket_files: i64,
    pub ticket_bytes: i64,
    pub ticket_oldest: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait SignupStore: Send + Sync {
    /// Keeps the sign-up (replacing an earlier one for the address) and
    /// queues the confirmation mail with it.
    async fn replace_signup(
        &self,
        signup: NewSignup,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn signup_usable(&self, token_hash: &str, now: DateTime<Utc>)
        -> Result<bool, StoreError>;
    /// Turns the sign-up into a customer account, once. `None` when the
    /// token is unknown, used or expired; `Conflict` when the address got an
    /// account meanwhile (the sign-up is gone either way).
    async fn complete_signup(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError>;
    async fn upload_usage(
        &self,
        uploader_id: i64,
        ticket_id: Option<i64>,
        since: DateTime<Utc>,
    ) -> Result<UploadUsage, StoreError>;
}

#[async_trait]
impl<DB> SignupStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
{
    async fn replace_signup(
        &self,
        signup: NewSignup,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        sqlx::query("delete from signups where email = $1 or expires_at <= $2")
            .bind(signup.email.as_str())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into signups (email, name, password_hash, timezone, token_hash, expires_at, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(signup.email.as_str())
        .bind(signup.name.as_str())
        .bind(&signup.password_hash)
        .bind(signup.timezone.as_str())
        .bind(&signup.token_hash)
        .bind(millis(signup.expires_at))
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, &mail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn signup_usable(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("select id from signups where token_hash = $1 and expires_at > $2")
                .bind(token_hash)
                .bind(millis(now))
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    async fn complete_signup(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let signup: Option<(String, String, String, String)> = sqlx::query_as(
            "delete from signups where token_hash = $1 and expires_at > $2 \
             returning email, name, password_hash, timezone",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, name, password_hash, timezone)) = signup else {
            return Ok(None);
        };
        let sql = format!(
            "insert into users (email, name, role, password_hash, timezone, active, session_epoch, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, true, 0, $6, $6) returning {USER_COLUMNS}"
        );
        let inserted = sqlx::query_as::<_, UserRow>(&sql)
            .bind(&email)
            .bind(&name)
            .bind(Role::Customer.as_str())
            .bind(&password_hash)
            .bind(&timezone)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await;
        match inserted {
            Ok(row) => {
                let user: UserRecord = row.try_into()?;
                let change = DomainEvent::UserCreated {
                    user: Named::new(user.id, user.name.as_str()),
                    role: user.role,
                };
                commit(tx, &[Event::admin(Some(user.id), now, change)]).await?;
                Ok(Some(user))
            }
            Err(err) => {
                let err = unique_as_conflict(err, "email");
                if matches!(err, StoreError::Conflict(_)) {
                    // The link is spent even so: keep the deletion.
                    drop(tx);
                    sqlx::query("delete from signups where token_hash = $1")
                        .bind(token_hash)
                        .execute(&self.pool)
                        .await?;
                }
                Err(err)
            }
        }
    }

    async fn upload_usage(
        &self,
        uploader_id: i64,
        ticket_id: Option<i64>,
        since: DateTime<Utc>,
    ) -> Result<UploadUsage, StoreError> {
        let (account_files, account_bytes, account_oldest): (i64, i64, Option<i64>) = sqlx::query_as(
            "select count(*), cast(coalesce(sum(size_bytes), 0) as bigint), min(created_at) from attachments \
             where uploader_id = $1 and created_at > $2",
        )
        .bind(uploader_id)
        .bind(millis(since))
        .fetch_one(&self.pool)
        .await?;
        let (ticket_files, ticket_bytes, ticket_oldest): (i64, i64, Option<i64>) = match ticket_id {
            None => (0, 0, None),
            Some(ticket_id) => sqlx::query_as(
                "select count(*), cast(coalesce(sum(size_bytes), 0) as bigint), min(created_at) from attachments \
                 where ticket_id = $1 and created_at > $2",
            )
            .bind(ticket_id)
            .bind(millis(since))
            .fetch_one(&self.pool)
            .await?,
        };
        Ok(UploadUsage {
            account_files,
            account_bytes,
            account_oldest: account_oldest.map(from_millis).transpose()?,
            ticket_files,
            ticket_bytes,
            ticket_oldest: ticket_oldest.map(from_millis).transpose()?,
        })
    }
}
