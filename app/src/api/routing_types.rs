//! What the routing pages exchange with the server: groups with their
//! members, the category tree, an agent's availability, and where a waiting
//! ticket stands.

use crate::domain::{Availability, Priority, Strategy};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub capacity: u32,
    pub availability: Availability,
    /// Tickets assigned that are new or open.
    pub load: i64,
    /// Hears of the group's escalations.
    pub lead: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAdmin {
    pub id: i64,
    pub name: String,
    pub archived: bool,
    pub strategy: Strategy,
    pub auto_assign: bool,
    /// Tickets waiting for an agent.
    pub queue_depth: i64,
    pub members: Vec<MemberView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOption {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct GroupsOverview {
    pub groups: Vec<GroupAdmin>,
    /// Active agents and admins, for adding members.
    pub staff: Vec<StaffOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryView {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// "Hardware › Laptops".
    pub path: String,
    pub depth: usize,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub default_priority: Priority,
    pub archived: bool,
    /// `None`: the default policy (or matrix) applies.
    pub sla_policy_id: Option<i64>,
    pub escalation_matrix_id: Option<i64>,
}

/// Something chosen by id in a select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedOption {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CategoriesOverview {
    /// In tree order.
    pub categories: Vec<CategoryView>,
    pub groups: Vec<super::types::GroupOption>,
    pub policies: Vec<NamedOption>,
    pub matrices: Vec<NamedOption>,
}

impl CategoriesOverview {
    pub fn policy_name(&self, id: Option<i64>) -> String {
        named(&self.policies, id, "Default policy")
    }

    pub fn matrix_name(&self, id: Option<i64>) -> String {
        named(&self.matrices, id, "Default matrix")
    }
}

fn named(options: &[NamedOption], id: Option<i64>, default: &str) -> String {
    id.and_then(|id| options.iter().find(|o| o.id == id))
        .map_or_else(|| default.to_owned(), |o| o.name.clone())
}

/// A category a requester can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryOption {
    pub id: i64,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceView {
    pub availability: Availability,
    pub load: i64,
    /// (group name, capacity) for each group they belong to.
    pub capacities: Vec<(String, u32)>,
}

/// Why a waiting ticket is where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueInfo {
    pub group_name: String,
    /// 1 for the next ticket to be assigned.
    pub position: i64,
    pub depth: i64,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupCreateInput {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupUpdateInput {
    pub group_id: i64,
    pub name: String,
    pub strategy: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub auto_assign: Option<String>,
    #[serde(default)]
    pub archived: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberInput {
    pub group_id: i64,
    pub user_id: String,
    pub capacity: String,
    #[serde(default)]
    pub lead: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemberRemoveInput {
    pub group_id: i64,
    pub user_id: i64,
}

/// Creates a category without `category_id`, edits one with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryInput {
    #[serde(default)]
    pub category_id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub group_id: String,
    pub default_priority: String,
    #[serde(default)]
    pub archived: Option<String>,
    /// Empty: the default policy.
    #[serde(default)]
    pub sla_policy_id: String,
    /// Empty: the default matrix.
    #[serde(default)]
    pub escalation_matrix_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CategoryDeleteInput {
    pub category_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AvailabilityInput {
    pub availability: String,
}
