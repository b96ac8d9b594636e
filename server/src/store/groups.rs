//! Groups of agents that tickets belong to. The admin console manages them;
//! agent queues filter by them.

use super::{GroupRecord, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[async_trait]
pub trait GroupStore: Send + Sync {
    /// A taken name is `StoreError::Conflict("name")`.
    async fn create_group(&self, name: &str, now: DateTime<Utc>)
        -> Result<GroupRecord, StoreError>;
    async fn rename_group(&self, id: i64, name: &str, now: DateTime<Utc>)
        -> Result<(), StoreError>;
    /// Archived groups keep their tickets but take no new ones.
    async fn set_group_archived(
        &self,
        id: i64,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every group, active ones first, by name.
    async fn list_groups(&self) -> Result<Vec<GroupRecord>, StoreError>;
    async fn group(&self, id: i64) -> Result<Option<GroupRecord>, StoreError>;
}

#[derive(sqlx::FromRow)]
pub(super) struct GroupRow {
    pub id: i64,
    pub name: String,
    pub archived: bool,
}

impl From<GroupRow> for GroupRecord {
    fn from(row: GroupRow) -> Self {
        GroupRecord {
            id: row.id,
            name: row.name,
            archived: row.archived,
        }
    }
}

macro_rules! impl_group_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::GroupStore for $store {
            async fn create_group(&self, name: &str, now: DateTime<Utc>) -> Result<GroupRecord, StoreError> {
                let row: GroupRow = sqlx::query_as(
                    "insert into agent_groups (name, archived, created_at, updated_at) values ($1, false, $2, $2) \
                     returning id, name, archived",
                )
                .bind(name)
                .bind(millis(now))
                .fetch_one(&self.pool)
                .await
                .map_err(|e| unique_as_conflict(e, "name"))?;
                Ok(row.into())
            }

            async fn rename_group(&self, id: i64, name: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
                let done = sqlx::query("update agent_groups set name = $2, updated_at = $3 where id = $1")
                    .bind(id)
                    .bind(name)
                    .bind(millis(now))
                    .execute(&self.pool)
                    .await
                    .map_err(|e| unique_as_conflict(e, "name"))?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn set_group_archived(&self, id: i64, archived: bool, now: DateTime<Utc>) -> Result<(), StoreError> {
                let done = sqlx::query("update agent_groups set archived = $2, updated_at = $3 where id = $1")
                    .bind(id)
                    .bind(archived)
                    .bind(millis(now))
                    .execute(&self.pool)
                    .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn list_groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
                let rows: Vec<GroupRow> =
                    sqlx::query_as("select id, name, archived from agent_groups order by archived, lower(name), id")
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn group(&self, id: i64) -> Result<Option<GroupRecord>, StoreError> {
                let row: Option<GroupRow> = sqlx::query_as("select id, name, archived from agent_groups where id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(Into::into))
            }
        }
    };
}

pub(super) use impl_group_store;
