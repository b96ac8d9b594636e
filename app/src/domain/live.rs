//! The live channel's rules: which topics exist, who may follow them,
//! which logged events reach whom, how long presence lasts and how often a
//! connection may say it is typing. Pure: the server's hub and the tests
//! pass `now` and the facts in.

use super::event::DomainEvent;
use super::policy::{Action, Actor};
use super::TicketId;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a connection follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// Every ticket, as the agent queues show them.
    Queues,
    /// One ticket: its conversation, fields, SLA and (for agents) presence.
    Ticket(TicketId),
    /// A customer's own tickets, as the portal lists them.
    MyTickets,
    /// The signed-in agent's notification tray.
    Notifications,
}

impl Topic {
    /// Parses the text form a client sends (`queues`, `ticket:12`,
    /// `my-tickets`, `notifications`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "queues" => Some(Topic::Queues),
            "my-tickets" => Some(Topic::MyTickets),
            "notifications" => Some(Topic::Notifications),
            _ => text
                .strip_prefix("ticket:")
                .and_then(TicketId::parse)
                .map(Topic::Ticket),
        }
    }

    /// What the policy must allow before the topic is followed. A ticket
    /// topic also needs the ticket to be one the actor may read, which
    /// only the store can tell.
    pub fn action(self) -> Action {
        match self {
            Topic::Queues | Topic::Notifications => Action::ReadQueues,
            Topic::Ticket(_) | Topic::MyTickets => Action::ReadTickets,
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Queues => f.write_str("queues"),
            Topic::Ticket(id) => write!(f, "ticket:{}", id.0),
            Topic::MyTickets => f.write_str("my-tickets"),
            Topic::Notifications => f.write_str("notifications"),
        }
    }
}

impl Serialize for Topic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Topic::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown topic {text}")))
    }
}

/// What the hub knows of a logged event when it decides who receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub ticket: Option<TicketId>,
    /// The ticket's requester, while the ticket exists.
    pub requester: Option<i64>,
    /// Shown to the requester (see `DomainEvent::is_public`).
    pub public: bool,
}

/// Whether an event reaches a viewer through a topic. Staff see every
/// ticket event; a customer sees only the public events of tickets they
/// requested, so no frame ever carries an internal note, an internal
/// event or another customer's ticket.
pub fn receives(viewer: &Actor, topic: Topic, audience: &Audience) -> bool {
    let Some(ticket) = audience.ticket else {
        return false;
    };
    let staff = viewer.role.is_staff();
    let theirs = audience.public && audience.requester == Some(viewer.id);
    match topic {
        Topic::Queues => staff,
        Topic::Ticket(id) => id == ticket && (staff || theirs),
        Topic::MyTickets => theirs,
        // The tray has frames of its own, never events.
        Topic::Notifications => false,
    }
}

/// Whether an event ends the viewer's connections: the account was
/// deactivated or its role changed (what it may follow changed with it).
pub fn ends_connection(viewer: &Actor, change: &DomainEvent) -> bool {
    match change {
        DomainEvent::UserDeactivated { user, .. } | DomainEvent::UserRoleChanged { user, .. } => {
            user.id == viewer.id
        }
        _ => false,
    }
}

/// What an agent on a ticket page is doing there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Viewing,
    Typing,
}

impl Activity {
    /// How long the signal holds without being repeated: typing stops
    /// showing soon after the keys stop; viewing lasts while the page
    /// keeps saying so (it repeats every `VIEWING_REPEAT`).
    pub fn lasts(self) -> Duration {
        match self {
            Activity::Viewing => Duration::seconds(45),
            Activity::Typing => Duration::seconds(6),
        }
    }
}

/// How often an open, visible ticket page repeats that it is viewed.
pub const VIEWING_REPEAT_SECS: u32 = 20;
/// How often the page may repeat that its user is typing.
pub const TYPING_REPEAT_SECS: u32 = 3;

/// Whether a presence signal given at `at` still holds at `now`.
pub fn holds(activity: Activity, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < at + activity.lasts()
}

/// A connection's allowance of presence signals: a burst of `BURST`, then
/// one per `TYPING_REPEAT_SECS / 2` seconds. Keys held down or a script
/// flooding the socket get an error frame instead of a broadcast each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignalBudget {
    tokens: f64,
    at: Option<DateTime<Utc>>,
}

impl SignalBudget {
    pub const BURST: f64 = 4.0;
    const PER_SECOND: f64 = 2.0 / TYPING_REPEAT_SECS as f64;

    pub fn new() -> Self {
        SignalBudget {
            tokens: Self::BURST,
            at: None,
        }
    }

