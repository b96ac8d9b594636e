//! Records of business calendars, SLA policies, escalation matrices and
//! SLA clocks, as the store hands them out.

use app::domain::calendar::Calendar;
use app::domain::escalation::Matrix;
use app::domain::sla::{Clock, PolicyTargets};
use app::domain::Status;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub struct CalendarRecord {
    pub id: i64,
    pub name: String,
    pub calendar: Calendar,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicyRecord {
    pub id: i64,
    pub fields: SlaPolicyFields,
}

/// A policy as created or edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaPolicyFields {
    pub name: String,
    /// `None`: business time runs around the clock.
    pub calendar_id: Option<i64>,
    pub pause_on: Vec<Status>,
    pub targets: PolicyTargets,
    /// The policy of tickets whose category names none.
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRecord {
    pub id: i64,
    pub fields: MatrixFields,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixFields {
    pub name: String,
    pub matrix: Matrix,
    /// The matrix of tickets whose category names none.
    pub is_default: bool,
}

/// A ticket's clock with what the monitor tracks about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockRecord {
    pub ticket_id: i64,
    pub clock: Clock,
    pub policy_id: Option<i64>,
    /// Escalation levels fired this cycle.
    pub levels_fired: i64,
    pub next_fire_at: Option<DateTime<Utc>>,
}

/// Finished and overdue clocks of one group or category.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ComplianceRecord {
    pub name: String,
    pub met: i64,
    pub breached: i64,
    /// Response clocks stopped in time because the ticket finished before
    /// an agent replied: neither met nor breached.
    pub unanswered: i64,
    /// Running and already past due.
    pub overdue: i64,
}

/// Someone an escalation alerts, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaAlert {
    pub recipient: app::domain::EmailAddress,
    pub ticket_id: i64,
    pub subject: String,
    /// "First response breached", "Resolution level 2 (30 min before)".
    pub what: String,
}

/// What the monitor did to one clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub ticket_id: i64,
    pub metric: app::domain::sla::Metric,
    pub cycle: i64,
    pub breached: bool,
    /// Escalation levels fired, from 1.
    pub levels: Vec<usize>,
    /// The ticket's place in a group's queue changed: it was moved into
    /// one, or its priority or nearest due time changed while it waits.
    pub requeued: bool,
    /// When the clock was due to be noticed (its previous `next_fire_at`).
    pub due: DateTime<Utc>,
}
