//! What the routing service is asked to do: groups, members, categories
//! and an agent's availability, in domain values, with the parsers for the
//! admin console's and workspace's forms.

use super::error::{FieldErrors, ServiceError};
use crate::api::routing_types::{
    AvailabilityInput, CategoryInput, GroupCreateInput, GroupUpdateInput, MemberInput,
    MemberRemoveInput,
};
use crate::domain::category::parse_name;
use crate::domain::{Availability, CategoryId, GroupId, Priority, Strategy, UserId};

/// Capacity is a count of running tickets; beyond this it is a typo.
pub const MAX_CAPACITY: u32 = 1_000;

#[derive(Debug, Clone)]
pub struct CreateGroup {
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct UpdateGroup {
    pub group: GroupId,
    pub name: String,
    pub strategy: Strategy,
    pub auto_assign: bool,
    pub archived: bool,
}

/// Adds an agent to a group or changes their capacity and lead flag.
#[derive(Debug, Clone, Copy)]
pub struct SetMember {
    pub group: GroupId,
    pub user: UserId,
    pub capacity: u32,
    pub lead: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct RemoveMember {
    pub group: GroupId,
    pub user: UserId,
}

/// Creates a category (`category` is `None`) or changes one. Which ids
/// exist and may be chosen is the service's check.
#[derive(Debug, Clone)]
pub struct SaveCategory {
    pub category: Option<CategoryId>,
    pub name: String,
    pub parent: Option<CategoryId>,
    pub group: Option<GroupId>,
    pub default_priority: Priority,
    pub archived: bool,
    /// `None`: the default policy.
    pub sla_policy: Option<i64>,
    /// `None`: no escalation.
    pub escalation_matrix: Option<i64>,
}

/// An optional id from a select: empty means none (or the default).
fn choice<T>(
    text: &str,
    parse: fn(&str) -> Option<T>,
    refusal: &'static str,
) -> Result<Option<T>, &'static str> {
    match text.trim() {
        "" => Ok(None),
        text => parse(text).map(Some).ok_or(refusal),
    }
}

fn any_id(text: &str) -> Option<i64> {
    UserId::parse(text).map(|id| id.0)
}

impl CreateGroup {
    pub fn from_input(input: &GroupCreateInput) -> Result<Self, ServiceError> {
        let name = parse_name(&input.name).map_err(|m| ServiceError::field("name", m))?;
        Ok(Self { name })
    }
}

impl UpdateGroup {
    pub fn from_input(input: &GroupUpdateInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&input.name));
        let strategy = errors.check(
            "strategy",
            Strategy::parse(input.strategy.trim()).ok_or("Choose an assignment strategy."),
        );
        let parsed = name.zip(strategy).map(|(name, strategy)| Self {
            group: GroupId(input.group_id),
            name,
            strategy,
            auto_assign: input.auto_assign.is_some(),
            archived: input.archived.is_some(),
        });
        errors.finish(parsed)
    }
}

impl SetMember {
    pub fn from_input(input: &MemberInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let capacity = errors.check(
            "capacity",
            input
                .capacity
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|c| *c <= MAX_CAPACITY)
                .ok_or("Enter a whole number from 0 to 1000."),
        );
        let user = errors.check(
            "user_id",
            UserId::parse(&input.user_id).ok_or("Choose an agent."),
        );
        let parsed = capacity.zip(user).map(|(capacity, user)| Self {
            group: GroupId(input.group_id),
            user,
            capacity,
            lead: input.lead.is_some(),
        });
        errors.finish(parsed)
    }
}

impl RemoveMember {
    pub fn from_input(input: &MemberRemoveInput) -> Self {
        Self {
            group: GroupId(input.group_id),
            user: UserId(input.user_id),
        }
    }
}

impl SaveCategory {
    pub fn from_input(input: &CategoryInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", parse_name(&input.name));
        let priority = errors.check(
            "default_priority",
            Priority::parse(input.default_priority.trim()),
        );
        let parent = errors.check(
            "parent_id",
            choice(
                &input.parent_id,
                CategoryId::parse,
                "Choose a parent from the list.",
            ),
        );
        let group = errors.check(
            "group_id",
            choice(&input.group_id, GroupId::parse, "Choose an active group."),
        );
        let policy = errors.check(
            "sla_policy_id",
            choice(&input.sla_policy_id, any_id, "Choose one from the list."),
        );
        let matrix = errors.check(
            "escalation_matrix_id",
            choice(
                &input.escalation_matrix_id,
                any_id,
                "Choose one from the list.",
            ),
        );
        let parsed = match (name, priority, parent, group, policy, matrix) {
            (Some(name), Some(priority), Some(parent), Some(group), Some(policy), Some(matrix)) => {
                Some(Self {
                    category: input.category_id.map(CategoryId),
                    name,
                    parent,
                    group,
                    default_priority: priority,
                    archived: input.archived.is_some(),
                    sla_policy: policy,
                    escalation_matrix: matrix,
                })
            }
            _ => None,
        };
        errors.finish(parsed)
    }
}

/// An agent's own availability.
pub fn availability_from_input(input: &AvailabilityInput) -> Result<Availability, ServiceError> {
    Availability::parse(input.availability.trim())
        .ok_or_else(|| ServiceError::field("availability", "Choose online, away or offline."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_form_reports_capacity_and_agent_together() {
        let input = MemberInput {
            group_id: 2,
            user_id: "someone".into(),
            capacity: "1001".into(),
            lead: None,
        };
        let Err(ServiceError::Invalid { fields, .. }) = SetMember::from_input(&input) else {
            panic!("expected field errors");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["capacity", "user_id"]);
        let input = MemberInput {
            user_id: "7".into(),
            capacity: "3".into(),
            lead: Some("on".into()),
            ..input
        };
        let member = SetMember::from_input(&input).unwrap();
        assert_eq!(
            (member.group, member.user, member.capacity, member.lead),
            (GroupId(2), UserId(7), 3, true)
        );
    }

    #[test]
    fn a_category_form_reads_empty_selects_as_none() {
        let input = CategoryInput {
            category_id: None,
            name: "Network".into(),
            parent_id: String::new(),
            group_id: " ".into(),
            default_priority: "high".into(),
            archived: None,
            sla_policy_id: String::new(),
            escalation_matrix_id: "4".into(),
        };
        let saved = SaveCategory::from_input(&input).unwrap();
        assert_eq!((saved.parent, saved.group), (None, None));
        assert_eq!(saved.escalation_matrix, Some(4));
        let bad = CategoryInput {
            parent_id: "x".into(),
            ..input
        };
        assert_eq!(
            SaveCategory::from_input(&bad).unwrap_err(),
            ServiceError::field("parent_id", "Choose a parent from the list.")
        );
    }
}
