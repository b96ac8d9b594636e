//! Raising a ticket: who may ask for which urgency, the category it is
//! filed under (which gives it a group and a default priority), and the
//! write with its acknowledgement.

use super::{address, files, store_err, Tickets};
use crate::mail::templates;
use crate::store::{CategoryRecord, NewLink, NewTicket, Notify};
use app::api::uploads::StagedFile;
use app::domain::{Action, Actor, CategoryId, MessageBody, Priority, Subject, TicketId};
use app::service::ticket_commands::{IdempotencyKey, RaiseTicket};
use app::service::{require, ServiceError};

/// A new ticket's fields once the urgency rule has been applied.
pub(super) struct TicketFields {
    subject: Subject,
    description: MessageBody,
    /// `None` when the requester left it to the category.
    urgency: Option<Priority>,
    idempotency_key: Option<IdempotencyKey>,
}

impl TicketFields {
    /// Staff may pick any priority; customers stop short of critical.
    pub(super) fn new(ticket: RaiseTicket, by_staff: bool) -> Result<Self, ServiceError> {
        let urgency = ticket
            .urgency
            .map(|p| p.as_urgency(by_staff))
            .transpose()
            .map_err(|m| ServiceError::field("urgency", m))?;
        Ok(Self {
            subject: ticket.subject,
            description: ticket.description,
            urgency,
            idempotency_key: ticket.idempotency_key,
        })
    }
}

impl Tickets {
    pub(super) async fn raise(
        &self,
        actor: &Actor,
        ticket: RaiseTicket,
        files: Vec<StagedFile>,
    ) -> Result<TicketId, ServiceError> {
        require(actor, Action::RaiseTicket)?;
        let limit = self.config.rate_limits.tickets_per_account;
        self.limiter
            .hit(
                &format!("ticket:account:{}", actor.id),
                limit,
                self.clock.now(),
            )
            .await?;
        let category = self.category_for(ticket.category).await?;
        let fields = TicketFields::new(ticket, actor.role.is_staff())?;
        self.file_ticket(actor.id, fields, category, files, None)
            .await
    }

    /// The active category chosen. None is fine: someone who is not sure
    /// leaves it to an agent, and the ticket waits ungrouped.
    pub(super) async fn category_for(
        &self,
        chosen: Option<CategoryId>,
    ) -> Result<Option<CategoryRecord>, ServiceError> {
        let Some(id) = chosen else {
            return Ok(None);
        };
        self.store
            .category(id.0)
            .await
            .map_err(store_err)?
            .filter(|c| !c.archived)
            .map(Some)
            .ok_or_else(|| ServiceError::field("category", "Choose one of the listed categories."))
    }

    /// Files a ticket for `requester_id` with its files, the
    /// acknowledgement (carrying `follow`'s token, if any) and history. The
    /// category gives the group, and the priority unless one was chosen.
    pub(super) async fn file_ticket(
        &self,
        requester_id: i64,
        fields: TicketFields,
        category: Option<CategoryRecord>,
        files: Vec<StagedFile>,
        follow: Option<(String, NewLink)>,
    ) -> Result<TicketId, ServiceError> {
        let group_id = match category.as_ref().and_then(|c| c.group_id) {
            // An archived group takes no new tickets; they wait ungrouped.
            Some(id) => self
                .store
                .group(id)
                .await
                .map_err(store_err)?
                .filter(|g| !g.archived)
                .map(|g| g.id),
            None => None,
        };
        let priority = fields
            .urgency
            .or(category.as_ref().map(|c| c.default_priority))
            .unwrap_or(Priority::Normal);
        super::quota::check(
            &self.store,
            &self.config.upload_quota,
            requester_id,
            None,
            &files,
            self.clock.now(),
        )
        .await?;
        let files = files::place(&self.config.data_dir, files).await?;
        let (token, follow_link) = follow.unzip();
        let ticket = NewTicket {
            requester_id,
            subject: fields.subject,
            description: fields.description,
            priority,
            idempotency_key: fields.idempotency_key.map(|k| k.as_str().to_owned()),
            group_id,
            category_id: category.map(|c| c.id),
            files,
            follow_link,
        };
        let config = self.config.clone();
        let notify: Notify = Box::new(move |t, _| {
            address(&t.requester_email)
                .map(|to| {
                    templates::ticket_created(&config, to, t.id, &t.subject, token.as_deref())
                })
                .into_iter()
                .collect()
        });
        let (record, created) = self
            .store
            .create_ticket(ticket, notify, self.clock.now())
            .await
            .map_err(store_err)?;
        if created {
            self.mail_wake.notify_one();
            self.routing.ticket(record.id).await;
            tracing::info!(ticket_id = record.id, requester_id, "ticket raised");
        }
        Ok(TicketId(record.id))
    }
}
