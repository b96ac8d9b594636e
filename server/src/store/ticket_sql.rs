//! [`super::TicketStore`], written once for both backends.

use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::millis;
use super::sla_sync::sync_sla;
use super::sql_text::SqlText;
use super::ticket_changes;
use super::ticket_rows::{
    order_by, push_filters, AttachmentRow, MessageRow, TicketRow, ATTACHMENT_SELECT, TICKET_SELECT,
};
use super::ticket_writes::mark_routable;
use super::ticket_writes::ticket_in;
use super::ticket_writes::{insert_files, FilesOn};
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
use super::{AttachmentRecord, MessageRecord, StoreError, TicketQuery, TicketRecord};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::Role;
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
        ticket_changes::create_ticket(&self.pool, ticket, notify, now).await
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

    async fn delete_ticket(
        &self,
        ticket_id: i64,
        actor_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        ticket_changes::delete_ticket(&self.pool, ticket_id, actor_id, now).await
    }

    async fn add_message(
        &self,
        message: NewMessage,
        notify: Notify,
        now: DateTime<Utc>,
    ) -> Result<TicketRecord, StoreError> {
        ticket_changes::add_message(&self.pool, message, notify, now).await
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
        let mut events = vec![Event::on_ticket(
            ticket_id,
            Some(actor_id),
            now,
            DomainEvent::TicketStatusChanged {
                from: before.status,
                to,
            },
        )];
        let moved = app::domain::sla::SlaEvent::StatusChanged {
            from: before.status,
            to,
        };
        sync_sla(&mut tx, ticket_id, None, &[moved], now, &mut events).await?;
        mark_routable(&mut tx, ticket_id, now).await?;
        let record = ticket_in(&mut tx, ticket_id).await?;
        commit(tx, &events).await?;
        Ok(record)
    }

    async fn add_attachment(
        &self,
        attachment: NewAttachment,
        now: DateTime<Utc>,
    ) -> Result<AttachmentRecord, StoreError> {
        let mut tx = DB::begin_write(&self.pool).await?;
        ticket_in(&mut tx, attachment.ticket_id).await?;
        let mut events = Vec::new();
        let file = StoredFile {
            file_name: attachment.file_name,
            size_bytes: attachment.size_bytes,
            sha256: attachment.sha256,
        };
        let ids = insert_files(
            &mut tx,
            FilesOn {
                ticket_id: attachment.ticket_id,
                message_id: None,
                uploader_id: attachment.uploader_id,
                internal: attachment.internal,
            },
            std::slice::from_ref(&file),
            now,
            &mut events,
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
        commit(tx, &events).await?;
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
        ticket_changes::update_ticket(
            &self.pool,
            ticket_id,
            actor_id,
            expected_version,
            changes,
            notify,
            now,
        )
        .await
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
                staff: Role::parse(&role).is_ok_and(Role::is_staff),
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
        let mut events = Vec::new();
        if DB::rows_affected(&done) > 0 {
            let change = if watching {
                DomainEvent::WatchStarted
            } else {
                DomainEvent::WatchStopped
            };
            events.push(Event::on_ticket(ticket_id, Some(user_id), now, change));
        }
        commit(tx, &events).await
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
        let by = Named::new(agent_id, record.assignee_name.clone().unwrap_or_default());
        let claimed = Event::on_ticket(
            ticket_id,
            Some(agent_id),
            now,
            DomainEvent::TicketClaimed { by },
        );
        commit(tx, &[claimed]).await?;
        Ok(ClaimOutcome::Claimed(Box::new(record)))
    }
}
