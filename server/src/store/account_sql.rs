//! The accounts half of [`Store`] (users, tokens, invitations, rate limits,
//! the outbox, and their events in the log), written once for both backends.

use super::common::{
    enqueue, insert_user, like_pattern, staff_roles, unique_as_conflict, user_by_email, OutboxRow,
    UserRow, OUTBOX_COLUMNS, USER_COLUMNS,
};
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::groups::found;
use super::routing::MARK_ROUTABLE_SQL;
use super::ticket_writes::ticket_in;
use super::NewInvitation;
use super::NewToken;
use super::NewUser;
use super::Store;
use super::{millis, NewEmail, OutboxMessage, StoreError, UserRecord};
use app::domain::event::{DomainEvent, Event, Named, ReleaseReason};
use app::domain::{DisplayName, EmailAddress, Role, TimezoneName};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait::async_trait]
#[async_trait::async_trait]
impl<DB> Store for SqlStore<DB>
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
    SqlStore<DB>: crate::store::TicketStore
        + crate::store::RoutingStore
        + crate::store::LinkStore
        + crate::store::SlaStore
        + crate::store::SlaMonitorStore
        + crate::store::BulkStore
        + crate::store::Broadcast,
{
    fn backend(&self) -> crate::store::Backend {
        DB::BACKEND
    }

    async fn use_search_language(&self, language: &str) -> Result<bool, StoreError> {
        <DB as Dialect>::switch_search_language(&self.pool, language).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_user(
        &self,
        user: NewUser,
        now: DateTime<Utc>,
    ) -> Result<UserRecord, StoreError> {
        insert_user(&self.pool, user, now).await
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("select {USER_COLUMNS} from users where id = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn user_by_email(&self, email: &EmailAddress) -> Result<Option<UserRecord>, StoreError> {
        user_by_email(&self.pool, email).await
    }

    async fn list_staff(&self) -> Result<Vec<UserRecord>, StoreError> {
        let (staff, roles) = staff_roles(1);
        let sql = format!(
            "select {USER_COLUMNS} from users where active and role in {staff} order by lower(name), id"
        );
        let mut query = sqlx::query_as::<_, UserRow>(&sql);
        for role in roles {
            query = query.bind(role);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn list_users(
        &self,
        text: Option<&str>,
        after: Option<i64>,
        limit: i64,
    ) -> Result<Vec<UserRecord>, StoreError> {
        // Keyset order (lower(name), id); the cursor is the last user's id.
        let sql = format!(
            "select {USER_COLUMNS} from users \
             where ($1 = '' or lower(name) like $1 escape '\\' or email like $1 escape '\\') \
             and ($2 = 0 or (lower(name), id) > (select lower(name), id from users where id = $2)) \
             order by lower(name), id limit $3"
        );
        let pattern = text.map(like_pattern).unwrap_or_default();
        let rows: Vec<UserRow> = sqlx::query_as(&sql)
            .bind(pattern)
            .bind(after.unwrap_or(0))
            .bind(limit.clamp(1, 500))
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn update_profile(
        &self,
        id: i64,
        name: &DisplayName,
        timezone: &TimezoneName,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("update users set name = $2, timezone = $3, updated_at = $4 where id = $1")
                .bind(id)
                .bind(name.as_str())
                .bind(timezone.as_str())
                .bind(millis(now))
                .execute(&self.pool)
                .await?;
        found(DB::rows_affected(&done))?;
        Ok(())
    }

    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let epoch: Option<i64> = sqlx::query_scalar(
            "update users set password_hash = $2, session_epoch = session_epoch + 1, updated_at = $3 \
             where id = $1 returning session_epoch",
        )
        .bind(id)
        .bind(password_hash)
        .bind(millis(now))
        .fetch_optional(&self.pool)
        .await?;
        epoch.ok_or(StoreError::NotFound)
    }

    async fn set_role(
        &self,
        actor_id: i64,
        id: i64,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let before: Option<(String, String)> =
            sqlx::query_as("select name, role from users where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (name, from) = before.ok_or(StoreError::NotFound)?;
        let from = Role::parse(&from).map_err(|_| StoreError::Corrupt(format!("role {from:?}")))?;
        sqlx::query("update users set role = $2, updated_at = $3 where id = $1")
            .bind(id)
            .bind(role.as_str())
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let change = DomainEvent::UserRoleChanged {
            user: Named::new(id, name),
            from,
            to: role,
        };
        commit(tx, &[Event::admin(Some(actor_id), now, change)]).await
    }

    async fn deactivate_user(
        &self,
        actor_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let name: Option<String> = sqlx::query_scalar(
            "update users set active = false, session_epoch = session_epoch + 1, updated_at = $2 where id = $1 returning name",
        )
        .bind(id)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let name = name.ok_or(StoreError::NotFound)?;
        // Their open work goes back to its group's queue, so the
        // scheduler hands it to someone who can still answer.
        let returned: Vec<i64> = sqlx::query_scalar(
            "update tickets set assignee_id = null, assigned_at = null, version = version + 1, updated_at = $2 \
             where assignee_id = $1 and status not in ('resolved', 'closed') returning id",
        )
        .bind(id)
        .bind(millis(now))
        .fetch_all(&mut *tx)
        .await?;
        let mut events = Vec::with_capacity(returned.len() + 1);
        for &ticket_id in &returned {
            sqlx::query(MARK_ROUTABLE_SQL)
                .bind(ticket_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            let ticket = ticket_in(&mut tx, ticket_id).await?;
            let change = DomainEvent::TicketReleased {
                from: Some(Named::new(id, name.clone())),
                reason: ReleaseReason::Deactivated,
                queue: ticket.group_name,
            };
            events.push(Event::on_ticket(ticket_id, Some(actor_id), now, change));
        }
        let change = DomainEvent::UserDeactivated {
            user: Named::new(id, name),
            returned: returned.len(),
        };
        events.push(Event::admin(Some(actor_id), now, change));
        commit(tx, &events).await?;
        Ok(returned)
    }

    async fn reactivate_user(
        &self,
        actor_id: i64,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let name: Option<String> = sqlx::query_scalar(
            "update users set active = true, updated_at = $2 where id = $1 returning name",
        )
        .bind(id)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let user = Named::new(id, name.ok_or(StoreError::NotFound)?);
        let change = DomainEvent::UserReactivated { user };
        commit(tx, &[Event::admin(Some(actor_id), now, change)]).await
    }

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

    async fn hit_rate_limit(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let hits: i64 = sqlx::query_scalar(
            "insert into rate_limits (key, window_start, hits) values ($1, $2, 1) \
             on conflict (key) do update set \
             hits = case when rate_limits.window_start = excluded.window_start then rate_limits.hits + 1 else 1 end, \
             window_start = excluded.window_start \
             returning hits",
        )
        .bind(key)
        .bind(millis(window_start))
        .fetch_one(&self.pool)
        .await?;
        Ok(hits)
    }

    async fn prune_rate_limits(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("delete from rate_limits where window_start < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(DB::rows_affected(&done))
    }

    async fn enqueue_email(&self, mail: NewEmail, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        enqueue(&mut tx, &mail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn claim_outbox(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(<DB as Dialect>::CLAIM_OUTBOX_SQL)
            .bind(millis(now))
            .bind(millis(lease_until))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn mark_outbox_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "update outbox set status = 'sent', sent_at = $2, locked_until = null, last_error = null, \
             updated_at = $2 where id = $1",
        )
        .bind(id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let query = match retry_at {
            Some(at) => sqlx::query(
                "update outbox set status = 'pending', next_attempt_at = $3, locked_until = null, \
                 last_error = $2, updated_at = $4 where id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(millis(at)),
            None => sqlx::query(
                "update outbox set status = 'dead', locked_until = null, last_error = $2, \
                 next_attempt_at = $3, updated_at = $4 where id = $1",
            )
            .bind(id)
            .bind(error)
            .bind(millis(now)),
        };
        query.bind(millis(now)).execute(&self.pool).await?;
        Ok(())
    }

    async fn outbox_message(&self, id: i64) -> Result<Option<OutboxMessage>, StoreError> {
        let sql = format!("select {OUTBOX_COLUMNS} from outbox where id = $1");
        let row: Option<OutboxRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn prune_outbox(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query("delete from outbox where status = 'sent' and sent_at < $1")
            .bind(millis(before))
            .execute(&self.pool)
            .await?;
        Ok(DB::rows_affected(&done))
    }
}
