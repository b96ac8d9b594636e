//! What the SLA monitor does when a clock is due, decided here and only
//! carried out by the store: whether the clock breaches, which escalation
//! levels fire, when the clock is next owed something, and what the fired
//! levels set off (history events, alerts, group moves, priority raises).

use super::escalation::{due_now, next_firing, raised, EscalationAction, Level, Matrix};
use super::event::{DomainEvent, Event, FiredAction};
use super::sla::{breach, Clock, Metric};
use super::Priority;
use chrono::{DateTime, Utc};

/// One due clock's firing: the clock as read and as it will be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ClockFiring {
    pub was: Clock,
    pub was_levels_fired: i64,
    pub clock: Clock,
    pub levels_fired: i64,
    pub next_fire_at: Option<DateTime<Utc>>,
    pub breached: bool,
    /// (level number from 1, the level) for each level now due.
    pub levels: Vec<(usize, Level)>,
}

/// Plans the firing of a clock of a ticket at `priority` whose category
/// escalates by `matrix`.
pub fn plan_clock(
    was: Clock,
    was_levels_fired: i64,
    matrix: Option<&Matrix>,
    priority: Priority,
    now: DateTime<Utc>,
) -> ClockFiring {
    let row = matrix.and_then(|m| m.row(priority, was.metric));
    let already = usize::try_from(was_levels_fired).unwrap_or(usize::MAX);
    let due = due_now(&was, row, already, now);
    let mut clock = was.clone();
    let breached = due.breach && breach(&mut clock, now);
    let levels: Vec<(usize, Level)> = due
        .levels
        .iter()
        .filter_map(|&i| {
            row.and_then(|r| r.levels.get(i))
                .map(|l| (i + 1, l.clone()))
        })
        .collect();
    let levels_fired = was_levels_fired + due.levels.len() as i64;
    ClockFiring {
        next_fire_at: next_fire(&clock, matrix, priority, levels_fired),
        was,
        was_levels_fired,
        clock,
        levels_fired,
        breached,
        levels,
    }
}

/// When the monitor next owes a clock something, given the ticket's
/// matrix and priority.
pub fn next_fire(
    clock: &Clock,
    matrix: Option<&Matrix>,
    priority: Priority,
    levels_fired: i64,
) -> Option<DateTime<Utc>> {
    let row = matrix.and_then(|m| m.row(priority, clock.metric));
    next_firing(
        clock,
        row,
        usize::try_from(levels_fired).unwrap_or(usize::MAX),
    )
}

/// A firing whose claim won and whose levels were recorded for the first
/// time (a level already on record fired before and does nothing now).
#[derive(Debug, Clone)]
pub struct Landed<'a> {
    pub ticket_id: i64,
    pub metric: Metric,
    pub assignee_id: Option<i64>,
    pub breached: bool,
    pub levels: Vec<(usize, &'a Level)>,
}

/// Who an escalation alert goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertTo {
    User(i64),
    /// The leads of the group the ticket is in once the batch's moves are
    /// done: a level that reassigns tells the group taking it over.
    LeadsOfCurrentGroup,
}

/// One alert to send, naming the level that set it off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub ticket_id: i64,
    pub to: AlertTo,
    pub metric: Metric,
    pub level: usize,
    pub offset_minutes: i32,
}

/// What a batch of landed firings sets off, in firing order.
#[derive(Debug, Default)]
pub struct Consequences {
    pub events: Vec<Event>,
    pub alerts: Vec<Alert>,
    /// (ticket, group it moves to, unassigned).
    pub moves: Vec<(i64, i64)>,
    /// (ticket, how many steps its priority rises).
    pub raises: Vec<(i64, usize)>,
}

