//! The ticket service: raising, reading, replying, status changes, claims,
//! field edits, watching, deletion and files. Implemented by the server
//! over its store; every method scopes what it reads by the actor (see
//! `domain::ticket_access`) and asks the policy once.

use super::error::ServiceError;
use super::queue_commands::QueueQuery;
use super::ticket_commands::{ChangeStatus, Guest, RaiseTicket, Reply, UpdateTicket, Watch};
use crate::api::backend::SessionUser;
use crate::api::types::{AgentOption, GroupOption, QueueCount, TicketDetail, TicketPage};
use crate::api::uploads::{ByteStream, StagedFile};
use crate::domain::live::Topic;
use crate::domain::{Actor, TicketId};
use async_trait::async_trait;
use std::net::IpAddr;

/// A file as it is downloaded.
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait TicketService: Send + Sync + 'static {
    /// Writes one uploaded file to the staging area, refusing it once it
    /// passes the size limit; `None` for an empty part (no file chosen).
    async fn stage_file(
        &self,
        file_name: String,
        chunks: ByteStream,
    ) -> Result<Option<StagedFile>, ServiceError>;
    /// Returns the new (or, for a repeated idempotency key, existing) ticket.
    async fn raise(
        &self,
        actor: &Actor,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
    ) -> Result<TicketId, ServiceError>;
    /// A ticket from someone without an account: it is filed under their
    /// address and they get a link by email to follow it. Says the same
    /// whether or not the address has an account.
    async fn raise_as_guest(
        &self,
        guest: Guest,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
        ip: IpAddr,
    ) -> Result<(), ServiceError>;
    /// The session an emailed ticket link opens, and the ticket it is for.
    async fn follow_link(&self, token: &str) -> Result<(SessionUser, TicketId), ServiceError>;
    async fn groups(&self, actor: &Actor) -> Result<Vec<GroupOption>, ServiceError>;
    async fn list(&self, actor: &Actor, query: QueueQuery) -> Result<TicketPage, ServiceError>;
    async fn queue_counts(&self, actor: &Actor) -> Result<Vec<QueueCount>, ServiceError>;
    async fn detail(&self, actor: &Actor, ticket: TicketId) -> Result<TicketDetail, ServiceError>;
    async fn reply(
        &self,
        actor: &Actor,
        reply: Reply,
        files: Vec<StagedFile>,
    ) -> Result<(), ServiceError>;
    async fn change_status(&self, actor: &Actor, change: ChangeStatus) -> Result<(), ServiceError>;
    async fn claim(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError>;
    async fn update(&self, actor: &Actor, update: UpdateTicket) -> Result<(), ServiceError>;
    async fn watch(&self, actor: &Actor, watch: Watch) -> Result<(), ServiceError>;
    /// Deletes a ticket for good; its TicketDeleted event stays in the log.
    async fn delete(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError>;
    async fn agents(&self, actor: &Actor) -> Result<Vec<AgentOption>, ServiceError>;
    /// Whether `actor` may attach to the ticket at all; asked before an
    /// upload is read, so nobody streams files to a ticket they cannot see.
    async fn may_attach(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError>;
    /// Attaches one staged file; internal files are for staff only.
    async fn attach(
        &self,
        actor: &Actor,
        ticket: TicketId,
        file: StagedFile,
        internal: bool,
    ) -> Result<(), ServiceError>;
    /// The file, if `actor` may see it: an internal file or another
    /// customer's ticket is "not found", exactly as a missing one.
    async fn download(&self, actor: &Actor, attachment: i64) -> Result<Download, ServiceError>;
    /// Whether `actor` may follow `topic` on the live channel. A ticket
    /// they may not read is "not found", as when reading it.
    async fn may_follow(&self, actor: &Actor, topic: Topic) -> Result<(), ServiceError>;
}
