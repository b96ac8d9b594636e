use super::*;
use crate::domain::sla::Target;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn clock(status: ClockStatus) -> Clock {
    Clock {
        metric: Metric::FirstResponse,
        cycle: 1,
        status,
        started_at: at("2026-11-23T10:00:00Z"),
        target: Target {
            minutes: 60,
            business: false,
        },
        paused_business_ms: 0,
        paused_calendar_ms: 0,
        paused_since: (status == ClockStatus::Paused).then(|| at("2026-11-23T10:30:00Z")),
        due_at: at("2026-11-23T11:00:00Z"),
        met_at: (status == ClockStatus::Met).then(|| at("2026-11-23T10:40:00Z")),
        breached_at: None,
    }
}

fn row() -> Row {
    Row {
        priority: Priority::High,
        metric: Metric::FirstResponse,
        levels: vec![
            Level {
                offset_minutes: -30,
                actions: vec![EscalationAction::NotifyAssignee],
            },
            Level {
                offset_minutes: 0,
                actions: vec![EscalationAction::NotifyGroupLeads],
            },
            Level {
                offset_minutes: 60,
                actions: vec![
                    EscalationAction::ReassignToGroup(7),
                    EscalationAction::RaisePriority,
                ],
            },
        ],
    }
}

#[test]
fn levels_fire_in_order_at_their_offsets() {
    let c = clock(ClockStatus::Running);
    let r = row();
    assert!(due_now(&c, Some(&r), 0, at("2026-11-23T10:29:59Z")).is_empty());
    assert_eq!(
        next_firing(&c, Some(&r), 0),
        Some(at("2026-11-23T10:30:00Z"))
    );
    let due = due_now(&c, Some(&r), 0, at("2026-11-23T10:30:00Z"));
    assert_eq!(
        due,
        Due {
            breach: false,
            levels: vec![0]
        }
    );
    assert_eq!(
        next_firing(&c, Some(&r), 1),
        Some(at("2026-11-23T11:00:00Z"))
    );
    // At the due time: the breach and level 2 together.
    let due = due_now(&c, Some(&r), 1, at("2026-11-23T11:00:00Z"));
    assert_eq!(
        due,
        Due {
            breach: true,
            levels: vec![1]
        }
    );
    // A monitor that was away catches up on every level, once each.
    let due = due_now(&c, Some(&r), 0, at("2026-11-23T13:00:00Z"));
    assert_eq!(due.levels, vec![0, 1, 2]);
    assert!(due_now(&c, Some(&r), 3, at("2026-11-23T13:00:00Z"))
        .levels
        .is_empty());
}

#[test]
fn breached_clocks_keep_escalating_until_fulfilled() {
    let mut c = clock(ClockStatus::Breached);
    let r = row();
    assert_eq!(
        next_firing(&c, Some(&r), 2),
        Some(at("2026-11-23T12:00:00Z"))
    );
    let due = due_now(&c, Some(&r), 2, at("2026-11-23T12:00:00Z"));
    assert_eq!(
        due,
        Due {
            breach: false,
            levels: vec![2]
        }
    );
    c.met_at = Some(at("2026-11-23T11:30:00Z"));
    assert_eq!(next_firing(&c, Some(&r), 2), None);
}

#[test]
fn paused_and_met_clocks_are_left_alone() {
    let r = row();
    for status in [ClockStatus::Paused, ClockStatus::Met] {
        let c = clock(status);
        assert_eq!(next_firing(&c, Some(&r), 0), None);
        assert!(due_now(&c, Some(&r), 0, at("2026-12-01T00:00:00Z")).is_empty());
    }
    // Without a matrix row only the breach itself is watched.
    let c = clock(ClockStatus::Running);
    assert_eq!(next_firing(&c, None, 0), Some(at("2026-11-23T11:00:00Z")));
}

#[test]
fn validation_names_every_problem() {
    let known = Known {
        groups: [7].into_iter().collect(),
        staff: [3].into_iter().collect(),
    };
    assert!(validate(&Matrix { rows: vec![row()] }, &known).is_empty());

    let mut bad = row();
    bad.levels[1].offset_minutes = -45;
    bad.levels[2].actions = vec![
        EscalationAction::ReassignToGroup(8),
        EscalationAction::NotifyUser(4),
        EscalationAction::NotifyUser(4),
    ];
    let empty = Row {
        priority: Priority::High,
        metric: Metric::FirstResponse,
        levels: vec![Level {
            offset_minutes: 0,
            actions: Vec::new(),
        }],
    };
    let problems: Vec<String> = validate(
        &Matrix {
            rows: vec![bad, empty],
        },
        &known,
    )
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(
        problems,
        vec![
            "Row 1, level 2: its offset (45 min before) must come after the previous level's (30 min before).",
            "Row 1, level 3: group #8 does not exist or is archived.",
            "Row 1, level 3: user #4 is not an active agent or admin.",
            "Row 1, level 3: \"notify the same person\" is listed twice.",
            "Row 1, level 3: user #4 is not an active agent or admin.",
            "Row 2: High priority, first response appears twice; merge the two rows.",
            "Row 2, level 1: choose at least one action.",
        ]
    );
}

#[test]
fn offsets_read_naturally() {
    assert_eq!(describe_offset(-30), "30 min before");
    assert_eq!(describe_offset(0), "at the due time");
    assert_eq!(describe_offset(90), "1 h 30 min after");
    assert_eq!(describe_offset(-120), "2 h before");
    assert_eq!(raised(Priority::Low), Priority::Normal);
    assert_eq!(raised(Priority::Critical), Priority::Critical);
}

#[test]
fn actions_serialize_with_their_target() {
    let json = serde_json::to_string(&vec![
        EscalationAction::ReassignToGroup(7),
        EscalationAction::RaisePriority,
    ])
    .unwrap();
    assert_eq!(
        json,
        r#"[{"kind":"reassign_to_group","target":7},{"kind":"raise_priority"}]"#
    );
}