    /// Spends one signal at `now`; false when the budget is used up.
    pub fn spend(&mut self, now: DateTime<Utc>) -> bool {
        if let Some(at) = self.at {
            let elapsed = (now - at).num_milliseconds().max(0) as f64 / 1000.0;
            self.tokens = (self.tokens + elapsed * Self::PER_SECOND).min(Self::BURST);
        }
        self.at = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl Default for SignalBudget {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::Named;
    use crate::domain::Role;
    use proptest::prelude::*;

    fn actor(id: i64, role: Role) -> Actor {
        Actor::session(id, role, format!("User {id}"), format!("u{id}@example.com"))
    }

    fn on(ticket: i64, requester: i64, public: bool) -> Audience {
        Audience {
            ticket: Some(TicketId(ticket)),
            requester: Some(requester),
            public,
        }
    }

    #[test]
    fn topics_read_back_as_written() {
        for topic in [Topic::Queues, Topic::Ticket(TicketId(12)), Topic::MyTickets] {
            assert_eq!(Topic::parse(&topic.to_string()), Some(topic));
        }
        for bad in [
            "",
            "ticket:",
            "ticket:0",
            "ticket:-3",
            "ticket:1x",
            "Queues",
            "queue",
        ] {
            assert_eq!(Topic::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_customer_receives_only_public_events_of_their_own_tickets() {
        let customer = actor(5, Role::Customer);
        let mine = on(1, 5, true);
        assert!(receives(&customer, Topic::Ticket(TicketId(1)), &mine));
        assert!(receives(&customer, Topic::MyTickets, &mine));
        let note = on(1, 5, false);
        assert!(!receives(&customer, Topic::Ticket(TicketId(1)), &note));
        assert!(!receives(&customer, Topic::MyTickets, &note));
        let theirs = on(2, 6, true);
        assert!(!receives(&customer, Topic::Ticket(TicketId(2)), &theirs));
        assert!(!receives(&customer, Topic::MyTickets, &theirs));
        assert!(!receives(&customer, Topic::Queues, &mine));
    }

    #[test]
    fn staff_receive_every_ticket_event_on_queues_and_the_ticket_followed() {
        let agent = actor(2, Role::Agent);
        let note = on(1, 5, false);
        assert!(receives(&agent, Topic::Queues, &note));
        assert!(receives(&agent, Topic::Ticket(TicketId(1)), &note));
        assert!(!receives(&agent, Topic::Ticket(TicketId(9)), &note));
        let config = Audience {
            ticket: None,
            requester: None,
            public: false,
        };
        assert!(!receives(&agent, Topic::Queues, &config));
    }

    #[test]
    fn deactivation_and_role_changes_end_only_that_users_connections() {
        let agent = actor(2, Role::Agent);
        let deactivated = DomainEvent::UserDeactivated {
            user: Named::new(2, "A"),
            returned: 0,
        };
        assert!(ends_connection(&agent, &deactivated));
        assert!(!ends_connection(&actor(3, Role::Agent), &deactivated));
        let role = DomainEvent::UserRoleChanged {
            user: Named::new(2, "A"),
            from: Role::Agent,
            to: Role::Customer,
        };
        assert!(ends_connection(&agent, &role));
    }

    #[test]
    fn typing_fades_sooner_than_viewing() {
        let at = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap_or_default();
        assert!(holds(Activity::Typing, at, at + Duration::seconds(5)));
        assert!(!holds(Activity::Typing, at, at + Duration::seconds(6)));
        assert!(holds(Activity::Viewing, at, at + Duration::seconds(44)));
        assert!(!holds(Activity::Viewing, at, at + Duration::seconds(45)));
    }

    proptest! {
        /// Whatever the topic and the event, a customer never receives a
        /// non-public event or one on a ticket they did not request.
        #[test]
        fn customers_never_receive_what_is_not_theirs(
            viewer in 1i64..6, requester in 1i64..6, ticket in 1i64..4,
            followed in 1i64..4, public: bool, which in 0usize..4,
        ) {
            let topic = [Topic::Queues, Topic::Ticket(TicketId(followed)), Topic::MyTickets, Topic::Notifications][which];
            let customer = actor(viewer, Role::Customer);
            if receives(&customer, topic, &on(ticket, requester, public)) {
                prop_assert!(public && requester == viewer);
            }
        }

        /// However signals arrive, no window of `w` seconds lets through
        /// more than the burst plus the refill over `w`.
        #[test]
        fn the_signal_budget_bounds_every_window(gaps in proptest::collection::vec(0i64..3000, 1..60)) {
            let start = DateTime::<Utc>::from_timestamp(1_000_000, 0).unwrap_or_default();
            let mut budget = SignalBudget::new();
            let mut now = start;
            let mut passed = 0.0;
            for gap in gaps {
                now += Duration::milliseconds(gap);
                if budget.spend(now) {
                    passed += 1.0;
                }
            }
            let secs = (now - start).num_milliseconds() as f64 / 1000.0;
            prop_assert!(passed <= SignalBudget::BURST + secs * SignalBudget::PER_SECOND + 1e-9);
        }
    }
}
