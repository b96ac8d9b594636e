//! What admins configure for SLAs: business calendars, policies with
//! targets per priority, and escalation matrices. Structured parts are
//! stored as the domain serialises them and validated again when read.

use super::common::unique_as_conflict;
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::groups::found;
use super::millis;
use super::sla_rows::{
    clear_default_sql, pause_text, to_json, CalendarRow, MatrixRow, PolicyRow, CALENDAR_COLUMNS,
    MATRIX_COLUMNS, POLICY_COLUMNS,
};
use super::{
    CalendarRecord, MatrixFields, MatrixRecord, SlaPolicyFields, SlaPolicyRecord, StoreError,
};
use app::domain::calendar::Calendar;
use app::domain::event::{DomainEvent, Event, Named};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait SlaConfigStore: Send + Sync {
    /// A calendar with the same name (any case) is `Conflict("name")`.
    async fn create_calendar(
        &self,
        actor: Option<i64>,
        name: &str,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Result<CalendarRecord, StoreError>;
    async fn update_calendar(
        &self,
        actor: Option<i64>,
        id: i64,
        name: &str,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn list_calendars(&self) -> Result<Vec<CalendarRecord>, StoreError>;
    async fn calendar(&self, id: i64) -> Result<Option<CalendarRecord>, StoreError>;

    /// Making a policy the default takes that role from any other, in the
    /// same transaction.
    async fn create_sla_policy(
        &self,
        actor: Option<i64>,
        fields: SlaPolicyFields,
        now: DateTime<Utc>,
    ) -> Result<SlaPolicyRecord, StoreError>;
    async fn update_sla_policy(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: SlaPolicyFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn list_sla_policies(&self) -> Result<Vec<SlaPolicyRecord>, StoreError>;
    async fn sla_policy(&self, id: i64) -> Result<Option<SlaPolicyRecord>, StoreError>;

    async fn create_matrix(
        &self,
        actor: Option<i64>,
        fields: MatrixFields,
        now: DateTime<Utc>,
    ) -> Result<MatrixRecord, StoreError>;
    async fn update_matrix(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: MatrixFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn list_matrices(&self) -> Result<Vec<MatrixRecord>, StoreError>;
    /// Sets a category's policy and matrix (`None`: the defaults).
    async fn set_category_sla(
        &self,
        category_id: i64,
        policy_id: Option<i64>,
        matrix_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// (policy id, matrix id) per category.
    async fn category_sla(&self) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError>;
}

#[async_trait::async_trait]
impl<DB> SlaConfigStore for SqlStore<DB>
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
    async fn create_calendar(
        &self,
        actor: Option<i64>,
        name: &str,
        calendar: &app::domain::calendar::Calendar,
        now: DateTime<Utc>,
    ) -> Result<CalendarRecord, StoreError> {
        let sql = format!(
            "insert into business_calendars (name, timezone, week, holidays, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $5) returning {CALENDAR_COLUMNS}"
        );
        let mut tx = DB::begin_write(&self.pool).await?;
        let row: CalendarRow = sqlx::query_as(&sql)
            .bind(name)
            .bind(calendar.timezone())
            .bind(to_json(calendar.week())?)
            .bind(to_json(&calendar.holidays())?)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let record: CalendarRecord = row.try_into()?;
        let change = DomainEvent::CalendarChanged {
            calendar: Named::new(record.id, record.name.as_str()),
            created: true,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(record)
    }

    async fn update_calendar(
        &self,
        actor: Option<i64>,
        id: i64,
        name: &str,
        calendar: &app::domain::calendar::Calendar,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let done = sqlx::query(
            "update business_calendars set name = $2, timezone = $3, week = $4, holidays = $5, updated_at = $6 \
             where id = $1",
        )
        .bind(id)
        .bind(name)
        .bind(calendar.timezone())
        .bind(to_json(calendar.week())?)
        .bind(to_json(&calendar.holidays())?)
        .bind(millis(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_as_conflict(e, "name"))?;
        found(DB::rows_affected(&done))?;
        let change = DomainEvent::CalendarChanged {
            calendar: Named::new(id, name),
            created: false,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await
    }

    async fn list_calendars(&self) -> Result<Vec<CalendarRecord>, StoreError> {
        let sql =
            format!("select {CALENDAR_COLUMNS} from business_calendars order by lower(name), id");
        let rows: Vec<CalendarRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn calendar(&self, id: i64) -> Result<Option<CalendarRecord>, StoreError> {
        let sql = format!("select {CALENDAR_COLUMNS} from business_calendars where id = $1");
        let row: Option<CalendarRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn create_sla_policy(
        &self,
        actor: Option<i64>,
        fields: SlaPolicyFields,
        now: DateTime<Utc>,
    ) -> Result<SlaPolicyRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        if fields.is_default {
            sqlx::query(&clear_default_sql("sla_policies"))
                .bind(0_i64)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!(
            "insert into sla_policies (name, calendar_id, pause_statuses, targets, is_default, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $6) returning {POLICY_COLUMNS}"
        );
        let row: PolicyRow = sqlx::query_as(&sql)
            .bind(&fields.name)
            .bind(fields.calendar_id)
            .bind(pause_text(&fields.pause_on))
            .bind(to_json(&fields.targets)?)
            .bind(fields.is_default)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let record: SlaPolicyRecord = row.try_into()?;
        let change = DomainEvent::SlaPolicyChanged {
            policy: Named::new(record.id, record.fields.name.as_str()),
            created: true,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(record)
    }

    async fn update_sla_policy(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: SlaPolicyFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        if fields.is_default {
            sqlx::query(&clear_default_sql("sla_policies"))
                .bind(id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query(
            "update sla_policies set name = $2, calendar_id = $3, pause_statuses = $4, targets = $5, \
             is_default = $6, updated_at = $7 where id = $1",
        )
        .bind(id)
        .bind(&fields.name)
        .bind(fields.calendar_id)
        .bind(pause_text(&fields.pause_on))
        .bind(to_json(&fields.targets)?)
        .bind(fields.is_default)
        .bind(millis(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_as_conflict(e, "name"))?;
        found(DB::rows_affected(&done))?;
        let change = DomainEvent::SlaPolicyChanged {
            policy: Named::new(id, fields.name),
            created: false,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await
    }

    async fn list_sla_policies(&self) -> Result<Vec<SlaPolicyRecord>, StoreError> {
        let sql = format!("select {POLICY_COLUMNS} from sla_policies order by lower(name), id");
        let rows: Vec<PolicyRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn sla_policy(&self, id: i64) -> Result<Option<SlaPolicyRecord>, StoreError> {
        let sql = format!("select {POLICY_COLUMNS} from sla_policies where id = $1");
        let row: Option<PolicyRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn create_matrix(
        &self,
        actor: Option<i64>,
        fields: MatrixFields,
        now: DateTime<Utc>,
    ) -> Result<MatrixRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        if fields.is_default {
            sqlx::query(&clear_default_sql("escalation_matrices"))
                .bind(0_i64)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        let sql = format!(
            "insert into escalation_matrices (name, rows, is_default, created_at, updated_at) \
             values ($1, $2, $3, $4, $4) returning {MATRIX_COLUMNS}"
        );
        let row: MatrixRow = sqlx::query_as(&sql)
            .bind(&fields.name)
            .bind(to_json(&fields.matrix)?)
            .bind(fields.is_default)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let record: MatrixRecord = row.try_into()?;
        let change = DomainEvent::EscalationMatrixChanged {
            matrix: Named::new(record.id, record.fields.name.as_str()),
            created: true,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(record)
    }

    async fn update_matrix(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: MatrixFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        if fields.is_default {
            sqlx::query(&clear_default_sql("escalation_matrices"))
                .bind(id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        }
        let done = sqlx::query(
            "update escalation_matrices set name = $2, rows = $3, is_default = $4, updated_at = $5 where id = $1",
        )
        .bind(id)
        .bind(&fields.name)
        .bind(to_json(&fields.matrix)?)
        .bind(fields.is_default)
        .bind(millis(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_as_conflict(e, "name"))?;
        found(DB::rows_affected(&done))?;
        let change = DomainEvent::EscalationMatrixChanged {
            matrix: Named::new(id, fields.name),
            created: false,
        };
        commit(tx, &[Event::admin(actor, now, change)]).await
    }

    async fn list_matrices(&self) -> Result<Vec<MatrixRecord>, StoreError> {
        let sql =
            format!("select {MATRIX_COLUMNS} from escalation_matrices order by lower(name), id");
        let rows: Vec<MatrixRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn set_category_sla(
        &self,
        category_id: i64,
        policy_id: Option<i64>,
        matrix_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "update categories set sla_policy_id = $2, escalation_matrix_id = $3, updated_at = $4 where id = $1",
        )
        .bind(category_id)
        .bind(policy_id)
        .bind(matrix_id)
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        found(DB::rows_affected(&done))
    }

    async fn category_sla(&self) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, StoreError> {
        Ok(sqlx::query_as(
            "select id, sla_policy_id, escalation_matrix_id from categories order by id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
