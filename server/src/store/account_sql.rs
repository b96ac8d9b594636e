//! The accounts half of [`Store`] (users, roles, deactivation, rate limits,
//! and their events in the log), written once for both backends. Reset
//! tokens and invitations are in `credential_sql.rs`, the outbox in
//! `outbox_sql.rs`.

use super::common::{insert_user, like_pattern, staff_roles, user_by_email, UserRow, USER_COLUMNS};
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::groups::found;
use super::routing_rows::MARK_ROUTABLE_SQL;
use super::ticket_writes::ticket_in;
use super::NewUser;
use super::Store;
use super::{millis, StoreError, UserRecord};
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
}
