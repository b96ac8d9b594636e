//! What goes in and comes out of the store for tickets.

use app::domain::{MessageBody, Priority, Role, Status, Subject};
use chrono::{DateTime, Utc};

pub struct NewTicket {
    pub requester_id: i64,
    pub subject: Subject,
    pub description: MessageBody,
    pub priority: Priority,
    /// Set by the form; a second submit with the same key returns the
    /// ticket the first one created.
    pub idempotency_key: Option<String>,
    pub group_id: Option<i64>,
    pub category_id: Option<i64>,
    /// Files sent with the request, already stored by hash.
    pub files: Vec<StoredFile>,
    /// For a requester without a password: the link their email carries.
    pub follow_link: Option<NewLink>,
}

/// The digest of an emailed link that opens one ticket for its requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// A file already written under its content hash, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub id: i64,
    pub subject: String,
    pub description: String,
    pub requester_id: i64,
    pub requester_name: String,
    pub requester_email: String,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub assignee_email: Option<String>,
    pub group_id: Option<i64>,
    pub group_name: Option<String>,
    pub category_id: Option<i64>,
    pub category_name: Option<String>,
    pub priority: Priority,
    pub status: Status,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The nearest due time of its running SLA clocks.
    pub sla_due_at: Option<DateTime<Utc>>,
}

/// Whose tickets a query may see. Decided by the authorization policy and
/// applied inside the query, never by filtering afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketScope {
    All,
    RequestedBy(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: i64,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

/// A message to add, with what it does to the ticket.
pub struct NewMessage {
    pub ticket_id: i64,
    pub author_id: i64,
    pub body: MessageBody,
    pub internal: bool,
    /// The status the ticket moves to with this message, if any.
    pub new_status: Option<Status>,
    /// Files sent with the message; internal exactly when the message is.
    pub files: Vec<StoredFile>,
    /// A fresh link for a requester without a password, sent with the reply.
    pub follow_link: Option<NewLink>,
}

/// The outcome of a claim: exactly one of several concurrent claims wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimOutcome {
    Claimed(Box<TicketRecord>),
    /// Someone else holds it.
    Taken {
        assignee_name: String,
    },
}

/// Where a page of a queue starts; the service parses it from its link.
pub use app::service::queue_commands::TicketCursor;

/// Agent edits of a ticket's fields; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChanges {
    pub priority: Option<Priority>,
    /// `Some(None)` releases the ticket.
    pub assignee: Option<Option<i64>>,
    /// The full new set of tags.
    pub tags: Option<Vec<app::domain::Tag>>,
    /// `Some(None)` takes the ticket out of any group.
    pub group: Option<Option<i64>>,
    /// `Some(None)` files the ticket under no category. The group stays:
    /// a category's group routes new tickets only.
    pub category: Option<Option<i64>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watcher {
    pub user_id: i64,
    pub name: String,
    /// Where their updates go; only active accounts are listed.
    pub email: String,
    pub staff: bool,
}

pub struct NewAttachment {
    pub ticket_id: i64,
    pub uploader_id: i64,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub internal: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: i64,
    pub ticket_id: i64,
    pub message_id: Option<i64>,
    pub uploader_name: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}
