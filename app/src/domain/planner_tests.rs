#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::plan;
use crate::domain::routing::{
    AgentState, Assignment, Availability, GroupPolicy, Member, QueueKey, Roster, RoutingQueue,
    Strategy as Pick,
};
use crate::domain::Priority;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use std::collections::{HashMap, HashSet};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

fn key(id: i64, priority: Priority, since: i64) -> QueueKey {
    QueueKey {
        priority,
        sla_due: None,
        routable_since: at(since),
        id,
    }
}

fn agent(id: i64, load: u32, last: Option<i64>) -> AgentState {
    AgentState {
        id,
        availability: Availability::Online,
        load,
        last_assigned: last.map(at),
    }
}

/// (group id, strategy, members as (agent id, capacity)).
type GroupSpec<'a> = (i64, Pick, &'a [(i64, u32)]);

fn roster(agents: &[AgentState], groups: &[GroupSpec]) -> Roster {
    Roster {
        agents: agents.iter().map(|a| (a.id, *a)).collect(),
        groups: groups
            .iter()
            .map(|(id, strategy, members)| {
                let policy = GroupPolicy {
                    id: *id,
                    strategy: *strategy,
                    auto_assign: true,
                    members: members
                        .iter()
                        .map(|&(agent_id, capacity)| Member { agent_id, capacity })
                        .collect(),
                };
                (*id, policy)
            })
            .collect(),
    }
}

fn pairs(assignments: &[Assignment]) -> Vec<(i64, i64)> {
    assignments
        .iter()
        .map(|a| (a.ticket_id, a.agent_id))
        .collect()
}

#[test]
fn queue_order_is_priority_then_due_then_age_then_id() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Low, 0));
    queue.upsert(1, key(2, Priority::Critical, 9));
    queue.upsert(1, key(3, Priority::Normal, 1));
    queue.upsert(1, key(4, Priority::Normal, 1));
    let mut due = key(5, Priority::Normal, 5);
    due.sla_due = Some(at(60));
    queue.upsert(1, due);
    let order: Vec<i64> = queue.group(1).map(|k| k.id).collect();
    assert_eq!(order, vec![2, 5, 3, 4, 1]);
}

#[test]
fn upsert_moves_a_ticket_and_remove_forgets_it() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(7, Priority::Low, 0));
    queue.upsert(2, key(7, Priority::High, 0));
    assert_eq!(
        (queue.group_len(1), queue.group_len(2), queue.len()),
        (0, 1, 1)
    );
    assert!(queue.remove(7));
    assert!(queue.is_empty() && !queue.remove(7));
}

#[test]
fn least_loaded_picks_the_lightest_then_the_longest_idle_then_the_lowest_id() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Normal, 0));
    let agents = [
        agent(10, 2, Some(5)),
        agent(11, 1, Some(9)),
        agent(12, 1, Some(3)),
    ];
    let roster = roster(
        &agents,
        &[(1, Pick::LeastLoaded, &[(10, 5), (11, 5), (12, 5)])],
    );
    assert_eq!(pairs(&plan(&queue, &roster, at(10))), vec![(1, 12)]);
}

#[test]
fn least_loaded_by_share_weighs_capacity() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Normal, 0));
    // 2 of 10 (20 %) beats 1 of 2 (50 %).
    let agents = [agent(10, 1, None), agent(11, 2, None)];
    let roster = roster(
        &agents,
        &[(1, Pick::LeastLoadedPercent, &[(10, 2), (11, 10)])],
    );
    assert_eq!(pairs(&plan(&queue, &roster, at(10))), vec![(1, 11)]);
}

#[test]
fn round_robin_cycles_through_the_members() {
    let mut queue = RoutingQueue::default();
    for id in 1..=5 {
        queue.upsert(1, key(id, Priority::Normal, id));
    }
    let agents = [
        agent(10, 0, Some(3)),
        agent(11, 4, None),
        agent(12, 0, Some(1)),
    ];
    let roster = roster(
        &agents,
        &[(1, Pick::RoundRobin, &[(10, 9), (11, 9), (12, 9)])],
    );
    let got = pairs(&plan(&queue, &roster, at(10)));
    assert_eq!(got, vec![(1, 11), (2, 12), (3, 10), (4, 11), (5, 12)]);
}

#[test]
fn nobody_gets_work_offline_away_full_or_outside_the_group() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Normal, 0));
    let mut away = agent(10, 0, None);
    away.availability = Availability::Away;
    let mut offline = agent(11, 0, None);
    offline.availability = Availability::Offline;
    let full = agent(12, 3, None);
    let outsider = agent(13, 0, None);
    let roster = roster(
        &[away, offline, full, outsider],
        &[
            (1, Pick::LeastLoaded, &[(10, 5), (11, 5), (12, 3)]),
            (2, Pick::LeastLoaded, &[(13, 5)]),
        ],
    );
    assert!(plan(&queue, &roster, at(1)).is_empty());
}

#[test]
fn auto_assignment_off_leaves_the_group_waiting() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Normal, 0));
    let mut roster = roster(&[agent(10, 0, None)], &[(1, Pick::LeastLoaded, &[(10, 5)])]);
    roster.groups.get_mut(&1).unwrap().auto_assign = false;
    assert!(plan(&queue, &roster, at(1)).is_empty());
}

