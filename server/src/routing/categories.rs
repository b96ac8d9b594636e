//! The category tree in the admin console. A category names the group its
//! tickets go to and their default priority; tickets copy both when they
//! are raised, so an edit only affects tickets raised after it.

use super::{store_err, Routing};
use crate::store::{CategoryDeletion, CategoryFields, StoreError};
use app::api::routing_types::*;
use app::api::types::GroupOption;
use app::domain::category::{tree_order, would_cycle, Node};
use app::domain::{Actor, CategoryId};
use app::service::routing_commands::SaveCategory;
use app::service::{FieldErrors, ServiceError};
use std::collections::HashMap;

impl Routing {
    pub(super) async fn category_tree(&self) -> Result<CategoriesOverview, ServiceError> {
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

    /// Checks what the ids name (a parent that exists and is not below
    /// the category, an active group, a policy and matrix that exist),
    /// then writes the category and its SLA in one go.
    pub(super) async fn write_category(
        &self,
        actor: &Actor,
        input: SaveCategory,
    ) -> Result<(), ServiceError> {
        let existing = self.store.list_categories().await.map_err(store_err)?;
        let mut errors = FieldErrors::default();
        let category_id = input.category.map(|c| c.0);
        let parent_id = input.parent.map(|p| p.0);
        if parent_id.is_some_and(|id| !existing.iter().any(|c| c.id == id)) {
            errors.check::<()>("parent_id", Err("Choose a parent from the list."));
        } else if let Some(id) = category_id {
            let nodes: Vec<Node> = existing
                .iter()
                .map(|c| (c.id, c.parent_id, c.name.as_str()))
                .collect();
            if would_cycle(&nodes, id, parent_id) {
                errors.check::<()>("parent_id", Err("A category cannot sit below itself."));
            }
        }
        if let Some(group) = input.group {
            let found = self.store.group(group.0).await.map_err(store_err)?;
            let current = category_id
                .and_then(|id| existing.iter().find(|c| c.id == id))
                .and_then(|c| c.group_id);
            // An archived group may stay, but takes no new categories.
            if !found.is_some_and(|g| !g.archived || Some(g.id) == current) {
                errors.check::<()>("group_id", Err("Choose an active group."));
            }
        }
        let policies = self.store.list_sla_policies().await.map_err(store_err)?;
        if let Some(id) = input.sla_policy {
            if !policies.iter().any(|p| p.id == id) {
                errors.check::<()>("sla_policy_id", Err("Choose one from the list."));
            }
        }
        let matrices = self.store.list_matrices().await.map_err(store_err)?;
        if let Some(id) = input.escalation_matrix {
            if !matrices.iter().any(|m| m.id == id) {
                errors.check::<()>("escalation_matrix_id", Err("Choose one from the list."));
            }
        }
        errors.into_result()?;
        let (policy_id, matrix_id) = (input.sla_policy, input.escalation_matrix);
        let fields = CategoryFields {
            parent_id,
            name: input.name,
            group_id: input.group.map(|g| g.0),
            default_priority: input.default_priority,
            archived: input.archived,
        };
        let now = self.clock.now();
        let result = match category_id {
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
                ServiceError::field("name", "A category with this name already sits here.")
            }
            other => store_err(other),
        })?;
        self.store
            .set_category_sla(id, policy_id, matrix_id, now)
            .await
            .map_err(store_err)?;
        tracing::info!(actor_id = actor.id, category_id = ?category_id, "category saved");
        Ok(())
    }

    pub(super) async fn remove_category(
        &self,
        actor: &Actor,
        category: CategoryId,
    ) -> Result<(), ServiceError> {
        let outcome = self
            .store
            .delete_category(Some(actor.id), category.0, self.clock.now())
            .await
            .map_err(store_err)?;
        match outcome {
            CategoryDeletion::Deleted => {
                tracing::info!(
                    actor_id = actor.id,
                    category_id = category.0,
                    "category deleted"
                );
                Ok(())
            }
            CategoryDeletion::InUse { tickets, children } => {
                Err(ServiceError::form(&in_use(tickets, children)))
            }
        }
    }
}

/// Why a category cannot be deleted, and what to do instead.
fn in_use(tickets: i64, children: i64) -> String {
    let count = |n: i64, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let users: Vec<String> = [
        (tickets > 0).then(|| {
            count(
                tickets,
                "ticket is filed under it",
                "tickets are filed under it",
            )
        }),
        (children > 0).then(|| {
            count(
                children,
                "category sits below it",
                "categories sit below it",
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!(
        "This category cannot be deleted: {}. Archive it instead, so customers no longer see it.",
        users.join(" and ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_in_use_says_what_uses_it() {
        assert_eq!(
            in_use(1, 0),
            "This category cannot be deleted: 1 ticket is filed under it. Archive it instead, so customers no longer see it."
        );
        assert!(in_use(3, 2).contains("3 tickets are filed under it and 2 categories sit below it"));
    }
}
