//! The SLA monitor's half of the store: find the clocks owed something and
//! carry out, in batches, what the domain's `firing` decides they owe. Each
//! clock is claimed with a conditional write and each level is recorded
//! under a unique key, so nothing fires twice — not across restarts, not
//! with two instances.

use super::batch_writes::names_of;
use super::batch_writes::{enqueue_all, id_list, values_list, ROWS_PER_STATEMENT};
use super::common::from_millis;
use super::dialect::{Dialect, SqlStore, Value};
use super::event_log::commit;
use super::millis;
use super::sla_clocks::TERMS_MATRIX_SQL;
use super::sla_rows::MatrixRow;
use super::sla_sync::answered;
use super::sla_sync::sync_sla;
use super::ticket_writes::mark_routable;
use super::MatrixRecord;
use super::{Fired, NewEmail, SlaAlert, StoreError};
use app::api::history::escalation_level;
use app::domain::escalation::EscalationAction;
use app::domain::event::{DomainEvent, Event};
use app::domain::firing::{
    consequences, raised_by, Alert, AlertTo as FiringAlertTo, Consequences, Landed,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{ColumnIndex, Encode, Executor, Type};
use std::collections::hash_map::Entry;

/// Builds the email for one alert.
pub type AlertMail = dyn Fn(&SlaAlert) -> NewEmail + Send + Sync;

#[async_trait]
pub trait SlaMonitorStore: Send + Sync {
    /// The earliest instant any clock is owed something.
    async fn next_fire_time(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// Fires what is due by `now` on up to `limit` clocks, soonest first, in
    /// one transaction: breaches, escalation levels with their actions,
    /// history events and alert emails.
    async fn fire_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
        mail: &AlertMail,
    ) -> Result<Vec<Fired>, StoreError>;
}

#[async_trait::async_trait]
impl<DB> SlaMonitorStore for SqlStore<DB>
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
    async fn next_fire_time(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<i64> = sqlx::query_scalar(
            "select min(next_fire_at) from sla_clocks where next_fire_at is not null",
        )
        .fetch_one(&self.pool)
        .await?;
        next.map(from_millis).transpose()
    }

    async fn fire_due(
        &self,
        now: DateTime<Utc>,
        limit: i64,
        mail: &crate::store::sla_monitor::AlertMail,
    ) -> Result<Vec<Fired>, StoreError> {
        use crate::store::sla_firing::{due_sql, plan, AlertTo, DueRow, Firing};
        use std::collections::{HashMap, HashSet};

        let mut tx = DB::begin_write(&self.pool).await?;
        let sql = format!("{}{}", due_sql(), DB::DUE_CLOCKS_LOCK);
        let rows: Vec<DueRow> = sqlx::query_as(&sql)
            .bind(millis(now))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut matrices: HashMap<Option<i64>, Option<app::domain::escalation::Matrix>> =
            HashMap::new();
        let mut plans: Vec<Firing> = Vec::with_capacity(rows.len());
        for row in rows {
            if let Entry::Vacant(slot) = matrices.entry(row.category_id) {
                let found: Option<MatrixRow> = sqlx::query_as(TERMS_MATRIX_SQL)
                    .bind(row.category_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let matrix = found
                    .map(MatrixRecord::try_from)
                    .transpose()?
                    .map(|m| m.fields.matrix);
                slot.insert(matrix);
            }
            let matrix = matrices.get(&row.category_id).and_then(Option::as_ref);
            plans.push(plan(row, matrix, now)?);
        }
        if plans.is_empty() {
            tx.commit().await?;
            return Ok(Vec::new());
        }

        // The claim: only the clocks still as read are written, so
        // of two instances only the one whose write lands fires.
        let mut claimed: HashSet<(i64, String)> = HashSet::with_capacity(plans.len());
        for chunk in plans.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "with v (ticket, metric, cycle, was_fired, was_status, status, breached_at, fired, next_at) \
                 as (values {}) update sla_clocks set status = v.status, breached_at = v.breached_at, \
                 levels_fired = v.fired, next_fire_at = v.next_at from v \
                 where sla_clocks.ticket_id = v.ticket and sla_clocks.metric = v.metric \
                 and sla_clocks.cycle = v.cycle and sla_clocks.levels_fired = v.was_fired \
                 and sla_clocks.status = v.was_status returning sla_clocks.ticket_id, sla_clocks.metric",
                values_list(chunk.len(), 9, "")
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
            for f in chunk {
                let p = &f.plan;
                query = query
                    .bind(f.ticket_id)
                    .bind(p.clock.metric.as_str())
                    .bind(p.clock.cycle)
                    .bind(p.was_levels_fired)
                    .bind(p.was.status.as_str())
                    .bind(p.clock.status.as_str())
                    .bind(p.clock.breached_at.map(millis))
                    .bind(p.levels_fired)
                    .bind(p.next_fire_at.map(millis));
            }
            let won = query.fetch_all(&mut *tx).await?;
            claimed.extend(won);
        }
        plans.retain(|f| claimed.contains(&(f.ticket_id, f.plan.clock.metric.as_str().to_owned())));

        // Levels: each recorded under its unique key first; a level
        // already on record fired before and does nothing now.
        let due_levels: Vec<(i64, &'static str, i64, i64)> = plans
            .iter()
            .flat_map(|f| {
                let clock = &f.plan.clock;
                f.plan
                    .levels
                    .iter()
                    .map(move |(n, _)| (f.ticket_id, clock.metric.as_str(), clock.cycle, *n as i64))
            })
            .collect();
        let mut recorded: HashSet<(i64, String, i64)> = HashSet::with_capacity(due_levels.len());
        for chunk in due_levels.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "insert into sla_escalations (ticket_id, metric, cycle, level, fired_at) values {} \
                 on conflict do nothing returning ticket_id, metric, level",
                values_list(chunk.len(), 5, "")
            );
            let mut query = sqlx::query_as::<_, (i64, String, i64)>(&sql);
            for (ticket, metric, cycle, level) in chunk {
                query = query
                    .bind(*ticket)
                    .bind(*metric)
                    .bind(*cycle)
                    .bind(*level)
                    .bind(millis(now));
            }
            let rows = query.fetch_all(&mut *tx).await?;
            recorded.extend(rows);
        }
        let landed: Vec<Landed> = plans
            .iter()
            .map(|f| {
                let metric = f.plan.clock.metric;
                Landed {
                    ticket_id: f.ticket_id,
                    metric,
                    assignee_id: f.ticket.assignee_id,
                    breached: f.plan.breached,
                    levels: f
                        .plan
                        .levels
                        .iter()
                        .filter(|(n, _)| {
                            recorded.contains(&(f.ticket_id, metric.as_str().to_owned(), *n as i64))
                        })
                        .map(|(n, level)| (*n, level))
                        .collect(),
                }
            })
            .collect();

        // The people and groups the firing levels name, for the history.
        let (mut user_ids, mut group_ids) = (Vec::new(), Vec::new());
        for (_, level) in landed.iter().flat_map(|l| l.levels.iter()) {
            for action in &level.actions {
                match action {
                    EscalationAction::NotifyUser(id) => user_ids.push(*id),
                    EscalationAction::ReassignToGroup(id) => group_ids.push(*id),
                    _ => {}
                }
            }
        }
        let user_names = names_of(&mut tx, "users", &user_ids).await?;
        let group_names = names_of(&mut tx, "agent_groups", &group_ids).await?;
        let Consequences {
            mut events,
            alerts,
            moves,
            raises,
        } = consequences(&landed, now, |action| match action {
            EscalationAction::NotifyUser(id) => user_names.get(id).cloned(),
            EscalationAction::ReassignToGroup(id) => group_names.get(id).cloned(),
            _ => None,
        });
        let mut fired: Vec<Fired> = landed
            .iter()
            .zip(&plans)
            .map(|(l, f)| Fired {
                ticket_id: l.ticket_id,
                metric: l.metric,
                cycle: f.plan.clock.cycle,
                breached: l.breached,
                levels: l.levels.iter().map(|(n, _)| *n).collect(),
                requeued: false,
                due: f.due,
            })
            .collect();

        // Moves and raises are rare and change the ticket under
        // later steps, so they go one at a time, in firing order.
        let tickets: HashMap<i64, &crate::store::sla_firing::DueTicket> =
            plans.iter().map(|f| (f.ticket_id, &f.ticket)).collect();
        let mut group_now: HashMap<i64, Option<i64>> =
            tickets.iter().map(|(id, t)| (*id, t.group_id)).collect();
        let mut requeued: HashSet<i64> = HashSet::new();
        for (ticket_id, group) in moves {
            let moved = sqlx::query(
                "update tickets set group_id = $2, assignee_id = null, assigned_at = null, \
                 version = version + 1, updated_at = $3 where id = $1 \
                 and exists (select 1 from agent_groups where id = $2 and not archived)",
            )
            .bind(ticket_id)
            .bind(group)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            if DB::rows_affected(&moved) > 0 {
                let name: String =
                    sqlx::query_scalar("select name from agent_groups where id = $1")
                        .bind(group)
                        .fetch_one(&mut *tx)
                        .await?;
                let change = DomainEvent::GroupChanged {
                    to: Some(name),
                    by_escalation: true,
                };
                events.push(Event::on_ticket(ticket_id, None, now, change));
                mark_routable(&mut tx, ticket_id, now).await?;
                group_now.insert(ticket_id, Some(group));
                requeued.insert(ticket_id);
            }
        }
        for (ticket_id, steps) in raises {
            let Some(ticket) = tickets.get(&ticket_id) else {
                continue;
            };
            let to = raised_by(ticket.priority, steps);
            if to == ticket.priority {
                continue;
            }
            sqlx::query("update tickets set priority = $2, version = version + 1, updated_at = $3 where id = $1")
                .bind(ticket_id)
                .bind(to.as_str())
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            let change = DomainEvent::PriorityChanged {
                from: ticket.priority,
                to,
                by_escalation: true,
            };
            events.push(Event::on_ticket(ticket_id, None, now, change));
            let terms = app::domain::sla::SlaEvent::TermsChanged {
                created_at: ticket.created_at,
                answered: answered(&mut tx, ticket_id).await?,
                status: ticket.status,
            };
            sync_sla(&mut tx, ticket_id, None, &[terms], now, &mut events).await?;
            if ticket.queued {
                requeued.insert(ticket_id);
            }
        }
        // A breach moves the ticket's nearest due time, a queue key.
        requeued.extend(
            landed
                .iter()
                .filter(|l| l.breached && tickets.get(&l.ticket_id).is_some_and(|t| t.queued))
                .map(|l| l.ticket_id),
        );

        // Alerts: the recipients of the whole batch in two reads.
        let alerts: Vec<(Alert, AlertTo)> = alerts
            .into_iter()
            .filter_map(|alert| {
                let to = match alert.to {
                    FiringAlertTo::User(id) => AlertTo::User(id),
                    FiringAlertTo::LeadsOfCurrentGroup => {
                        AlertTo::LeadsOf(group_now.get(&alert.ticket_id).copied().flatten()?)
                    }
                };
                Some((alert, to))
            })
            .collect();
        let users: Vec<i64> = alerts
            .iter()
            .filter_map(|(_, to)| match to {
                AlertTo::User(id) => Some(*id),
                AlertTo::LeadsOf(_) => None,
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let groups: Vec<i64> = alerts
            .iter()
            .filter_map(|(_, to)| match to {
                AlertTo::LeadsOf(id) => Some(*id),
                AlertTo::User(_) => None,
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut addresses: HashMap<AlertTo, Vec<String>> = HashMap::new();
        for chunk in users.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "select id, email from users where active and id in {}",
                id_list(chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *tx).await?;
            for (id, email) in rows {
                addresses.entry(AlertTo::User(id)).or_default().push(email);
            }
        }
        for chunk in groups.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "select m.group_id, u.email from group_members m join users u on u.id = m.user_id \
                 where m.lead and u.active and m.group_id in {} order by m.group_id, u.id",
                id_list(chunk.len())
            );
            let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.fetch_all(&mut *tx).await?;
            for (group, email) in rows {
                addresses
                    .entry(AlertTo::LeadsOf(group))
                    .or_default()
                    .push(email);
            }
        }
        let mut mails = Vec::new();
        for (alert, to) in alerts {
            let ticket_id = alert.ticket_id;
            let Some(ticket) = tickets.get(&ticket_id) else {
                continue;
            };
            let what = escalation_level(alert.metric, alert.level, alert.offset_minutes);
            for address in addresses.get(&to).into_iter().flatten() {
                let Ok(recipient) = app::domain::EmailAddress::parse(address) else {
                    continue;
                };
                let alert = SlaAlert {
                    recipient,
                    ticket_id,
                    subject: ticket.subject.clone(),
                    what: what.clone(),
                };
                mails.push(mail(&alert));
            }
        }
        enqueue_all(&mut tx, &mails, now).await?;
        commit(tx, &events).await?;
        for f in &mut fired {
            f.requeued = requeued.contains(&f.ticket_id);
        }
        Ok(fired)
    }
}
