//! What the SLA configuration service is asked to do: calendars, policies,
//! escalation matrices and their levels, in domain values, with the parsers
//! for the admin console's forms. Whether the ids they name exist is the
//! service's check.

use super::error::{FieldErrors, ServiceError};
use crate::api::sla_types::{
    target_field, CalendarInput, LevelInput, LevelRemoveInput, MatrixInput, PolicyInput, DAY_FIELDS,
};
use crate::domain::calendar::{parse_holidays, parse_intervals, Calendar, CalendarError, Interval};
use crate::domain::escalation::{EscalationAction, MAX_OFFSET_MINUTES};
use crate::domain::sla::{parse_target, Metric, PolicyTargets, PriorityTargets, Target};
use crate::domain::{Priority, Status};

/// Creates a calendar (`id` is `None`) or replaces one.
#[derive(Debug, Clone)]
pub struct SaveCalendar {
    pub id: Option<i64>,
    pub name: String,
    pub calendar: Calendar,
}

#[derive(Debug, Clone)]
pub struct SavePolicy {
    pub id: Option<i64>,
    pub name: String,
    /// `None`: round the clock.
    pub calendar: Option<i64>,
    pub pause_on: Vec<Status>,
    pub targets: PolicyTargets,
    pub is_default: bool,
}

/// Creates a matrix without levels, or renames one / makes it the default.
#[derive(Debug, Clone)]
pub struct SaveMatrix {
    pub id: Option<i64>,
    pub name: String,
    pub is_default: bool,
}

/// Adds a level to a matrix row (`level` is `None`) or replaces level
/// `level` (1-based) of that row.
#[derive(Debug, Clone)]
pub struct SaveLevel {
    pub matrix: i64,
    pub priority: Priority,
    pub metric: Metric,
    pub level: Option<usize>,
    pub offset_minutes: i32,
    pub actions: Vec<EscalationAction>,
}

#[derive(Debug, Clone, Copy)]
pub struct RemoveLevel {
    pub matrix: i64,
    pub priority: Priority,
    pub metric: Metric,
    /// 1-based, as the page numbers them.
    pub level: usize,
}

/// Names of configuration items: trimmed, 1 to 100 characters.
pub fn parse_config_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err("Enter a name."),
        1..=100 => Ok(name.to_owned()),
        _ => Err("Keep the name to 100 characters."),
    }
}

/// An optional id from a select: empty means none.
fn parse_id(input: &str) -> Result<Option<i64>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        text => text
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or("Choose one from the list."),
    }
}

/// Minutes from the due time: "-30" before it, "0" at it, "60" after.
fn parse_offset(input: &str) -> Result<i32, &'static str> {
    input
        .trim()
        .trim_start_matches('+')
        .parse::<i32>()
        .ok()
        .filter(|m| m.abs() <= MAX_OFFSET_MINUTES)
        .ok_or("Enter whole minutes from the due time: -30 for before it, 0 at it, 60 after it (at most a month).")
}

impl SaveCalendar {
    pub fn from_input(input: &CalendarInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_config_name(&input.name));
        let typed = [
            &input.monday,
            &input.tuesday,
            &input.wednesday,
            &input.thursday,
            &input.friday,
            &input.saturday,
            &input.sunday,
        ];
        let mut week: [Vec<Interval>; 7] = Default::default();
        for (day, text) in typed.into_iter().enumerate() {
            match parse_intervals(text) {
                Ok(intervals) => week[day] = intervals,
                Err(message) => {
                    errors.check_text::<()>(DAY_FIELDS[day], Err(message));
                }
            }
        }
        let holidays = errors.check_text(
            "holidays",
            parse_holidays(&input.holidays).map_err(|e| e.to_string()),
        );
        let (name, holidays) = errors.finish(name.zip(holidays))?;
        let calendar = Calendar::new(&input.timezone, week, holidays).map_err(|e| match &e {
            CalendarError::UnknownTimezone(_) => ServiceError::field("timezone", &e.to_string()),
            CalendarError::Interval { day, .. } => {
                ServiceError::field(DAY_FIELDS[*day % 7], &e.to_string())
            }
            CalendarError::Holiday { .. } => ServiceError::field("holidays", &e.to_string()),
        })?;
        Ok(Self {
            id: input.calendar_id,
            name,
            calendar,
        })
    }
}

