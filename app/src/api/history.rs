//! Events in words: every `DomainEvent` becomes one sentence that names who
//! did what, written here and nowhere else — for the ticket pages, the
//! emails, the message of a stale edit, and anything that reads the log.

use crate::domain::escalation::describe_offset;
use crate::domain::event::{
    AssignedBy, DomainEvent, FieldChange, FiredAction, ReleaseReason, TicketField,
};
use crate::domain::sla::{ClockChange, Metric};

/// One event as a sentence. `actor` is the name of the person who made the
/// change and `actor_id` their id; events without one were made by
/// Ferrodesk itself (the scheduler, the SLA monitor).
pub fn describe(actor: Option<&str>, actor_id: Option<i64>, change: &DomainEvent) -> String {
    use DomainEvent::*;
    let who = actor.unwrap_or("Ferrodesk");
    let text = match change {
        TicketCreated { subject } => format!("{who} raised the ticket “{subject}”"),
        TicketUpdated { changes } => changes
            .iter()
            .map(|c| field_change(who, c))
            .collect::<Vec<_>>()
            .join("; "),
        TicketAssigned { to, by } => match by {
            AssignedBy::Scheduler => format!("The scheduler assigned the ticket to {}", to.name),
            AssignedBy::Person if Some(to.id) == actor_id => format!("{who} took the ticket"),
            AssignedBy::Person => format!("{who} assigned the ticket to {}", to.name),
        },
        TicketReleased {
            from,
            reason,
            queue,
        } => released(
            who,
            from.as_ref().map(|n| n.name.as_str()),
            *reason,
            queue.as_deref(),
        ),
        TicketClaimed { by } => format!("{} claimed the ticket", by.name),
        TicketStatusChanged { from, to } => {
            format!(
                "{who} changed the status from {} to {}",
                from.label(),
                to.label()
            )
        }
        MessageAdded { internal: true, .. } => format!("{who} added an internal note"),
        MessageAdded { .. } => format!("{who} replied"),
        AttachmentAdded { file_name, .. } => format!("{who} attached {file_name}"),
        CategoryChanged { from, to } => format!(
            "{who} changed the category from {} to {}",
            from.as_deref().unwrap_or("no category"),
            to.as_deref().unwrap_or("no category")
        ),
        GroupChanged {
            to: Some(name),
            by_escalation: true,
        } => format!("An escalation moved the ticket to the {name} group"),
        GroupChanged { to: Some(name), .. } => {
            format!("{who} moved the ticket to the {name} group")
        }
        GroupChanged { to: None, .. } => format!("{who} took the ticket out of its group"),
        PriorityChanged {
            from,
            to,
            by_escalation,
        } => {
            let by = if *by_escalation { "An escalation" } else { who };
            format!(
                "{by} changed the priority from {} to {}",
                from.label(),
                to.label()
            )
        }
        WatchStarted => format!("{who} started watching the ticket"),
        WatchStopped => format!("{who} stopped watching the ticket"),
        SlaClockChanged { change } => format!("SLA: {}", clock_change(change)),
        SlaWarning {
            metric,
            level,
            offset_minutes,
            actions,
        }
        | TicketEscalated {
            metric,
            level,
            offset_minutes,
            actions,
        } => format!(
            "{} fired: {}",
            escalation_level(*metric, *level, *offset_minutes),
            fired_actions(actions)
        ),
        SlaBreached { metric } => format!("SLA: {} breached", metric.label()),
        TicketDeleted { subject } => format!("{who} deleted the ticket “{subject}”"),
        UserCreated { user, role } => {
            format!("{who} added {} as {}", user.name, article(role.label()))
        }
        UserInvited { email, role } => {
            format!("{who} invited {email} as {}", article(role.label()))
        }
        UserRoleChanged { user, from, to } => format!(
            "{who} changed the role of {} from {} to {}",
            user.name,
            from.label(),
            to.label()
        ),
        UserDeactivated { user, returned } => format!(
            "{who} deactivated {}; {} returned to the queues",
            user.name,
            count(*returned, "open ticket", "open tickets")
        ),
        UserReactivated { user } => format!("{who} reactivated {}", user.name),
        GroupCreated { group } => format!("{who} created the group {}", group.name),
        GroupUpdated { group } => format!("{who} changed the group {}", group.name),
        GroupArchived {
            group,
            archived: true,
        } => format!("{who} archived the group {}", group.name),
        GroupArchived { group, .. } => format!("{who} restored the group {}", group.name),
        CategoryCreated { category } => format!("{who} created the category {}", category.name),
        CategoryUpdated { category } => format!("{who} changed the category {}", category.name),
        CategoryDeleted { category } => format!("{who} deleted the category {}", category.name),
        CalendarChanged { calendar, created } => {
            format!("{who} {} the calendar {}", made(*created), calendar.name)
        }
        SlaPolicyChanged { policy, created } => {
            format!("{who} {} the SLA policy {}", made(*created), policy.name)
        }
        EscalationMatrixChanged { matrix, created } => format!(
            "{who} {} the escalation matrix {}",
            made(*created),
            matrix.name
        ),
        HistoryImported { kind, detail } => imported(who, kind, detail),
        AuditImported { action, subject } => format!("{who}: {action} ({subject})"),
    };
    finish(text)
}

