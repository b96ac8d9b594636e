//! Escalation matrices in the admin console. Each edit changes one level
//! and the whole matrix is validated before it is saved, so a stored matrix
//! is always valid; a refused edit names every problem and loses nothing.

use super::config::parse_config_name;
use super::Sla;
use crate::routing::store_err;
use crate::store::{MatrixFields, MatrixRecord, StoreError};
use app::api::sla_types::*;
use app::domain::escalation::{
    validate, EscalationAction, Known, Level, Matrix, Row, MAX_OFFSET_MINUTES,
};
use app::domain::sla::Metric;
use app::domain::{Actor, Priority};
use app::error::{AppError, FieldErrors};

impl Sla {
    pub(super) async fn write_matrix(
        &self,
        actor: &Actor,
        input: MatrixInput,
    ) -> Result<i64, AppError> {
        let name = parse_config_name(&input.name).map_err(|m| AppError::field("name", m))?;
        let now = self.clock.now();
        let saved = match input.matrix_id {
            Some(id) => {
                let current = self.matrix(id).await?;
                let fields = MatrixFields {
                    name,
                    matrix: current.fields.matrix,
                    is_default: input.is_default.is_some(),
                };
                self.store
                    .update_matrix(Some(actor.id), id, fields, now)
                    .await
                    .map(|()| id)
            }
            None => {
                let fields = MatrixFields {
                    name,
                    matrix: Matrix::default(),
                    is_default: input.is_default.is_some(),
                };
                self.store
                    .create_matrix(Some(actor.id), fields, now)
                    .await
                    .map(|m| m.id)
            }
        };
        let id = saved.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::field("name", "A matrix with this name exists."),
            other => store_err(other),
        })?;
        tracing::info!(
            actor_id = actor.id,
            matrix_id = id,
            "escalation matrix saved"
        );
        Ok(id)
    }

    pub(super) async fn write_level(
        &self,
        actor: &Actor,
        input: LevelInput,
    ) -> Result<(), AppError> {
        let record = self.matrix(input.matrix_id).await?;
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
        errors.into_result()?;
        let (Some(priority), Some(metric), Some(offset_minutes)) = (priority, metric, offset)
        else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let mut matrix = record.fields.matrix.clone();
        let row = row_mut(&mut matrix, priority, metric);
        let level = Level {
            offset_minutes,
            actions,
        };
        match input.level {
            Some(n) if (1..=row.levels.len()).contains(&n) => row.levels[n - 1] = level,
            Some(_) => return Err(AppError::NotFound),
            None => {
                // New levels go where their offset puts them.
                let at = row
                    .levels
                    .iter()
                    .position(|l| l.offset_minutes > offset_minutes)
                    .unwrap_or(row.levels.len());
                row.levels.insert(at, level);
            }
        }
        self.save_checked(actor, record, matrix).await
    }

    pub(super) async fn drop_level(
        &self,
        actor: &Actor,
        input: LevelRemoveInput,
    ) -> Result<(), AppError> {
        let record = self.matrix(input.matrix_id).await?;
        let priority =
            Priority::parse(input.priority.trim()).map_err(|m| AppError::field("priority", m))?;
        let metric =
            Metric::parse(input.metric.trim()).map_err(|m| AppError::field("metric", m))?;
        let mut matrix = record.fields.matrix.clone();
        let row = row_mut(&mut matrix, priority, metric);
        if !(1..=row.levels.len()).contains(&input.level) {
            return Err(AppError::NotFound);
        }
        row.levels.remove(input.level - 1);
        self.save_checked(actor, record, matrix).await
    }

    async fn matrix(&self, id: i64) -> Result<MatrixRecord, AppError> {
        self.store
            .list_matrices()
            .await
            .map_err(store_err)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Saves `matrix` in place of `record`'s if it is valid; rows left
    /// without levels disappear.
    async fn save_checked(
        &self,
        actor: &Actor,
        record: MatrixRecord,
        mut matrix: Matrix,
    ) -> Result<(), AppError> {
        matrix.rows.retain(|r| !r.levels.is_empty());
        matrix
            .rows
            .sort_by_key(|r| (std::cmp::Reverse(r.priority), r.metric));
        let known = self.known().await?;
        let problems = validate(&matrix, &known);
        if !problems.is_empty() {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Err(AppError::form(&format!(
                "The matrix was not changed: {}",
                text.join(" ")
            )));
        }
        let fields = MatrixFields {
            matrix,
            ..record.fields
        };
        self.store
            .update_matrix(Some(actor.id), record.id, fields, self.clock.now())
            .await
            .map_err(store_err)?;
        tracing::info!(
            actor_id = actor.id,
            matrix_id = record.id,
            "escalation level saved"
        );
        Ok(())
    }

    /// Active groups and staff, which levels may name.
    async fn known(&self) -> Result<Known, AppError> {
        let groups = self.store.list_groups().await.map_err(store_err)?;
        let users = self.store.list_staff().await.map_err(store_err)?;
        Ok(Known {
            groups: groups
                .iter()
                .filter(|g| !g.archived)
                .map(|g| g.id)
                .collect(),
            staff: users
                .iter()
                .filter(|u| u.active && u.role.is_staff())
                .map(|u| u.id)
                .collect(),
        })
    }
}

fn row_mut(matrix: &mut Matrix, priority: Priority, metric: Metric) -> &mut Row {
    let at = match matrix
        .rows
        .iter()
        .position(|r| r.priority == priority && r.metric == metric)
    {
        Some(at) => at,
        None => {
            matrix.rows.push(Row {
                priority,
                metric,
                levels: Vec::new(),
            });
            matrix.rows.len() - 1
        }
    };
    &mut matrix.rows[at]
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

fn parse_id(input: &str) -> Result<Option<i64>, &'static str> {
    match input.trim() {
        "" => Ok(None),
        text => text
            .parse()
            .map(Some)
            .map_err(|_| "Choose one from the list."),
    }
}
