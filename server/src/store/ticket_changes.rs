//! The ticket writes with the most to them, each one transaction: raising
//! a ticket, adding a message, editing its fields, deleting it. Each ends
//! with its events appended to the log (`event_log::commit`) and the mail
//! it causes queued alongside.

use super::common::enqueue;
use super::dialect::{Dialect, Value};
use super::event_log::commit;
use super::millis;
use super::sla_sync::{answered, is_staff, sync_sla};
use super::ticket_rows::message_sla_events;
use super::ticket_writes::{
    insert_files, insert_link, mark_routable, ticket_by_key, ticket_in, FilesOn,
};
use super::{NewMessage, NewTicket, Notify, StoreError, TicketChanges, TicketRecord};
use app::domain::event::{
    AssignedBy, DomainEvent, Event, FieldChange, Named, ReleaseReason, TicketField,
};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Pool, Type};

pub(super) async fn create_ticket<DB>(
    pool: &Pool<DB>,
    ticket: NewTicket,
    notify: Notify,
    now: DateTime<Utc>,
) -> Result<(TicketRecord, bool), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    for<'n> Option<&'n str>: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    if let Some(existing) = ticket_by_key(pool, &ticket).await? {
        return Ok((existing, false));
    }
    let mut tx = DB::begin_write(pool).await?;
    let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "insert into tickets (subject, description, requester_id, priority, status, version, \
         idempotency_key, group_id, category_id, created_at, updated_at) \
         values ($1, $2, $3, $4, 'new', 1, $5, $7, $8, $6, $6) returning id",
    )
    .bind(ticket.subject.as_str())
    .bind(ticket.description.as_str())
    .bind(ticket.requester_id)
    .bind(ticket.priority.as_str())
    .bind(ticket.idempotency_key.as_deref())
    .bind(millis(now))
    .bind(ticket.group_id)
    .bind(ticket.category_id)
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok(id) => id,
        // A concurrent submit with the same key won the race.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(tx);
            let existing = ticket_by_key(pool, &ticket)
                .await?
                .ok_or(StoreError::NotFound)?;
            return Ok((existing, false));
        }
        Err(e) => return Err(e.into()),
    };
    let mut events = vec![Event::on_ticket(
        id,
        Some(ticket.requester_id),
        now,
        DomainEvent::TicketCreated {
            subject: ticket.subject.as_str().to_owned(),
        },
    )];
    let created = app::domain::sla::SlaEvent::Created {
        status: app::domain::Status::New,
    };
    sync_sla(&mut tx, id, None, &[created], now, &mut events).await?;
    mark_routable(&mut tx, id, now).await?;
    insert_files(
        &mut tx,
        FilesOn {
            ticket_id: id,
            message_id: None,
            uploader_id: ticket.requester_id,
            internal: false,
        },
        &ticket.files,
        now,
        &mut events,
    )
    .await?;
    if let Some(link) = &ticket.follow_link {
        insert_link(&mut tx, ticket.requester_id, id, link, now).await?;
    }
    let record = ticket_in(&mut tx, id).await?;
    for mail in notify(&record, &events) {
        enqueue(&mut tx, &mail, now).await?;
    }
    commit(tx, &events).await?;
    Ok((record, true))
}

pub(super) async fn delete_ticket<DB>(
    pool: &Pool<DB>,
    ticket_id: i64,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<String>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    for<'n> Option<&'n str>: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    let mut tx = DB::begin_write(pool).await?;
    let subject: Option<String> = sqlx::query_scalar("select subject from tickets where id = $1")
        .bind(ticket_id)
        .fetch_optional(&mut *tx)
        .await?;
    let subject = subject.ok_or(StoreError::NotFound)?;
    let files: Vec<String> =
        sqlx::query_scalar("select distinct sha256 from attachments where ticket_id = $1")
            .bind(ticket_id)
            .fetch_all(&mut *tx)
            .await?;
    // SQLite's search index is a virtual table, which no foreign key
    // can cascade to; on PostgreSQL the cascade has done it already.
    sqlx::query("delete from ticket_search where ticket_id = $1")
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
    // Files first: they point at messages too. Messages, tags,
    // watchers, clocks and links cascade.
    sqlx::query("delete from attachments where ticket_id = $1")
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("delete from tickets where id = $1")
        .bind(ticket_id)
        .execute(&mut *tx)
        .await?;
    let mut orphans = Vec::with_capacity(files.len());
    for sha256 in files {
        let used: Option<i64> =
            sqlx::query_scalar("select id from attachments where sha256 = $1 limit 1")
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if used.is_none() {
            orphans.push(sha256);
        }
    }
    let deleted = Event::on_ticket(
        ticket_id,
        Some(actor_id),
        now,
        DomainEvent::TicketDeleted { subject },
    );
    commit(tx, &[deleted]).await?;
    Ok(orphans)
}

