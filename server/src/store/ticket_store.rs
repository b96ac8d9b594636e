//! The ticket half of the store: one trait, implemented once for both
//! backends in `ticket_sql.rs` (the SQL is shared; SQLite accepts `$n`
//! placeholders).

pub use super::tickets::*;
use super::{NewEmail, StoreError};
use app::domain::event::Event;
use app::domain::Status;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Emails to queue with a change, built once the ticket is known (a new
/// ticket's id only exists inside the transaction).
/// The emails a change causes, made from the ticket after it and the
/// events the change wrote.
pub type Notify = Box<dyn FnOnce(&TicketRecord, &[Event]) -> Vec<NewEmail> + Send>;

/// Which tickets a list shows, and in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketQuery {
    pub scope: TicketScope,
    /// Only tickets that are not resolved or closed.
    pub active_only: bool,
    pub assignee: AssigneeFilter,
    pub filters: TicketFilters,
    pub sort: TicketSort,
    pub after: Option<TicketCursor>,
    pub limit: i64,
    /// Only tickets whose nearest open SLA due time is at or before this
    /// (breached ones included): the "Breaching soon" window.
    pub due_before: Option<DateTime<Utc>>,
}

impl TicketQuery {
    pub fn new(scope: TicketScope, active_only: bool, assignee: AssigneeFilter) -> Self {
        Self {
            scope,
            active_only,
            assignee,
            filters: TicketFilters::default(),
            sort: TicketSort::Updated,
            after: None,
            limit: 25,
            due_before: None,
        }
    }
}

/// Agent filters on top of a queue; every value is bound, never spliced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFilters {
    pub status: Option<Status>,
    pub priority: Option<app::domain::Priority>,
    pub requester_id: Option<i64>,
    pub tag: Option<String>,
    /// On top of the view's own assignee rule.
    pub assignee: Option<AssigneeFilter>,
    pub group_id: Option<i64>,
    /// Words to find in subjects, descriptions and messages (all must occur).
    pub text: Option<String>,
}

/// List orders; ties broken by id so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketSort {
    Updated,
    Created,
    /// Critical first, then by last update.
    Priority,
    /// Nearest SLA due time first; tickets without a running clock are left
    /// out.
    SlaDue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Any,
    Unassigned,
    User(i64),
}

#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Creates the ticket, its first history event and its emails in one
    /// transaction. With an idempotency key already used by this requester,
    /// returns the existing ticket and `false`.
    async fn create_ticket(
        &self,
        ticket: NewTicket,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<(TicketRecord, bool), StoreError>;
    async fn ticket(&self, id: i64, scope: TicketScope)
        -> Result<Option<TicketRecord>, StoreError>;
    async fn list_tickets(&self, query: TicketQuery) -> Result<Vec<TicketRecord>, StoreError>;
    async fn count_tickets(&self, query: TicketQuery) -> Result<i64, StoreError>;
    async fn ticket_messages(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<MessageRecord>, StoreError>;
    /// Deletes a ticket with everything on it, leaving a TicketDeleted
    /// event; returns the digests of its files that no other ticket uses,
    /// for the caller to remove from disk.
    async fn delete_ticket(
        &self,
        ticket_id: i64,
        actor_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError>;
    /// Adds a reply or note (and its status change) as one versioned edit.
    async fn add_message(
        &self,
        message: NewMessage,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError>;
    /// Moves the ticket to `to` if it is still at `expected_version`;
    /// otherwise `StoreError::Stale`.
    async fn change_status(
        &self,
        ticket_id: i64,
        actor_id: i64,
        to: Status,
        expected_version: i64,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError>;
    /// Applies agent edits if the ticket is still at `expected_version`
    /// (otherwise `StoreError::Stale`), with one history event per changed
    /// field and the emails `notify` builds, in one transaction.
    async fn update_ticket(
        &self,
        ticket_id: i64,
        actor_id: i64,
        expected_version: i64,
        changes: TicketChanges,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError>;
    async fn ticket_tags(&self, ticket_id: i64) -> Result<Vec<String>, StoreError>;
    async fn ticket_watchers(&self, ticket_id: i64) -> Result<Vec<Watcher>, StoreError>;
    /// Adds or removes a watcher; idempotent.
    async fn set_watching(
        &self,
        ticket_id: i64,
        user_id: i64,
        watching: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Records an uploaded file (already stored by hash) with its history event.
    async fn add_attachment(
        &self,
        attachment: NewAttachment,
        now: DateTime<Utc>,
    ) -> Result<AttachmentRecord, StoreError>;
    async fn ticket_attachments(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<AttachmentRecord>, StoreError>;
    async fn attachment(&self, id: i64) -> Result<Option<AttachmentRecord>, StoreError>;
    /// Assigns an unassigned ticket to `agent_id`; of concurrent claims
    /// exactly one wins.
    async fn claim_ticket(
        &self,
        ticket_id: i64,
        agent_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StoreError>;
}
