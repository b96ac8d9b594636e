//! One ticket as its page shows it: conversation, files, history, SLA and,
//! for staff, tags, watchers and the queue it waits in.

use super::{markdown, store_err, Tickets};
use crate::store::LoggedEvent;
use app::api::types::{AttachmentView, HistoryEntry, MessageView, TicketDetail};
use app::domain::{authorize, Action, Actor, TicketId};
use app::service::{require, ServiceError};

impl Tickets {
    /// Beyond the policy, visibility is the check: a ticket one may not
    /// see is "not found", and what staff alone see is read for staff alone.
    pub(super) async fn detail(
        &self,
        actor: &Actor,
        id: TicketId,
    ) -> Result<TicketDetail, ServiceError> {
        require(actor, Action::ReadTickets)?;
        let ticket = self.visible(actor, id).await?;
        let id = ticket.id;
        let staff = actor.role.is_staff();
        let messages = self
            .store
            .ticket_messages(id, staff)
            .await
            .map_err(store_err)?;
        let events = self
            .store
            .ticket_history(id, staff)
            .await
            .map_err(store_err)?;
        let (tags, watchers) = if staff {
            let tags = self.store.ticket_tags(id).await.map_err(store_err)?;
            let watchers = self.store.ticket_watchers(id).await.map_err(store_err)?;
            (tags, watchers)
        } else {
            (Vec::new(), Vec::new())
        };
        let watching = watchers.iter().any(|w| w.user_id == actor.id);
        let queue = if staff {
            self.queue_info(&ticket).await?
        } else {
            None
        };
        let attachments = self
            .store
            .ticket_attachments(id, staff)
            .await
            .map_err(store_err)?;
        let sla = self.ticket_sla(id).await?;
        Ok(TicketDetail {
            sla,
            id: ticket.id,
            description_html: markdown::render(&ticket.description),
            subject: ticket.subject,
            status: ticket.status,
            priority: ticket.priority,
            version: ticket.version,
            requester_name: ticket.requester_name,
            assignee_name: ticket.assignee_name,
            created_at: ticket.created_at,
            updated_at: ticket.updated_at,
            messages: messages
                .into_iter()
                .map(|m| MessageView {
                    id: m.id,
                    author_name: m.author_name,
                    from_staff: m.author_role.is_staff(),
                    body_html: markdown::render(&m.body),
                    internal: m.internal,
                    created_at: m.created_at,
                })
                .collect(),
            assignee_id: if staff { ticket.assignee_id } else { None },
            group_id: ticket.group_id.filter(|_| staff),
            group_name: ticket.group_name.filter(|_| staff),
            queue,
            category_id: ticket.category_id,
            category_name: ticket.category_name,
            tags,
            watchers: watchers.into_iter().map(|w| w.name).collect(),
            watching,
            // What the page offers, not a check: deletion asks the policy itself.
            may_delete: authorize(Some(actor), Action::DeleteTicket).is_ok(),
            attachments: attachments
                .into_iter()
                .map(|a| AttachmentView {
                    id: a.id,
                    message_id: a.message_id,
                    file_name: a.file_name,
                    size_bytes: a.size_bytes,
                    internal: a.internal,
                    uploader_name: a.uploader_name,
                    created_at: a.created_at,
                })
                .collect(),
            history: events.into_iter().map(history_entry).collect(),
        })
    }
}

/// A logged event as the history on the wire carries it.
fn history_entry(logged: LoggedEvent) -> HistoryEntry {
    HistoryEntry {
        actor_id: logged.event.actor,
        actor_name: logged.actor_name,
        change: logged.event.change,
        created_at: logged.event.at,
    }
}