#[test]
fn a_shared_agent_serves_the_more_urgent_group_first() {
    let mut queue = RoutingQueue::default();
    queue.upsert(1, key(1, Priority::Low, 0));
    queue.upsert(2, key(2, Priority::Critical, 5));
    let roster = roster(
        &[agent(10, 0, None)],
        &[
            (1, Pick::LeastLoaded, &[(10, 1)]),
            (2, Pick::LeastLoaded, &[(10, 1)]),
        ],
    );
    assert_eq!(pairs(&plan(&queue, &roster, at(9))), vec![(2, 10)]);
}

// Property tests over random queues and rosters.

/// (strategy index, auto-assign, members as (agent index, capacity)).
type RandomGroup = (u8, bool, Vec<(usize, u32)>);

#[derive(Debug, Clone)]
struct Scenario {
    tickets: Vec<(i64, i64, u8, i64, Option<i64>)>,
    agents: Vec<(u8, u32, Option<i64>)>,
    groups: Vec<RandomGroup>,
}

fn scenario() -> impl proptest::strategy::Strategy<Value = Scenario> {
    let tickets = prop::collection::vec(
        (0i64..4, 0u8..4, 0i64..50, prop::option::of(0i64..90)),
        0..60,
    );
    let agents = prop::collection::vec((0u8..3, 0u32..4, prop::option::of(0i64..30)), 1..12);
    let groups = prop::collection::vec(
        (
            0u8..3,
            any::<bool>(),
            prop::collection::vec((0usize..12, 0u32..5), 0..8),
        ),
        4,
    );
    (tickets, agents, groups).prop_map(|(tickets, agents, groups)| Scenario {
        tickets: tickets
            .into_iter()
            .enumerate()
            .map(|(i, (g, p, s, d))| (i as i64 + 1, g, p, s, d))
            .collect(),
        agents,
        groups,
    })
}

fn build(s: &Scenario) -> (RoutingQueue, Roster) {
    let mut queue = RoutingQueue::default();
    for &(id, group, p, since, due) in &s.tickets {
        queue.upsert(
            group,
            QueueKey {
                priority: Priority::ALL[p as usize],
                sla_due: due.map(at),
                routable_since: at(since),
                id,
            },
        );
    }
    let agents: HashMap<i64, AgentState> = s
        .agents
        .iter()
        .enumerate()
        .map(|(i, &(a, load, last))| {
            let id = 100 + i as i64;
            let state = AgentState {
                id,
                availability: Availability::ALL[a as usize],
                load,
                last_assigned: last.map(at),
            };
            (id, state)
        })
        .collect();
    let groups = s
        .groups
        .iter()
        .enumerate()
        .map(|(g, (strategy, auto, members))| {
            let mut seen = HashSet::new();
            let members = members
                .iter()
                .filter(|(a, _)| *a < s.agents.len() && seen.insert(*a))
                .map(|&(a, capacity)| Member {
                    agent_id: 100 + a as i64,
                    capacity,
                })
                .collect();
            let policy = GroupPolicy {
                id: g as i64,
                strategy: Pick::ALL[*strategy as usize],
                auto_assign: *auto,
                members,
            };
            (g as i64, policy)
        })
        .collect();
    (queue, Roster { agents, groups })
}

fn capacity(roster: &Roster, group: i64, agent: i64) -> Option<u32> {
    roster.groups[&group]
        .members
        .iter()
        .find(|m| m.agent_id == agent)
        .map(|m| m.capacity)
}

fn eligible(roster: &Roster, loads: &HashMap<i64, u32>, group: i64, agent: i64) -> bool {
    let state = &roster.agents[&agent];
    state.availability == Availability::Online
        && capacity(roster, group, agent).is_some_and(|c| loads[&agent] < c)
}

proptest! {
    #[test]
    fn plans_keep_every_rule(s in scenario()) {
        let (queue, roster) = build(&s);
        let now = at(100);
        let plan_once = plan(&queue, &roster, now);
        prop_assert_eq!(&plan_once, &plan(&queue, &roster, now), "deterministic");

        let mut loads: HashMap<i64, u32> = roster.agents.values().map(|a| (a.id, a.load)).collect();
        let mut assigned = HashSet::new();
        for a in &plan_once {
            prop_assert!(roster.groups[&a.group_id].auto_assign);
            prop_assert!(eligible(&roster, &loads, a.group_id, a.agent_id), "never over capacity, offline or outside the group");
            prop_assert!(queue.group(a.group_id).any(|k| k.id == a.ticket_id));
            prop_assert!(assigned.insert(a.ticket_id), "each ticket once");
            *loads.get_mut(&a.agent_id).unwrap() += 1;
        }
        for group in queue.group_ids() {
            let order: Vec<i64> = queue.group(group).map(|k| k.id).collect();
            let taken = order.iter().take_while(|id| assigned.contains(id)).count();
            prop_assert!(order[taken..].iter().all(|id| !assigned.contains(id)), "assigned tickets are the head of their queue");
            let auto = roster.groups.get(&group).is_some_and(|p| p.auto_assign);
            if auto && taken < order.len() {
                let anyone = roster.groups[&group].members.iter().any(|m| eligible(&roster, &loads, group, m.agent_id));
                prop_assert!(!anyone, "a ticket waits while an eligible agent is idle");
            }
        }
    }

    #[test]
    fn member_order_does_not_change_the_plan(s in scenario()) {
        let (queue, roster) = build(&s);
        let mut reversed = roster.clone();
        for policy in reversed.groups.values_mut() {
            policy.members.reverse();
        }
        prop_assert_eq!(plan(&queue, &roster, at(100)), plan(&queue, &reversed, at(100)));
    }
}
