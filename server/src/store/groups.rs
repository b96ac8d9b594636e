//! Groups of agents: tickets belong to one, members work them up to their
//! capacity, and the group's strategy decides who the scheduler picks.

use super::common::unique_as_conflict;
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::millis;
use super::{GroupRecord, MemberRecord, StoreError};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::{Availability, Strategy};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait GroupStore: Send + Sync {
    /// A taken name is `StoreError::Conflict("name")`.
    async fn create_group(
        &self,
        actor: Option<i64>,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<GroupRecord, StoreError>;
    async fn rename_group(
        &self,
        actor: Option<i64>,
        id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Archived groups keep their tickets but take no new ones.
    async fn set_group_archived(
        &self,
        actor: Option<i64>,
        id: i64,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    async fn set_group_policy(
        &self,
        actor: Option<i64>,
        id: i64,
        strategy: Strategy,
        auto_assign: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Every group, active ones first, by name.
    async fn list_groups(&self) -> Result<Vec<GroupRecord>, StoreError>;
    async fn group(&self, id: i64) -> Result<Option<GroupRecord>, StoreError>;
    /// Adds the agent to the group, or changes their capacity in it.
    async fn set_member(
        &self,
        group_id: i64,
        user_id: i64,
        capacity: u32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Whether a member hears of the group's escalations.
    async fn set_lead(&self, group_id: i64, user_id: i64, lead: bool) -> Result<(), StoreError>;
    async fn remove_member(&self, group_id: i64, user_id: i64) -> Result<(), StoreError>;
    /// The group's members by name, with their availability and load.
    async fn group_members(&self, group_id: i64) -> Result<Vec<MemberRecord>, StoreError>;
}

pub(super) const GROUP_COLUMNS: &str = "id, name, archived, strategy, auto_assign";

#[derive(sqlx::FromRow)]
pub(super) struct GroupRow {
    id: i64,
    name: String,
    archived: bool,
    strategy: String,
    auto_assign: bool,
}

impl TryFrom<GroupRow> for GroupRecord {
    type Error = StoreError;

    fn try_from(row: GroupRow) -> Result<Self, StoreError> {
        Ok(GroupRecord {
            id: row.id,
            name: row.name,
            archived: row.archived,
            strategy: Strategy::parse(&row.strategy)
                .ok_or_else(|| StoreError::Corrupt(format!("strategy {:?}", row.strategy)))?,
            auto_assign: row.auto_assign,
        })
    }
}

/// A live ticket counts towards its assignee's load while its clock runs.
pub(super) const LOAD_SQL: &str =
    "(select count(*) from tickets l where l.assignee_id = u.id and l.status in ('new', 'open'))";

#[derive(sqlx::FromRow)]
pub(super) struct MemberRow {
    user_id: i64,
    name: String,
    email: String,
    capacity: i64,
    lead: bool,
    availability: Option<String>,
    load: i64,
}

impl TryFrom<MemberRow> for MemberRecord {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> Result<Self, StoreError> {
        Ok(MemberRecord {
            user_id: row.user_id,
            name: row.name,
            email: row.email,
            capacity: u32::try_from(row.capacity)
                .map_err(|_| StoreError::Corrupt(format!("capacity {}", row.capacity)))?,
            availability: availability(row.availability.as_deref())?,
            load: row.load,
            lead: row.lead,
        })
    }
}

/// An agent without a presence row has never gone online.
pub(super) fn availability(text: Option<&str>) -> Result<Availability, StoreError> {
    match text {
        None => Ok(Availability::Offline),
        Some(text) => Availability::parse(text)
            .ok_or_else(|| StoreError::Corrupt(format!("availability {text:?}"))),
    }
}

pub(super) fn found(rows_affected: u64) -> Result<(), StoreError> {
    if rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[async_trait::async_trait]
impl<DB> GroupStore for SqlStore<DB>
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
    async fn create_group(
        &self,
        actor: Option<i64>,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<GroupRecord, StoreError> {
        let sql = format!(
            "insert into agent_groups (name, archived, created_at, updated_at) values ($1, false, $2, $2) \
             returning {GROUP_COLUMNS}"
        );
        let mut tx = DB::begin_write(&self.pool).await?;
        let row: GroupRow = sqlx::query_as(&sql)
            .bind(name)
            .bind(millis(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let group: GroupRecord = row.try_into()?;
        let change = DomainEvent::GroupCreated {
            group: Named::new(group.id, group.name.as_str()),
        };
        commit(tx, &[Event::admin(actor, now, change)]).await?;
        Ok(group)
    }

    async fn rename_group(
        &self,
        actor: Option<i64>,
        id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let before = group_name(&mut tx, id).await?;
        sqlx::query("update agent_groups set name = $2, updated_at = $3 where id = $1")
            .bind(id)
            .bind(name)
            .bind(millis(now))
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_as_conflict(e, "name"))?;
        let events = (before != name).then(|| {
            let group = Named::new(id, name);
            Event::admin(actor, now, DomainEvent::GroupUpdated { group })
        });
        commit(tx, events.as_slice()).await
    }

    async fn set_group_archived(
        &self,
        actor: Option<i64>,
        id: i64,
        archived: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let name = group_name(&mut tx, id).await?;
        let done = sqlx::query(
            "update agent_groups set archived = $2, updated_at = $3 where id = $1 and archived <> $2",
        )
        .bind(id)
        .bind(archived)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let events = (DB::rows_affected(&done) > 0).then(|| {
            let group = Named::new(id, name);
            Event::admin(actor, now, DomainEvent::GroupArchived { group, archived })
        });
        commit(tx, events.as_slice()).await
    }

    async fn set_group_policy(
        &self,
        actor: Option<i64>,
        id: i64,
        strategy: app::domain::Strategy,
        auto_assign: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let name = group_name(&mut tx, id).await?;
        let done = sqlx::query(
            "update agent_groups set strategy = $2, auto_assign = $3, updated_at = $4 where id = $1 \
             and (strategy <> $2 or auto_assign <> $3)",
        )
        .bind(id)
        .bind(strategy.as_str())
        .bind(auto_assign)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let events = (DB::rows_affected(&done) > 0).then(|| {
            let group = Named::new(id, name);
            Event::admin(actor, now, DomainEvent::GroupUpdated { group })
        });
        commit(tx, events.as_slice()).await
    }

    async fn list_groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        let sql =
            format!("select {GROUP_COLUMNS} from agent_groups order by archived, lower(name), id");
        let rows: Vec<GroupRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn group(&self, id: i64) -> Result<Option<GroupRecord>, StoreError> {
        let sql = format!("select {GROUP_COLUMNS} from agent_groups where id = $1");
        let row: Option<GroupRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn set_member(
        &self,
        group_id: i64,
        user_id: i64,
        capacity: u32,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "insert into group_members (group_id, user_id, capacity, created_at, updated_at) \
             values ($1, $2, $3, $4, $4) \
             on conflict (group_id, user_id) do update set capacity = excluded.capacity, updated_at = excluded.updated_at",
        )
        .bind(group_id)
        .bind(user_id)
        .bind(i64::from(capacity))
        .bind(millis(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn set_lead(&self, group_id: i64, user_id: i64, lead: bool) -> Result<(), StoreError> {
        let done =
            sqlx::query("update group_members set lead = $3 where group_id = $1 and user_id = $2")
                .bind(group_id)
                .bind(user_id)
                .bind(lead)
                .execute(&self.pool)
                .await?;
        found(DB::rows_affected(&done))
    }

    async fn remove_member(&self, group_id: i64, user_id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("delete from group_members where group_id = $1 and user_id = $2")
            .bind(group_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        found(DB::rows_affected(&done))
    }

    async fn group_members(&self, group_id: i64) -> Result<Vec<MemberRecord>, StoreError> {
        let sql = format!(
            "select u.id as user_id, u.name, u.email, m.capacity, m.lead, p.availability, {LOAD_SQL} as load \
             from group_members m join users u on u.id = m.user_id \
             left join agent_presence p on p.user_id = u.id \
             where m.group_id = $1 order by lower(u.name), u.id"
        );
        let rows: Vec<MemberRow> = sqlx::query_as(&sql)
            .bind(group_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }
}

/// A group's name as the transaction sees it; `NotFound` when there is none.
async fn group_name<DB>(tx: &mut sqlx::Transaction<'_, DB>, id: i64) -> Result<String, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    i64: Value<DB>,
    String: Value<DB>,
{
    let name: Option<String> = sqlx::query_scalar("select name from agent_groups where id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    name.ok_or(StoreError::NotFound)
}