/// The name of an escalation level (numbered from 1), as pages and alerts
/// give it.
pub fn escalation_level(metric: Metric, level: usize, offset_minutes: i32) -> String {
    format!(
        "{} escalation level {} ({})",
        metric.label(),
        level,
        describe_offset(offset_minutes)
    )
}

fn fired_actions(actions: &[FiredAction]) -> String {
    actions
        .iter()
        .map(|fired| {
            let name = |_| {
                fired
                    .name
                    .clone()
                    .unwrap_or_else(|| "someone no longer here".to_owned())
            };
            fired.action.describe(name, name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What happened to an SLA clock.
pub fn clock_change(change: &ClockChange) -> String {
    match change {
        ClockChange::Armed(m) => format!("{} clock started", m.label()),
        ClockChange::Met(m) => format!("{} target met", m.label()),
        ClockChange::MetLate(m) => format!("{} fulfilled after its breach", m.label()),
        ClockChange::StoppedUnanswered(m) => format!(
            "{} clock stopped: closed before an agent replied",
            m.label()
        ),
        ClockChange::Paused(m) => format!("{} clock paused", m.label()),
        ClockChange::Resumed(m) => format!("{} clock resumed", m.label()),
        ClockChange::Retargeted(m) => format!("{} due time recomputed", m.label()),
        ClockChange::Dropped(m) => format!("{} no longer measured", m.label()),
    }
}

fn field_change(who: &str, change: &FieldChange) -> String {
    match change.field {
        TicketField::Tags if change.to.is_empty() => format!("{who} removed every tag"),
        TicketField::Tags => format!("{who} set the tags to {}", change.to.join(", ")),
    }
}

fn released(who: &str, from: Option<&str>, reason: ReleaseReason, queue: Option<&str>) -> String {
    let from = from.unwrap_or("the assignee");
    let back = match queue {
        Some(queue) => format!("The ticket went back to the {queue} queue"),
        None => "The ticket went back to the queue".to_owned(),
    };
    match reason {
        ReleaseReason::ByHand => format!("{who} released the ticket"),
        ReleaseReason::Deactivated if queue.is_some() => format!("{back}: {from} was deactivated"),
        ReleaseReason::Deactivated => format!("The ticket was unassigned: {from} was deactivated"),
        ReleaseReason::WentOffline => {
            format!("{back}: {from} went offline without working on it")
        }
    }
}

fn made(created: bool) -> &'static str {
    if created {
        "created"
    } else {
        "changed"
    }
}

fn article(label: &str) -> String {
    let an = label.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {}", if an { "an" } else { "a" }, label.to_lowercase())
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A history row from before the event log, whose detail was already
/// words: read as it was written then.
fn imported(who: &str, kind: &str, detail: &str) -> String {
    match kind {
        "created" => format!("{who} raised the ticket “{detail}”"),
        "reply" => format!("{who} replied"),
        "note" => format!("{who} added an internal note"),
        "status" => change(who, "the status", detail),
        "priority" => match detail.strip_suffix(" by escalation") {
            Some(moved) => change("An escalation", "the priority", moved),
            None => change(who, "the priority", detail),
        },
        "category" => change(who, "the category", detail),
        "group" => group(who, detail),
        "assigned" => assignment(who, detail),
        "tags" if detail == "none" || detail.is_empty() => format!("{who} removed every tag"),
        "tags" => format!("{who} set the tags to {detail}"),
        "watching" => format!("{who} started watching the ticket"),
        "unwatching" => format!("{who} stopped watching the ticket"),
        "attachment" => format!("{who} attached {detail}"),
        "sla" => format!("SLA: {detail}"),
        "escalation" => match detail.split_once(": ") {
            Some((level, actions)) => format!("{level} fired: {actions}"),
            None => format!("{detail} fired"),
        },
        _ if detail.is_empty() => format!("{who} changed the ticket"),
        _ => format!("{who} changed the ticket: {detail}"),
    }
}

/// "A → B" as "changed the status from A to B".
fn change(who: &str, what: &str, detail: &str) -> String {
    match detail.split_once(" → ") {
        Some((from, to)) => format!("{who} changed {what} from {from} to {to}"),
        None => format!("{who} changed {what} to {detail}"),
    }
}

fn group(who: &str, detail: &str) -> String {
    if let Some(name) = detail
        .strip_suffix(" by escalation")
        .and_then(|d| d.strip_prefix("Moved to "))
    {
        return format!("An escalation moved the ticket to the {name} group");
    }
    match detail.strip_prefix("Moved to ") {
        Some(name) => format!("{who} moved the ticket to the {name} group"),
        None if detail == "Removed from its group" => {
            format!("{who} took the ticket out of its group")
        }
        None => format!("{who} changed the group: {detail}"),
    }
}

fn assignment(who: &str, detail: &str) -> String {
    if let Some(name) = detail
        .strip_prefix("Assigned to ")
        .and_then(|d| d.strip_suffix(" by the scheduler"))
    {
        return format!("The scheduler assigned the ticket to {name}");
    }
    if let Some(name) = detail.strip_prefix("Assigned to ") {
        return if name == who {
            format!("{who} took the ticket")
        } else {
            format!("{who} assigned the ticket to {name}")
        };
    }
    if let Some(name) = detail.strip_prefix("Claimed by ") {
        return format!("{name} claimed the ticket");
    }
    if detail == "Released" {
        return format!("{who} released the ticket");
    }
    if let Some(reason) = detail.strip_prefix("Returned to the queue: ") {
        return format!("The ticket went back to the queue: {reason}");
    }
    if let Some((queue, reason)) = detail
        .strip_prefix("Returned to the ")
        .and_then(|d| d.split_once(" queue: "))
    {
        return format!("The ticket went back to the {queue} queue: {reason}");
    }
    if let Some(reason) = detail.strip_prefix("Unassigned: ") {
        return format!("The ticket was unassigned: {reason}");
    }
    format!("{who} changed the assignee: {detail}")
}

/// Ending with a full stop. Names stay exactly as people wrote them, so
/// nothing is capitalised here: every phrase of our own starts with one.
fn finish(mut text: String) -> String {
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::domain::escalation::EscalationAction;
    use crate::domain::event::*;
    use crate::domain::sla::{ClockChange, Metric};
    use crate::domain::{Priority, Role, Status};

    fn sentence(actor: Option<&str>, kind: &str, detail: &str) -> String {
        let change = DomainEvent::HistoryImported {
            kind: kind.into(),
            detail: detail.into(),
        };
        describe(actor, None, &change)
    }

    #[test]
    fn typed_events_read_as_the_history_always_did() {
        use DomainEvent::*;
        let bo = Some(7);
        let alice = Named::new(9, "Alice Agent");
        let cases: Vec<(Option<&str>, Option<i64>, DomainEvent, &str)> = vec![
            (
                Some("Ann Lee"),
                Some(1),
                TicketCreated {
                    subject: "VPN drops".into(),
                },
                "Ann Lee raised the ticket “VPN drops”.",
            ),
            (
                Some("Bo"),
                bo,
                MessageAdded {
                    message_id: 1,
                    internal: false,
                },
                "Bo replied.",
            ),
            (
                Some("Bo"),
                bo,
                MessageAdded {
                    message_id: 1,
                    internal: true,
                },
                "Bo added an internal note.",
            ),
            (
                Some("Bo"),
                bo,
                TicketStatusChanged {
                    from: Status::New,
                    to: Status::Pending,
                },
                "Bo changed the status from New to Pending.",
            ),
            (
                None,
                None,
                PriorityChanged {
                    from: Priority::Normal,
                    to: Priority::High,
                    by_escalation: true,
                },
                "An escalation changed the priority from Normal to High.",
            ),
            (
                Some("Bo"),
                bo,
                CategoryChanged {
                    from: Some("VPN".into()),
                    to: None,
                },
                "Bo changed the category from VPN to no category.",
            ),
            (
                None,
                None,
                GroupChanged {
                    to: Some("Tier 2".into()),
                    by_escalation: true,
                },
                "An escalation moved the ticket to the Tier 2 group.",
            ),
            (
                Some("Bo"),
                bo,
                TicketAssigned {
                    to: alice.clone(),
                    by: AssignedBy::Person,
                },
                "Bo assigned the ticket to Alice Agent.",
            ),
            (
                Some("Bo"),
                bo,
                TicketAssigned {
                    to: Named::new(7, "Bo"),
                    by: AssignedBy::Person,
                },
                "Bo took the ticket.",
            ),
            (
                None,
                None,
                TicketAssigned {
                    to: alice.clone(),
                    by: AssignedBy::Scheduler,
                },
                "The scheduler assigned the ticket to Alice Agent.",
            ),
            (
                Some("Bo"),
                bo,
                TicketClaimed {
                    by: Named::new(7, "Bo"),
                },
                "Bo claimed the ticket.",
            ),
            (
                Some("Root"),
                Some(1),
                TicketReleased {
                    from: Some(Named::new(3, "Ada")),
                    reason: ReleaseReason::Deactivated,
                    queue: Some("Network".into()),
                },
                "The ticket went back to the Network queue: Ada was deactivated.",
            ),
            (
                None,
                None,
                TicketReleased {
                    from: Some(alice.clone()),
                    reason: ReleaseReason::WentOffline,
                    queue: None,
                },
                "The ticket went back to the queue: Alice Agent went offline without working on it.",
            ),
            (
                Some("Bo"),
                bo,
                TicketUpdated {
                    changes: vec![FieldChange {
                        field: TicketField::Tags,
                        from: vec![],
                        to: vec!["billing".into(), "vpn".into()],
                    }],
                },
                "Bo set the tags to billing, vpn.",
            ),
            (
                Some("Bo"),
                bo,
                SlaClockChanged {
                    change: ClockChange::Paused(Metric::Resolution),
                },
                "SLA: Resolution clock paused.",
            ),
            (
                None,
                None,
                SlaBreached {
                    metric: Metric::FirstResponse,
                },
                "SLA: First response breached.",
            ),
            (
                None,
                None,
                SlaWarning {
                    metric: Metric::FirstResponse,
                    level: 1,
                    offset_minutes: -10,
                    actions: vec![FiredAction {
                        action: EscalationAction::NotifyUser(3),
                        name: Some("Lee".into()),
                    }],
                },
                "First response escalation level 1 (10 min before) fired: notify Lee.",
            ),
            (
                Some("Root"),
                Some(1),
                UserRoleChanged {
                    user: alice.clone(),
                    from: Role::Agent,
                    to: Role::Admin,
                },
                "Root changed the role of Alice Agent from Agent to Admin.",
            ),
            (
                Some("Root"),
                Some(1),
                UserInvited {
                    email: "a@example.com".into(),
                    role: Role::Agent,
                },
                "Root invited a@example.com as an agent.",
            ),
            (
                Some("Root"),
                Some(1),
                TicketDeleted {
                    subject: "Win a prize".into(),
                },
                "Root deleted the ticket “Win a prize”.",
            ),
        ];
        for (actor, actor_id, change, expected) in cases {
            assert_eq!(describe(actor, actor_id, &change), expected, "{change:?}");
        }
    }

    #[test]
    fn rows_from_before_the_log_read_as_they_were_written() {
        let cases = [
            (
                Some("Ann Lee"),
                "created",
                "VPN drops",
                "Ann Lee raised the ticket “VPN drops”.",
            ),
            (Some("Bo"), "reply", "", "Bo replied."),
            (Some("Bo"), "note", "", "Bo added an internal note."),
            (
                Some("Bo"),
                "status",
                "New → Pending",
                "Bo changed the status from New to Pending.",
            ),
            (
                Some("Bo"),
                "priority",
                "Normal → High",
                "Bo changed the priority from Normal to High.",
            ),
            (
                None,
                "priority",
                "Normal → High by escalation",
                "An escalation changed the priority from Normal to High.",
            ),
            (
                Some("Bo"),
                "category",
                "VPN → Email",
                "Bo changed the category from VPN to Email.",
            ),
            (
                Some("Bo"),
                "group",
                "Moved to Tier 2",
                "Bo moved the ticket to the Tier 2 group.",
            ),
            (
                None,
                "group",
                "Moved to Tier 2 by escalation",
                "An escalation moved the ticket to the Tier 2 group.",
            ),
            (
                Some("Bo"),
                "assigned",
                "Assigned to Alice Agent",
                "Bo assigned the ticket to Alice Agent.",
            ),
            (
                Some("Bo"),
                "assigned",
                "Assigned to Bo",
                "Bo took the ticket.",
            ),
            (
                None,
                "assigned",
                "Assigned to Alice Agent by the scheduler",
                "The scheduler assigned the ticket to Alice Agent.",
            ),
            (
                Some("Bo"),
                "assigned",
                "Claimed by Bo",
                "Bo claimed the ticket.",
            ),
            (
                Some("Bo"),
                "assigned",
                "Released",
                "Bo released the ticket.",
            ),
            (
                Some("Root"),
                "assigned",
                "Returned to the Network queue: Ada was deactivated",
                "The ticket went back to the Network queue: Ada was deactivated.",
            ),
            (
                Some("Bo"),
                "tags",
                "billing, vpn",
                "Bo set the tags to billing, vpn.",
            ),
            (Some("Bo"), "tags", "none", "Bo removed every tag."),
            (
                Some("Bo"),
                "watching",
                "",
                "Bo started watching the ticket.",
            ),
            (
                Some("Bo"),
                "unwatching",
                "",
                "Bo stopped watching the ticket.",
            ),
            (Some("Bo"), "attachment", "log.txt", "Bo attached log.txt."),
            (
                None,
                "sla",
                "First response breached",
                "SLA: First response breached.",
            ),
            (
                None,
                "escalation",
                "First response escalation level 1 (10 min before): notify Lee",
                "First response escalation level 1 (10 min before) fired: notify Lee.",
            ),
        ];
        for (actor, kind, detail, expected) in cases {
            assert_eq!(sentence(actor, kind, detail), expected, "{kind}: {detail}");
        }
    }

    #[test]
    fn nothing_is_lowercased_or_left_without_a_verb() {
        let line = sentence(Some("Bo"), "assigned", "Assigned to Alice Agent");
        assert!(line.contains("Alice Agent"));
        for kind in ["priority", "tags", "attachment", "watching"] {
            let line = sentence(Some("Bo"), kind, "x");
            assert!(line.starts_with("Bo "), "{line}");
        }
    }
}
