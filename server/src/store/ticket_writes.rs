//! Writes that ticket changes share inside their transactions (files,
//! follow links, the routing mark) and the lookup of a repeated submit.

use super::dialect::{Dialect, Value};
use super::millis;
use super::routing_rows::MARK_ROUTABLE_SQL;
use super::ticket_rows::TicketRow;
use super::ticket_rows::TICKET_SELECT;
use super::NewLink;
use super::NewTicket;
use super::StoreError;
use super::StoredFile;
use super::TicketRecord;
use app::domain::event::{DomainEvent, Event};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Pool, Transaction, Type};

/// The ticket an earlier submit of the same form created, if any.
pub(super) async fn ticket_by_key<DB>(
    pool: &Pool<DB>,
    ticket: &NewTicket,
) -> Result<Option<TicketRecord>, StoreError>
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
    let Some(key) = ticket.idempotency_key.as_deref() else {
        return Ok(None);
    };
    let sql = format!("{TICKET_SELECT} where t.requester_id = $1 and t.idempotency_key = $2");
    let row: Option<TicketRow> = sqlx::query_as(&sql)
        .bind(ticket.requester_id)
        .bind(key)
        .fetch_optional(pool)
        .await?;
    row.map(TryInto::try_into).transpose()
}

pub(super) async fn mark_routable<DB>(
    tx: &mut Transaction<'_, DB>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
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
    sqlx::query(MARK_ROUTABLE_SQL)
        .bind(id)
        .bind(millis(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(super) async fn ticket_in<DB>(
    tx: &mut Transaction<'_, DB>,
    id: i64,
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
    let sql = format!("{TICKET_SELECT} where t.id = $1");
    let row: Option<TicketRow> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// Where files being recorded belong, and who sent them.
pub(super) struct FilesOn {
    pub ticket_id: i64,
    pub message_id: Option<i64>,
    pub uploader_id: i64,
    /// Internal exactly when the message is (or as the upload says).
    pub internal: bool,
}

/// Records stored files on a ticket (and message), each with its event
/// for the log; returns their ids in order.
pub(super) async fn insert_files<DB>(
    tx: &mut Transaction<'_, DB>,
    on: FilesOn,
    files: &[StoredFile],
    now: DateTime<Utc>,
    events: &mut Vec<Event>,
) -> Result<Vec<i64>, StoreError>
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
    let FilesOn {
        ticket_id,
        message_id,
        uploader_id,
        internal,
    } = on;
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        let id: i64 = sqlx::query_scalar(
            "insert into attachments (ticket_id, message_id, uploader_id, file_name, size_bytes, sha256, \
             internal, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id",
        )
        .bind(ticket_id)
        .bind(message_id)
        .bind(uploader_id)
        .bind(&file.file_name)
        .bind(file.size_bytes)
        .bind(&file.sha256)
        .bind(internal)
        .bind(millis(now))
        .fetch_one(&mut **tx)
        .await?;
        let change = DomainEvent::AttachmentAdded {
            file_name: file.file_name.clone(),
            internal,
        };
        events.push(Event::on_ticket(ticket_id, Some(uploader_id), now, change));
        ids.push(id);
    }
    Ok(ids)
}

pub(super) async fn insert_link<DB>(
    tx: &mut Transaction<'_, DB>,
    user_id: i64,
    ticket_id: i64,
    link: &NewLink,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
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
    sqlx::query(
        "insert into ticket_links (user_id, ticket_id, token_hash, expires_at, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user_id)
    .bind(ticket_id)
    .bind(&link.token_hash)
    .bind(millis(link.expires_at))
    .bind(millis(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
