//! Calendars and SLA policies in the admin console, and the overview page
//! with compliance per group and category.

use super::Sla;
use crate::routing::{staff_options, store_err};
use crate::store::{SlaPolicyFields, StoreError};
use app::api::sla_types::*;
use app::api::types::GroupOption;
use app::domain::calendar::{format_holidays, format_intervals};
use app::domain::Actor;
use app::service::sla_commands::{SaveCalendar, SavePolicy};
use app::service::ServiceError;
use std::collections::HashMap;

impl Sla {
    pub(super) async fn load_overview(&self) -> Result<SlaOverview, ServiceError> {
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
        input: SaveCalendar,
    ) -> Result<i64, ServiceError> {
        let now = self.clock.now();
        let (name, calendar) = (&input.name, &input.calendar);
        let saved = match input.id {
            Some(id) => self
                .store
                .update_calendar(Some(actor.id), id, name, calendar, now)
                .await
                .map(|()| id),
            None => self
                .store
                .create_calendar(Some(actor.id), name, calendar, now)
                .await
                .map(|c| c.id),
        };
        let id = saved.map_err(|e| match e {
            StoreError::Conflict(_) => {
                ServiceError::field("name", "A calendar with this name exists.")
            }
            other => store_err(other),
        })?;
        tracing::info!(actor_id = actor.id, calendar_id = id, "calendar saved");
        Ok(id)
    }

    pub(super) async fn write_policy(
        &self,
        actor: &Actor,
        input: SavePolicy,
    ) -> Result<i64, ServiceError> {
        if let Some(calendar) = input.calendar {
            let calendars = self.store.list_calendars().await.map_err(store_err)?;
            if !calendars.iter().any(|c| c.id == calendar) {
                return Err(ServiceError::field(
                    "calendar_id",
                    "Choose one from the list.",
                ));
            }
        }
        let fields = SlaPolicyFields {
            name: input.name,
            calendar_id: input.calendar,
            pause_on: input.pause_on,
            targets: input.targets,
            is_default: input.is_default,
        };
        let now = self.clock.now();
        let saved = match input.id {
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
            StoreError::Conflict(_) => {
                ServiceError::field("name", "A policy with this name exists.")
            }
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
