//! Moving a ticket's SLA clocks inside the transaction of the write that
//! moves them (`sync_sla`): a reply and the response target it meets are
//! one change. The clock arithmetic is the domain's; this file reads what
//! the ticket answers to and writes the clocks that changed.

use super::common::staff_roles;
use super::dialect::{Dialect, Value};
use super::millis;
use super::sla_clocks::{
    clock_updates, ClockRow, CLOCK_COLUMNS, TERMS_MATRIX_SQL, TERMS_POLICY_SQL,
};
use super::sla_rows::PolicyRow;
use super::sla_rows::CALENDAR_COLUMNS;
use super::sla_rows::{CalendarRow, MatrixRow};
use super::CalendarRecord;
use super::MatrixRecord;
use super::{ClockRecord, SlaPolicyRecord, StoreError};
use app::domain::event::{DomainEvent, Event};
use app::domain::firing::next_fire;
use app::domain::sla::Terms;
use app::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Transaction, Type};

/// What a ticket's SLA answers to, read inside a transaction.
struct SlaContext {
    priority: app::domain::Priority,
    terms: app::domain::sla::Terms,
    category_id: Option<i64>,
    clocks: Vec<ClockRecord>,
}

async fn sla_context<DB>(
    tx: &mut Transaction<'_, DB>,
    ticket_id: i64,
) -> Result<SlaContext, StoreError>
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
    let (priority, category_id): (String, Option<i64>) =
        sqlx::query_as("select priority, category_id from tickets where id = $1")
            .bind(ticket_id)
            .fetch_one(&mut **tx)
            .await?;
    let priority = app::domain::Priority::parse(&priority)
        .map_err(|_| StoreError::Corrupt(format!("priority {priority:?}")))?;
    let policy: Option<PolicyRow> = sqlx::query_as(TERMS_POLICY_SQL)
        .bind(category_id)
        .fetch_optional(&mut **tx)
        .await?;
    let policy: Option<SlaPolicyRecord> = policy.map(TryInto::try_into).transpose()?;
    let calendar = match policy.as_ref().and_then(|p| p.fields.calendar_id) {
        Some(id) => {
            let sql = format!("select {CALENDAR_COLUMNS} from business_calendars where id = $1");
            let row: Option<CalendarRow> = sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
            row.map(CalendarRecord::try_from)
                .transpose()?
                .map(|r| r.calendar)
        }
        None => None,
    };
    let sql = format!("select {CLOCK_COLUMNS} from sla_clocks where ticket_id = $1");
    let rows: Vec<ClockRow> = sqlx::query_as(&sql)
        .bind(ticket_id)
        .fetch_all(&mut **tx)
        .await?;
    let clocks = rows
        .into_iter()
        .map(TryInto::try_into)
        .collect::<Result<_, _>>()?;
    Ok(SlaContext {
        priority,
        // No policy promises nothing.
        terms: match &policy {
            Some(p) => Terms::of_policy(
                p.id,
                &p.fields.targets,
                &p.fields.pause_on,
                calendar,
                priority,
            ),
            None => Terms::none(),
        },
        category_id,
        clocks,
    })
}

/// Applies `events` to the ticket's clocks, writes the clocks that
/// changed, records each change in the history (for agents), and
/// keeps the ticket's nearest due time current.
pub(super) async fn sync_sla<DB>(
    tx: &mut Transaction<'_, DB>,
    ticket_id: i64,
    actor_id: Option<i64>,
    events: &[app::domain::sla::SlaEvent],
    now: DateTime<Utc>,
    log: &mut Vec<Event>,
) -> Result<(), StoreError>
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
    let mut context = sla_context(tx, ticket_id).await?;
    let before: Vec<ClockRecord> = std::mem::take(&mut context.clocks);
    let mut clocks: Vec<app::domain::sla::Clock> = before.iter().map(|c| c.clock.clone()).collect();
    let mut changes = Vec::new();
    for event in events {
        changes.extend(app::domain::sla::apply(
            &mut clocks,
            event,
            &context.terms,
            now,
        ));
    }
    save_clocks(tx, ticket_id, &before, &clocks, &context).await?;
    log.extend(changes.into_iter().map(|change| {
        Event::on_ticket(
            ticket_id,
            actor_id,
            now,
            DomainEvent::SlaClockChanged { change },
        )
    }));
    Ok(())
}

