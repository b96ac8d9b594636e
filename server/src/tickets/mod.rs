//! The ticket service behind the app's [`TicketService`]: every read is
//! scoped by the actor's [`ticket_access`], every change goes through the
//! domain's state machine and the store's versioned, transactional writes.
//! Each operation lives in the file named for it; this one holds what they
//! share.

mod attachments;
mod detail;
mod edits;
pub mod files;
mod guests;
mod live;
pub mod markdown;
mod queue_info;
mod queues;
pub mod quota;
mod raise;
mod reply;
mod sla_info;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::limits::Limiter;
use crate::scheduler::RoutingSignal;
use crate::store::{LoggedEvent, SharedStore, StoreError, TicketRecord, TicketScope};
use app::api::backend::SessionUser;
use app::api::history;
use app::api::types::{AgentOption, GroupOption, QueueCount, TicketDetail, TicketPage};
use app::api::uploads::{ByteStream, StagedFile};
use app::domain::live::Topic;
use app::domain::{ticket_access, Actor, EmailAddress, TicketAccess, TicketId};
use app::service::queue_commands::QueueQuery;
use app::service::ticket_commands::{ChangeStatus, Guest, RaiseTicket, Reply, UpdateTicket, Watch};
use app::service::tickets::Download;
use app::service::{internal, ServiceError, TicketService};
use async_trait::async_trait;
use std::net::IpAddr;
use std::sync::Arc;
use tokio::sync::Notify as Wake;

pub struct Tickets {
    store: SharedStore,
    config: Arc<Config>,
    clock: SharedClock,
    limiter: Limiter,
    mail_wake: Arc<Wake>,
    routing: Arc<RoutingSignal>,
}

impl Tickets {
    pub fn new(
        store: SharedStore,
        config: Arc<Config>,
        clock: SharedClock,
        mail_wake: Arc<Wake>,
        routing: Arc<RoutingSignal>,
    ) -> Self {
        let limiter = Limiter::new(store.clone(), config.rate_limits.window_secs);
        Self {
            store,
            config,
            clock,
            limiter,
            mail_wake,
            routing,
        }
    }

    /// The ticket if this actor may see it; "not found" otherwise, exactly
    /// as for a ticket that does not exist.
    async fn visible(&self, actor: &Actor, id: TicketId) -> Result<TicketRecord, ServiceError> {
        self.store
            .ticket(id.0, scope(actor))
            .await
            .map_err(store_err)?
            .ok_or(ServiceError::NotFound)
    }

    /// What a stale edit is told: who changed what, and where things stand.
    async fn stale(&self, actor: &Actor, ticket_id: i64) -> ServiceError {
        let current = self
            .store
            .ticket(ticket_id, TicketScope::All)
            .await
            .ok()
            .flatten();
        let events: Vec<LoggedEvent> = self
            .store
            // A customer must not learn of notes or tag edits this way.
            .ticket_history(ticket_id, actor.role.is_staff())
            .await
            .unwrap_or_default();
        let mut message = String::from("This ticket changed while you were looking at it. ");
        match conflicting_change(&events) {
            Some(logged) if logged.event.change.is_sla_bookkeeping() => {
                message.push_str("Ferrodesk recomputed its SLA due times. ");
            }
            Some(logged) => {
                message.push_str(&history::describe(
                    logged.actor_name.as_deref(),
                    logged.event.actor,
                    &logged.event.change,
                ));
                message.push(' ');
            }
            None => {}
        }
        if let Some(ticket) = current {
            message.push_str(&format!(
                "It is now {}",
                ticket.status.label().to_lowercase()
            ));
            if let Some(assignee) = ticket.assignee_name {
                message.push_str(&format!(", assigned to {assignee}"));
            }
            message.push_str(". ");
        }
        message.push_str("Reload to see the latest.");
        ServiceError::conflict(message)
    }

    /// A store write's failure: a stale version is told what changed.
    async fn write_failed(&self, actor: &Actor, ticket_id: i64, err: StoreError) -> ServiceError {
        match err {
            StoreError::Stale => self.stale(actor, ticket_id).await,
            other => store_err(other),
        }
    }
}

