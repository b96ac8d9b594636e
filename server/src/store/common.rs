//! The account, outbox and audit rows, and the writes other stores share
//! inside their transactions (queuing mail, recording an admin change,
//! creating or finding a user).

use super::dialect::{Dialect, Value};
use super::NewUser;
use super::{millis, NewEmail, OutboxMessage, OutboxStatus, StoreError, UserRecord};
use app::domain::event::{DomainEvent, Event, Named};
use app::domain::{EmailAddress, Role};
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Pool, Transaction, Type};

pub(super) const USER_COLUMNS: &str =
    "id, email, name, role, password_hash, timezone, active, session_epoch, created_at, updated_at";

pub(super) const OUTBOX_COLUMNS: &str =
    "id, recipient, subject, body_text, message_id, status, attempts, last_error";

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    password_hash: String,
    timezone: String,
    active: bool,
    session_epoch: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(UserRecord {
            id: row.id,
            email: row.email,
            name: row.name,
            role: Role::parse(&row.role)
                .map_err(|_| StoreError::Corrupt(format!("role {:?}", row.role)))?,
            password_hash: row.password_hash,
            timezone: row.timezone,
            active: row.active,
            session_epoch: row.session_epoch,
            created_at: from_millis(row.created_at)?,
            updated_at: from_millis(row.updated_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct OutboxRow {
    id: i64,
    recipient: String,
    subject: String,
    body_text: String,
    message_id: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
}

impl TryFrom<OutboxRow> for OutboxMessage {
    type Error = StoreError;

    fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
        let status = match row.status.as_str() {
            "pending" => OutboxStatus::Pending,
            "sent" => OutboxStatus::Sent,
            "dead" => OutboxStatus::Dead,
            other => return Err(StoreError::Corrupt(format!("outbox status {other:?}"))),
        };
        Ok(OutboxMessage {
            id: row.id,
            recipient: row.recipient,
            subject: row.subject,
            body_text: row.body_text,
            message_id: row.message_id,
            status,
            attempts: row.attempts,
            last_error: row.last_error,
        })
    }
}

/// `%text%` for a case-insensitive LIKE, with the wildcards in `text`
/// escaped (the queries say `escape '\'`).
pub(super) fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars().take(100) {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

pub(super) fn from_millis(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms}")))
}

/// Maps a unique-constraint violation to a conflict, everything else to a
/// database error.
pub(super) fn unique_as_conflict(err: sqlx::Error, what: &'static str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Database(err),
    }
}

/// Queues one email in the outbox, inside the transaction of the change
/// that causes it.
pub(super) async fn enqueue<DB>(
    tx: &mut Transaction<'_, DB>,
    mail: &NewEmail,
    now: DateTime<Utc>,
) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB>,
    i64: Value<DB>,
    String: Value<DB>,
{
    sqlx::query(
        "insert into outbox (recipient, subject, body_text, message_id, status, attempts, \
         next_attempt_at, created_at, updated_at) values ($1, $2, $3, $4, 'pending', 0, $5, $5, $5)",
    )
    .bind(mail.recipient.as_str())
    .bind(&mail.subject)
    .bind(&mail.body_text)
    .bind(&mail.message_id)
    .bind(millis(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A new account; a taken address is `StoreError::Conflict("email")`.
pub(super) async fn insert_user<DB>(
    pool: &Pool<DB>,
    user: NewUser,
    now: DateTime<Utc>,
) -> Result<UserRecord, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
    Option<i64>: Value<DB>,
{
    let sql = format!(
        "insert into users (email, name, role, password_hash, timezone, active, session_epoch, \
         created_at, updated_at) values ($1, $2, $3, $4, $5, true, 0, $6, $6) returning {USER_COLUMNS}"
    );
    let mut tx = DB::begin_write(pool).await?;
    let row: UserRow = sqlx::query_as(&sql)
        .bind(user.email.as_str())
        .bind(user.name.as_str())
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(user.timezone.as_str())
        .bind(millis(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| unique_as_conflict(e, "email"))?;
    let created: UserRecord = row.try_into()?;
    // Made by Ferrodesk itself: the command line, a seed, or the guest
    // account behind a follow link.
    let change = DomainEvent::UserCreated {
        user: Named::new(created.id, created.name.as_str()),
        role: created.role,
    };
    super::event_log::commit(tx, &[Event::admin(None, now, change)]).await?;
    Ok(created)
}

pub(super) async fn user_by_email<DB>(
    pool: &Pool<DB>,
    email: &EmailAddress,
) -> Result<Option<UserRecord>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    str: Type<DB>,
    for<'n> &'n str: Encode<'n, DB> + ColumnIndex<DB::Row>,
    i64: Value<DB>,
    bool: Value<DB>,
    String: Value<DB>,
{
    let sql = format!("select {USER_COLUMNS} from users where email = $1");
    let row: Option<UserRow> = sqlx::query_as(&sql)
        .bind(email.as_str())
        .fetch_optional(pool)
        .await?;
    row.map(TryInto::try_into).transpose()
}

/// The roles that work tickets, for `role in (…)` clauses: the domain says
/// who is staff, the SQL only binds it. Returns the list of placeholders
/// numbered from `first`, and the values to bind to them in order.
pub(super) fn staff_roles(first: usize) -> (String, Vec<&'static str>) {
    let roles: Vec<&'static str> = Role::ALL
        .into_iter()
        .filter(|role| role.is_staff())
        .map(Role::as_str)
        .collect();
    let list = (first..first + roles.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    (format!("({list})"), roles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_roles_come_from_the_domain() {
        assert_eq!(
            staff_roles(2),
            ("($2, $3)".to_owned(), vec!["agent", "admin"])
        );
    }
}
