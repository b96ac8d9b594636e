//! Raising a ticket: the form's fields, the category it is filed under
//! (which gives it a group and a default priority), and the write with its
//! acknowledgement.

use super::{address, clean_key, files, store_err, Tickets};
use crate::mail::templates;
use crate::store::{CategoryRecord, NewLink, NewTicket, Notify};
use app::api::types::NewTicketInput;
use app::api::uploads::StagedFile;
use app::domain::{MessageBody, Priority, Subject};
use app::error::{AppError, FieldErrors};

/// The validated fields of a new ticket.
pub(super) struct TicketFields {
    subject: Subject,
    description: MessageBody,
    /// `None` when the requester left it to the category.
    urgency: Option<Priority>,
}

/// Checks subject, description and urgency (staff may pick any priority,
/// customers stop short of critical), collecting every problem.
pub(super) fn parse_ticket(
    input: &NewTicketInput,
    staff: bool,
    errors: &mut FieldErrors,
) -> Option<TicketFields> {
    let subject = errors.check("subject", Subject::parse(&input.subject));
    let description = errors.check("description", MessageBody::parse(&input.description));
    let urgency = match input.urgency.trim() {
        "" => Some(None),
        text if staff => errors.check("urgency", Priority::parse(text)).map(Some),
        text => errors
            .check("urgency", Priority::parse_urgency(text))
            .map(Some),
    };
    Some(TicketFields {
        subject: subject?,
        description: description?,
        urgency: urgency?,
    })
}

impl Tickets {
    /// The active category the form names. None is fine: someone who is
    /// not sure leaves it to an agent, and the ticket waits ungrouped.
    pub(super) async fn category_for(
        &self,
        input: &NewTicketInput,
        errors: &mut FieldErrors,
    ) -> Result<Option<CategoryRecord>, AppError> {
        let chosen = input.category.as_deref().map(str::trim).unwrap_or_default();
        if chosen.is_empty() {
            return Ok(None);
        }
        let found = match chosen.parse::<i64>() {
            Ok(id) => self.store.category(id).await.map_err(store_err)?,
            Err(_) => None,
        }
        .filter(|c| !c.archived);
        Ok(errors.check(
            "category",
            found.ok_or("Choose one of the listed categories."),
        ))
    }

    /// Files a validated ticket for `requester_id` with its files, the
    /// acknowledgement (carrying `follow`'s token, if any) and history. The
    /// category gives the group, and the priority unless one was chosen.
    pub(super) async fn file_ticket(
        &self,
        requester_id: i64,
        fields: TicketFields,
        category: Option<CategoryRecord>,
        idempotency_key: Option<String>,
        files: Vec<StagedFile>,
        follow: Option<(String, NewLink)>,
    ) -> Result<i64, AppError> {
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
            idempotency_key: clean_key(idempotency_key),
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
        Ok(record.id)
    }
}
