//! The due clocks as the SLA monitor reads them, each with the ticket facts
//! firing needs, and handed to the domain's [`plan_clock`]: what a clock
//! owes is decided there, before anything is written, so a whole batch is
//! planned in memory and then written with a few multi-row statements.

use super::common::from_millis;
use super::sla_clocks::{ClockRow, CLOCK_COLUMNS};
use super::{ClockRecord, StoreError};
use app::domain::escalation::Matrix;
use app::domain::firing::{plan_clock, ClockFiring};
use app::domain::{Priority, Status};
use chrono::{DateTime, Utc};

/// A due clock joined with the ticket facts firing needs.
#[derive(sqlx::FromRow)]
pub(super) struct DueRow {
    #[sqlx(flatten)]
    clock: ClockRow,
    pub(super) category_id: Option<i64>,
    ticket_priority: String,
    ticket_status: String,
    ticket_created_at: i64,
    group_id: Option<i64>,
    assignee_id: Option<i64>,
    subject: String,
    /// Waiting in a group's queue, where its priority and nearest due time
    /// decide its place.
    queued: bool,
}

/// Due clocks, soonest first: `$1` is now, `$2` the batch size.
pub(super) fn due_sql() -> String {
    let clock: Vec<String> = CLOCK_COLUMNS
        .split(',')
        .map(|column| format!("c.{}", column.trim()))
        .collect();
    format!(
        "select {}, t.category_id, t.priority as ticket_priority, t.status as ticket_status, \
         t.created_at as ticket_created_at, t.group_id, t.assignee_id, t.subject, \
         t.routable_since is not null as queued \
         from sla_clocks c join tickets t on t.id = c.ticket_id \
         where c.next_fire_at is not null and c.next_fire_at <= $1 order by c.next_fire_at limit $2",
        clock.join(", ")
    )
}

/// The ticket as the clock's firing found it.
pub(super) struct DueTicket {
    pub priority: Priority,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub group_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub subject: String,
    pub queued: bool,
}

/// One clock's firing as the domain planned it, with the ticket it is on.
pub(super) struct Firing {
    pub ticket_id: i64,
    pub plan: ClockFiring,
    pub ticket: DueTicket,
    /// When the clock was due to be noticed.
    pub due: DateTime<Utc>,
}

/// Decodes a due row and has the domain plan its firing.
pub(super) fn plan(
    row: DueRow,
    matrix: Option<&Matrix>,
    now: DateTime<Utc>,
) -> Result<Firing, StoreError> {
    let record = ClockRecord::try_from(row.clock)?;
    let priority = Priority::parse(&row.ticket_priority)
        .map_err(|_| StoreError::Corrupt(format!("priority {:?}", row.ticket_priority)))?;
    let status = Status::parse(&row.ticket_status)
        .map_err(|_| StoreError::Corrupt(format!("status {:?}", row.ticket_status)))?;
    let due = record.next_fire_at.unwrap_or(now);
    Ok(Firing {
        ticket_id: record.ticket_id,
        plan: plan_clock(record.clock, record.levels_fired, matrix, priority, now),
        ticket: DueTicket {
            priority,
            status,
            created_at: from_millis(row.ticket_created_at)?,
            group_id: row.group_id,
            assignee_id: row.assignee_id,
            subject: row.subject,
            queued: row.queued,
        },
        due,
    })
}

/// Who an escalation alert goes to, once the group the leads belong to is
/// known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum AlertTo {
    User(i64),
    LeadsOf(i64),
}
