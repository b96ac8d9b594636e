#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::RoutingState;
use crate::store::{GroupRecord, QueuedTicket, RosterAgent, RosterRecord, RoutingTicket};
use app::domain::routing::Assignment;
use app::domain::{Availability, Priority, Status, Strategy};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap() + Duration::minutes(minute)
}

fn waiting(id: i64, group: i64, minute: i64) -> QueuedTicket {
    QueuedTicket {
        id,
        group_id: group,
        priority: Priority::Normal,
        routable_since: at(minute),
        sla_due: None,
    }
}

fn roster(capacity: u32) -> RosterRecord {
    RosterRecord {
        agents: vec![RosterAgent {
            id: 7,
            availability: Availability::Online,
            last_assigned: None,
        }],
        groups: vec![GroupRecord {
            id: 1,
            name: "Support".into(),
            archived: false,
            strategy: Strategy::LeastLoaded,
            auto_assign: true,
        }],
        members: vec![(1, 7, capacity)],
    }
}

#[test]
fn running_tickets_count_against_capacity() {
    let state = RoutingState::rebuild(vec![waiting(10, 1, 0)], vec![(3, 7), (4, 7)], roster(2));
    assert!(state.plan(at(5)).is_empty(), "already at capacity");
    let state = RoutingState::rebuild(vec![waiting(10, 1, 0)], vec![(3, 7)], roster(2));
    assert_eq!(state.plan(at(5)).len(), 1);
}

#[test]
fn a_resolved_ticket_frees_capacity_and_a_claimed_one_leaves_the_queue() {
    let mut state = RoutingState::rebuild(
        vec![waiting(10, 1, 0), waiting(11, 1, 1)],
        vec![(3, 7)],
        roster(1),
    );
    assert!(state.plan(at(5)).is_empty());
    state.apply_ticket(&RoutingTicket {
        id: 3,
        group_id: Some(1),
        priority: Priority::Normal,
        status: Status::Resolved,
        assignee_id: Some(7),
        routable_since: None,
        sla_due: None,
    });
    let plan = state.plan(at(5));
    assert_eq!(
        plan.iter().map(|a| a.ticket_id).collect::<Vec<_>>(),
        vec![10]
    );
    state.apply_ticket(&RoutingTicket {
        id: 10,
        group_id: Some(1),
        priority: Priority::Normal,
        status: Status::Open,
        assignee_id: Some(99),
        routable_since: None,
        sla_due: None,
    });
    assert_eq!(state.queued(), 1);
    assert_eq!(state.plan(at(6))[0].ticket_id, 11);
}

#[test]
fn written_assignments_leave_the_queue_and_add_load() {
    let mut state = RoutingState::rebuild(
        vec![waiting(10, 1, 0), waiting(11, 1, 1)],
        vec![],
        roster(1),
    );
    let plan = state.plan(at(5));
    assert_eq!(
        plan,
        vec![Assignment {
            ticket_id: 10,
            agent_id: 7,
            group_id: 1
        }]
    );
    state.assigned(&plan, at(5));
    assert_eq!(state.queued(), 1);
    assert!(state.plan(at(6)).is_empty(), "the only agent is now full");
}

#[test]
fn an_agent_going_offline_gets_nothing() {
    let mut state = RoutingState::rebuild(vec![waiting(10, 1, 0)], vec![], roster(3));
    let mut away = roster(3);
    away.agents[0].availability = Availability::Offline;
    state.set_roster(away);
    assert!(state.plan(at(5)).is_empty());
}

#[test]
fn the_nearest_sla_due_time_goes_first_within_a_priority() {
    let mut early = waiting(20, 1, 10);
    early.sla_due = Some(at(90));
    let mut late = waiting(21, 1, 0);
    late.sla_due = Some(at(120));
    // No SLA: after both, though it became routable first.
    let none = waiting(22, 1, -10);
    let state = RoutingState::rebuild(vec![late, none, early], Vec::new(), roster(1));
    let plan = state.plan(at(100));
    assert_eq!(
        plan.iter().map(|a| a.ticket_id).collect::<Vec<_>>(),
        vec![20]
    );
}