pub(super) async fn add_message<DB>(
    pool: &Pool<DB>,
    message: NewMessage,
    notify: Notify,
    now: DateTime<Utc>,
) -> Result<TicketRecord, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    for<'n> Option<&'n str>: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    let mut tx = DB::begin_write(pool).await?;
    let before = ticket_in(&mut tx, message.ticket_id).await?;
    let status = message.new_status.unwrap_or(before.status);
    sqlx::query(
        "update tickets set status = $2, version = version + 1, updated_at = $3 where id = $1",
    )
    .bind(message.ticket_id)
    .bind(status.as_str())
    .bind(millis(now))
    .execute(&mut *tx)
    .await?;
    let message_id: i64 = sqlx::query_scalar(
        "insert into ticket_messages (ticket_id, author_id, body, internal, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5) returning id",
    )
    .bind(message.ticket_id)
    .bind(message.author_id)
    .bind(message.body.as_str())
    .bind(message.internal)
    .bind(millis(now))
    .fetch_one(&mut *tx)
    .await?;
    let mut events = vec![Event::on_ticket(
        message.ticket_id,
        Some(message.author_id),
        now,
        DomainEvent::MessageAdded {
            message_id,
            internal: message.internal,
        },
    )];
    insert_files(
        &mut tx,
        FilesOn {
            ticket_id: message.ticket_id,
            message_id: Some(message_id),
            uploader_id: message.author_id,
            internal: message.internal,
        },
        &message.files,
        now,
        &mut events,
    )
    .await?;
    if status != before.status {
        events.push(Event::on_ticket(
            message.ticket_id,
            Some(message.author_id),
            now,
            DomainEvent::TicketStatusChanged {
                from: before.status,
                to: status,
            },
        ));
        mark_routable(&mut tx, message.ticket_id, now).await?;
    }
    let by_agent = is_staff(&mut tx, message.author_id).await?;
    let sla = message_sla_events(before.status, status, message.internal, by_agent);
    sync_sla(&mut tx, message.ticket_id, None, &sla, now, &mut events).await?;
    if let Some(link) = &message.follow_link {
        insert_link(&mut tx, before.requester_id, message.ticket_id, link, now).await?;
    }
    let record = ticket_in(&mut tx, message.ticket_id).await?;
    for mail in notify(&record, &events) {
        enqueue(&mut tx, &mail, now).await?;
    }
    commit(tx, &events).await?;
    Ok(record)
}

pub(super) async fn update_ticket<DB>(
    pool: &Pool<DB>,
    ticket_id: i64,
    actor_id: i64,
    expected_version: i64,
    changes: TicketChanges,
    notify: Notify,
    now: DateTime<Utc>,
) -> Result<TicketRecord, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    for<'n> Option<&'n str>: Encode<'n, DB>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    let mut tx = DB::begin_write(pool).await?;
    let before = ticket_in(&mut tx, ticket_id).await?;
    let done = sqlx::query(
        "update tickets set priority = $2, assignee_id = $3, group_id = $6, category_id = $7, version = version + 1, \
         assigned_at = case when assignee_id is not distinct from $3 then assigned_at else $5 end, \
         updated_at = $5 where id = $1 and version = $4",
    )
    .bind(ticket_id)
    .bind(changes.priority.unwrap_or(before.priority).as_str())
    .bind(changes.assignee.unwrap_or(before.assignee_id))
    .bind(expected_version)
    .bind(millis(now))
    .bind(changes.group.unwrap_or(before.group_id))
    .bind(changes.category.unwrap_or(before.category_id))
    .execute(&mut *tx)
    .await?;
    if DB::rows_affected(&done) == 0 {
        return Err(StoreError::Stale);
    }
    mark_routable(&mut tx, ticket_id, now).await?;
    let after = ticket_in(&mut tx, ticket_id).await?;
    let mut events = Vec::new();
    let event = |change| Event::on_ticket(ticket_id, Some(actor_id), now, change);
    if after.priority != before.priority {
        events.push(event(DomainEvent::PriorityChanged {
            from: before.priority,
            to: after.priority,
            by_escalation: false,
        }));
    }
    if after.category_id != before.category_id {
        events.push(event(DomainEvent::CategoryChanged {
            from: before.category_name.clone(),
            to: after.category_name.clone(),
        }));
    }
    // Either can bring other SLA terms: another policy, other targets.
    if after.priority != before.priority || after.category_id != before.category_id {
        let terms = app::domain::sla::SlaEvent::TermsChanged {
            created_at: after.created_at,
            answered: answered(&mut tx, ticket_id).await?,
            status: after.status,
        };
        sync_sla(&mut tx, ticket_id, None, &[terms], now, &mut events).await?;
    }
    if after.assignee_id != before.assignee_id {
        let change = match (after.assignee_id, &after.assignee_name) {
            (Some(id), Some(name)) => DomainEvent::TicketAssigned {
                to: Named::new(id, name.as_str()),
                by: AssignedBy::Person,
            },
            _ => DomainEvent::TicketReleased {
                from: before
                    .assignee_id
                    .zip(before.assignee_name.clone())
                    .map(|(id, name)| Named::new(id, name)),
                reason: ReleaseReason::ByHand,
                queue: None,
            },
        };
        events.push(event(change));
    }
    if after.group_id != before.group_id {
        events.push(event(DomainEvent::GroupChanged {
            to: after.group_name.clone(),
            by_escalation: false,
        }));
    }
    if let Some(tags) = changes.tags {
        let old: Vec<String> =
            sqlx::query_scalar("select tag from ticket_tags where ticket_id = $1 order by tag")
                .bind(ticket_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut new: Vec<String> = tags.iter().map(|t| t.as_str().to_owned()).collect();
        new.sort();
        new.dedup();
        if new != old {
            sqlx::query("delete from ticket_tags where ticket_id = $1")
                .bind(ticket_id)
                .execute(&mut *tx)
                .await?;
            for tag in &new {
                sqlx::query("insert into ticket_tags (ticket_id, tag) values ($1, $2)")
                    .bind(ticket_id)
                    .bind(tag)
                    .execute(&mut *tx)
                    .await?;
            }
            events.push(event(DomainEvent::TicketUpdated {
                changes: vec![FieldChange {
                    field: TicketField::Tags,
                    from: old,
                    to: new,
                }],
            }));
        }
    }
    for mail in notify(&after, &events) {
        enqueue(&mut tx, &mail, now).await?;
    }
    commit(tx, &events).await?;
    Ok(after)
}
