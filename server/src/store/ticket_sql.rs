//! [`super::TicketStore`], written once for both backends.

use super::common::enqueue;
use super::dialect::{Dialect, SqlStore, Value};
use super::millis;
use super::sla_clocks::answered;
use super::sla_clocks::is_staff;
use super::sla_clocks::sync_sla;
use super::sql_text::SqlText;
use super::ticket_rows::{
    message_sla_events, order_by, push_filters, AttachmentRow, EventRow, MessageRow, TicketRow,
    ATTACHMENT_SELECT, TICKET_SELECT,
};
use super::ticket_writes::insert_files;
use super::ticket_writes::insert_link;
use super::ticket_writes::mark_routable;
use super::ticket_writes::ticket_by_key;
use super::ticket_writes::ticket_event;
use super::ticket_writes::ticket_in;
use super::ClaimOutcome;
use super::NewAttachment;
use super::NewMessage;
use super::NewTicket;
use super::Notify;
use super::StoredFile;
use super::TicketChanges;
use super::TicketScope;
use super::TicketStore;
use super::Watcher;
use super::{AttachmentRecord, EventRecord, MessageRecord, StoreError, TicketQuery, TicketRecord};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};
#[async_trait::async_trait]
impl<DB> TicketStore for SqlStore<DB>
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
    async fn create_ticket(
        &self,
        ticket: NewTicket,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<(TicketRecord, bool), StoreError> {
        if let Some(existing) = ticket_by_key(&self.pool, &ticket).await? {
            return Ok((existing, false));
        }
        let mut tx = DB::begin_write(&self.pool).await?;
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
                let existing = ticket_by_key(&self.pool, &ticket)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                return Ok((existing, false));
            }
            Err(e) => return Err(e.into()),
        };
        ticket_event(
            &mut tx,
            id,
            Some(ticket.requester_id),
            "created",
            ticket.subject.as_str(),
            false,
            now,
        )
        .await?;
        let created = app::domain::sla::SlaEvent::Created {
            status: app::domain::Status::New,
        };
        sync_sla(&mut tx, id, None, &[created], now).await?;
        mark_routable(&mut tx, id, now).await?;
        insert_files(
            &mut tx,
            id,
            None,
            ticket.requester_id,
            &ticket.files,
            false,
            now,
        )
        .await?;
        if let Some(link) = &ticket.follow_link {
            insert_link(&mut tx, ticket.requester_id, id, link, now).await?;
        }
        let record = ticket_in(&mut tx, id).await?;
        for mail in notify(&record) {
            enqueue(&mut tx, &mail, now).await?;
        }
        tx.commit().await?;
        Ok((record, true))
    }

    async fn ticket(
        &self,
        id: i64,
        scope: TicketScope,
    ) -> Result<Option<TicketRecord>, StoreError> {
        let mut qb = SqlText::new(TICKET_SELECT);
        qb.push(" where t.id = ").push_bind(id);
        if let TicketScope::RequestedBy(requester) = scope {
            qb.push(" and t.requester_id = ").push_bind(requester);
        }
        let row: Option<TicketRow> = qb.query_as().fetch_optional(&self.pool).await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn list_tickets(&self, query: TicketQuery) -> Result<Vec<TicketRecord>, StoreError> {
        let mut qb = SqlText::new(TICKET_SELECT);
        push_filters(&mut qb, &query, &<DB as Dialect>::SEARCH, true);
        qb.push(order_by(query.sort))
            .push(" limit ")
            .push_bind(query.limit.clamp(1, 100));
        let rows: Vec<TicketRow> = qb.query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn count_tickets(&self, query: TicketQuery) -> Result<i64, StoreError> {
        // Counting stops just past the cap, so a count costs at most
        // that many index entries however large the desk grows.
        let mut qb = SqlText::new("select count(*) from (select 1 from tickets t");
        push_filters(&mut qb, &query, &<DB as Dialect>::SEARCH, false);
        qb.push(" limit ")
            .push_bind(app::api::types::COUNT_CAP + 1)
            .push(") capped");
        Ok(qb.query_scalar().fetch_one(&self.pool).await?)
    }

    async fn ticket_messages(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<MessageRecord>, StoreError> {
        let mut qb = SqlText::new(
            "select m.id, m.ticket_id, m.author_id, u.name as author_name, u.role as author_role, m.body, \
             m.internal, m.created_at from ticket_messages m join users u on u.id = m.author_id \
             where m.ticket_id = ",
        );
        qb.push_bind(ticket_id);
        if !include_internal {
            qb.push(" and not m.internal");
        }
        qb.push(" order by m.id");
        let rows: Vec<MessageRow> = qb.query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn ticket_events(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<EventRecord>, StoreError> {
        let mut qb = SqlText::new(
            "select e.id, u.name as actor_name, e.kind, e.detail, e.internal, e.created_at \
             from ticket_events e left join users u on u.id = e.actor_id where e.ticket_id = ",
        );
        qb.push_bind(ticket_id);
        if !include_internal {
            qb.push(" and not e.internal");
        }
        qb.push(" order by e.id");
        let rows: Vec<EventRow> = qb.query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn add_message(
        &self,
        message: NewMessage,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
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
        let kind = if message.internal { "note" } else { "reply" };
        ticket_event(
            &mut tx,
            message.ticket_id,
            Some(message.author_id),
            kind,
            "",
            message.internal,
            now,
        )
        .await?;
        insert_files(
            &mut tx,
            message.ticket_id,
            Some(message_id),
            message.author_id,
            &message.files,
            message.internal,
            now,
        )
        .await?;
        if status != before.status {
            let detail = format!("{} → {}", before.status.label(), status.label());
            ticket_event(
                &mut tx,
                message.ticket_id,
                Some(message.author_id),
                "status",
                &detail,
                false,
                now,
            )
            .await?;
            mark_routable(&mut tx, message.ticket_id, now).await?;
        }
        let by_agent = is_staff(&mut tx, message.author_id).await?;
        let events = message_sla_events(before.status, status, message.internal, by_agent);
        sync_sla(&mut tx, message.ticket_id, None, &events, now).await?;
        if let Some(link) = &message.follow_link {
            insert_link(&mut tx, before.requester_id, message.ticket_id, link, now).await?;
        }
        let record = ticket_in(&mut tx, message.ticket_id).await?;
        for mail in notify(&record) {
            enqueue(&mut tx, &mail, now).await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    async fn change_status(
        &self,
        ticket_id: i64,
        actor_id: i64,
        to: app::domain::Status,
        expected_version: i64,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let before = ticket_in(&mut tx, ticket_id).await?;
        let done = sqlx::query(
            "update tickets set status = $2, version = version + 1, updated_at = $4 where id = $1 and version = $3",
        )
        .bind(ticket_id)
        .bind(to.as_str())
        .bind(expected_version)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        if DB::rows_affected(&done) == 0 {
            return Err(StoreError::Stale);
        }
        let detail = format!("{} → {}", before.status.label(), to.label());
        ticket_event(
            &mut tx,
            ticket_id,
            Some(actor_id),
            "status",
            &detail,
            false,
            now,
        )
        .await?;
        let moved = app::domain::sla::SlaEvent::StatusChanged {
            from: before.status,
            to,
        };
        sync_sla(&mut tx, ticket_id, None, &[moved], now).await?;
        mark_routable(&mut tx, ticket_id, now).await?;
        let record = ticket_in(&mut tx, ticket_id).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn add_attachment(
        &self,
        attachment: NewAttachment,
        now: DateTime<Utc>,
    ) -> Result<AttachmentRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        ticket_in(&mut tx, attachment.ticket_id).await?;
        let file = StoredFile {
            file_name: attachment.file_name,
            size_bytes: attachment.size_bytes,
            sha256: attachment.sha256,
        };
        let ids = insert_files(
            &mut tx,
            attachment.ticket_id,
            None,
            attachment.uploader_id,
            std::slice::from_ref(&file),
            attachment.internal,
            now,
        )
        .await?;
        let id = ids.first().copied().ok_or(StoreError::NotFound)?;
        sqlx::query("update tickets set version = version + 1, updated_at = $2 where id = $1")
            .bind(attachment.ticket_id)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let sql = format!("{ATTACHMENT_SELECT} where a.id = $1");
        let row: AttachmentRow = sqlx::query_as(&sql).bind(id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        row.try_into()
    }

    async fn ticket_attachments(
        &self,
        ticket_id: i64,
        include_internal: bool,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let mut qb = SqlText::new(ATTACHMENT_SELECT);
        qb.push(" where a.ticket_id = ").push_bind(ticket_id);
        if !include_internal {
            qb.push(" and not a.internal");
        }
        qb.push(" order by a.id");
        let rows: Vec<AttachmentRow> = qb.query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    async fn attachment(&self, id: i64) -> Result<Option<AttachmentRecord>, StoreError> {
        let sql = format!("{ATTACHMENT_SELECT} where a.id = $1");
        let row: Option<AttachmentRow> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(TryInto::try_into).transpose()
    }

    async fn update_ticket(
        &self,
        ticket_id: i64,
        actor_id: i64,
        expected_version: i64,
        changes: TicketChanges,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
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
        if after.priority != before.priority {
            let detail = format!("{} → {}", before.priority.label(), after.priority.label());
            ticket_event(
                &mut tx,
                ticket_id,
                Some(actor_id),
                "priority",
                &detail,
                false,
                now,
            )
            .await?;
        }
        if after.category_id != before.category_id {
            let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "no category".to_owned());
            let detail = format!(
                "{} → {}",
                name(&before.category_name),
                name(&after.category_name)
            );
            ticket_event(
                &mut tx,
                ticket_id,
                Some(actor_id),
                "category",
                &detail,
                false,
                now,
            )
            .await?;
        }
        // Either can bring other SLA terms: another policy, other targets.
        if after.priority != before.priority || after.category_id != before.category_id {
            let terms = app::domain::sla::SlaEvent::TermsChanged {
                created_at: after.created_at,
                answered: answered(&mut tx, ticket_id).await?,
                status: after.status,
            };
            sync_sla(&mut tx, ticket_id, None, &[terms], now).await?;
        }
        if after.assignee_id != before.assignee_id {
            let detail = match &after.assignee_name {
                Some(name) => format!("Assigned to {name}"),
                None => "Released".to_owned(),
            };
            ticket_event(
                &mut tx,
                ticket_id,
                Some(actor_id),
                "assigned",
                &detail,
                false,
                now,
            )
            .await?;
        }
        if after.group_id != before.group_id {
            let detail = match &after.group_name {
                Some(name) => format!("Moved to {name}"),
                None => "Removed from its group".to_owned(),
            };
            ticket_event(
                &mut tx,
                ticket_id,
                Some(actor_id),
                "group",
                &detail,
                false,
                now,
            )
            .await?;
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
                let detail = if new.is_empty() {
                    "none".to_owned()
                } else {
                    new.join(", ")
                };
                ticket_event(
                    &mut tx,
                    ticket_id,
                    Some(actor_id),
                    "tags",
                    &detail,
                    true,
                    now,
                )
                .await?;
            }
        }
        for mail in notify(&after) {
            enqueue(&mut tx, &mail, now).await?;
        }
        tx.commit().await?;
        Ok(after)
    }

    async fn ticket_tags(&self, ticket_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("select tag from ticket_tags where ticket_id = $1 order by tag")
                .bind(ticket_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn ticket_watchers(&self, ticket_id: i64) -> Result<Vec<Watcher>, StoreError> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "select u.id, u.name, u.email, u.role from ticket_watchers w join users u on u.id = w.user_id \
             where w.ticket_id = $1 and u.active order by lower(u.name), u.id",
        )
        .bind(ticket_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user_id, name, email, role)| Watcher {
                user_id,
                name,
                email,
                staff: matches!(role.as_str(), "agent" | "admin"),
            })
            .collect())
    }

    async fn set_watching(
        &self,
        ticket_id: i64,
        user_id: i64,
        watching: bool,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        ticket_in(&mut tx, ticket_id).await?;
        let done = if watching {
            sqlx::query("insert into ticket_watchers (ticket_id, user_id) values ($1, $2) on conflict do nothing")
        } else {
            sqlx::query("delete from ticket_watchers where ticket_id = $1 and user_id = $2")
        }
        .bind(ticket_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let changed = DB::rows_affected(&done);
        if changed > 0 {
            let kind = if watching { "watching" } else { "unwatching" };
            ticket_event(&mut tx, ticket_id, Some(user_id), kind, "", true, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn claim_ticket(
        &self,
        ticket_id: i64,
        agent_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ClaimOutcome, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        let done = sqlx::query(
            "update tickets set assignee_id = $2, assigned_at = $3, routable_since = null, \
             version = version + 1, updated_at = $3 where id = $1 and assignee_id is null",
        )
        .bind(ticket_id)
        .bind(agent_id)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let record = ticket_in(&mut tx, ticket_id).await?;
        if DB::rows_affected(&done) == 0 {
            let assignee_name = record
                .assignee_name
                .unwrap_or_else(|| "someone else".into());
            return Ok(ClaimOutcome::Taken { assignee_name });
        }
        let detail = format!(
            "Claimed by {}",
            record.assignee_name.as_deref().unwrap_or("an agent")
        );
        ticket_event(
            &mut tx,
            ticket_id,
            Some(agent_id),
            "assigned",
            &detail,
            false,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ClaimOutcome::Claimed(Box::new(record)))
    }
}