impl SavePolicy {
    pub fn from_input(input: &PolicyInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_config_name(&input.name));
        let calendar = errors.check("calendar_id", parse_id(&input.calendar_id));
        let mut targets: PolicyTargets = Default::default();
        for metric in Metric::ALL {
            let business = match input.basis(metric) {
                "" | "business" => true,
                "calendar" => false,
                _ => {
                    errors.check_text::<()>(
                        &format!("{}_basis", metric.as_str()),
                        Err("Choose business or calendar time.".to_owned()),
                    );
                    true
                }
            };
            for priority in Priority::ALL {
                let field = target_field(priority, metric);
                let minutes = errors
                    .check_text(&field, parse_target(input.target_text(priority, metric)))
                    .flatten();
                let target = minutes.map(|minutes| Target { minutes, business });
                let row: &mut PriorityTargets = &mut targets[priority.rank() as usize];
                match metric {
                    Metric::FirstResponse => row.first_response = target,
                    Metric::NextResponse => row.next_response = target,
                    Metric::Resolution => row.resolution = target,
                }
            }
        }
        let (name, calendar) = errors.finish(name.zip(calendar))?;
        let mut pause_on = Vec::new();
        if input.pause_pending.is_some() {
            pause_on.push(Status::Pending);
        }
        if input.pause_on_hold.is_some() {
            pause_on.push(Status::OnHold);
        }
        Ok(Self {
            id: input.policy_id,
            name,
            calendar,
            pause_on,
            targets,
            is_default: input.is_default.is_some(),
        })
    }
}

impl SaveMatrix {
    pub fn from_input(input: &MatrixInput) -> Result<Self, ServiceError> {
        Ok(Self {
            id: input.matrix_id,
            name: parse_config_name(&input.name).map_err(|m| ServiceError::field("name", m))?,
            is_default: input.is_default.is_some(),
        })
    }
}

impl SaveLevel {
    pub fn from_input(input: &LevelInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let priority = errors.check("priority", Priority::parse(input.priority.trim()));
        let metric = errors.check("metric", Metric::parse(input.metric.trim()));
        let offset = errors.check("offset", parse_offset(&input.offset));
        let mut actions = Vec::new();
        if input.notify_assignee.is_some() {
            actions.push(EscalationAction::NotifyAssignee);
        }
        if input.notify_leads.is_some() {
            actions.push(EscalationAction::NotifyGroupLeads);
        }
        if let Some(user) = errors
            .check("notify_user", parse_id(&input.notify_user))
            .flatten()
        {
            actions.push(EscalationAction::NotifyUser(user));
        }
        if let Some(group) = errors
            .check("reassign_group", parse_id(&input.reassign_group))
            .flatten()
        {
            actions.push(EscalationAction::ReassignToGroup(group));
        }
        if input.raise_priority.is_some() {
            actions.push(EscalationAction::RaisePriority);
        }
        let parsed = match (priority, metric, offset) {
            (Some(priority), Some(metric), Some(offset_minutes)) => Some(Self {
                matrix: input.matrix_id,
                priority,
                metric,
                level: input.level,
                offset_minutes,
                actions,
            }),
            _ => None,
        };
        errors.finish(parsed)
    }
}

impl RemoveLevel {
    pub fn from_input(input: &LevelRemoveInput) -> Result<Self, ServiceError> {
        Ok(Self {
            matrix: input.matrix_id,
            priority: Priority::parse(input.priority.trim())
                .map_err(|m| ServiceError::field("priority", m))?,
            metric: Metric::parse(input.metric.trim())
                .map_err(|m| ServiceError::field("metric", m))?,
            level: input.level,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_signed_minutes_within_a_month() {
        assert_eq!(parse_offset("-30"), Ok(-30));
        assert_eq!(parse_offset("+60"), Ok(60));
        assert!(parse_offset("soon").is_err());
        assert!(parse_offset(&(MAX_OFFSET_MINUTES + 1).to_string()).is_err());
    }

    #[test]
    fn config_names_are_trimmed_and_bounded() {
        assert_eq!(parse_config_name("  Gold  ").as_deref(), Ok("Gold"));
        assert!(parse_config_name(" ").is_err());
        assert!(parse_config_name(&"x".repeat(101)).is_err());
    }

    #[test]
    fn a_level_form_names_every_problem() {
        let input = LevelInput {
            matrix_id: 1,
            priority: "urgent".into(),
            metric: "resolution".into(),
            level: None,
            offset: "later".into(),
            notify_assignee: None,
            notify_leads: None,
            raise_priority: None,
            notify_user: "x".into(),
            reassign_group: String::new(),
        };
        let Err(ServiceError::Invalid { fields, .. }) = SaveLevel::from_input(&input) else {
            panic!("expected field errors");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["priority", "offset", "notify_user"]);
    }
}
