//! Which tickets a queue page shows: the view, the agent's filters and
//! order, and the keyset cursor where the page starts, with the parser for
//! the filter form (a plain GET form, so every field arrives as text).

use super::error::ServiceError;
use super::ticket_commands::present;
use crate::api::types::{QueueParams, QueueView, NONE};
use crate::domain::{EmailAddress, GroupId, Priority, SearchText, Status, Tag, UserId};
use chrono::{DateTime, Utc};

/// Where a page of a queue starts: the sort keys of the previous page's
/// last row. It travels as opaque text `rank.updated_ms.id.due_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketCursor {
    /// The priority rank (critical 3 … low 0); used by the priority order.
    pub rank: i64,
    pub updated_at: DateTime<Utc>,
    pub id: i64,
    /// Used by the SLA order; `-` in the text without a running clock.
    pub sla_due_at: Option<DateTime<Utc>>,
}

impl TicketCursor {
    pub fn encode(&self) -> String {
        let due = self
            .sla_due_at
            .map_or_else(|| "-".to_owned(), |d| d.timestamp_millis().to_string());
        format!(
            "{}.{}.{}.{due}",
            self.rank,
            self.updated_at.timestamp_millis(),
            self.id
        )
    }

    pub fn decode(text: &str) -> Result<Self, ServiceError> {
        let invalid = || ServiceError::Malformed("The page link is not valid.".into());
        let millis = |text: &str| {
            text.parse()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
                .ok_or_else(invalid)
        };
        let mut parts = text.split('.');
        let (Some(rank), Some(updated), Some(id), Some(due), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(invalid());
        };
        Ok(Self {
            rank: rank.parse().map_err(|_| invalid())?,
            updated_at: millis(updated)?,
            id: id.parse().map_err(|_| invalid())?,
            sla_due_at: match due {
                "-" => None,
                ms => Some(millis(ms)?),
            },
        })
    }
}

/// Whose tickets an agent's queue filter asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeChoice {
    Me,
    Nobody,
    Agent(UserId),
}

/// A requester filter: an address, or text that cannot be one (which
/// matches nothing rather than being refused: people paste names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequesterChoice {
    Address(EmailAddress),
    Unmatchable,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueSort {
    #[default]
    Updated,
    Created,
    Priority,
}

/// The agent's filters; a customer's own list has none.
#[derive(Debug, Clone, Default)]
pub struct QueueFilters {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub requester: Option<RequesterChoice>,
    pub tag: Option<Tag>,
    pub assignee: Option<AssigneeChoice>,
    pub group: Option<GroupId>,
    pub text: Option<SearchText>,
    pub sort: QueueSort,
}

/// One page of a queue.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    pub view: QueueView,
    pub after: Option<TicketCursor>,
    pub filters: QueueFilters,
}

impl QueueQuery {
    /// A page of `view` as the agent's filter form (or the portal's
    /// "next page" link) asks for it.
    pub fn from_params(view: QueueView, params: &QueueParams) -> Result<Self, ServiceError> {
        let after = present(params.after.as_deref())
            .map(TicketCursor::decode)
            .transpose()?;
        let filters = if view == QueueView::Mine {
            // A customer's own list has no filters, so text search can
            // never reveal what internal notes contain.
            QueueFilters::default()
        } else {
            QueueFilters::from_params(params)?
        };
        Ok(Self {
            view,
            after,
            filters,
        })
    }
}

impl QueueFilters {
    fn from_params(params: &QueueParams) -> Result<Self, ServiceError> {
        let bad = |what: &str| ServiceError::Malformed(format!("Unknown {what} filter."));
        let field = |value: &Option<String>| present(value.as_deref()).map(str::to_owned);
        Ok(Self {
            status: field(&params.status)
                .map(|s| Status::parse(&s).map_err(|_| bad("status")))
                .transpose()?,
            priority: field(&params.priority)
                .map(|p| Priority::parse(&p).map_err(|_| bad("priority")))
                .transpose()?,
            tag: field(&params.tag)
                .map(|t| Tag::parse(&t).map_err(|_| bad("tag")))
                .transpose()?,
            sort: match field(&params.sort).as_deref() {
                None | Some("updated") => QueueSort::Updated,
                Some("created") => QueueSort::Created,
                Some("priority") => QueueSort::Priority,
                Some(_) => return Err(bad("sort")),
            },
            assignee: match field(&params.assignee).as_deref() {
                None => None,
                Some("me") => Some(AssigneeChoice::Me),
                Some(NONE) => Some(AssigneeChoice::Nobody),
                Some(id) => Some(AssigneeChoice::Agent(
                    UserId::parse(id).ok_or_else(|| bad("assignee"))?,
                )),
            },
            group: field(&params.group)
                .map(|g| GroupId::parse(&g).ok_or_else(|| bad("group")))
                .transpose()?,
            requester: field(&params.requester).map(|text| match EmailAddress::parse(&text) {
                Ok(address) => RequesterChoice::Address(address),
                Err(_) => RequesterChoice::Unmatchable,
            }),
            text: SearchText::parse(params.q.as_deref().unwrap_or(""))
                .map_err(|m| ServiceError::Malformed(m.to_owned()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let at = DateTime::from_timestamp_millis(1_800_000_000_123).unwrap();
        let cursor = TicketCursor::decode("3.1800000000123.42.-").unwrap();
        assert_eq!(
            (cursor.rank, cursor.updated_at, cursor.id, cursor.sla_due_at),
            (3, at, 42, None)
        );
        assert_eq!(cursor.encode(), "3.1800000000123.42.-");
        let cursor = TicketCursor::decode("3.1800000000123.42.1800000000123").unwrap();
        assert_eq!(cursor.sla_due_at, Some(at));
        for bad in [
            "",
            "x.1",
            "1.y",
            "12345",
            "1.2",
            "1.2.3",
            "1.2.3.x",
            "1.2.3.4.5",
            "a.1.2.-",
        ] {
            assert!(TicketCursor::decode(bad).is_err(), "{bad}");
        }
    }
}