/// The change a stale edit ran into: the last one a person made in the
/// latest change (SLA bookkeeping written with it does not count), or, when
/// Ferrodesk alone moved the ticket on, what it did.
fn conflicting_change(events: &[LoggedEvent]) -> Option<&LoggedEvent> {
    let last = events.last()?;
    let same_change = events
        .iter()
        .rev()
        .take_while(|e| e.event.at == last.event.at);
    let bookkeeping = |e: &&LoggedEvent| e.event.change.is_sla_bookkeeping();
    same_change
        .clone()
        .find(|e| e.event.actor.is_some() && !bookkeeping(e))
        .or_else(|| same_change.clone().find(|e| !bookkeeping(e)))
        .or(Some(last))
}

fn scope(actor: &Actor) -> TicketScope {
    match ticket_access(actor) {
        TicketAccess::All => TicketScope::All,
        TicketAccess::RequestedBy(id) => TicketScope::RequestedBy(id),
    }
}

fn store_err(err: StoreError) -> ServiceError {
    match err {
        StoreError::NotFound => ServiceError::NotFound,
        other => internal(other),
    }
}

fn address(text: &str) -> Option<EmailAddress> {
    EmailAddress::parse(text).ok()
}

/// The trait is the service's surface; each method lives with its kind.
#[async_trait]
impl TicketService for Tickets {
    async fn stage_file(
        &self,
        file_name: String,
        chunks: ByteStream,
    ) -> Result<Option<StagedFile>, ServiceError> {
        files::stage(
            &self.config.data_dir,
            self.config.max_attachment_bytes,
            &file_name,
            chunks,
        )
        .await
    }

    async fn raise(
        &self,
        actor: &Actor,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
    ) -> Result<TicketId, ServiceError> {
        Tickets::raise(self, actor, ticket, files).await
    }

    async fn raise_as_guest(
        &self,
        guest: Guest,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
        ip: IpAddr,
    ) -> Result<(), ServiceError> {
        Tickets::raise_as_guest(self, guest, ticket, files, ip).await
    }

    async fn follow_link(&self, token: &str) -> Result<(SessionUser, TicketId), ServiceError> {
        self.open_link(token).await
    }

    async fn groups(&self, actor: &Actor) -> Result<Vec<GroupOption>, ServiceError> {
        Tickets::groups(self, actor).await
    }

    async fn list(&self, actor: &Actor, query: QueueQuery) -> Result<TicketPage, ServiceError> {
        Tickets::list(self, actor, query).await
    }

    async fn queue_counts(&self, actor: &Actor) -> Result<Vec<QueueCount>, ServiceError> {
        Tickets::queue_counts(self, actor).await
    }

    async fn detail(&self, actor: &Actor, ticket: TicketId) -> Result<TicketDetail, ServiceError> {
        Tickets::detail(self, actor, ticket).await
    }

    async fn reply(
        &self,
        actor: &Actor,
        reply: Reply,
        files: Vec<StagedFile>,
    ) -> Result<(), ServiceError> {
        Tickets::reply(self, actor, reply, files).await
    }

    async fn change_status(&self, actor: &Actor, change: ChangeStatus) -> Result<(), ServiceError> {
        Tickets::change_status(self, actor, change).await
    }

    async fn claim(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError> {
        Tickets::claim(self, actor, ticket).await
    }

    async fn update(&self, actor: &Actor, update: UpdateTicket) -> Result<(), ServiceError> {
        Tickets::update(self, actor, update).await
    }

    async fn watch(&self, actor: &Actor, watch: Watch) -> Result<(), ServiceError> {
        Tickets::watch(self, actor, watch).await
    }

    async fn delete(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError> {
        Tickets::delete(self, actor, ticket).await
    }

    async fn agents(&self, actor: &Actor) -> Result<Vec<AgentOption>, ServiceError> {
        Tickets::agents(self, actor).await
    }

    async fn may_attach(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError> {
        Tickets::may_attach(self, actor, ticket).await
    }

    async fn attach(
        &self,
        actor: &Actor,
        ticket: TicketId,
        file: StagedFile,
        internal: bool,
    ) -> Result<(), ServiceError> {
        Tickets::attach(self, actor, ticket, file, internal).await
    }

    async fn download(&self, actor: &Actor, attachment: i64) -> Result<Download, ServiceError> {
        Tickets::download(self, actor, attachment).await
    }

    async fn may_follow(&self, actor: &Actor, topic: Topic) -> Result<(), ServiceError> {
        Tickets::may_follow(self, actor, topic).await
    }
}
