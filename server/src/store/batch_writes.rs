//! Multi-row writes for the background workers (the scheduler and the SLA
//! monitor): one statement per batch instead of one per row. A burst of
//! thousands of tickets fits its time budget only this way, on PostgreSQL
//! above all, where every statement is a round trip.
//!
//! The placeholders are written out here rather than with sqlx's
//! `QueryBuilder`, whose queries cannot run in code generic over the
//! database (its arguments borrow the builder past its drop).

use super::dialect::{Dialect, Value};
use super::ticket_rows::{TicketRow, TICKET_SELECT};
use super::{millis, NewEmail, StoreError, TicketRecord};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Executor, Transaction};
use std::collections::HashMap;

/// Rows per statement: far below the bind limits of both backends
/// (SQLite 32,766, PostgreSQL 65,535) at seven binds a row.
pub(super) const ROWS_PER_STATEMENT: usize = 1_000;

/// `($1, $2, …), (…)`: `rows` groups of `columns` numbered placeholders,
/// with `fixed` appended as literal SQL to every group.
pub(super) fn values_list(rows: usize, columns: usize, fixed: &str) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push_str(fixed);
        sql.push(')');
    }
    sql
}

/// `($1, $2, …)` for an id list.
pub(super) fn id_list(count: usize) -> String {
    values_list(1, count, "")
}

/// Queues many emails in the outbox at once.
pub(super) async fn enqueue_all<DB>(
    tx: &mut Transaction<'_, DB>,
    mails: &[NewEmail],
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    i64: Value<DB>,
    String: Value<DB>,
{
    for chunk in mails.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "insert into outbox (recipient, subject, body_text, message_id, next_attempt_at, \
             created_at, updated_at, status, attempts) values {}",
            values_list(chunk.len(), 7, ", 'pending', 0")
        );
        let mut query = sqlx::query(&sql);
        for mail in chunk {
            query = query
                .bind(mail.recipient.as_str().to_owned())
                .bind(mail.subject.clone())
                .bind(mail.body_text.clone())
                .bind(mail.message_id.clone())
                .bind(millis(now))
                .bind(millis(now))
                .bind(millis(now));
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The tickets with these ids, in no particular order.
pub(super) async fn tickets_in_all<DB>(
    tx: &mut Transaction<'_, DB>,
    ids: &[i64],
) -> Result<Vec<TicketRecord>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'n> &'n str: ColumnIndex<DB::Row>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
    Option<String>: Value<DB>,
{
    let mut records = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!("{TICKET_SELECT} where t.id in {}", id_list(chunk.len()));
        let mut query = sqlx::query_as::<_, TicketRow>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut **tx).await? {
            records.push(row.try_into()?);
        }
    }
    Ok(records)
}

/// The names of the rows of `table` (users or groups) with these ids; ids
/// no longer there are left out.
pub(super) async fn names_of<DB>(
    tx: &mut Transaction<'_, DB>,
    table: &'static str,
    ids: &[i64],
) -> Result<HashMap<i64, String>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    i64: Value<DB>,
    String: Value<DB>,
{
    let mut names = HashMap::new();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "select id, name from {table} where id in {}",
            id_list(chunk.len())
        );
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in chunk {
            query = query.bind(*id);
        }
        names.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        assert_eq!(values_list(2, 3, ""), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_list(1, 2, ", 'x'"), "($1, $2, 'x')");
        assert_eq!(id_list(3), "($1, $2, $3)");
    }
}
