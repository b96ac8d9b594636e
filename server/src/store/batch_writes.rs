//! Multi-row writes for the background workers (the scheduler and the SLA
//! monitor): one statement per batch instead of one per row. A burst of
//! thousands of tickets fits its time budget only this way, on PostgreSQL
//! above all, where every statement is a round trip.

/// One history event of a batch.
pub(super) struct NewEvent {
    pub ticket_id: i64,
    pub kind: &'static str,
    pub detail: String,
    pub internal: bool,
}

/// Rows per statement: far below the bind limits of both backends
/// (SQLite 32,766, PostgreSQL 65,535) at seven binds a row.
pub(super) const ROWS_PER_STATEMENT: usize = 1_000;

macro_rules! impl_batch_writes {
    ($db:ty) => {
        /// Writes system events (no actor) on many tickets at once.
        async fn insert_events(
            tx: &mut sqlx::Transaction<'_, $db>,
            events: &[$crate::store::batch_writes::NewEvent],
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            for chunk in events.chunks($crate::store::batch_writes::ROWS_PER_STATEMENT) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "insert into ticket_events (ticket_id, actor_id, kind, detail, internal, created_at, updated_at) ",
                );
                q.push_values(chunk, |mut row, event| {
                    row.push_bind(event.ticket_id)
                        .push_bind(None::<i64>)
                        .push_bind(event.kind)
                        .push_bind(event.detail.clone())
                        .push_bind(event.internal)
                        .push_bind(millis(now))
                        .push_bind(millis(now));
                });
                q.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Queues many emails in the outbox at once.
        async fn enqueue_all(
            tx: &mut sqlx::Transaction<'_, $db>,
            mails: &[NewEmail],
            now: DateTime<Utc>,
        ) -> Result<(), StoreError> {
            for chunk in mails.chunks($crate::store::batch_writes::ROWS_PER_STATEMENT) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "insert into outbox (recipient, subject, body_text, message_id, status, attempts, \
                     next_attempt_at, created_at, updated_at) ",
                );
                q.push_values(chunk, |mut row, mail| {
                    row.push_bind(mail.recipient.as_str().to_owned())
                        .push_bind(mail.subject.clone())
                        .push_bind(mail.body_text.clone())
                        .push_bind(mail.message_id.clone())
                        .push("'pending'")
                        .push("0")
                        .push_bind(millis(now))
                        .push_bind(millis(now))
                        .push_bind(millis(now));
                });
                q.build().execute(&mut **tx).await?;
            }
            Ok(())
        }

        /// Appends `(id, id, …)`, each id a bound parameter.
        fn push_ids(q: &mut sqlx::QueryBuilder<'_, $db>, ids: &[i64]) {
            q.push("(");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(")");
        }

        /// The tickets with these ids, in no particular order.
        async fn tickets_in_all(
            tx: &mut sqlx::Transaction<'_, $db>,
            ids: &[i64],
        ) -> Result<Vec<TicketRecord>, StoreError> {
            let mut records = Vec::with_capacity(ids.len());
            for chunk in ids.chunks($crate::store::batch_writes::ROWS_PER_STATEMENT) {
                let mut q = sqlx::QueryBuilder::<$db>::new(TICKET_SELECT);
                q.push(" where t.id in ");
                push_ids(&mut q, chunk);
                let rows: Vec<TicketRow> = q.build_query_as().fetch_all(&mut **tx).await?;
                for row in rows {
                    records.push(row.try_into()?);
                }
            }
            Ok(records)
        }

        /// The names of the rows of `table` (users or groups) with these
        /// ids; ids no longer there are left out.
        async fn names_of(
            tx: &mut sqlx::Transaction<'_, $db>,
            table: &'static str,
            ids: &[i64],
        ) -> Result<std::collections::HashMap<i64, String>, StoreError> {
            let mut names = std::collections::HashMap::new();
            for chunk in ids.chunks($crate::store::batch_writes::ROWS_PER_STATEMENT) {
                let mut q = sqlx::QueryBuilder::<$db>::new(format!("select id, name from {table} where id in "));
                push_ids(&mut q, chunk);
                let rows: Vec<(i64, String)> = q.build_query_as().fetch_all(&mut **tx).await?;
                names.extend(rows);
            }
            Ok(names)
        }
    };
}

pub(super) use impl_batch_writes;
