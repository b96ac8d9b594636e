//! Escalation matrices: for each priority and metric, levels at offsets
//! from the SLA due time, each with actions. Which levels are due, and
//! when the next one is, are pure functions of a clock and `now`; the
//! monitor in the server performs the actions exactly once per cycle.

use super::sla::{Clock, ClockStatus, Metric};
use super::ticket::Priority;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

/// Offsets are bounded to a month either side of the due time.
pub const MAX_OFFSET_MINUTES: i32 = 31 * 24 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "target")]
pub enum EscalationAction {
    NotifyAssignee,
    NotifyGroupLeads,
    NotifyUser(i64),
    /// Back into the scheduler's queue for that group, unassigned.
    ReassignToGroup(i64),
    RaisePriority,
}

impl EscalationAction {
    /// In words, naming the person or group through `user` and `group`
    /// (the one place an action is written out, for pages and history).
    pub fn describe(&self, user: impl Fn(i64) -> String, group: impl Fn(i64) -> String) -> String {
        match self {
            EscalationAction::NotifyAssignee => "notify the assignee".to_owned(),
            EscalationAction::NotifyGroupLeads => "notify the group's leads".to_owned(),
            EscalationAction::NotifyUser(id) => format!("notify {}", user(*id)),
            EscalationAction::ReassignToGroup(id) => format!("reassign to {}", group(*id)),
            EscalationAction::RaisePriority => "raise the priority".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    /// Minutes from the due time: negative before it, positive after.
    pub offset_minutes: i32,
    pub actions: Vec<EscalationAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub priority: Priority,
    pub metric: Metric,
    pub levels: Vec<Level>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Matrix {
    pub rows: Vec<Row>,
}

impl Matrix {
    pub fn row(&self, priority: Priority, metric: Metric) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.priority == priority && r.metric == metric)
    }
}

/// One thing wrong with a matrix, located by row and level (from 1, as
/// the editor shows them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub row: usize,
    pub level: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            Some(level) => write!(f, "Row {}, level {}: {}", self.row, level, self.message),
            None => write!(f, "Row {}: {}", self.row, self.message),
        }
    }
}

/// The groups and users a matrix may name.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub groups: HashSet<i64>,
    pub staff: HashSet<i64>,
}

/// Every problem with a matrix, not only the first, so the editor can
/// mark them all at once.
pub fn validate(matrix: &Matrix, known: &Known) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for (r, row) in matrix.rows.iter().enumerate() {
        let row_no = r + 1;
        let mut problem = |level: Option<usize>, message: String| {
            problems.push(Problem {
                row: row_no,
                level,
                message,
            })
        };
        if !seen.insert((row.priority, row.metric)) {
            problem(
                None,
                format!(
                    "{} priority, {} appears twice; merge the two rows.",
                    row.priority.label(),
                    row.metric.label().to_lowercase()
                ),
            );
        }
        if row.levels.is_empty() {
            problem(None, "add at least one level.".into());
        }
        let mut previous: Option<i32> = None;
        for (l, level) in row.levels.iter().enumerate() {
            let at = Some(l + 1);
            if level.offset_minutes.abs() > MAX_OFFSET_MINUTES {
                problem(
                    at,
                    format!("the offset may be at most {MAX_OFFSET_MINUTES} minutes either side of the due time."),
                );
            }
            if let Some(prev) = previous.filter(|p| level.offset_minutes <= *p) {
                problem(
                    at,
                    format!(
                        "its offset ({}) must come after the previous level's ({}).",
                        describe_offset(level.offset_minutes),
                        describe_offset(prev)
                    ),
                );
            }
            previous = Some(level.offset_minutes);
            if level.actions.is_empty() {
                problem(at, "choose at least one action.".into());
            }
            let mut actions = HashSet::new();
            for action in &level.actions {
                if !actions.insert(action) {
                    let text =
                        action.describe(|_| "the same person".into(), |_| "the same group".into());
                    problem(at, format!("\"{text}\" is listed twice."));
                }
                match action {
                    EscalationAction::ReassignToGroup(g) if !known.groups.contains(g) => {
                        problem(at, format!("group #{g} does not exist or is archived."))
                    }
                    EscalationAction::NotifyUser(u) if !known.staff.contains(u) => {
                        problem(at, format!("user #{u} is not an active agent or admin."))
                    }
                    _ => {}
                }
            }
        }
    }
    problems
}

/// "30 min before", "at the due time", "1 h 30 min after".
pub fn describe_offset(minutes: i32) -> String {
    if minutes == 0 {
        return "at the due time".into();
    }
    let amount = minutes.unsigned_abs();
    let (h, m) = (amount / 60, amount % 60);
    let span = match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    };
    if minutes < 0 {
        format!("{span} before")
    } else {
        format!("{span} after")
    }
}

/// What the monitor owes a clock at `now`: whether it breaches, and which
/// levels (by index, in order) fire. `fired` levels already fired this
/// cycle.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Due {
    pub breach: bool,
    pub levels: Vec<usize>,
}

impl Due {
    pub fn is_empty(&self) -> bool {
        !self.breach && self.levels.is_empty()
    }
}

pub fn due_now(clock: &Clock, row: Option<&Row>, fired: usize, now: DateTime<Utc>) -> Due {
    let mut due = Due::default();
    if !watched(clock) {
        return due;
    }
    due.breach = clock.status == ClockStatus::Running && now >= clock.due_at;
    if let Some(row) = row {
        due.levels = (fired..row.levels.len())
            .take_while(|&i| now >= level_time(clock, &row.levels[i]))
            .collect();
    }
    due
}

/// When the monitor next owes this clock something, if ever.
pub fn next_firing(clock: &Clock, row: Option<&Row>, fired: usize) -> Option<DateTime<Utc>> {
    if !watched(clock) {
        return None;
    }
    let breach = (clock.status == ClockStatus::Running).then_some(clock.due_at);
    let level = row
        .and_then(|r| r.levels.get(fired))
        .map(|l| level_time(clock, l));
    match (breach, level) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Open and counting: a paused clock has no due time to escalate from,
/// and a fulfilled one is done.
fn watched(clock: &Clock) -> bool {
    clock.is_open() && clock.status != ClockStatus::Paused
}

fn level_time(clock: &Clock, level: &Level) -> DateTime<Utc> {
    clock.due_at + Duration::minutes(i64::from(level.offset_minutes))
}

/// One step up; critical stays critical.
pub fn raised(priority: Priority) -> Priority {
    match priority {
        Priority::Low => Priority::Normal,
        Priority::Normal => Priority::High,
        Priority::High | Priority::Critical => Priority::Critical,
    }
}

#[cfg(test)]
#[path = "escalation_tests.rs"]
mod tests;
