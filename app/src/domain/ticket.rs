//! Tickets: priorities, statuses and the rules for moving between them.
//! Who may move a ticket where is decided here, as a pure function, so the
//! server, the browser and the tests all apply the same rules.

use super::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    /// Higher is more urgent; the database derives the same number
    /// (`tickets.priority_rank`) to order queues.
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// The priority a stored `priority_rank` stands for.
    pub fn from_rank(rank: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.rank() == rank)
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Normal => "Normal",
            Priority::High => "High",
            Priority::Critical => "Critical",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == input)
            .ok_or("Choose low, normal, high or critical.")
    }

    /// What someone raising a ticket may ask for: a customer's urgency stops
    /// short of critical, which only agents assign.
    pub fn as_urgency(self, by_staff: bool) -> Result<Self, &'static str> {
        match self {
            Priority::Critical if !by_staff => Err("Choose low, normal or high."),
            p => Ok(p),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Open,
    /// Waiting on the customer.
    Pending,
    /// Waiting on someone else (a supplier, another team).
    OnHold,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::New,
        Status::Open,
        Status::Pending,
        Status::OnHold,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::OnHold => "on_hold",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Open => "Open",
            Status::Pending => "Pending",
            Status::OnHold => "On hold",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == input)
            .ok_or("Choose new, open, pending, on hold, resolved or closed.")
    }

    /// Still needs work from us or the customer.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a status change was refused; the message says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The move is not part of the lifecycle for anyone.
    Illegal {
        from: Status,
        to: Status,
    },
    /// The move exists, but not for this role.
    NotForRole {
        role: Role,
        to: Status,
    },
    Unchanged(Status),
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransitionError::Illegal { from, to } => write!(
                f,
                "A ticket that is {} cannot become {}.",
                from.label().to_lowercase(),
                to.label().to_lowercase()
            ),
            TransitionError::NotForRole { .. } => {
                f.write_str("Customers can close a ticket or reopen it, nothing else.")
            }
            TransitionError::Unchanged(status) => write!(
                f,
                "The ticket is already {}.",
                status.label().to_lowercase()
            ),
        }
    }
}

/// The lifecycle: new → open → pending / on hold → resolved → closed, with
/// reopen from resolved or closed.
fn legal(from: Status, to: Status) -> bool {
    use Status::*;
    match to {
        New => false,
        Open => matches!(from, New | Pending | OnHold | Resolved | Closed),
        Pending => matches!(from, New | Open | OnHold),
        OnHold => matches!(from, New | Open | Pending),
        Resolved => matches!(from, New | Open | Pending | OnHold),
        Closed => from != Closed,
    }
}

/// Whether `role` may move a ticket from `from` to `to`. Customers (acting
/// on their own tickets; ownership is checked by the caller) may only close
/// and reopen.
pub fn check_transition(from: Status, to: Status, role: Role) -> Result<(), TransitionError> {
    if from == to {
        return Err(TransitionError::Unchanged(from));
    }
    if !legal(from, to) {
        return Err(TransitionError::Illegal { from, to });
    }
    let customer_may = match to {
        Status::Closed => true,
        Status::Open => matches!(from, Status::Resolved | Status::Closed),
        _ => false,
    };
    if role == Role::Customer && !customer_may {
        return Err(TransitionError::NotForRole { role, to });
    }
    Ok(())
}

/// The status a ticket takes when someone writes on it: a customer's reply
/// brings a waiting or solved ticket back to the agents; an agent's first
/// public reply opens a new ticket. `None` leaves the status as it is.
pub fn status_after_reply(current: Status, author: Role, public: bool) -> Option<Status> {
    match (author, current) {
        (Role::Customer, Status::Pending | Status::OnHold | Status::Resolved | Status::Closed) => {
            Some(Status::Open)
        }
        (Role::Agent | Role::Admin, Status::New) if public => Some(Status::Open),
        _ => None,
    }
}

pub const SUBJECT_REQUIRED: &str = "Enter a subject.";
pub const SUBJECT_TOO_LONG: &str = "Keep the subject under 200 characters.";
pub const BODY_REQUIRED: &str = "Describe the request.";
pub const BODY_TOO_LONG: &str = "Keep the text under 50,000 characters.";

/// A one-line ticket subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject(String);