/// The events, alerts, moves and raises of `landed`. `name_of` gives the
/// current name of a person or group an action names, for the history.
pub fn consequences(
    landed: &[Landed<'_>],
    now: DateTime<Utc>,
    name_of: impl Fn(&EscalationAction) -> Option<String>,
) -> Consequences {
    let mut out = Consequences::default();
    for firing in landed.iter().filter(|f| f.breached) {
        let metric = firing.metric;
        out.events.push(Event::on_ticket(
            firing.ticket_id,
            None,
            now,
            DomainEvent::SlaBreached { metric },
        ));
    }
    for firing in landed {
        let (ticket_id, metric) = (firing.ticket_id, firing.metric);
        for &(level, spec) in &firing.levels {
            let offset_minutes = spec.offset_minutes;
            let actions = spec
                .actions
                .iter()
                .map(|action| FiredAction {
                    action: action.clone(),
                    name: name_of(action),
                })
                .collect();
            // Levels before the due time warn; at or after it they escalate.
            let change = if offset_minutes < 0 {
                DomainEvent::SlaWarning {
                    metric,
                    level,
                    offset_minutes,
                    actions,
                }
            } else {
                DomainEvent::TicketEscalated {
                    metric,
                    level,
                    offset_minutes,
                    actions,
                }
            };
            out.events
                .push(Event::on_ticket(ticket_id, None, now, change));
            let alert = |to| Alert {
                ticket_id,
                to,
                metric,
                level,
                offset_minutes,
            };
            for action in &spec.actions {
                match action {
                    EscalationAction::NotifyAssignee => {
                        // Not the one a reassignment before it has just
                        // taken the ticket from.
                        let moved = out.moves.iter().any(|(t, _)| *t == ticket_id);
                        if let (Some(user), false) = (firing.assignee_id, moved) {
                            out.alerts.push(alert(AlertTo::User(user)));
                        }
                    }
                    EscalationAction::NotifyGroupLeads => {
                        out.alerts.push(alert(AlertTo::LeadsOfCurrentGroup))
                    }
                    EscalationAction::NotifyUser(user) => {
                        out.alerts.push(alert(AlertTo::User(*user)))
                    }
                    EscalationAction::ReassignToGroup(group) => out.moves.push((ticket_id, *group)),
                    EscalationAction::RaisePriority => {
                        match out.raises.iter_mut().find(|(t, _)| *t == ticket_id) {
                            Some((_, steps)) => *steps += 1,
                            None => out.raises.push((ticket_id, 1)),
                        }
                    }
                }
            }
        }
    }
    out
}

/// A priority raised `steps` times: every level that raises counts,
/// whether the monitor fires them in one round or in several.
pub fn raised_by(priority: Priority, steps: usize) -> Priority {
    (0..steps).fold(priority, |p, _| raised(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(offset_minutes: i32, actions: Vec<EscalationAction>) -> Level {
        Level {
            offset_minutes,
            actions,
        }
    }

    fn at() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn warnings_come_before_the_due_time_and_escalations_after() {
        let warn = level(-30, vec![EscalationAction::NotifyAssignee]);
        let late = level(60, vec![EscalationAction::NotifyGroupLeads]);
        let landed = [Landed {
            ticket_id: 4,
            metric: Metric::Resolution,
            assignee_id: Some(9),
            breached: true,
            levels: vec![(1, &warn), (2, &late)],
        }];
        let out = consequences(&landed, at(), |_| None);
        let kinds: Vec<&str> = out.events.iter().map(|e| e.change.kind()).collect();
        assert_eq!(kinds, ["SlaBreached", "SlaWarning", "TicketEscalated"]);
        assert_eq!(
            out.alerts.iter().map(|a| a.to).collect::<Vec<_>>(),
            [AlertTo::User(9), AlertTo::LeadsOfCurrentGroup]
        );
        assert!(out.events.iter().all(|e| !e.public && e.actor.is_none()));
    }

    #[test]
    fn a_reassignment_spares_the_old_assignee_and_raises_add_up() {
        let first = level(
            0,
            vec![
                EscalationAction::ReassignToGroup(3),
                EscalationAction::RaisePriority,
            ],
        );
        let second = level(
            30,
            vec![
                EscalationAction::NotifyAssignee,
                EscalationAction::NotifyUser(5),
                EscalationAction::RaisePriority,
            ],
        );
        let landed = [Landed {
            ticket_id: 4,
            metric: Metric::FirstResponse,
            assignee_id: Some(9),
            breached: false,
            levels: vec![(1, &first), (2, &second)],
        }];
        let out = consequences(&landed, at(), |action| match action {
            EscalationAction::NotifyUser(_) => Some("Ana".into()),
            _ => None,
        });
        assert_eq!(out.moves, [(4, 3)]);
        assert_eq!(out.raises, [(4, 2)]);
        assert_eq!(
            out.alerts.iter().map(|a| a.to).collect::<Vec<_>>(),
            [AlertTo::User(5)]
        );
        assert_eq!(raised_by(Priority::Low, 2), Priority::High);
        assert_eq!(raised_by(Priority::High, 5), Priority::Critical);
        let named = out.events.iter().any(|e| match &e.change {
            DomainEvent::TicketEscalated { actions, .. } => {
                actions.iter().any(|a| a.name.as_deref() == Some("Ana"))
            }
            _ => false,
        });
        assert!(named);
    }
}
