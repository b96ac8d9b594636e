//! SLA clocks as stored: one row per ticket and metric, read back for the
//! ticket page and compliance. Every ticket write that SLAs answer to moves
//! the clocks in its own transaction (`sla_sync.rs`); the monitor finds
//! what it owes through `next_fire_at`.

use super::common::from_millis;
use super::dialect::{Dialect, SqlStore, Value};
use super::millis;
use super::{ClockRecord, ComplianceRecord, StoreError};
use app::domain::sla::{Clock, ClockStatus, Metric, Target};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};

#[async_trait]
pub trait SlaStore: Send + Sync {
    /// The ticket's clocks, first response first.
    async fn ticket_clocks(&self, ticket_id: i64) -> Result<Vec<ClockRecord>, StoreError>;
    /// Met, breached, stopped-unanswered and overdue clocks per group and per
    /// category.
    async fn sla_compliance(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(Vec<ComplianceRecord>, Vec<ComplianceRecord>), StoreError>;
}

/// Clock outcomes grouped by `name`, a column of the table `join` adds.
fn compliance_sql(name: &str, join: &str) -> String {
    format!(
        "select coalesce({name}, 'None') as name, \
         sum(case when c.status = 'met' then 1 else 0 end) as met, \
         sum(case when c.status = 'breached' \
             or (c.status = 'stopped' and c.breached_at is not null) then 1 else 0 end) as breached, \
         sum(case when c.status = 'stopped' and c.breached_at is null then 1 else 0 end) as unanswered, \
         sum(case when c.status = 'running' and c.due_at <= $1 then 1 else 0 end) as overdue \
         from sla_clocks c join tickets t on t.id = c.ticket_id {join} \
         group by coalesce({name}, 'None') order by 1"
    )
}

pub(super) fn compliance_by_group() -> String {
    compliance_sql("g.name", "left join agent_groups g on g.id = t.group_id")
}

pub(super) fn compliance_by_category() -> String {
    compliance_sql("k.name", "left join categories k on k.id = t.category_id")
}

pub(super) const CLOCK_COLUMNS: &str =
    "ticket_id, metric, cycle, status, started_at, target_minutes, business, \
     paused_business_ms, paused_calendar_ms, paused_since, due_at, met_at, breached_at, policy_id, \
     levels_fired, next_fire_at";

#[derive(sqlx::FromRow)]
pub(super) struct ClockRow {
    ticket_id: i64,
    metric: String,
    cycle: i64,
    status: String,
    started_at: i64,
    target_minutes: i64,
    business: bool,
    paused_business_ms: i64,
    paused_calendar_ms: i64,
    paused_since: Option<i64>,
    due_at: i64,
    met_at: Option<i64>,
    breached_at: Option<i64>,
    policy_id: Option<i64>,
    levels_fired: i64,
    next_fire_at: Option<i64>,
}

fn optional_instant(ms: Option<i64>) -> Result<Option<DateTime<Utc>>, StoreError> {
    ms.map(from_millis).transpose()
}

impl TryFrom<ClockRow> for ClockRecord {
    type Error = StoreError;

    fn try_from(row: ClockRow) -> Result<Self, StoreError> {
        let metric = Metric::parse(&row.metric)
            .map_err(|_| StoreError::Corrupt(format!("metric {:?}", row.metric)))?;
        let status = ClockStatus::parse(&row.status)
            .ok_or_else(|| StoreError::Corrupt(format!("clock status {:?}", row.status)))?;
        let minutes = u32::try_from(row.target_minutes)
            .map_err(|_| StoreError::Corrupt(format!("target {}", row.target_minutes)))?;
        Ok(ClockRecord {
            ticket_id: row.ticket_id,
            clock: Clock {
                metric,
                cycle: row.cycle,
                status,
                started_at: from_millis(row.started_at)?,
                target: Target {
                    minutes,
                    business: row.business,
                },
                paused_business_ms: row.paused_business_ms,
                paused_calendar_ms: row.paused_calendar_ms,
                paused_since: optional_instant(row.paused_since)?,
                due_at: from_millis(row.due_at)?,
                met_at: optional_instant(row.met_at)?,
                breached_at: optional_instant(row.breached_at)?,
            },
            policy_id: row.policy_id,
            levels_fired: row.levels_fired,
            next_fire_at: optional_instant(row.next_fire_at)?,
        })
    }
}

/// `column = excluded.column` for every clock column but the key.
pub(super) fn clock_updates() -> String {
    CLOCK_COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| !matches!(*c, "ticket_id" | "metric"))
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy that applies to a category (or, without one, the default).
pub(super) const TERMS_POLICY_SQL: &str =
    "select id, name, calendar_id, pause_statuses, targets, is_default \
     from sla_policies where id = coalesce((select sla_policy_id from categories where id = $1), \
     (select id from sla_policies where is_default))";

pub(super) const TERMS_MATRIX_SQL: &str =
    "select id, name, rows, is_default from escalation_matrices \
     where id = coalesce((select escalation_matrix_id from categories where id = $1), \
     (select id from escalation_matrices where is_default))";

#[async_trait::async_trait]
impl<DB> SlaStore for SqlStore<DB>
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
    async fn ticket_clocks(&self, ticket_id: i64) -> Result<Vec<ClockRecord>, StoreError> {
        let sql = format!("select {CLOCK_COLUMNS} from sla_clocks where ticket_id = $1");
        let rows: Vec<ClockRow> = sqlx::query_as(&sql)
            .bind(ticket_id)
            .fetch_all(&self.pool)
            .await?;
        let mut clocks: Vec<ClockRecord> = rows
            .into_iter()
            .map(TryInto::try_into)
            .collect::<Result<_, _>>()?;
        clocks.sort_by_key(|c| c.clock.metric);
        Ok(clocks)
    }

    async fn sla_compliance(
        &self,
        now: DateTime<Utc>,
    ) -> Result<(Vec<ComplianceRecord>, Vec<ComplianceRecord>), StoreError> {
        let by_group: Vec<ComplianceRecord> = sqlx::query_as(&compliance_by_group())
            .bind(millis(now))
            .fetch_all(&self.pool)
            .await?;
        let by_category: Vec<ComplianceRecord> = sqlx::query_as(&compliance_by_category())
            .bind(millis(now))
            .fetch_all(&self.pool)
            .await?;
        Ok((by_group, by_category))
    }
}