/// Whether staff have answered the ticket publicly yet.
pub(super) async fn answered<DB>(
    tx: &mut Transaction<'_, DB>,
    ticket_id: i64,
) -> Result<bool, StoreError>
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
    let (staff, roles) = staff_roles(2);
    let sql = format!(
        "select m.id from ticket_messages m join users u on u.id = m.author_id \
         where m.ticket_id = $1 and not m.internal and u.role in {staff} limit 1"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql).bind(ticket_id);
    for role in roles {
        query = query.bind(role);
    }
    let found = query.fetch_optional(&mut **tx).await?;
    Ok(found.is_some())
}

pub(super) async fn is_staff<DB>(
    tx: &mut Transaction<'_, DB>,
    user_id: i64,
) -> Result<bool, StoreError>
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
    let role: Option<String> = sqlx::query_scalar("select role from users where id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(role.is_some_and(|r| Role::parse(&r).is_ok_and(Role::is_staff)))
}

/// Writes the clocks that differ from `before`, drops those gone,
/// and sets the ticket's nearest running due time.
async fn save_clocks<DB>(
    tx: &mut Transaction<'_, DB>,
    ticket_id: i64,
    before: &[ClockRecord],
    clocks: &[app::domain::sla::Clock],
    context: &SlaContext,
) -> Result<(), StoreError>
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
    // Most writes touch a ticket no policy covers: nothing to do.
    if before.is_empty() && clocks.is_empty() {
        return Ok(());
    }
    let matrix: Option<MatrixRow> = sqlx::query_as(TERMS_MATRIX_SQL)
        .bind(context.category_id)
        .fetch_optional(&mut **tx)
        .await?;
    let matrix = matrix
        .map(MatrixRecord::try_from)
        .transpose()?
        .map(|m| m.fields.matrix);
    for old in before {
        if !clocks.iter().any(|c| c.metric == old.clock.metric) {
            sqlx::query("delete from sla_clocks where ticket_id = $1 and metric = $2")
                .bind(ticket_id)
                .bind(old.clock.metric.as_str())
                .execute(&mut **tx)
                .await?;
            // A clock armed again later starts over at cycle 1;
            // its levels must be able to fire again.
            sqlx::query("delete from sla_escalations where ticket_id = $1 and metric = $2")
                .bind(ticket_id)
                .bind(old.clock.metric.as_str())
                .execute(&mut **tx)
                .await?;
        }
    }
    let upsert = format!(
        "insert into sla_clocks ({CLOCK_COLUMNS}) values \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         on conflict (ticket_id, metric) do update set {}",
        clock_updates()
    );
    for clock in clocks {
        let old = before.iter().find(|c| c.clock.metric == clock.metric);
        // A new cycle starts its escalation levels afresh.
        let fired = old
            .filter(|o| o.clock.cycle == clock.cycle)
            .map_or(0, |o| o.levels_fired);
        // A priority change can move the next level even when the
        // clock itself stays as it was.
        let next = next_fire(clock, matrix.as_ref(), context.priority, fired);
        if old.is_some_and(|o| {
            &o.clock == clock
                && o.next_fire_at.map(millis) == next.map(millis)
                && o.policy_id == context.terms.policy_id
        }) {
            continue;
        }
        sqlx::query(&upsert)
            .bind(ticket_id)
            .bind(clock.metric.as_str())
            .bind(clock.cycle)
            .bind(clock.status.as_str())
            .bind(millis(clock.started_at))
            .bind(i64::from(clock.target.minutes))
            .bind(clock.target.business)
            .bind(clock.paused_business_ms)
            .bind(clock.paused_calendar_ms)
            .bind(clock.paused_since.map(millis))
            .bind(millis(clock.due_at))
            .bind(clock.met_at.map(millis))
            .bind(clock.breached_at.map(millis))
            .bind(context.terms.policy_id)
            .bind(fired)
            .bind(next.map(millis))
            .execute(&mut **tx)
            .await?;
    }
    let nearest_of = |clocks: &mut dyn Iterator<Item = &app::domain::sla::Clock>| {
        clocks
            .filter(|c| c.is_overdue_or_running())
            .map(|c| millis(c.due_at))
            .min()
    };
    let nearest = nearest_of(&mut clocks.iter());
    if nearest == nearest_of(&mut before.iter().map(|c| &c.clock)) {
        return Ok(());
    }
    sqlx::query("update tickets set sla_due_at = $2 where id = $1")
        .bind(ticket_id)
        .bind(nearest)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
