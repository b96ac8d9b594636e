//! What happened, as data: every change Ferrodesk makes is one `Event` in
//! one ordered log. Events carry ids and the names things had at the time,
//! never sentences; `api::history` turns them into words, once, for every
//! reader (the history view, emails, and later the live channel and API).

use super::escalation::EscalationAction;
use super::role::Role;
use super::sla::{ClockChange, Metric};
use super::ticket::{Priority, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One entry of the log as written: who, when, on which ticket, and
/// whether the ticket's requester may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The person who made the change; `None` when Ferrodesk itself did
    /// (the scheduler, the SLA monitor).
    pub actor: Option<i64>,
    pub at: DateTime<Utc>,
    pub ticket: Option<i64>,
    /// Shown to the ticket's requester (false for notes, tags, SLA
    /// bookkeeping and every configuration change).
    pub public: bool,
    pub change: DomainEvent,
}

impl Event {
    /// An event on a ticket, visible to its requester unless `change` is
    /// one that only staff ever see.
    pub fn on_ticket(
        ticket: i64,
        actor: Option<i64>,
        at: DateTime<Utc>,
        change: DomainEvent,
    ) -> Self {
        let public = change.is_public();
        Event {
            actor,
            at,
            ticket: Some(ticket),
            public,
            change,
        }
    }

    /// A configuration change: no ticket, staff only.
    pub fn admin(actor: Option<i64>, at: DateTime<Utc>, change: DomainEvent) -> Self {
        Event {
            actor,
            at,
            ticket: None,
            public: false,
            change,
        }
    }
}

/// Someone or something named in an event, with the name it had then: the
/// history reads as it was, even after a rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

impl Named {
    pub fn new(id: i64, name: impl Into<String>) -> Self {
        Named {
            id,
            name: name.into(),
        }
    }
}

/// A ticket field whose change has no event of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketField {
    Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: TicketField,
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// Who handed a ticket to its assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedBy {
    /// The actor, by hand.
    Person,
    Scheduler,
}

/// Why a ticket lost its assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseReason {
    /// The actor released it (or cleared the assignee).
    ByHand,
    /// An admin deactivated the assignee.
    Deactivated,
    /// The assignee went offline without working on it.
    WentOffline,
}

/// An escalation action as it fired, with the name of the person or group
/// it names at that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiredAction {
    pub action: EscalationAction,
    pub name: Option<String>,
}

/// The change itself. The JSON tag is the variant's name, which is also
/// the log's `kind` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum DomainEvent {
    TicketCreated {
        subject: String,
    },
    TicketUpdated {
        changes: Vec<FieldChange>,
    },
    TicketAssigned {
        to: Named,
        by: AssignedBy,
    },
    TicketReleased {
        from: Option<Named>,
        reason: ReleaseReason,
        /// The group whose queue the ticket went back to.
        queue: Option<String>,
    },
    TicketClaimed {
        by: Named,
    },
    TicketStatusChanged {
        from: Status,
        to: Status,
    },
    MessageAdded {
        message_id: i64,
        internal: bool,
    },
    AttachmentAdded {
        file_name: String,
        internal: bool,
    },
    CategoryChanged {
        from: Option<String>,
        to: Option<String>,
    },
    GroupChanged {
        to: Option<String>,
        by_escalation: bool,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
        by_escalation: bool,
    },
    WatchStarted,
    WatchStopped,
    SlaClockChanged {
        change: ClockChange,
    },
    /// An escalation level set before the due time fired.
    SlaWarning {
        metric: Metric,
        level: usize,
        offset_minutes: i32,
        actions: Vec<FiredAction>,
    },
    SlaBreached {
        metric: Metric,
    },
    /// An escalation level set at or after the due time fired.
    TicketEscalated {
        metric: Metric,
        level: usize,
        offset_minutes: i32,
        actions: Vec<FiredAction>,
    },
    TicketDeleted {
        subject: String,
    },
    UserCreated {
        user: Named,
        role: Role,
    },
    UserInvited {
        email: String,
        role: Role,
    },
    UserRoleChanged {
        user: Named,
        from: Role,
        to: Role,
    },
    UserDeactivated {
        user: Named,
        /// Open tickets that went back to their queues.
        returned: usize,
    },
    UserReactivated {
        user: Named,
    },
    GroupCreated {
        group: Named,
    },
    GroupUpdated {
        group: Named,
    },
    GroupArchived {
        group: Named,
        archived: bool,
    },
    CategoryCreated {
        category: Named,
    },
    CategoryUpdated {
        category: Named,
    },
    CategoryDeleted {
        category: Named,
    },
    CalendarChanged {
        calendar: Named,
        created: bool,
    },
    SlaPolicyChanged {
        policy: Named,
        created: bool,
    },
    EscalationMatrixChanged {
        matrix: Named,
        created: bool,
    },
    /// A history row written before the log existed, kept as it was.
    HistoryImported {
        kind: String,
        detail: String,
    },
    /// An audit row written before the log existed, kept as it was.
    AuditImported {
        action: String,
        subject: String,
    },
}

