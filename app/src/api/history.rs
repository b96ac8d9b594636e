//! A ticket's history in words: every entry becomes one sentence that names
//! who did what, written here and nowhere else — for the ticket pages and
//! for the message of a stale edit.

/// One history entry as a sentence. `actor` is the person who made the
/// change; entries without one were made by Ferrodesk itself (the
/// scheduler, the SLA monitor).
pub fn sentence(actor: Option<&str>, kind: &str, detail: &str) -> String {
    let who = actor.unwrap_or("Ferrodesk");
    let text = match kind {
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
    };
    finish(text)
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
    use super::sentence;

    #[test]
    fn every_entry_reads_as_a_sentence_with_names() {
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
