//! Changes to a ticket itself: status, claims, an agent's field edits,
//! watching, and deletion. Versioned changes tell a stale editor what
//! changed meanwhile.

use super::{address, files, store_err, Tickets};
use crate::mail::templates;
use crate::store::{ClaimOutcome, Notify, TicketChanges};
use app::api::history;
use app::domain::event::DomainEvent;
use app::domain::{check_transition, Action, Actor, Tag, TicketId};
use app::service::ticket_commands::{ChangeStatus, UpdateTicket, Watch};
use app::service::{require, FieldErrors, ServiceError};

impl Tickets {
    pub(super) async fn change_status(
        &self,
        actor: &Actor,
        change: ChangeStatus,
    ) -> Result<(), ServiceError> {
        // Which moves a role may make is the state machine's rule.
        require(actor, Action::UseTickets)?;
        let ticket = self.visible(actor, change.ticket).await?;
        if change.version != ticket.version {
            return Err(self.stale(actor, ticket.id).await);
        }
        check_transition(ticket.status, change.to, actor.role)
            .map_err(|e| ServiceError::form(&e.to_string()))?;
        let now = self.clock.now();
        match self
            .store
            .change_status(ticket.id, actor.id, change.to, change.version, now)
            .await
        {
            Ok(_) => {
                self.routing.ticket(ticket.id).await;
                Ok(())
            }
            Err(err) => Err(self.write_failed(actor, ticket.id, err).await),
        }
    }

    pub(super) async fn update(
        &self,
        actor: &Actor,
        update: UpdateTicket,
    ) -> Result<(), ServiceError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, update.ticket).await?;
        if update.version != ticket.version {
            return Err(self.stale(actor, ticket.id).await);
        }
        let mut errors = FieldErrors::default();
        let assignee = match update.assignee {
            None => Some(None),
            Some(id) => {
                let agent = self.store.user_by_id(id.0).await.map_err(store_err)?;
                errors.check(
                    "assignee_id",
                    agent
                        .filter(|u| u.active && u.role.is_staff())
                        .map(|u| Some(u.id))
                        .ok_or("Choose an active agent."),
                )
            }
        };
        let group = match update
            .group
            .against(ticket.group_id.map(app::domain::GroupId))
        {
            Some(Some(id)) => {
                let found = self.store.group(id.0).await.map_err(store_err)?;
                // An archived group keeps its tickets but takes no new ones.
                errors
                    .check(
                        "group_id",
                        found
                            .filter(|g| !g.archived)
                            .map(|g| Some(g.id))
                            .ok_or("Choose an active group."),
                    )
                    .map(Some)
            }
            Some(None) => Some(Some(None)),
            None => Some(None),
        };
        let category = match update
            .category
            .against(ticket.category_id.map(app::domain::CategoryId))
        {
            Some(Some(id)) => {
                let found = self.store.category(id.0).await.map_err(store_err)?;
                // An archived category keeps its tickets but takes no new ones.
                errors
                    .check(
                        "category_id",
                        found
                            .filter(|c| !c.archived)
                            .map(|c| Some(c.id))
                            .ok_or("Choose an active category."),
                    )
                    .map(Some)
            }
            Some(None) => Some(Some(None)),
            None => Some(None),
        };
        errors.into_result()?;
        let current_tags = self.store.ticket_tags(ticket.id).await.map_err(store_err)?;
        let mut new_tags: Vec<&str> = update.tags.iter().map(Tag::as_str).collect();
        new_tags.sort_unstable();
        new_tags.dedup();
        let tags_changed = new_tags != current_tags.iter().map(String::as_str).collect::<Vec<_>>();
        let changes = TicketChanges {
            priority: Some(update.priority).filter(|p| *p != ticket.priority),
            assignee: assignee.filter(|a| *a != ticket.assignee_id),
            tags: tags_changed.then_some(update.tags),
            group: group.flatten(),
            category: category.flatten(),
        };
        if changes == TicketChanges::default() {
            return Ok(());
        }
        let (config, by, actor_id) = (self.config.clone(), actor.name.clone(), actor.id);
        let reassigned = changes.assignee.is_some();
        let notify: Notify = Box::new(move |t, events| {
            let to_other = reassigned && t.assignee_id.is_some_and(|id| id != actor_id);
            let assigned = events
                .iter()
                .find(|e| matches!(e.change, DomainEvent::TicketAssigned { .. }));
            let what = assigned.map(|e| history::describe(Some(&by), e.actor, &e.change));
            to_other
                .then(|| t.assignee_email.as_deref().and_then(address))
                .flatten()
                .zip(what)
                .map(|(to, what)| templates::assigned_to_you(&config, to, t.id, &t.subject, &what))
                .into_iter()
                .collect()
        });
        let now = self.clock.now();
        match self
            .store
            .update_ticket(ticket.id, actor.id, update.version, changes, notify, now)
            .await
        {
            Ok(_) => {
                self.mail_wake.notify_one();
                self.routing.ticket(ticket.id).await;
                Ok(())
            }
            Err(err) => Err(self.write_failed(actor, ticket.id, err).await),
        }
    }

    pub(super) async fn claim(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, ticket).await?;
        if ticket.assignee_id == Some(actor.id) {
            return Ok(());
        }
        match self
            .store
            .claim_ticket(ticket.id, actor.id, self.clock.now())
            .await
            .map_err(store_err)?
        {
            ClaimOutcome::Claimed(_) => {
                self.routing.ticket(ticket.id).await;
                Ok(())
            }
            ClaimOutcome::Taken { assignee_name } => Err(ServiceError::conflict(format!(
                "{assignee_name} already has this ticket."
            ))),
        }
    }

    pub(super) async fn watch(&self, actor: &Actor, watch: Watch) -> Result<(), ServiceError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, watch.ticket).await?;
        self.store
            .set_watching(ticket.id, actor.id, watch.watching, self.clock.now())
            .await
            .map_err(store_err)
    }

    pub(super) async fn delete(&self, actor: &Actor, ticket: TicketId) -> Result<(), ServiceError> {
        require(actor, Action::DeleteTicket)?;
        let orphans = self
            .store
            .delete_ticket(ticket.0, actor.id, self.clock.now())
            .await
            .map_err(store_err)?;
        files::remove(&self.config.data_dir, &orphans).await;
        tracing::info!(ticket_id = ticket.0, actor_id = actor.id, "ticket deleted");
        Ok(())
    }
}
