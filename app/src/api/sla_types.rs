//! What the SLA pages exchange with the server: calendars, policies,
//! escalation matrices, compliance, and a ticket's clocks.

use super::routing_types::StaffOption;
use super::types::GroupOption;
use crate::domain::escalation::Matrix;
use crate::domain::sla::{Clock, Metric, PolicyTargets};
use crate::domain::{Priority, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    /// Monday first, as typed: "09:00-12:00, 13:00-17:00".
    pub days: Vec<String>,
    /// One per line, as typed.
    pub holidays: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyView {
    pub id: i64,
    pub name: String,
    pub calendar_id: Option<i64>,
    pub calendar_name: Option<String>,
    pub pause_on: Vec<Status>,
    pub targets: PolicyTargets,
    pub is_default: bool,
    /// Categories that name it.
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixView {
    pub id: i64,
    pub name: String,
    pub matrix: Matrix,
    pub is_default: bool,
    pub categories: Vec<String>,
}

/// Met and breached clocks of one group or category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceRow {
    pub name: String,
    pub met: i64,
    pub breached: i64,
    /// Response clocks stopped in time because the ticket was resolved or
    /// closed before an agent replied: left out of the percentage, which
    /// counts only promises kept or broken.
    pub unanswered: i64,
    /// Running now and already past due.
    pub overdue: i64,
}

impl ComplianceRow {
    /// Share of finished clocks that met their target, if any finished.
    pub fn percent(&self) -> Option<f64> {
        let finished = self.met + self.breached;
        (finished > 0).then(|| self.met as f64 * 100.0 / finished as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SlaOverview {
    pub calendars: Vec<CalendarView>,
    pub policies: Vec<PolicyView>,
    pub matrices: Vec<MatrixView>,
    pub groups: Vec<GroupOption>,
    pub staff: Vec<StaffOption>,
    pub by_group: Vec<ComplianceRow>,
    pub by_category: Vec<ComplianceRow>,
}

impl SlaOverview {
    pub fn group_name(&self, id: i64) -> String {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .map_or_else(|| "a removed group".to_owned(), |g| g.name.clone())
    }

    pub fn staff_name(&self, id: i64) -> String {
        self.staff
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| "a former team member".to_owned(), |s| s.name.clone())
    }
}

/// The form fields of a calendar's weekdays, Monday first.
pub const DAY_FIELDS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalendarInput {
    #[serde(default)]
    pub calendar_id: Option<i64>,
    pub name: String,
    pub timezone: String,
    #[serde(default)]
    pub monday: String,
    #[serde(default)]
    pub tuesday: String,
    #[serde(default)]
    pub wednesday: String,
    #[serde(default)]
    pub thursday: String,
    #[serde(default)]
    pub friday: String,
    #[serde(default)]
    pub saturday: String,
    #[serde(default)]
    pub sunday: String,
    #[serde(default)]
    pub holidays: String,
}

/// Field names of a policy's targets: `{priority}_{metric}`, e.g.
/// `high_first_response`; bases per metric: `{metric}_basis`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyInput {
    #[serde(default)]
    pub policy_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub calendar_id: String,
    #[serde(default)]
    pub pause_pending: Option<String>,
    #[serde(default)]
    pub pause_on_hold: Option<String>,
    #[serde(default)]
    pub is_default: Option<String>,
    #[serde(default)]
    pub first_response_basis: String,
    #[serde(default)]
    pub next_response_basis: String,
    #[serde(default)]
    pub resolution_basis: String,
    #[serde(default)]
    pub low_first_response: String,
    #[serde(default)]
    pub low_next_response: String,
    #[serde(default)]
    pub low_resolution: String,
    #[serde(default)]
    pub normal_first_response: String,
    #[serde(default)]
    pub normal_next_response: String,
    #[serde(default)]
    pub normal_resolution: String,
    #[serde(default)]
    pub high_first_response: String,
    #[serde(default)]
    pub high_next_response: String,
    #[serde(default)]
    pub high_resolution: String,
    #[serde(default)]
    pub critical_first_response: String,
    #[serde(default)]
    pub critical_next_response: String,
    #[serde(default)]
    pub critical_resolution: String,
}

impl PolicyInput {
    /// The typed target for one priority and metric.
    pub fn target_text(&self, priority: Priority, metric: Metric) -> &str {
        use Metric::*;
        use Priority::*;
        match (priority, metric) {
            (Low, FirstResponse) => &self.low_first_response,
            (Low, NextResponse) => &self.low_next_response,
            (Low, Resolution) => &self.low_resolution,
            (Normal, FirstResponse) => &self.normal_first_response,
            (Normal, NextResponse) => &self.normal_next_response,
            (Normal, Resolution) => &self.normal_resolution,
            (High, FirstResponse) => &self.high_first_response,
            (High, NextResponse) => &self.high_next_response,
            (High, Resolution) => &self.high_resolution,
            (Critical, FirstResponse) => &self.critical_first_response,
            (Critical, NextResponse) => &self.critical_next_response,
            (Critical, Resolution) => &self.critical_resolution,
        }
    }

    pub fn basis(&self, metric: Metric) -> &str {
        match metric {
            Metric::FirstResponse => &self.first_response_basis,
            Metric::NextResponse => &self.next_response_basis,
            Metric::Resolution => &self.resolution_basis,
        }
    }
}

/// The form field of one target.
pub fn target_field(priority: Priority, metric: Metric) -> String {
    format!("{}_{}", priority.as_str(), metric.as_str())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixInput {
    #[serde(default)]
    pub matrix_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub is_default: Option<String>,
}

/// Adds a level to a matrix row, or replaces level `level` (from 1).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelInput {
    pub matrix_id: i64,
    pub priority: String,
    pub metric: String,
    #[serde(default)]
    pub level: Option<usize>,
    /// Minutes from the due time, negative before it.
    pub offset: String,
    #[serde(default)]
    pub notify_assignee: Option<String>,
    #[serde(default)]
    pub notify_leads: Option<String>,
    #[serde(default)]
    pub raise_priority: Option<String>,
    /// A user id, or empty.
    #[serde(default)]
    pub notify_user: String,
    /// A group id, or empty.
    #[serde(default)]
    pub reassign_group: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelRemoveInput {
    pub matrix_id: i64,
    pub priority: String,
    pub metric: String,
    pub level: usize,
}

/// A ticket's clocks as the ticket page shows them; the browser computes
/// the countdowns from these with the same domain functions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TicketSla {
    pub policy_name: Option<String>,
    pub clocks: Vec<Clock>,
    /// When the page was rendered: countdowns start from the server's
    /// clock, so a browser with a wrong clock still counts right.
    pub server_now: Option<DateTime<Utc>>,
}
