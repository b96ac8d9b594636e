//! Ticket services behind the app's [`TicketDesk`]: every read is scoped by
//! the actor's [`ticket_access`], every change goes through the domain's
//! state machine and the store's versioned, transactional writes.

mod attachments;
pub mod files;
mod guests;
pub mod markdown;
mod queue_info;
pub mod quota;
mod raise;
mod sla_info;

use crate::clock::SharedClock;
use crate::config::Config;
use crate::limits::Limiter;
use crate::mail::templates;
use crate::scheduler::RoutingSignal;
use crate::store::{
    AssigneeFilter, ClaimOutcome, LoggedEvent, NewEmail, NewMessage, Notify, SharedStore,
    StoreError, TicketChanges, TicketCursor, TicketFilters, TicketQuery, TicketRecord, TicketScope,
    TicketSort,
};
use app::api::backend::{internal, SessionUser, TicketDesk};
use app::api::history;
use app::api::types::*;
use app::api::uploads::{ByteStream, StagedFile};
use app::domain::event::DomainEvent;
use app::domain::{
    authorize, check_transition, status_after_reply, ticket_access, Action, Actor, EmailAddress,
    MessageBody, Priority, SearchText, Status, Tag, TicketAccess,
};
use app::error::{AppError, FieldErrors};
use async_trait::async_trait;
use std::sync::Arc;
use tokio::sync::Notify as Wake;

const PAGE_SIZE: i64 = 25;

pub struct Tickets {
    store: SharedStore,
    config: Arc<Config>,
    clock: SharedClock,
    limiter: Limiter,
    mail_wake: Arc<Wake>,
    routing: Arc<RoutingSignal>,
}

impl Tickets {
    /// The end of the "Breaching soon" window, for that view only.
    fn breaching_window(&self, view: QueueView) -> Option<chrono::DateTime<chrono::Utc>> {
        (view == QueueView::BreachingSoon).then(|| {
            self.clock.now() + chrono::Duration::minutes(self.config.breaching_soon_minutes)
        })
    }

    /// The filters and order of an agent queue; `None` when they cannot
    /// match anything (an unknown requester).
    async fn filters(
        &self,
        actor_id: i64,
        params: &QueueParams,
    ) -> Result<Option<(TicketFilters, TicketSort)>, AppError> {
        let bad = |what: &str| AppError::BadRequest(format!("Unknown {what} filter."));
        let status = present(params.status.clone())
            .map(|s| Status::parse(&s).map_err(|_| bad("status")))
            .transpose()?;
        let priority = present(params.priority.clone())
            .map(|p| Priority::parse(&p).map_err(|_| bad("priority")))
            .transpose()?;
        let tag = present(params.tag.clone())
            .map(|t| Tag::parse(&t).map_err(|_| bad("tag")))
            .transpose()?;
        let sort = match present(params.sort.clone()).as_deref() {
            None | Some("updated") => TicketSort::Updated,
            Some("created") => TicketSort::Created,
            Some("priority") => TicketSort::Priority,
            Some(_) => return Err(bad("sort")),
        };
        let assignee = match present(params.assignee.clone()).as_deref() {
            None => None,
            Some("me") => Some(AssigneeFilter::User(actor_id)),
            Some("none") => Some(AssigneeFilter::Unassigned),
            Some(id) => Some(AssigneeFilter::User(
                id.parse().map_err(|_| bad("assignee"))?,
            )),
        };
        let group_id = present(params.group.clone())
            .map(|g| g.parse::<i64>().map_err(|_| bad("group")))
            .transpose()?;
        let requester_id = match present(params.requester.clone()) {
            None => None,
            Some(text) => {
                let found = match EmailAddress::parse(&text) {
                    Ok(email) => self.store.user_by_email(&email).await.map_err(store_err)?,
                    Err(_) => None,
                };
                match found {
                    Some(user) => Some(user.id),
                    None => return Ok(None),
                }
            }
        };
        let text = SearchText::parse(params.q.as_deref().unwrap_or(""))
            .map_err(|m| AppError::BadRequest(m.to_owned()))?
            .map(|t| t.as_str().to_owned());
        let filters = TicketFilters {
            status,
            priority,
            requester_id,
            tag: tag.map(|t| t.as_str().to_owned()),
            assignee,
            group_id,
            text,
        };
        Ok(Some((filters, sort)))
    }

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
    async fn visible(&self, actor: &Actor, id: i64) -> Result<TicketRecord, AppError> {
        self.store
            .ticket(id, scope(actor))
            .await
            .map_err(store_err)?
            .ok_or(AppError::NotFound)
    }