impl DomainEvent {
    /// The variant's name: the JSON tag and the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        use DomainEvent::*;
        match self {
            TicketCreated { .. } => "TicketCreated",
            TicketUpdated { .. } => "TicketUpdated",
            TicketAssigned { .. } => "TicketAssigned",
            TicketReleased { .. } => "TicketReleased",
            TicketClaimed { .. } => "TicketClaimed",
            TicketStatusChanged { .. } => "TicketStatusChanged",
            MessageAdded { .. } => "MessageAdded",
            AttachmentAdded { .. } => "AttachmentAdded",
            CategoryChanged { .. } => "CategoryChanged",
            GroupChanged { .. } => "GroupChanged",
            PriorityChanged { .. } => "PriorityChanged",
            WatchStarted => "WatchStarted",
            WatchStopped => "WatchStopped",
            SlaClockChanged { .. } => "SlaClockChanged",
            SlaWarning { .. } => "SlaWarning",
            SlaBreached { .. } => "SlaBreached",
            TicketEscalated { .. } => "TicketEscalated",
            TicketDeleted { .. } => "TicketDeleted",
            UserCreated { .. } => "UserCreated",
            UserInvited { .. } => "UserInvited",
            UserRoleChanged { .. } => "UserRoleChanged",
            UserDeactivated { .. } => "UserDeactivated",
            UserReactivated { .. } => "UserReactivated",
            GroupCreated { .. } => "GroupCreated",
            GroupUpdated { .. } => "GroupUpdated",
            GroupArchived { .. } => "GroupArchived",
            CategoryCreated { .. } => "CategoryCreated",
            CategoryUpdated { .. } => "CategoryUpdated",
            CategoryDeleted { .. } => "CategoryDeleted",
            CalendarChanged { .. } => "CalendarChanged",
            SlaPolicyChanged { .. } => "SlaPolicyChanged",
            EscalationMatrixChanged { .. } => "EscalationMatrixChanged",
            HistoryImported { .. } => "HistoryImported",
            AuditImported { .. } => "AuditImported",
        }
    }

    /// Whether a ticket's requester may see this change. Internal notes
    /// and files, tags, watching and SLA bookkeeping are for staff.
    pub fn is_public(&self) -> bool {
        use DomainEvent::*;
        match self {
            TicketCreated { .. }
            | TicketAssigned { .. }
            | TicketReleased { .. }
            | TicketClaimed { .. }
            | TicketStatusChanged { .. }
            | CategoryChanged { .. }
            | GroupChanged { .. }
            | PriorityChanged { .. }
            | TicketDeleted { .. } => true,
            MessageAdded { internal, .. } | AttachmentAdded { internal, .. } => !internal,
            _ => false,
        }
    }

    /// SLA bookkeeping: written along with other changes, never the
    /// change a person would name.
    pub fn is_sla_bookkeeping(&self) -> bool {
        matches!(self, DomainEvent::SlaClockChanged { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<DomainEvent> {
        use DomainEvent::*;
        let named = Named::new(1, "Ann");
        let fired = vec![FiredAction {
            action: EscalationAction::NotifyUser(1),
            name: Some("Ann".into()),
        }];
        vec![
            TicketCreated {
                subject: "s".into(),
            },
            TicketUpdated {
                changes: vec![FieldChange {
                    field: TicketField::Tags,
                    from: vec![],
                    to: vec!["vpn".into()],
                }],
            },
            TicketAssigned {
                to: named.clone(),
                by: AssignedBy::Scheduler,
            },
            TicketReleased {
                from: Some(named.clone()),
                reason: ReleaseReason::WentOffline,
                queue: Some("Network".into()),
            },
            TicketClaimed { by: named.clone() },
            TicketStatusChanged {
                from: Status::New,
                to: Status::Open,
            },
            MessageAdded {
                message_id: 3,
                internal: true,
            },
            AttachmentAdded {
                file_name: "a.txt".into(),
                internal: false,
            },
            CategoryChanged {
                from: None,
                to: Some("VPN".into()),
            },
            GroupChanged {
                to: Some("Tier 2".into()),
                by_escalation: true,
            },
            PriorityChanged {
                from: Priority::Low,
                to: Priority::High,
                by_escalation: false,
            },
            WatchStarted,
            WatchStopped,
            SlaClockChanged {
                change: ClockChange::Paused(Metric::Resolution),
            },
            SlaWarning {
                metric: Metric::FirstResponse,
                level: 0,
                offset_minutes: -10,
                actions: fired.clone(),
            },
            SlaBreached {
                metric: Metric::FirstResponse,
            },
            TicketEscalated {
                metric: Metric::Resolution,
                level: 1,
                offset_minutes: 30,
                actions: fired,
            },
            TicketDeleted {
                subject: "s".into(),
            },
            UserCreated {
                user: named.clone(),
                role: Role::Agent,
            },
            UserInvited {
                email: "a@example.com".into(),
                role: Role::Agent,
            },
            UserRoleChanged {
                user: named.clone(),
                from: Role::Agent,
                to: Role::Admin,
            },
            UserDeactivated {
                user: named.clone(),
                returned: 2,
            },
            UserReactivated {
                user: named.clone(),
            },
            GroupCreated {
                group: named.clone(),
            },
            GroupUpdated {
                group: named.clone(),
            },
            GroupArchived {
                group: named.clone(),
                archived: true,
            },
            CategoryCreated {
                category: named.clone(),
            },
            CategoryUpdated {
                category: named.clone(),
            },
            CategoryDeleted {
                category: named.clone(),
            },
            CalendarChanged {
                calendar: named.clone(),
                created: true,
            },
            SlaPolicyChanged {
                policy: named.clone(),
                created: false,
            },
            EscalationMatrixChanged {
                matrix: named,
                created: true,
            },
            HistoryImported {
                kind: "reply".into(),
                detail: String::new(),
            },
            AuditImported {
                action: "user.invited".into(),
                subject: "x".into(),
            },
        ]
    }

    #[test]
    fn every_event_round_trips_through_json_with_its_kind_as_tag() {
        for event in every_kind() {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.kind(), "{json}");
            let back: DomainEvent = serde_json::from_value(json).unwrap();
            assert_eq!(back, event);
        }
    }

    #[test]
    fn notes_internal_files_and_bookkeeping_stay_with_staff() {
        let note = DomainEvent::MessageAdded {
            message_id: 1,
            internal: true,
        };
        assert!(!note.is_public());
        let reply = DomainEvent::MessageAdded {
            message_id: 1,
            internal: false,
        };
        assert!(reply.is_public());
        let event = Event::on_ticket(4, Some(1), Utc::now(), note);
        assert!(!event.public);
        assert!(!DomainEvent::WatchStarted.is_public());
        assert!(!Event::admin(None, Utc::now(), DomainEvent::WatchStopped).public);
    }
}
