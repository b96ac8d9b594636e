//! Escalation matrices in the admin console. Each edit changes one level
//! and the whole matrix is validated before it is saved, so a stored matrix
//! is always valid; a refused edit names every problem and loses nothing.

use super::Sla;
use crate::routing::store_err;
use crate::store::{MatrixFields, MatrixRecord, StoreError};
use app::domain::escalation::{validate, Known, Level, Matrix, Row};
use app::domain::sla::Metric;
use app::domain::{Actor, Priority};
use app::service::sla_commands::{RemoveLevel, SaveLevel, SaveMatrix};
use app::service::ServiceError;

impl Sla {
    pub(super) async fn write_matrix(
        &self,
        actor: &Actor,
        input: SaveMatrix,
    ) -> Result<i64, ServiceError> {
        let (name, is_default) = (input.name, input.is_default);
        let now = self.clock.now();
        let saved = match input.id {
            Some(id) => {
                let current = self.matrix(id).await?;
                let fields = MatrixFields {
                    name,
                    matrix: current.fields.matrix,
                    is_default,
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
                    is_default,
                };
                self.store
                    .create_matrix(Some(actor.id), fields, now)
                    .await
                    .map(|m| m.id)
            }
        };
        let id = saved.map_err(|e| match e {
            StoreError::Conflict(_) => {
                ServiceError::field("name", "A matrix with this name exists.")
            }
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
        input: SaveLevel,
    ) -> Result<(), ServiceError> {
        let record = self.matrix(input.matrix).await?;
        let (priority, metric, offset_minutes) =
            (input.priority, input.metric, input.offset_minutes);
        let actions = input.actions;
        let mut matrix = record.fields.matrix.clone();
        let row = row_mut(&mut matrix, priority, metric);
        let level = Level {
            offset_minutes,
            actions,
        };
        match input.level {
            Some(n) if (1..=row.levels.len()).contains(&n) => row.levels[n - 1] = level,
            Some(_) => return Err(ServiceError::NotFound),
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
        input: RemoveLevel,
    ) -> Result<(), ServiceError> {
        let record = self.matrix(input.matrix).await?;
        let (priority, metric) = (input.priority, input.metric);
        let mut matrix = record.fields.matrix.clone();
        let row = row_mut(&mut matrix, priority, metric);
        if !(1..=row.levels.len()).contains(&input.level) {
            return Err(ServiceError::NotFound);
        }
        row.levels.remove(input.level - 1);
        self.save_checked(actor, record, matrix).await
    }

    async fn matrix(&self, id: i64) -> Result<MatrixRecord, ServiceError> {
        self.store
            .list_matrices()
            .await
            .map_err(store_err)?
            .into_iter()
            .find(|m| m.id == id)
            .ok_or(ServiceError::NotFound)
    }

    /// Saves `matrix` in place of `record`'s if it is valid; rows left
    /// without levels disappear.
    async fn save_checked(
        &self,
        actor: &Actor,
        record: MatrixRecord,
        mut matrix: Matrix,
    ) -> Result<(), ServiceError> {
        matrix.rows.retain(|r| !r.levels.is_empty());
        matrix
            .rows
            .sort_by_key(|r| (std::cmp::Reverse(r.priority), r.metric));
        let known = self.known().await?;
        let problems = validate(&matrix, &known);
        if !problems.is_empty() {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            return Err(ServiceError::form(&format!(
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
    async fn known(&self) -> Result<Known, ServiceError> {
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
