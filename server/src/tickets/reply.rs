//! Replies and internal notes, with their files, the status a reply moves
//! the ticket to, and who is told.

use super::{address, files, quota, store_err, Tickets};
use crate::mail::templates;
use crate::store::{NewEmail, NewMessage, Notify};
use app::api::history;
use app::api::uploads::StagedFile;
use app::domain::event::DomainEvent;
use app::domain::{status_after_reply, Action, Actor};
use app::service::ticket_commands::Reply;
use app::service::{require, ServiceError};

impl Tickets {
    pub(super) async fn reply(
        &self,
        actor: &Actor,
        reply: Reply,
        files: Vec<StagedFile>,
    ) -> Result<(), ServiceError> {
        let internal = reply.internal;
        require(actor, Action::AddToTicket { internal })?;
        let ticket = self.visible(actor, reply.ticket).await?;
        let from_staff = actor.role.is_staff();
        // A requester without a password gets a fresh link with each answer.
        let (token, follow_link) = if from_staff && !internal {
            match self
                .store
                .user_by_id(ticket.requester_id)
                .await
                .map_err(store_err)?
            {
                Some(requester) if requester.password_hash.is_empty() => {
                    let (token, link) = self.new_link();
                    (Some(token), Some(link))
                }
                _ => (None, None),
            }
        } else {
            (None, None)
        };
        quota::check(
            &self.store,
            &self.config.upload_quota,
            actor.id,
            Some(ticket.id),
            &files,
            self.clock.now(),
        )
        .await?;
        let files = files::place(&self.config.data_dir, files).await?;
        let new_status = status_after_reply(ticket.status, actor.role, !internal);
        let (config, author, text) = (
            self.config.clone(),
            actor.name.clone(),
            reply.body.as_str().to_owned(),
        );
        let watchers = self
            .store
            .ticket_watchers(ticket.id)
            .await
            .map_err(store_err)?;
        let (author_id, watcher_config) = (actor.id, self.config.clone());
        let notify: Notify = Box::new(move |t, events| {
            // What the watchers are told happened, in the history's words.
            let what = events
                .iter()
                .find(|e| matches!(e.change, DomainEvent::MessageAdded { .. }))
                .map(|e| history::describe(Some(&author), e.actor, &e.change))
                .unwrap_or_default();
            // Watchers hear what the requester hears; agents among them
            // hear notes too. Nobody is told of their own message, nor twice.
            let told = if from_staff {
                &t.requester_email
            } else {
                t.assignee_email.as_deref().unwrap_or_default()
            };
            let watching: Vec<NewEmail> = watchers
                .iter()
                .filter(|w| w.user_id != author_id && (w.staff || !internal))
                .filter(|w| !w.email.eq_ignore_ascii_case(told) || internal)
                .filter_map(|w| address(&w.email))
                .map(|to| {
                    templates::watcher_update(
                        &watcher_config,
                        to,
                        t.id,
                        &t.subject,
                        &what,
                        &text,
                        internal,
                    )
                })
                .collect();
            let mail = match (internal, from_staff) {
                (true, _) => None,
                (false, true) => address(&t.requester_email).map(|to| {
                    templates::agent_replied(
                        &config,
                        to,
                        t.id,
                        &t.subject,
                        &author,
                        &text,
                        token.as_deref(),
                    )
                }),
                (false, false) => t.assignee_email.as_deref().and_then(address).map(|to| {
                    templates::customer_replied(&config, to, t.id, &t.subject, &author, &text)
                }),
            };
            mail.into_iter().chain(watching).collect()
        });
        let message = NewMessage {
            ticket_id: ticket.id,
            author_id: actor.id,
            body: reply.body,
            internal,
            new_status,
            files,
            follow_link,
        };
        self.store
            .add_message(message, notify, self.clock.now())
            .await
            .map_err(store_err)?;
        self.mail_wake.notify_one();
        self.routing.ticket(ticket.id).await;
        Ok(())
    }
}
