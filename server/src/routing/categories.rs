//! The category tree in the admin console. A category names the group its
//! tickets go to and their default priority; tickets copy both when they
//! are raised, so an edit only affects tickets raised after it.

use super::{store_err, Routing};
use crate::store::{CategoryFields, StoreError};
use app::api::routing_types::*;
use app::api::types::GroupOption;
use app::domain::category::{parse_name, tree_order, would_cycle, Node};
use app::domain::{Actor, Priority};
use app::error::{AppError, FieldErrors};
use std::collections::HashMap;

impl Routing {
    pub(super) async fn category_tree(&self) -> Result<CategoriesOverview, AppError> {
        let categories = self.store.list_categories().await.map_err(store_err)?;
        let groups = self.store.list_groups().await.map_err(store_err)?;
        let sla: HashMap<i64, (Option<i64>, Option<i64>)> = self
            .store
            .category_sla()
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|(id, policy, matrix)| (id, (policy, matrix)))
            .collect();
        let group_names: HashMap<i64, &str> =
            groups.iter().map(|g| (g.id, g.name.as_str())).collect();
        let by_id: HashMap<i64, _> = categories.iter().map(|c| (c.id, c)).collect();
        let nodes: Vec<Node> = categories
            .iter()
            .map(|c| (c.id, c.parent_id, c.name.as_str()))
            .collect();
        let categories = tree_order(&nodes)
            .into_iter()
            .filter_map(|(id, depth, path)| {
                let c = by_id.get(&id)?;
                Some(CategoryView {
                    id,
                    parent_id: c.parent_id,
                    name: c.name.clone(),
                    path,
                    depth,
                    group_id: c.group_id,
                    group_name: c
                        .group_id
                        .and_then(|g| group_names.get(&g))
                        .map(|n| n.to_string()),
                    default_priority: c.default_priority,
                    archived: c.archived,
                    sla_policy_id: sla.get(&id).and_then(|s| s.0),
                    escalation_matrix_id: sla.get(&id).and_then(|s| s.1),
                })
            })
            .collect();
        let groups = groups.iter().cloned().map(GroupOption::from).collect();
        let policies = self
            .store
            .list_sla_policies()
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|p| NamedOption {
                id: p.id,
                name: p.fields.name,
            })
            .collect();
        let matrices = self
            .store
            .list_matrices()
            .await
            .map_err(store_err)?
            .into_iter()
            .map(|m| NamedOption {
                id: m.id,
                name: m.fields.name,
            })
            .collect();
        Ok(CategoriesOverview {
            categories,
            groups,
            policies,
            matrices,
        })
    }

    pub(super) async fn write_category(
        &self,
        actor: &Actor,
        input: CategoryInput,
    ) -> Result<(), AppError> {
        let existing = self.store.list_categories().await.map_err(store_err)?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&input.name));
        let priority = errors.check(
            "default_priority",
            Priority::parse(input.default_priority.trim()),
        );
        let parent_id = match input.parent_id.trim() {
            "" => Some(None),
            text => errors.check(
                "parent_id",
                text.parse::<i64>()
                    .ok()
                    .filter(|id| existing.iter().any(|c| c.id == *id))
                    .map(Some)
                    .ok_or("Choose a parent from the list."),
            ),
        };
        if let (Some(id), Some(parent)) = (input.category_id, parent_id) {
            let nodes: Vec<Node> = existing
                .iter()
                .map(|c| (c.id, c.parent_id, c.name.as_str()))
                .collect();
            if would_cycle(&nodes, id, parent) {
                errors.check::<()>("parent_id", Err("A category cannot sit below itself."));
            }
        }
        let group_id = match input.group_id.trim() {
            "" => Some(None),
            text => {
                let group = match text.parse::<i64>() {
                    Ok(id) => self.store.group(id).await.map_err(store_err)?,
                    Err(_) => None,
                };
                let current = input
                    .category_id
                    .and_then(|id| existing.iter().find(|c| c.id == id))
                    .and_then(|c| c.group_id);
                errors.check(
                    "group_id",
                    group
                        // An archived group may stay, but takes no new categories.
                        .filter(|g| !g.archived || Some(g.id) == current)
                        .map(|g| Some(g.id))
                        .ok_or("Choose an active group."),
                )
            }
        };
        let policies: Vec<i64> = self
            .store
            .list_sla_policies()
            .await
            .map_err(store_err)?
            .iter()
            .map(|p| p.id)
            .collect();
        let matrices: Vec<i64> = self
            .store
            .list_matrices()
            .await
            .map_err(store_err)?
            .iter()
            .map(|m| m.id)
            .collect();
        let policy_id = errors.check(
            "sla_policy_id",
            super::parse_choice(&input.sla_policy_id, &policies),
        );
        let matrix_id = errors.check(
            "escalation_matrix_id",
            super::parse_choice(&input.escalation_matrix_id, &matrices),
        );
        errors.into_result()?;
        let (
            Some(name),
            Some(default_priority),
            Some(parent_id),
            Some(group_id),
            Some(policy_id),
            Some(matrix_id),
        ) = (name, priority, parent_id, group_id, policy_id, matrix_id)
        else {
            return Err(AppError::form("Please correct the highlighted fields."));
        };
        let fields = CategoryFields {
            parent_id,
            name,
            group_id,
            default_priority,
            archived: input.archived.is_some(),
        };
        let now = self.clock.now();
        let result = match input.category_id {
            Some(id) => self
                .store
                .update_category(Some(actor.id), id, fields, now)
                .await
                .map(|()| id),
            None => self
                .store
                .create_category(Some(actor.id), fields, now)
                .await
                .map(|c| c.id),
        };
        let id = result.map_err(|e| match e {
            StoreError::Conflict(_) => {
                AppError::field("name", "A category with this name already sits here.")
            }
            other => store_err(other),
        })?;
        self.store
            .set_category_sla(id, policy_id, matrix_id, now)
            .await
            .map_err(store_err)?;
        tracing::info!(actor_id = actor.id, category_id = ?input.category_id, "category saved");
        Ok(())
    }
}
