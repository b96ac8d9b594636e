//! SLA configuration rows as stored: calendars, policies and matrices keep
//! their structured parts as the domain serialises them, and every row is
//! validated again when it is read back.

use super::{
    CalendarRecord, MatrixFields, MatrixRecord, SlaPolicyFields, SlaPolicyRecord, StoreError,
};
use app::domain::calendar::{Calendar, Holiday, Interval};
use app::domain::escalation::Matrix;
use app::domain::sla::PolicyTargets;
use app::domain::Status;

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

#[derive(sqlx::FromRow)]
pub(super) struct CalendarRow {
    id: i64,
    name: String,
    timezone: String,
    week: String,
    holidays: String,
}

impl TryFrom<CalendarRow> for CalendarRecord {
    type Error = StoreError;

    fn try_from(row: CalendarRow) -> Result<Self, StoreError> {
        let week: [Vec<Interval>; 7] = from_json("calendar week", &row.week)?;
        let holidays: Vec<Holiday> = from_json("calendar holidays", &row.holidays)?;
        let calendar = Calendar::new(&row.timezone, week, holidays)
            .map_err(|e| StoreError::Corrupt(format!("calendar {}: {e}", row.id)))?;
        Ok(CalendarRecord {
            id: row.id,
            name: row.name,
            calendar,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PolicyRow {
    id: i64,
    name: String,
    calendar_id: Option<i64>,
    pause_statuses: String,
    targets: String,
    is_default: bool,
}

impl TryFrom<PolicyRow> for SlaPolicyRecord {
    type Error = StoreError;

    fn try_from(row: PolicyRow) -> Result<Self, StoreError> {
        let pause_on = row
            .pause_statuses
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                Status::parse(s).map_err(|_| StoreError::Corrupt(format!("pause status {s:?}")))
            })
            .collect::<Result<_, _>>()?;
        let targets: PolicyTargets = from_json("policy targets", &row.targets)?;
        Ok(SlaPolicyRecord {
            id: row.id,
            fields: SlaPolicyFields {
                name: row.name,
                calendar_id: row.calendar_id,
                pause_on,
                targets,
                is_default: row.is_default,
            },
        })
    }
}

pub(super) fn pause_text(statuses: &[Status]) -> String {
    statuses
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(sqlx::FromRow)]
pub(super) struct MatrixRow {
    id: i64,
    name: String,
    rows: String,
    is_default: bool,
}

impl TryFrom<MatrixRow> for MatrixRecord {
    type Error = StoreError;

    fn try_from(row: MatrixRow) -> Result<Self, StoreError> {
        let matrix: Matrix = from_json("escalation matrix", &row.rows)?;
        Ok(MatrixRecord {
            id: row.id,
            fields: MatrixFields {
                name: row.name,
                matrix,
                is_default: row.is_default,
            },
        })
    }
}

/// Takes the default role from every row of `table` but `$1` (pass 0 when
/// creating); `$2` is the time of the change.
pub(super) fn clear_default_sql(table: &str) -> String {
    format!("update {table} set is_default = false, updated_at = $2 where is_default and id <> $1")
}

pub(super) const CALENDAR_COLUMNS: &str = "id, name, timezone, week, holidays";
pub(super) const POLICY_COLUMNS: &str =
    "id, name, calendar_id, pause_statuses, targets, is_default";
pub(super) const MATRIX_COLUMNS: &str = "id, name, rows, is_default";
