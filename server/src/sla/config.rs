//! Calendars and SLA policies in the admin console, and the overview page
//! with compliance per group and category.

use super::Sla;
use crate::routing::{parse_choice, staff_options, store_err};
use crate::store::{SlaPolicyFields, StoreError};
use app::api::sla_types::*;
use app::api::types::GroupOption;
use app::domain::calendar::{
    format_holidays, format_intervals, parse_holidays, parse_intervals, Calendar, CalendarError,
    Interval,
};
use app::domain::sla::{parse_target, Metric, PolicyTargets, PriorityTargets, Target};
use app::domain::{Actor, Priority, Status};
use app::error::{AppError, FieldErrors};
use std::collections::HashMap;

/// Names of configuration items: trimmed, 1 to 100 characters.
pub(super) fn parse_config_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err("Enter a name."),
        1..=100 => Ok(name.to_owned()),
        _ => Err("Keep the name to 100 characters."),
    }
}

impl Sla {
    pub(super) async fn load_overview(&self) -> Result<SlaOverview, AppError> {
        let calendars = self.store.list_calendars().await.map_err(store_err)?;
        let policies = self.store.list_sla_policies().await.map_err(store_err)?;
        let matrices = self.store.list_matrices().await.map_err(store_err)?;
        let categories = self.store.list_categories().await.map_err(store_err)?;
        let category_sla = self.store.category_sla().await.map_err(store_err)?;
        let names: HashMap<i64, String> =
            categories.iter().map(|c| (c.id, c.name.clone())).collect();
        // The names of the categories whose policy (or matrix) is `id`.
        let named_by = |matrix: bool, id: i64| {
            category_sla
                .iter()
                .filter(|(_, policy, chosen)| if matrix { *chosen } else { *policy } == Some(id))
                .filter_map(|(category, _, _)| names.get(category).cloned())
                .collect::<Vec<_>>()
        };
        let calendar_names: HashMap<i64, String> =
            calendars.iter().map(|c| (c.id, c.name.clone())).collect();
        let (by_group, by_category) = self
            .store
            .sla_compliance(self.clock.now())
            .await
            .map_err(store_err)?;
        let groups = self.store.list_groups().await.map_err(store_err)?;
        let staff = staff_options(&self.store).await?;
        Ok(SlaOverview {
            calendars: calendars
                .into_iter()
                .map(|c| CalendarView {
                    id: c.id,
                    name: c.name,
                    timezone: c.calendar.timezone().to_owned(),
                    days: c
                        .calendar
                        .week()
                        .iter()
                        .map(|d| format_intervals(d))
                        .collect(),
                    holidays: format_holidays(c.calendar.holidays()),
                })
                .collect(),
            policies: policies
                .into_iter()
                .map(|p| PolicyView {
                    id: p.id,
                    calendar_name: p
                        .fields
                        .calendar_id
                        .and_then(|id| calendar_names.get(&id).cloned()),
                    name: p.fields.name,
                    calendar_id: p.fields.calendar_id,
                    pause_on: p.fields.pause_on,
                    targets: p.fields.targets,
                    is_default: p.fields.is_default,
                    categories: named_by(false, p.id),
                })
                .collect(),
            matrices: matrices
                .into_iter()
                .map(|m| MatrixView {
                    id: m.id,
                    categories: named_by(true, m.id),
                    name: m.fields.name,
                    matrix: m.fields.matrix,
                    is_default: m.fields.is_default,
                })
                .collect(),
            groups: groups.into_iter().map(GroupOption::from).collect(),
            staff,
            by_group: by_group.into_iter().map(compliance_row).collect(),
            by_category: by_category.into_iter().map(compliance_row).collect(),
        })
    }

    pub(super) async fn write_calendar(
        &self,
        actor: &Actor,
        input: CalendarInput,
    ) -> Result<i64, AppError> {
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
        let holidays = match parse_holidays(&input.holidays) {
            Ok(h) => Some(h),
            Err(e) => {
                errors.check_text::<()>("holidays", Err(e.to_string()));
                None
            }
        };
        errors.into_result()?;
        let (Some(name), Some(holidays)) = (name, holidays) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let calendar = Calendar::new(&input.timezone, week, holidays).map_err(|e| match &e {
            CalendarError::UnknownTimezone(_) => AppError::field("timezone", &e.to_string()),
            CalendarError::Interval { day, .. } => {
                AppError::field(DAY_FIELDS[*day % 7], &e.to_string())
            }
            CalendarError::Holiday { .. } => AppError::field("holidays", &e.to_string()),
        })?;
        let now = self.clock.now();
        let saved = match input.calendar_id {
            Some(id) => self
                .store
                .update_calendar(Some(actor.id), id, &name, &calendar, now)
                .await
                .map(|()| id),
            None => self
                .store
                .create_calendar(Some(actor.id), &name, &calendar, now)
                .await
                .map(|c| c.id),
        };
        let id = saved.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::field("name", "A calendar with this name exists."),
            other => store_err(other),
        })?;
        tracing::info!(actor_id = actor.id, calendar_id = id, "calendar saved");
        Ok(id)
    }

    pub(super) async fn write_policy(
        &self,
        actor: &Actor,
        input: PolicyInput,
    ) -> Result<i64, AppError> {
        let calendars: Vec<i64> = self
            .store
            .list_calendars()
            .await
            .map_err(store_err)?
            .iter()
            .map(|c| c.id)
            .collect();
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_config_name(&input.name));
        let calendar_id = errors.check("calendar_id", parse_choice(&input.calendar_id, &calendars));
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
                let minutes = match parse_target(input.target_text(priority, metric)) {
                    Ok(m) => m,
                    Err(message) => {
                        errors.check_text::<()>(&field, Err(message));
                        None
                    }
                };
                let target = minutes.map(|minutes| Target { minutes, business });
                let row: &mut PriorityTargets = &mut targets[priority.rank() as usize];
                match metric {
                    Metric::FirstResponse => row.first_response = target,
                    Metric::NextResponse => row.next_response = target,
                    Metric::Resolution => row.resolution = target,
                }
            }
        }
        errors.into_result()?;
        let (Some(name), Some(calendar_id)) = (name, calendar_id) else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let mut pause_on = Vec::new();
        if input.pause_pending.is_some() {
            pause_on.push(Status::Pending);
        }
        if input.pause_on_hold.is_some() {
            pause_on.push(Status::OnHold);
        }
        let fields = SlaPolicyFields {
            name,
            calendar_id,
            pause_on,
            targets,
            is_default: input.is_default.is_some(),
        };
        let now = self.clock.now();
        let saved = match input.policy_id {
            Some(id) => self
                .store
                .update_sla_policy(Some(actor.id), id, fields, now)
                .await
                .map(|()| id),
            None => self
                .store
                .create_sla_policy(Some(actor.id), fields, now)
                .await
                .map(|p| p.id),
        };
        let id = saved.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::field("name", "A policy with this name exists."),
            other => store_err(other),
        })?;
        tracing::info!(actor_id = actor.id, policy_id = id, "SLA policy saved");
        Ok(id)
    }
}

fn compliance_row(record: crate::store::ComplianceRecord) -> ComplianceRow {
    ComplianceRow {
        name: record.name,
        met: record.met,
        breached: record.breached,
        unanswered: record.unanswered,
        overdue: record.overdue,
    }
}
