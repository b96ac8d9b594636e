//! The category tree customers file tickets under. A ticket copies its
//! category's group and default priority when it is raised, so editing a
//! category changes new tickets only.

use super::common::unique_as_conflict;
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::groups::found;
use super::millis;
use super::{CategoryFields, CategoryRecord, StoreError};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::Priority;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait CategoryStore: Send + Sync {
    /// A sibling with the same name is `StoreError::Conflict("name")`.
    async fn create_category(
        &self,
        actor: Option<i64>,
        fields: CategoryFields,
        now: DateTime<Utc>,
    ) -> Result<CategoryRecord, StoreError>;
    async fn update_category(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: CategoryFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every category, in no particular tree order (callers arrange them).
    async fn list_categories(&self) -> Result<Vec<CategoryRecord>, StoreError>;
    async fn category(&self, id: i64) -> Result<Option<CategoryRecord>, StoreError>;
    /// Deletes the category, with its `CategoryDeleted` event, unless a
    /// ticket or another category uses it: then nothing changes and the
    /// answer says how many do. The check and the delete are one statement,
    /// so a ticket filed meanwhile keeps its category.
    async fn delete_category(
        &self,
        actor: Option<i64>,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<CategoryDeletion, StoreError>;
}

/// What deleting a category did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryDeletion {
    Deleted,
    InUse { tickets: i64, children: i64 },
}

pub(super) const CATEGORY_COLUMNS: &str =
    "id, parent_id, name, group_id, default_priority, archived";

#[derive(sqlx::FromRow)]
pub(super) struct CategoryRow {
    id: i64,
    parent_id: Option<i64>,
    name: String,
    group_id: Option<i64>,
    default_priority: String,
    archived: bool,
}

impl TryFrom<CategoryRow> for CategoryRecord {
    type Error = StoreError;

    fn try_from(row: CategoryRow) -> Result<Self, StoreError> {
        Ok(CategoryRecord {
            id: row.id,
            parent_id: row.parent_id,
            name: row.name,
            group_id: row.group_id,
            default_priority: Priority::parse(&row.default_priority)
                .map_err(|_| StoreError::Corrupt(format!("priority {:?}", row.default_priority)))?,
            archived: row.archived,
        })
    }
}

#[async_trait::async_trait]
impl<DB> CategoryStore for SqlStore<DB>
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
    async fn create_category(
        &self,
        actor: Option<i64>,
        fields: CategoryFields,
        now: DateTime<Utc>,
    ) -> Result<CategoryRecord, StoreError> {
        let sql = format!(
            "insert into categories (parent_id, name, group_id, default_priority, archived, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $6) returning {CATEGORY_COLUMNS}"
        );
        let mut tx = DB::begin_write(&self.pool).await?;
        let row: CategoryRow = sqlx::query_as(&sql)
            .bind(fields.parent_id)
            .bind(&fields.name)
            .bind(fields.group_id)
            .bind(fields.default_priority.as_str())
            .bind(fields.archived)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let category: CategoryRecord = row.try_into()?;
        let change = DomainEvent::CategoryCreated {
            category: Named::new(category.id, category.name.as_str()),
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(category)
    }

    async fn update_category(
        &self,
        actor: Option<i64>,
        id: i64,
        fields: CategoryFields,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let done = sqlx::query(
            "update categories set parent_id = $2, name = $3, group_id = $4, default_priority = $5, \
             archived = $6, updated_at = $7 where id = $1",
        )
        .bind(id)
        .bind(fields.parent_id)
        .bind(&fields.name)
        .bind(fields.group_id)
        .bind(fields.default_priority.as_str())
        .bind(fields.archived)
        .bind(millis(now))
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_as_conflict(e, "name"))?;
        found(DB::rows_affected(&done))?;
        let change = DomainEvent::CategoryUpdated {
            category: Named::new(id, fields.name),
        };
        commit(tx, &[Event::admin(actor, now, change)]).await
    }

    async fn list_categories(&self) -> Result<Vec<CategoryRecord>, StoreError> {
        let sql = format!("select {CATEGORY_COLUMNS} from categories order by lower(name), id");
        let rows: Vec<CategoryRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn category(&self, id: i64) -> Result<Option<CategoryRecord>, StoreError> {
        let sql = format!("select {CATEGORY_COLUMNS} from categories where id = $1");
        let row: Option<CategoryRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn delete_category(
        &self,
        actor: Option<i64>,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<CategoryDeletion, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let name: Option<String> = sqlx::query_scalar("select name from categories where id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(name) = name else {
            return Err(StoreError::NotFound);
        };
        let deleted = sqlx::query(
            "delete from categories where id = $1 \
             and not exists (select 1 from tickets where category_id = $1) \
             and not exists (select 1 from categories c where c.parent_id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if DB::rows_affected(&deleted) == 0 {
            let (tickets, children): (i64, i64) = sqlx::query_as(
                "select (select count(*) from tickets where category_id = $1), \
                 (select count(*) from categories where parent_id = $1)",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            tx.rollback().await?;
            return Ok(CategoryDeletion::InUse { tickets, children });
        }
        let change = DomainEvent::CategoryDeleted {
            category: Named::new(id, name),
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(CategoryDeletion::Deleted)
    }
}
