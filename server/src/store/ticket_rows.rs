//! The rows tickets are read as, the SQL they are read with, and the
//! `where` clause of ticket lists: shared by every ticket query.

use super::dialect::SearchDialect;
use super::sql_text::SqlText;
use super::{AssigneeFilter, TicketScope, TicketSort};
use super::{AttachmentRecord, MessageRecord, StoreError, TicketQuery, TicketRecord};
use app::domain::sla::SlaEvent;
use app::domain::{Priority, Role, Status};

pub(super) const TICKET_SELECT: &str = "select t.id, t.subject, t.description, t.requester_id, \
     r.name as requester_name, r.email as requester_email, t.assignee_id, a.name as assignee_name, \
     a.email as assignee_email, t.group_id, g.name as group_name, t.category_id, c.name as category_name, \
     t.priority, t.status, t.version, t.created_at, t.updated_at, t.sla_due_at from tickets t \
     join users r on r.id = t.requester_id left join users a on a.id = t.assignee_id \
     left join agent_groups g on g.id = t.group_id left join categories c on c.id = t.category_id";

#[derive(sqlx::FromRow)]
pub(super) struct TicketRow {
    id: i64,
    subject: String,
    description: String,
    requester_id: i64,
    requester_name: String,
    requester_email: String,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    assignee_email: Option<String>,
    group_id: Option<i64>,
    group_name: Option<String>,
    category_id: Option<i64>,
    category_name: Option<String>,
    priority: String,
    status: String,
    version: i64,
    created_at: i64,
    updated_at: i64,
    sla_due_at: Option<i64>,
}

impl TryFrom<TicketRow> for TicketRecord {
    type Error = StoreError;