impl Subject {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(SUBJECT_REQUIRED);
        }
        if trimmed.chars().count() > 200 {
            return Err(SUBJECT_TOO_LONG);
        }
        // Line breaks would end up in email headers; other controls are noise.
        let cleaned: String = trimmed
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .filter(|c| !super::person::is_bidi_control(*c))
            .collect();
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Markdown text of a description or message, kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let text = input.trim_end();
        if text.trim().is_empty() {
            return Err(BODY_REQUIRED);
        }
        if text.chars().count() > 50_000 {
            return Err(BODY_TOO_LONG);
        }
        Ok(Self(text.replace('\0', "")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const TAG_INVALID: &str = "Tags use letters, digits, - and _, up to 40 characters.";

/// A tag: lower case letters, digits, `-` and `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag(String);

impl Tag {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let tag = input.trim().to_lowercase();
        let ok = !tag.is_empty()
            && tag.chars().count() <= 40
            && tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if ok {
            Ok(Self(tag))
        } else {
            Err(TAG_INVALID)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Status::*;

    const AGENT: Role = Role::Agent;
    const CUSTOMER: Role = Role::Customer;

    #[test]
    fn every_legal_move_for_agents() {
        let legal_moves = [
            (New, Open),
            (New, Pending),
            (New, OnHold),
            (New, Resolved),
            (New, Closed),
            (Open, Pending),
            (Open, OnHold),
            (Open, Resolved),
            (Open, Closed),
            (Pending, Open),
            (Pending, OnHold),
            (Pending, Resolved),
            (Pending, Closed),
            (OnHold, Open),
            (OnHold, Pending),
            (OnHold, Resolved),
            (OnHold, Closed),
            (Resolved, Open),
            (Resolved, Closed),
            (Closed, Open),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                let result = check_transition(from, to, AGENT);
                if from == to {
                    assert_eq!(result, Err(TransitionError::Unchanged(from)));
                } else if legal_moves.contains(&(from, to)) {
                    assert_eq!(result, Ok(()), "{from:?} -> {to:?}");
                    assert_eq!(check_transition(from, to, Role::Admin), Ok(()));
                } else {
                    assert_eq!(
                        result,
                        Err(TransitionError::Illegal { from, to }),
                        "{from:?} -> {to:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn nothing_ever_goes_back_to_new() {
        for from in [Open, Pending, OnHold, Resolved, Closed] {
            assert!(check_transition(from, New, AGENT).is_err());
        }
    }

    #[test]
    fn customers_only_close_and_reopen() {
        for from in [New, Open, Pending, OnHold, Resolved] {
            assert_eq!(check_transition(from, Closed, CUSTOMER), Ok(()));
        }
        assert_eq!(check_transition(Resolved, Open, CUSTOMER), Ok(()));
        assert_eq!(check_transition(Closed, Open, CUSTOMER), Ok(()));
        for (from, to) in [
            (New, Open),
            (Open, Pending),
            (Open, OnHold),
            (Open, Resolved),
            (Pending, Open),
        ] {
            assert_eq!(
                check_transition(from, to, CUSTOMER),
                Err(TransitionError::NotForRole { role: CUSTOMER, to })
            );
        }
    }

    #[test]
    fn refusals_explain_themselves() {
        let err = check_transition(Closed, Pending, AGENT).unwrap_err();
        assert_eq!(
            err.to_string(),
            "A ticket that is closed cannot become pending."
        );
        let err = check_transition(Open, Resolved, CUSTOMER).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Customers can close a ticket or reopen it, nothing else."
        );
    }

    #[test]
    fn customer_replies_bring_tickets_back_to_the_agents() {
        assert_eq!(status_after_reply(Pending, CUSTOMER, true), Some(Open));
        assert_eq!(status_after_reply(Resolved, CUSTOMER, true), Some(Open));
        assert_eq!(status_after_reply(New, CUSTOMER, true), None);
        assert_eq!(status_after_reply(New, AGENT, true), Some(Open));
        assert_eq!(
            status_after_reply(New, AGENT, false),
            None,
            "an internal note opens nothing"
        );
        assert_eq!(status_after_reply(Pending, AGENT, true), None);
    }

    #[test]
    fn customers_cannot_ask_for_critical() {
        assert_eq!(Priority::High.as_urgency(false), Ok(Priority::High));
        assert!(Priority::Critical.as_urgency(false).is_err());
        assert_eq!(Priority::Critical.as_urgency(true), Ok(Priority::Critical));
        assert_eq!(Priority::parse("critical"), Ok(Priority::Critical));
        assert!(Priority::Critical > Priority::High && Priority::High > Priority::Normal);
    }

    #[test]
    fn subjects_bodies_and_tags_are_parsed_at_the_boundary() {
        assert_eq!(
            Subject::parse("  Printer\non fire ").unwrap().as_str(),
            "Printer on fire"
        );
        assert_eq!(Subject::parse(" ").unwrap_err(), SUBJECT_REQUIRED);
        assert_eq!(
            Subject::parse(&"x".repeat(201)).unwrap_err(),
            SUBJECT_TOO_LONG
        );
        assert_eq!(MessageBody::parse("  \n ").unwrap_err(), BODY_REQUIRED);
        assert_eq!(MessageBody::parse("**Hi**\n\n").unwrap().as_str(), "**Hi**");
        assert_eq!(Tag::parse(" VPN-Access ").unwrap().as_str(), "vpn-access");
        assert_eq!(Tag::parse("two words").unwrap_err(), TAG_INVALID);
    }

    fn any_status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn whatever_a_customer_may_do_an_agent_may_do(from in any_status(), to in any_status()) {
            if check_transition(from, to, CUSTOMER).is_ok() {
                prop_assert!(check_transition(from, to, AGENT).is_ok());
            }
        }

        #[test]
        fn every_status_can_reach_closed_and_closed_can_be_reopened(from in any_status(), role in any_role()) {
            if from != Closed {
                prop_assert!(check_transition(from, Closed, role).is_ok());
            }
            prop_assert!(check_transition(Closed, Open, role).is_ok());
        }

        #[test]
        fn subjects_never_carry_line_breaks(s in "\\PC{0,250}") {
            if let Ok(subject) = Subject::parse(&s) {
                prop_assert!(!subject.as_str().contains(['\r', '\n']));
                prop_assert!(subject.as_str().chars().count() <= 200);
            }
        }
    }
}
