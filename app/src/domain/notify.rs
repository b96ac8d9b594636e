//! Who an event goes to in the agents' notification tray, and why. Pure:
//! the tray's builder passes the ticket's facts and the staff who could be
//! mentioned.

use super::event::{DomainEvent, Event};
use serde::{Deserialize, Serialize};

/// Why a notification concerns its reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The ticket was assigned to them (by someone else or the scheduler).
    Assigned,
    /// The requester replied on a ticket assigned to them.
    CustomerReplied,
    /// An internal note named them (`@name`).
    Mentioned,
    SlaWarning,
    SlaBreached,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Assigned => "assigned",
            Reason::CustomerReplied => "customer_replied",
            Reason::Mentioned => "mentioned",
            Reason::SlaWarning => "sla_warning",
            Reason::SlaBreached => "sla_breached",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Reason::Assigned,
            Reason::CustomerReplied,
            Reason::Mentioned,
            Reason::SlaWarning,
            Reason::SlaBreached,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    /// The tray's heading for the notification.
    pub fn label(self) -> &'static str {
        match self {
            Reason::Assigned => "Assigned to you",
            Reason::CustomerReplied => "Customer replied",
            Reason::Mentioned => "You were mentioned",
            Reason::SlaWarning => "SLA warning",
            Reason::SlaBreached => "SLA breached",
        }
    }
}

/// What the tray needs to know of the event's ticket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFacts {
    pub requester: Option<i64>,
    pub assignee: Option<i64>,
    /// The active staff members of the ticket's group.
    pub group_members: Vec<i64>,
}

/// A staff member as a note can name them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// The staff a note names with `@`: by their name without spaces or by
/// their address's local part, in any case (`@ada`, `@AdaLovelace`).
pub fn mentioned(body: &str, staff: &[Handle]) -> Vec<i64> {
    let words: Vec<String> = body
        .split('@')
        .skip(1)
        .map(|rest| {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
                .collect::<String>()
                .trim_end_matches('.')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut ids: Vec<i64> = staff
        .iter()
        .filter(|h| {
            let name: String = h.name.split_whitespace().collect::<String>().to_lowercase();
            let local = h.email.split('@').next().unwrap_or("").to_lowercase();
            words.iter().any(|w| *w == name || *w == local)
        })
        .map(|h| h.user_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Who gets `event` in their tray, and why. Nobody is told of their own
/// doing; SLA news goes to the assignee, or with none to the group.
pub fn recipients(event: &Event, facts: &TicketFacts, mentions: &[i64]) -> Vec<(i64, Reason)> {
    let mut out: Vec<(i64, Reason)> = match &event.change {
        DomainEvent::TicketAssigned { to, .. } => vec![(to.id, Reason::Assigned)],
        DomainEvent::MessageAdded {
            internal: false, ..
        } if event.actor.is_some() && event.actor == facts.requester => facts
            .assignee
            .map(|a| (a, Reason::CustomerReplied))
            .into_iter()
            .collect(),
        DomainEvent::MessageAdded { internal: true, .. } => {
            mentions.iter().map(|id| (*id, Reason::Mentioned)).collect()
        }
        DomainEvent::SlaWarning { .. } => sla(facts, Reason::SlaWarning),
        DomainEvent::SlaBreached { .. } => sla(facts, Reason::SlaBreached),
        _ => Vec::new(),
    };
    out.retain(|(user, _)| Some(*user) != event.actor);
    out.sort_unstable_by_key(|(user, _)| *user);
    out.dedup_by_key(|(user, _)| *user);
    out
}

fn sla(facts: &TicketFacts, reason: Reason) -> Vec<(i64, Reason)> {
    match facts.assignee {
        Some(assignee) => vec![(assignee, reason)],
        None => facts.group_members.iter().map(|m| (*m, reason)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{AssignedBy, Named};
    use crate::domain::sla::Metric;
    use chrono::Utc;

    fn event(actor: Option<i64>, change: DomainEvent) -> Event {
        Event::on_ticket(1, actor, Utc::now(), change)
    }

    fn facts() -> TicketFacts {
        TicketFacts {
            requester: Some(9),
            assignee: Some(2),
            group_members: vec![2, 3, 4],
        }
    }

    #[test]
    fn assignment_tells_the_assignee_unless_they_took_it_themselves() {
        let assigned = DomainEvent::TicketAssigned {
            to: Named::new(2, "Ada"),
            by: AssignedBy::Person,
        };
        assert_eq!(
            recipients(&event(Some(5), assigned.clone()), &facts(), &[]),
            vec![(2, Reason::Assigned)]
        );
        assert!(recipients(&event(Some(2), assigned), &facts(), &[]).is_empty());
        let by_scheduler = DomainEvent::TicketAssigned {
            to: Named::new(3, "Ben"),
            by: AssignedBy::Scheduler,
        };
        assert_eq!(
            recipients(&event(None, by_scheduler), &facts(), &[]),
            vec![(3, Reason::Assigned)]
        );
    }

    #[test]
    fn only_the_requesters_replies_tell_the_assignee() {
        let reply = DomainEvent::MessageAdded {
            message_id: 1,
            internal: false,
        };
        assert_eq!(
            recipients(&event(Some(9), reply.clone()), &facts(), &[]),
            vec![(2, Reason::CustomerReplied)]
        );
        assert!(recipients(&event(Some(3), reply), &facts(), &[]).is_empty());
    }

    #[test]
    fn sla_news_goes_to_the_assignee_or_else_the_group() {
        let breach = DomainEvent::SlaBreached {
            metric: Metric::FirstResponse,
        };
        assert_eq!(
            recipients(&event(None, breach.clone()), &facts(), &[]),
            vec![(2, Reason::SlaBreached)]
        );
        let unassigned = TicketFacts {
            assignee: None,
            ..facts()
        };
        assert_eq!(
            recipients(&event(None, breach), &unassigned, &[]),
            vec![
                (2, Reason::SlaBreached),
                (3, Reason::SlaBreached),
                (4, Reason::SlaBreached)
            ]
        );
    }

    #[test]
    fn a_note_tells_whom_it_names_but_never_its_author() {
        let staff = vec![
            Handle {
                user_id: 2,
                name: "Ada Lovelace".into(),
                email: "ada@example.com".into(),
            },
            Handle {
                user_id: 3,
                name: "Ben".into(),
                email: "b.stone@example.com".into(),
            },
        ];
        assert_eq!(mentioned("Ask @AdaLovelace.", &staff), vec![2]);
        assert_eq!(mentioned("@ada and @b.stone, please", &staff), vec![2, 3]);
        assert!(mentioned("mail ada@example.com", &staff).is_empty());
        assert!(mentioned("nobody @here", &staff).is_empty());
        let note = DomainEvent::MessageAdded {
            message_id: 1,
            internal: true,
        };
        assert_eq!(
            recipients(&event(Some(2), note), &facts(), &[2, 3]),
            vec![(3, Reason::Mentioned)]
        );
    }
}