    fn try_from(row: TicketRow) -> Result<Self, StoreError> {
        Ok(TicketRecord {
            id: row.id,
            subject: row.subject,
            description: row.description,
            requester_id: row.requester_id,
            requester_name: row.requester_name,
            requester_email: row.requester_email,
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name,
            assignee_email: row.assignee_email,
            group_id: row.group_id,
            group_name: row.group_name,
            category_id: row.category_id,
            category_name: row.category_name,
            priority: Priority::parse(&row.priority)
                .map_err(|_| corrupt("priority", &row.priority))?,
            status: Status::parse(&row.status).map_err(|_| corrupt("status", &row.status))?,
            version: row.version,
            created_at: super::common::from_millis(row.created_at)?,
            updated_at: super::common::from_millis(row.updated_at)?,
            sla_due_at: row.sla_due_at.map(super::common::from_millis).transpose()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    id: i64,
    ticket_id: i64,
    author_id: i64,
    author_name: String,
    author_role: String,
    body: String,
    internal: bool,
    created_at: i64,
}

impl TryFrom<MessageRow> for MessageRecord {
    type Error = StoreError;

    fn try_from(row: MessageRow) -> Result<Self, StoreError> {
        Ok(MessageRecord {
            id: row.id,
            ticket_id: row.ticket_id,
            author_id: row.author_id,
            author_name: row.author_name,
            author_role: Role::parse(&row.author_role)
                .map_err(|_| corrupt("role", &row.author_role))?,
            body: row.body,
            internal: row.internal,
            created_at: super::common::from_millis(row.created_at)?,
        })
    }
}

pub(super) const ATTACHMENT_SELECT: &str = "select a.id, a.ticket_id, a.message_id, u.name as uploader_name, a.file_name, \
     a.size_bytes, a.sha256, a.internal, a.created_at from attachments a join users u on u.id = a.uploader_id";

#[derive(sqlx::FromRow)]
pub(super) struct AttachmentRow {
    id: i64,
    ticket_id: i64,
    message_id: Option<i64>,
    uploader_name: String,
    file_name: String,
    size_bytes: i64,
    sha256: String,
    internal: bool,
    created_at: i64,
}

impl TryFrom<AttachmentRow> for AttachmentRecord {
    type Error = StoreError;

    fn try_from(row: AttachmentRow) -> Result<Self, StoreError> {
        Ok(AttachmentRecord {
            id: row.id,
            ticket_id: row.ticket_id,
            message_id: row.message_id,
            uploader_name: row.uploader_name,
            file_name: row.file_name,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            internal: row.internal,
            created_at: super::common::from_millis(row.created_at)?,
        })
    }
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} {value:?}"))
}

/// Appends the `where` clause of a ticket list (table alias `t`).
pub(super) fn push_filters(
    qb: &mut SqlText,
    query: &TicketQuery,
    search: &SearchDialect,
    with_cursor: bool,
) {
    qb.push(" where 1 = 1");
    if let TicketScope::RequestedBy(id) = query.scope {
        qb.push(" and t.requester_id = ").push_bind(id);
    }
    if query.active_only {
        qb.push(" and t.status not in ('resolved', 'closed')");
    }
    if query.sort == TicketSort::SlaDue {
        qb.push(" and t.sla_due_at is not null");
    }
    if let Some(before) = query.due_before {
        qb.push(" and t.sla_due_at <= ")
            .push_bind(before.timestamp_millis());
    }
    match query.assignee {
        AssigneeFilter::Any => {}
        AssigneeFilter::Unassigned => {
            qb.push(" and t.assignee_id is null");
        }
        AssigneeFilter::User(id) => {
            qb.push(" and t.assignee_id = ").push_bind(id);
        }
    }
    let filters = &query.filters;
    if let Some(status) = filters.status {
        qb.push(" and t.status = ")
            .push_bind(status.as_str().to_owned());
    }
    if let Some(priority) = filters.priority {
        qb.push(" and t.priority = ")
            .push_bind(priority.as_str().to_owned());
    }
    if let Some(requester) = filters.requester_id {
        qb.push(" and t.requester_id = ").push_bind(requester);
    }
    match filters.assignee {
        None | Some(AssigneeFilter::Any) => {}
        Some(AssigneeFilter::Unassigned) => {
            qb.push(" and t.assignee_id is null");
        }
        Some(AssigneeFilter::User(id)) => {
            qb.push(" and t.assignee_id = ").push_bind(id);
        }
    }
    if let Some(group) = filters.group_id {
        qb.push(" and t.group_id = ").push_bind(group);
    }
    if let Some(tag) = &filters.tag {
        qb.push(" and t.id in (select ticket_id from ticket_tags where tag = ")
            .push_bind(tag.clone())
            .push(")");
    }
    if let Some(term) = filters.text.as_deref().and_then(search.term) {
        qb.push(search.prefix).push_bind(term).push(search.suffix);
    }
    if let (true, Some(after)) = (with_cursor, query.after) {
        match query.sort {
            TicketSort::Updated => {
                let at = after.updated_at.timestamp_millis();
                qb.push(" and (t.updated_at < ").push_bind(at);
                qb.push(" or (t.updated_at = ")
                    .push_bind(at)
                    .push(" and t.id < ")
                    .push_bind(after.id)
                    .push("))");
            }
            TicketSort::Created => {
                qb.push(" and t.id < ").push_bind(after.id);
            }
            TicketSort::SlaDue => {
                let due = after.sla_due_at.map_or(i64::MIN, |d| d.timestamp_millis());
                qb.push(" and (t.sla_due_at > ").push_bind(due);
                qb.push(" or (t.sla_due_at = ")
                    .push_bind(due)
                    .push(" and t.id > ")
                    .push_bind(after.id)
                    .push("))");
            }
            TicketSort::Priority => {
                let at = after.updated_at.timestamp_millis();
                qb.push(" and (t.priority_rank < ").push_bind(after.rank);
                qb.push(" or (t.priority_rank = ").push_bind(after.rank);
                qb.push(" and (t.updated_at < ").push_bind(at);
                qb.push(" or (t.updated_at = ")
                    .push_bind(at)
                    .push(" and t.id < ")
                    .push_bind(after.id)
                    .push("))))");
            }
        }
    }
}

pub(super) fn order_by(sort: TicketSort) -> &'static str {
    match sort {
        TicketSort::Updated => " order by t.updated_at desc, t.id desc",
        // Ids grow with creation time.
        TicketSort::Created => " order by t.id desc",
        TicketSort::Priority => " order by t.priority_rank desc, t.updated_at desc, t.id desc",
        // Soonest due first: the "Breaching soon" queue.
        TicketSort::SlaDue => " order by t.sla_due_at, t.id",
    }
}

/// The SLA events of one message: an answer counts before the status it
/// sets (a reply that also pauses has still answered), a customer's
/// question after the status it reopens (so its clock starts running).
pub(super) fn message_sla_events(
    from: Status,
    to: Status,
    internal: bool,
    by_agent: bool,
) -> Vec<SlaEvent> {
    let moved = (from != to).then_some(SlaEvent::StatusChanged { from, to });
    let reply = (!internal).then_some(SlaEvent::PublicReply { by_agent });
    if by_agent {
        reply.into_iter().chain(moved).collect()
    } else {
        moved.into_iter().chain(reply).collect()
    }
}