    /// What a stale edit is told: who changed what, and where things stand.
    async fn stale(&self, actor: &Actor, ticket_id: i64) -> AppError {
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
        AppError::Conflict(message)
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

/// A logged event as the history on the wire carries it.
fn history_entry(logged: LoggedEvent) -> HistoryEntry {
    HistoryEntry {
        actor_id: logged.event.actor,
        actor_name: logged.actor_name,
        change: logged.event.change,
        created_at: logged.event.at,
    }
}

fn scope(actor: &Actor) -> TicketScope {
    match ticket_access(actor) {
        TicketAccess::All => TicketScope::All,
        TicketAccess::RequestedBy(id) => TicketScope::RequestedBy(id),
    }
}

fn store_err(err: StoreError) -> AppError {
    match err {
        StoreError::NotFound => AppError::NotFound,
        other => internal(other),
    }
}

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    authorize(Some(actor), action).map_err(|_| AppError::Forbidden)
}

fn summary(t: TicketRecord) -> TicketSummary {
    TicketSummary {
        id: t.id,
        subject: t.subject,
        status: t.status,
        priority: t.priority,
        requester_name: t.requester_name,
        assignee_name: t.assignee_name,
        group_name: t.group_name,
        updated_at: t.updated_at,
        sla_due_at: t.sla_due_at,
    }
}

/// `rank.updated_ms.id.due_ms`: the sort keys of the last row of a page
/// (`due_ms` is `-` without a running SLA clock).
fn encode_cursor(t: &TicketRecord) -> String {
    let due = t
        .sla_due_at
        .map_or_else(|| "-".to_owned(), |d| d.timestamp_millis().to_string());
    format!(
        "{}.{}.{}.{due}",
        t.priority.rank(),
        t.updated_at.timestamp_millis(),
        t.id
    )
}

fn decode_cursor(text: &str) -> Result<TicketCursor, AppError> {
    let invalid = || AppError::BadRequest("The page link is not valid.".into());
    let mut parts = text.split('.');
    let (Some(rank), Some(ms), Some(id), Some(due), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(invalid());
    };
    let sla_due_at = match due {
        "-" => None,
        ms => Some(
            ms.parse()
                .ok()
                .and_then(chrono::DateTime::from_timestamp_millis)
                .ok_or_else(invalid)?,
        ),
    };
    let updated_at = ms
        .parse()
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .ok_or_else(invalid)?;
    Ok(TicketCursor {
        rank: rank.parse().map_err(|_| invalid())?,
        updated_at,
        id: id.parse().map_err(|_| invalid())?,
        sla_due_at,
    })
}

/// A form value that was actually filled in.
fn present(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Idempotency keys come from our own forms; anything else is ignored.
fn clean_key(key: Option<String>) -> Option<String> {
    key.filter(|k| {
        !k.is_empty() && k.len() <= 64 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

fn address(text: &str) -> Option<EmailAddress> {
    EmailAddress::parse(text).ok()
}

#[async_trait]
impl TicketDesk for Tickets {
    async fn stage_file(
        &self,
        file_name: String,
        chunks: ByteStream,
    ) -> Result<Option<StagedFile>, AppError> {
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
        input: NewTicketInput,
        files: Vec<StagedFile>,
    ) -> Result<i64, AppError> {
        require(actor, Action::UseTickets)?;
        let limit = self.config.rate_limits.tickets_per_account;
        self.limiter
            .hit(
                &format!("ticket:account:{}", actor.id),
                limit,
                self.clock.now(),
            )
            .await?;
        let mut errors = FieldErrors::default();
        let fields = raise::parse_ticket(&input, actor.role.is_staff(), &mut errors);
        let category = self.category_for(&input, &mut errors).await?;
        errors.into_result()?;
        let fields =
            fields.ok_or_else(|| AppError::form("Please correct the highlighted fields."))?;
        self.file_ticket(
            actor.id,
            fields,
            category,
            input.idempotency_key,
            files,
            None,
        )
        .await
    }

    async fn raise_without_account(
        &self,
        input: NewTicketInput,
        files: Vec<StagedFile>,
        ip: std::net::IpAddr,
    ) -> Result<(), AppError> {
        self.raise_as_guest(input, files, ip).await
    }

    async fn follow_link(&self, token: &str) -> Result<(SessionUser, i64), AppError> {
        self.open_link(token).await
    }

    async fn groups(&self, actor: &Actor) -> Result<Vec<GroupOption>, AppError> {
        require(actor, Action::WorkTickets)?;
        let groups = self.store.list_groups().await.map_err(store_err)?;
        Ok(groups.into_iter().map(GroupOption::from).collect())
    }

    async fn list(
        &self,
        actor: &Actor,
        view: QueueView,
        params: QueueParams,
    ) -> Result<TicketPage, AppError> {
        let (scope, active_only, assignee) = match view {
            QueueView::Mine => (
                TicketScope::RequestedBy(actor.id),
                false,
                AssigneeFilter::Any,
            ),
            QueueView::MyOpen => (TicketScope::All, true, AssigneeFilter::User(actor.id)),
            QueueView::Unassigned => (TicketScope::All, true, AssigneeFilter::Unassigned),
            QueueView::AllOpen => (TicketScope::All, true, AssigneeFilter::Any),
            QueueView::RecentlyUpdated => (TicketScope::All, false, AssigneeFilter::Any),
            QueueView::BreachingSoon => (TicketScope::All, true, AssigneeFilter::Any),
        };
        if view != QueueView::Mine {
            require(actor, Action::WorkTickets)?;
        }
        let mut query = TicketQuery::new(scope, active_only, assignee);
        query.limit = PAGE_SIZE;
        query.due_before = self.breaching_window(view);
        query.after = present(params.after.clone())
            .map(|a| decode_cursor(&a))
            .transpose()?;
        // Filters belong to the agent queues: a customer's own list has none,
        // so text search can never reveal what internal notes contain.
        if view != QueueView::Mine {
            match self.filters(actor.id, &params).await? {
                Some((filters, sort)) => {
                    query.filters = filters;
                    query.sort = if view == QueueView::BreachingSoon {
                        TicketSort::SlaDue
                    } else {
                        sort
                    };
                }
                None => {
                    return Ok(TicketPage {
                        items: Vec::new(),
                        next: None,
                        total: 0,
                        due_within_minutes: None,
                    })
                }
            }
        }
        let items = self
            .store
            .list_tickets(query.clone())
            .await
            .map_err(store_err)?;
        let total = self
            .store
            .count_tickets(TicketQuery {
                after: None,
                ..query
            })
            .await
            .map_err(store_err)?;
        let next = (items.len() as i64 == PAGE_SIZE)
            .then(|| items.last().map(encode_cursor))
            .flatten();
        Ok(TicketPage {
            items: items.into_iter().map(summary).collect(),
            next,
            total,
            due_within_minutes: (view == QueueView::BreachingSoon)
                .then_some(self.config.breaching_soon_minutes),
        })
    }

    async fn queue_counts(&self, actor: &Actor) -> Result<Vec<QueueCount>, AppError> {
        require(actor, Action::WorkTickets)?;
        let mut counts = Vec::new();
        for view in QueueView::AGENT_VIEWS {
            let (active_only, assignee) = match view {
                QueueView::MyOpen => (true, AssigneeFilter::User(actor.id)),
                QueueView::Unassigned => (true, AssigneeFilter::Unassigned),
                QueueView::AllOpen | QueueView::BreachingSoon => (true, AssigneeFilter::Any),
                _ => (false, AssigneeFilter::Any),
            };
            let mut query = TicketQuery::new(TicketScope::All, active_only, assignee);
            if view == QueueView::BreachingSoon {
                query.sort = TicketSort::SlaDue;
            }
            query.due_before = self.breaching_window(view);
            counts.push(QueueCount {
                view,
                count: self.store.count_tickets(query).await.map_err(store_err)?,
            });
        }
        Ok(counts)
    }

    async fn detail(&self, actor: &Actor, id: i64) -> Result<TicketDetail, AppError> {
        let ticket = self.visible(actor, id).await?;
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

    async fn reply(
        &self,
        actor: &Actor,
        input: ReplyInput,
        files: Vec<StagedFile>,
    ) -> Result<(), AppError> {
        let ticket = self.visible(actor, input.ticket_id).await?;
        let internal = input.internal.is_some();
        if internal {
            require(actor, Action::WorkTickets)?;
        }
        let body = MessageBody::parse(&input.body).map_err(|m| AppError::field("body", m))?;
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
            body.as_str().to_owned(),
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
            body,
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

    async fn set_status(&self, actor: &Actor, input: StatusInput) -> Result<(), AppError> {
        let ticket = self.visible(actor, input.ticket_id).await?;
        let to = Status::parse(&input.status).map_err(|m| AppError::field("status", m))?;
        if input.version != ticket.version {
            return Err(self.stale(actor, ticket.id).await);
        }
        check_transition(ticket.status, to, actor.role)
            .map_err(|e| AppError::form(&e.to_string()))?;
        match self
            .store
            .change_status(ticket.id, actor.id, to, input.version, self.clock.now())
            .await
        {
            Ok(_) => {
                self.routing.ticket(ticket.id).await;
                Ok(())
            }
            Err(StoreError::Stale) => Err(self.stale(actor, ticket.id).await),
            Err(other) => Err(store_err(other)),
        }
    }

    async fn update_fields(&self, actor: &Actor, input: TicketFieldsInput) -> Result<(), AppError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, input.ticket_id).await?;
        if input.version != ticket.version {
            return Err(self.stale(actor, ticket.id).await);
        }
        let mut errors = FieldErrors::default();
        let priority = errors.check("priority", Priority::parse(&input.priority));
        let tags = errors.check("tags", parse_tags(&input.tags));
        let assignee = match input.assignee_id.trim() {
            "" => Some(None),
            text => {
                let agent = match text.parse::<i64>() {
                    Ok(id) => self.store.user_by_id(id).await.map_err(store_err)?,
                    Err(_) => None,
                };
                errors.check(
                    "assignee_id",
                    agent
                        .filter(|u| u.active && u.role.is_staff())
                        .map(|u| Some(u.id))
                        .ok_or("Choose an active agent."),
                )
            }
        };
        let group = match input.group_id.as_deref().map(str::trim) {
            None => None,
            Some("" | NONE) => Some(None),
            Some(text) => {
                let found = match text.parse::<i64>() {
                    Ok(id) => self.store.group(id).await.map_err(store_err)?,
                    Err(_) => None,
                };
                errors.check(
                    "group_id",
                    found
                        // An archived group keeps its tickets but takes no new ones.
                        .filter(|g| !g.archived || Some(g.id) == ticket.group_id)
                        .map(|g| Some(g.id))
                        .ok_or("Choose an active group."),
                )
            }
        };
        let category = match input.category_id.as_deref().map(str::trim) {
            None => None,
            Some("" | NONE) => Some(None),
            Some(text) => {
                let found = match text.parse::<i64>() {
                    Ok(id) => self.store.category(id).await.map_err(store_err)?,
                    Err(_) => None,
                };
                errors.check(
                    "category_id",
                    found
                        // An archived category keeps its tickets but takes no new ones.
                        .filter(|c| !c.archived || Some(c.id) == ticket.category_id)
                        .map(|c| Some(c.id))
                        .ok_or("Choose an active category."),
                )
            }
        };
        errors.into_result()?;
        let current_tags = self.store.ticket_tags(ticket.id).await.map_err(store_err)?;
        let changes = TicketChanges {
            priority: priority.filter(|p| *p != ticket.priority),
            assignee: assignee.filter(|a| *a != ticket.assignee_id),
            tags: tags.filter(|t| {
                let mut new: Vec<&str> = t.iter().map(Tag::as_str).collect();
                new.sort_unstable();
                new.dedup();
                new != current_tags.iter().map(String::as_str).collect::<Vec<_>>()
            }),
            group: group.filter(|g| *g != ticket.group_id),
            category: category.filter(|c| *c != ticket.category_id),
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
        match self
            .store
            .update_ticket(
                ticket.id,
                actor.id,
                input.version,
                changes,
                notify,
                self.clock.now(),
            )
            .await
        {
            Ok(_) => {
                self.mail_wake.notify_one();
                self.routing.ticket(ticket.id).await;
                Ok(())
            }
            Err(StoreError::Stale) => Err(self.stale(actor, ticket.id).await),
            Err(other) => Err(store_err(other)),
        }
    }

    async fn watch(&self, actor: &Actor, input: WatchInput) -> Result<(), AppError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, input.ticket_id).await?;
        let watching = input.watching == "true";
        self.store
            .set_watching(ticket.id, actor.id, watching, self.clock.now())
            .await
            .map_err(store_err)
    }

    async fn delete(&self, actor: &Actor, input: DeleteTicketInput) -> Result<(), AppError> {
        require(actor, Action::DeleteTicket)?;
        let orphans = self
            .store
            .delete_ticket(input.ticket_id, actor.id, self.clock.now())
            .await
            .map_err(store_err)?;
        files::remove(&self.config.data_dir, &orphans).await;
        tracing::info!(
            ticket_id = input.ticket_id,
            actor_id = actor.id,
            "ticket deleted"
        );
        Ok(())
    }

    async fn agents(&self, actor: &Actor) -> Result<Vec<AgentOption>, AppError> {
        require(actor, Action::WorkTickets)?;
        let users = self.store.list_staff().await.map_err(store_err)?;
        Ok(users
            .into_iter()
            .filter(|u| u.active && u.role.is_staff())
            .map(|u| AgentOption {
                id: u.id,
                name: u.name,
            })
            .collect())
    }

    async fn claim(&self, actor: &Actor, input: ClaimInput) -> Result<(), AppError> {
        require(actor, Action::WorkTickets)?;
        let ticket = self.visible(actor, input.ticket_id).await?;
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
            ClaimOutcome::Taken { assignee_name } => Err(AppError::Conflict(format!(
                "{assignee_name} already has this ticket."
            ))),
        }
    }
}

/// Tags as typed: separated by commas or spaces, at most 20.
fn parse_tags(text: &str) -> Result<Vec<Tag>, &'static str> {
    let tags: Vec<Tag> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(Tag::parse)
        .collect::<Result<_, _>>()?;
    if tags.len() > 20 {
        return Err("Use at most 20 tags.");
    }
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = chrono::DateTime::from_timestamp_millis(1_800_000_000_123).unwrap();
        let cursor = decode_cursor("3.1800000000123.42.-").unwrap();
        assert_eq!(
            (cursor.rank, cursor.updated_at, cursor.id, cursor.sla_due_at),
            (3, at, 42, None)
        );
        let cursor = decode_cursor("3.1800000000123.42.1800000000123").unwrap();
        assert_eq!(cursor.sla_due_at, Some(at));
        for bad in [
            "",
            "x.1",
            "1.y",
            "12345",
            "1.2",
            "1.2.3",
            "1.2.3.x",
            "1.2.3.4.5",
            "a.1.2.-",
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_split_on_commas_and_spaces() {
        let tags: Vec<String> = parse_tags("vpn, Urgent  billing,")
            .unwrap()
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect();
        assert_eq!(tags, ["vpn", "urgent", "billing"]);
        assert!(parse_tags("ok, n/a").is_err());
        assert!(parse_tags(
            &(0..21)
                .map(|i| format!("t{i}"))
                .collect::<Vec<_>>()
                .join(",")
        )
        .is_err());
    }

    #[test]
    fn only_our_own_idempotency_keys_are_kept() {
        assert_eq!(
            clean_key(Some("3f2a-91bc".into())).as_deref(),
            Some("3f2a-91bc")
        );
        assert_eq!(clean_key(Some("x'; drop".into())), None);
        assert_eq!(clean_key(Some("a".repeat(65))), None);
    }
}
