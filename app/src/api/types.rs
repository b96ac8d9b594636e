//! Inputs and outputs of the server functions. Secrets (hashes, tokens,
//! session ids) never appear in an output type.

use crate::domain::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a signed-in person sees of their own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub timezone: String,
}

/// One line of the admin user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Which users the admin list shows: names or emails containing `q`, a
/// page at a time after the user `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListParams {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub after: Option<i64>,
}

/// One page of the admin user list; `next` is the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub items: Vec<UserSummary>,
    pub next: Option<i64>,
}

/// Users shown per page of the admin list.
pub const USERS_PER_PAGE: i64 = 50;

/// Redacts every field but the listed ones, so inputs carrying passwords or
/// tokens can be logged safely.
macro_rules! redacted_debug {
    ($ty:ident { $($shown:ident),* }) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))$(.field(stringify!($shown), &self.$shown))*.finish_non_exhaustive()
            }
        }
    };
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SignUpInput {
    pub name: String,
    pub email: String,
    pub password: String,
    /// The browser's timezone, for the new profile; UTC when absent.
    #[serde(default)]
    pub timezone: Option<String>,
}
redacted_debug!(SignUpInput { name, email });

#[derive(Clone, Serialize, Deserialize)]
pub struct SignInInput {
    pub email: String,
    pub password: String,
}
redacted_debug!(SignInInput { email });

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResetRequestInput {
    pub email: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct TokenInput {
    pub token: String,
}
redacted_debug!(TokenInput {});

#[derive(Clone, Serialize, Deserialize)]
pub struct ResetConfirmInput {
    pub token: String,
    pub password: String,
}
redacted_debug!(ResetConfirmInput {});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub timezone: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}
redacted_debug!(PasswordChangeInput {});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteInput {
    pub email: String,
    pub role: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct AcceptInviteInput {
    pub token: String,
    pub name: String,
    pub password: String,
}
redacted_debug!(AcceptInviteInput { name });

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeRoleInput {
    pub user_id: i64,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeactivateInput {
    pub user_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReactivateInput {
    pub user_id: i64,
}

/// Who was deactivated, and how many of their open tickets went back to
/// their groups' queues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deactivated {
    pub name: String,
    pub returned: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_passwords_or_tokens() {
        let input = SignUpInput {
            name: "Ada".into(),
            email: "a@example.com".into(),
            password: "s3cret-pass".into(),
            timezone: None,
        };
        let reset = ResetConfirmInput {
            token: "tok-123".into(),
            password: "s3cret-pass".into(),
        };
        assert!(!format!("{input:?}").contains("s3cret"));
        assert!(format!("{input:?}").contains("a@example.com"));
        assert!(!format!("{reset:?}").contains("tok-123"));
    }
}

/// The ticket lists: one for customers, the queues for agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    /// A customer's own tickets.
    Mine,
    MyOpen,
    Unassigned,
    AllOpen,
    RecentlyUpdated,
    /// Open tickets due within the configured window or already breached,
    /// nearest due time first.
    BreachingSoon,
}

impl QueueView {
    pub const AGENT_VIEWS: [QueueView; 5] = [
        QueueView::MyOpen,
        QueueView::Unassigned,
        QueueView::AllOpen,
        QueueView::BreachingSoon,
        QueueView::RecentlyUpdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QueueView::Mine => "mine",
            QueueView::MyOpen => "my_open",
            QueueView::Unassigned => "unassigned",
            QueueView::AllOpen => "all_open",
            QueueView::RecentlyUpdated => "recent",
            QueueView::BreachingSoon => "breaching",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueView::Mine => "My tickets",
            QueueView::MyOpen => "My open",
            QueueView::Unassigned => "Unassigned",
            QueueView::AllOpen => "All open",
            QueueView::RecentlyUpdated => "Recently updated",
            QueueView::BreachingSoon => "Breaching soon",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        [
            QueueView::Mine,
            QueueView::MyOpen,
            QueueView::Unassigned,
            QueueView::AllOpen,
            QueueView::RecentlyUpdated,
            QueueView::BreachingSoon,
        ]
        .into_iter()
        .find(|v| v.as_str() == input)
        .ok_or("Unknown queue.")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub id: i64,
    pub subject: String,
    pub status: crate::domain::Status,
    pub priority: crate::domain::Priority,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    /// Agent lists only.
    pub group_name: Option<String>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The nearest due time of its running SLA clocks.
    pub sla_due_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One page of a list, with an opaque cursor for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub next: Option<String>,
    /// Stops just past [`COUNT_CAP`]; see [`count_label`].
    pub total: i64,
    /// "Breaching soon" only: how far ahead it looks, in minutes.
    #[serde(default)]
    pub due_within_minutes: Option<i64>,
}

/// How "Breaching soon" orders and bounds its tickets, in words.
pub fn breaching_order_label(minutes: i64) -> String {
    let window = match minutes {
        60 => "1 hour".to_owned(),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        1 => "1 minute".to_owned(),
        m => format!("{m} minutes"),
    };
    format!("Due within {window} or breached, soonest first")
}

/// Counts beyond this are shown as "10,000+": an exact count of a huge
/// queue would cost more than the page itself and tells an agent nothing.
pub const COUNT_CAP: i64 = 10_000;

pub fn count_label(count: i64) -> String {
    if count > COUNT_CAP {
        "10,000+".to_owned()
    } else {
        count.to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCount {
    pub view: QueueView,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: i64,
    pub author_name: String,
    pub from_staff: bool,
    /// Markdown rendered and sanitized on the server.
    pub body_html: String,
    pub internal: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// One event of a ticket's history, as data; `api::history::describe`
/// words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    pub change: crate::domain::event::DomainEvent,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl HistoryEntry {
    pub fn sentence(&self) -> String {
        super::history::describe(self.actor_name.as_deref(), self.actor_id, &self.change)
    }
}

/// A ticket as one reader may see it: for customers, internal notes and
/// their history entries are never in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub id: i64,
    pub subject: String,
    pub description_html: String,
    pub status: crate::domain::Status,
    pub priority: crate::domain::Priority,
    pub version: i64,
    pub requester_name: String,
    pub assignee_name: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub messages: Vec<MessageView>,
    pub history: Vec<HistoryEntry>,
    /// Agent-only fields: empty for customers.
    pub assignee_id: Option<i64>,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    /// Where the ticket waits for an agent, if it does (agents only).
    pub queue: Option<super::routing_types::QueueInfo>,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub tags: Vec<String>,
    pub watchers: Vec<String>,
    /// Whether the reader watches the ticket.
    pub watching: bool,
    /// Whether the reader may delete the ticket (admins).
    pub may_delete: bool,
    /// Files; internal ones only for agents.
    pub attachments: Vec<AttachmentView>,
    /// The SLA clocks: what was promised and when it is due.
    pub sla: super::sla_types::TicketSla,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    /// The reply or note it came with; `None` for the ticket's own files.
    pub message_id: Option<i64>,
    pub file_name: String,
    pub size_bytes: i64,
    pub internal: bool,
    pub uploader_name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewTicketInput {
    pub subject: String,
    pub description: String,
    pub urgency: String,
    /// Generated when the form is rendered; a double submit reuses it.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Only without an account: where to send the link to the ticket.
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// A category id, or empty when the requester is not sure.
    #[serde(default)]
    pub category: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReplyInput {
    pub ticket_id: i64,
    pub body: String,
    /// A checkbox: present ("on") for an internal note.
    #[serde(default)]
    pub internal: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusInput {
    pub ticket_id: i64,
    pub status: String,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimInput {
    pub ticket_id: i64,
}

/// The choice "none" in a select whose empty value would arrive as absent:
/// a form post's empty field deserializes to `None`.
pub const NONE: &str = "none";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TicketFieldsInput {
    pub ticket_id: i64,
    pub version: i64,
    pub priority: String,
    /// An agent's id, or empty to release the ticket.
    pub assignee_id: String,
    /// Comma- or space-separated.
    #[serde(default)]
    pub tags: String,
    /// A group id, or [`NONE`] for no group; absent (or empty, which a
    /// form post cannot tell from absent) leaves the group as it is.
    #[serde(default)]
    pub group_id: Option<String>,
    /// A category id, or [`NONE`] for no category; absent or empty leaves
    /// the category as it is.
    #[serde(default)]
    pub category_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeleteTicketInput {
    pub ticket_id: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WatchInput {
    pub ticket_id: i64,
    /// "true" to watch, "false" to stop.
    pub watching: String,
}

/// A group a ticket can belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOption {
    pub id: i64,
    pub name: String,
    pub archived: bool,
}

/// Someone a ticket can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentOption {
    pub id: i64,
    pub name: String,
}

/// A queue with optional filters and order, as in the agent's filter form
/// (every field a string so the form can be a plain GET form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueParams {
    pub view: String,
    #[serde(default)]
    pub after: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    /// The requester's email address.
    #[serde(default)]
    pub requester: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    /// "me", "none" or an agent's id.
    #[serde(default)]
    pub assignee: Option<String>,
    /// A group id.
    #[serde(default)]
    pub group: Option<String>,
    /// Words to search for.
    #[serde(default)]
    pub q: Option<String>,
    /// "updated" (default), "created" or "priority".
    #[serde(default)]
    pub sort: Option<String>,
}
