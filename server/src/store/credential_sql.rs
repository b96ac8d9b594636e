//! Password-reset tokens and invitations: one-time secrets kept only as
//! digests, each written with the email that carries it.

use super::common::{enqueue, unique_as_conflict, UserRow, USER_COLUMNS};
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::{millis, NewEmail, NewInvitation, NewToken, StoreError, UserRecord};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::DisplayName;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait CredentialStore: Send + Sync {
    // Password resets
    /// Stores a new reset token (voiding earlier ones) and queues its email.
    async fn replace_reset_token(
        &self,
        token: NewToken,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The user a usable reset token belongs to.
    async fn reset_token_owner(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;
    /// Uses the token once: sets the password and ends every session.
    /// `None` when the token is unknown, used, expired or its user inactive.
    async fn consume_reset_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError>;

    // Invitations
    /// Stores an invitation (voiding earlier ones for the address) and queues its email.
    async fn create_invitation(
        &self,
        invitation: NewInvitation,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The address a usable invitation was sent to.
    async fn invitation_email(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError>;
    /// Creates the invited account. `None` when the token is not usable;
    /// `Conflict` when the address got an account meanwhile.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &DisplayName,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError>;
}

#[async_trait]
impl<DB> CredentialStore for SqlStore<DB>
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
    async fn replace_reset_token(
        &self,
        token: NewToken,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        sqlx::query(
            "update password_resets set used_at = $2, updated_at = $2 where user_id = $1 and used_at is null",
        )
        .bind(token.user_id)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into password_resets (user_id, token_hash, expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $4)",
        )
        .bind(token.user_id)
        .bind(&token.token_hash)
        .bind(millis(token.expires_at))
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, &mail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_token_owner(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "select r.user_id from password_resets r join users u on u.id = r.user_id \
             where r.token_hash = $1 and r.used_at is null and r.expires_at > $2 and u.active",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn consume_reset_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "update password_resets set used_at = $2, updated_at = $2 \
             where token_hash = $1 and used_at is null and expires_at > $2 returning user_id",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(user_id) = user_id else {
            return Ok(None);
        };
        let updated: Option<i64> = sqlx::query_scalar(
            "update users set password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3 \
             where id = $1 and active returning id",
        )
        .bind(user_id)
        .bind(password_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        if updated.is_none() {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(user_id))
    }

    async fn create_invitation(
        &self,
        invitation: NewInvitation,
        mail: NewEmail,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        sqlx::query(
            "update invitations set revoked_at = $2, updated_at = $2 \
             where email = $1 and accepted_at is null and revoked_at is null",
        )
        .bind(invitation.email.as_str())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into invitations (email, role, token_hash, invited_by, expires_at, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(invitation.email.as_str())
        .bind(invitation.role.as_str())
        .bind(&invitation.token_hash)
        .bind(invitation.invited_by)
        .bind(millis(invitation.expires_at))
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, &mail, now).await?;
        let change = DomainEvent::UserInvited {
            email: invitation.email.as_str().to_owned(),
            role: invitation.role,
        };
        commit(
            tx,
            &[Event::admin(Some(invitation.invited_by), now, change)],
        )
        .await
    }

    async fn invitation_email(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "select email from invitations \
             where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > $2",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        name: &DisplayName,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let invitation: Option<(String, String)> = sqlx::query_as(
            "update invitations set accepted_at = $2, updated_at = $2 \
             where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > $2 \
             returning email, role",
        )
        .bind(token_hash)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, role)) = invitation else {
            return Ok(None);
        };
        let sql = format!(
            "insert into users (email, name, role, password_hash, timezone, active, session_epoch, created_at, updated_at) \
             values ($1, $2, $3, $4, 'UTC', true, 0, $5, $5) returning {USER_COLUMNS}"
        );
        let row: UserRow = sqlx::query_as(&sql)
            .bind(&email)
            .bind(name.as_str())
            .bind(&role)
            .bind(password_hash)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "email"))?;
        let user: UserRecord = row.try_into()?;
        let change = DomainEvent::UserCreated {
            user: Named::new(user.id, user.name.as_str()),
            role: user.role,
        };
        commit(tx, &[Event::admin(Some(user.id), now, change)]).await?;
        Ok(Some(user))
    }
}
