//! Queues: the customer's own list and the agents' views with filters,
//! order and keyset pages, their counts, and the pickers beside them.

use super::{store_err, Tickets};
use crate::store::{
    AssigneeFilter, TicketFilters, TicketQuery, TicketRecord, TicketScope, TicketSort,
};
use app::api::types::{AgentOption, GroupOption, QueueCount, QueueView, TicketPage, TicketSummary};
use app::domain::{Action, Actor};
use app::service::queue_commands::{
    AssigneeChoice, QueueFilters, QueueQuery, QueueSort, RequesterChoice, TicketCursor,
};
use app::service::{require, ServiceError};
use chrono::{DateTime, Utc};

const PAGE_SIZE: i64 = 25;

impl Tickets {
    /// The end of the "Breaching soon" window, for that view only.
    fn breaching_window(&self, view: QueueView) -> Option<DateTime<Utc>> {
        (view == QueueView::BreachingSoon).then(|| {
            self.clock.now() + chrono::Duration::minutes(self.config.breaching_soon_minutes)
        })
    }

    /// The store's filters for an agent's; `None` when they cannot match
    /// anything (an unknown requester).
    async fn store_filters(
        &self,
        actor: &Actor,
        filters: QueueFilters,
    ) -> Result<Option<TicketFilters>, ServiceError> {
        let requester_id = match filters.requester {
            None => None,
            Some(RequesterChoice::Unmatchable) => return Ok(None),
            Some(RequesterChoice::Address(email)) => {
                match self.store.user_by_email(&email).await.map_err(store_err)? {
                    Some(user) => Some(user.id),
                    None => return Ok(None),
                }
            }
        };
        Ok(Some(TicketFilters {
            status: filters.status,
            priority: filters.priority,
            requester_id,
            tag: filters.tag.map(|t| t.as_str().to_owned()),
            assignee: filters.assignee.map(|choice| match choice {
                AssigneeChoice::Me => AssigneeFilter::User(actor.id),
                AssigneeChoice::Nobody => AssigneeFilter::Unassigned,
                AssigneeChoice::Agent(id) => AssigneeFilter::User(id.0),
            }),
            group_id: filters.group.map(|g| g.0),
            text: filters.text.map(|t| t.as_str().to_owned()),
        }))
    }

    pub(super) async fn list(
        &self,
        actor: &Actor,
        query: QueueQuery,
    ) -> Result<TicketPage, ServiceError> {
        let view = query.view;
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
        // One's own requests are everyone's; the queues are staff work.
        require(
            actor,
            if view == QueueView::Mine {
                Action::ReadTickets
            } else {
                Action::ReadQueues
            },
        )?;
        let mut store_query = TicketQuery::new(scope, active_only, assignee);
        store_query.limit = PAGE_SIZE;
        store_query.due_before = self.breaching_window(view);
        store_query.after = query.after;
        let sort = query.filters.sort;
        if view != QueueView::Mine {
            let Some(filters) = self.store_filters(actor, query.filters).await? else {
                return Ok(TicketPage {
                    items: Vec::new(),
                    next: None,
                    total: 0,
                    due_within_minutes: None,
                });
            };
            store_query.filters = filters;
            store_query.sort = match (view, sort) {
                (QueueView::BreachingSoon, _) => TicketSort::SlaDue,
                (_, QueueSort::Updated) => TicketSort::Updated,
                (_, QueueSort::Created) => TicketSort::Created,
                (_, QueueSort::Priority) => TicketSort::Priority,
            };
        }
        let items = self
            .store
            .list_tickets(store_query.clone())
            .await
            .map_err(store_err)?;
        let total = self
            .store
            .count_tickets(TicketQuery {
                after: None,
                ..store_query
            })
            .await
            .map_err(store_err)?;
        let next = (items.len() as i64 == PAGE_SIZE)
            .then(|| items.last().map(|t| cursor(t).encode()))
            .flatten();
        Ok(TicketPage {
            items: items.into_iter().map(summary).collect(),
            next,
            total,
            due_within_minutes: (view == QueueView::BreachingSoon)
                .then_some(self.config.breaching_soon_minutes),
        })
    }

    pub(super) async fn queue_counts(
        &self,
        actor: &Actor,
    ) -> Result<Vec<QueueCount>, ServiceError> {
        require(actor, Action::ReadQueues)?;
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

    pub(super) async fn groups(&self, actor: &Actor) -> Result<Vec<GroupOption>, ServiceError> {
        require(actor, Action::ReadQueues)?;
        let groups = self.store.list_groups().await.map_err(store_err)?;
        Ok(groups.into_iter().map(GroupOption::from).collect())
    }

    pub(super) async fn agents(&self, actor: &Actor) -> Result<Vec<AgentOption>, ServiceError> {
        require(actor, Action::ReadQueues)?;
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
}

/// The sort keys of a row, where the next page starts.
fn cursor(t: &TicketRecord) -> TicketCursor {
    TicketCursor {
        rank: t.priority.rank(),
        updated_at: t.updated_at,
        id: t.id,
        sla_due_at: t.sla_due_at,
    }
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
