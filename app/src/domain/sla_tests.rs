use super::*;
use crate::domain::calendar::{parse_intervals, Interval};
use proptest::prelude::*;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn minutes(m: u32) -> Option<Target> {
    Some(Target {
        minutes: m,
        business: false,
    })
}

fn business(m: u32) -> Option<Target> {
    Some(Target {
        minutes: m,
        business: true,
    })
}

fn office() -> Calendar {
    let day = parse_intervals("09:00-17:00").unwrap();
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    Calendar::new("UTC", week, Vec::new()).unwrap()
}

fn terms() -> Terms {
    Terms {
        policy_id: Some(1),
        first_response: minutes(60),
        next_response: minutes(120),
        resolution: business(8 * 60),
        pause_on: default_pause_statuses(),
        calendar: office(),
    }
}

fn clock(clocks: &[Clock], metric: Metric) -> &Clock {
    clocks.iter().find(|c| c.metric == metric).unwrap()
}

// 2026-11-23 is a Monday.
const MONDAY_10: &str = "2026-11-23T10:00:00Z";

fn created(terms: &Terms) -> Vec<Clock> {
    let mut clocks = Vec::new();
    let changes = apply(
        &mut clocks,
        &SlaEvent::Created {
            status: Status::New,
        },
        terms,
        at(MONDAY_10),
    );
    assert_eq!(
        changes,
        vec![
            ClockChange::Armed(Metric::FirstResponse),
            ClockChange::Armed(Metric::Resolution)
        ]
    );
    clocks
}

#[test]
fn a_new_ticket_arms_first_response_and_resolution() {
    let clocks = created(&terms());
    assert_eq!(clocks.len(), 2);
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.due_at, at("2026-11-23T11:00:00Z"));
    assert_eq!(first.status, ClockStatus::Running);
    assert_eq!(first.cycle, 1);
    // Eight business hours from Monday 10:00 end Tuesday 10:00.
    assert_eq!(
        clock(&clocks, Metric::Resolution).due_at,
        at("2026-11-24T10:00:00Z")
    );
}

#[test]
fn an_agent_reply_meets_the_response_targets_in_time_or_late() {
    let t = terms();
    let mut clocks = created(&t);
    let reply = SlaEvent::PublicReply { by_agent: true };
    let changes = apply(&mut clocks, &reply, &t, at("2026-11-23T10:30:00Z"));
    assert_eq!(changes, vec![ClockChange::Met(Metric::FirstResponse)]);
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.status, ClockStatus::Met);
    assert_eq!(first.met_at, Some(at("2026-11-23T10:30:00Z")));

    // The customer asks again: next response, cycle 1, two hours.
    let ask = SlaEvent::PublicReply { by_agent: false };
    let changes = apply(&mut clocks, &ask, &t, at("2026-11-23T12:00:00Z"));
    assert_eq!(changes, vec![ClockChange::Armed(Metric::NextResponse)]);
    // Asking twice before an answer does not move the due time.
    assert!(apply(&mut clocks, &ask, &t, at("2026-11-23T12:30:00Z")).is_empty());
    let next = clock(&clocks, Metric::NextResponse);
    assert_eq!(next.due_at, at("2026-11-23T14:00:00Z"));
    assert_eq!(
        next.status_at(at("2026-11-23T14:00:01Z")),
        ClockStatus::Breached
    );

    // Answered late: breached, with the instant it was fulfilled.
    let changes = apply(&mut clocks, &reply, &t, at("2026-11-23T15:00:00Z"));
    assert_eq!(changes, vec![ClockChange::MetLate(Metric::NextResponse)]);
    let next = clock(&clocks, Metric::NextResponse);
    assert_eq!(next.status, ClockStatus::Breached);
    assert_eq!(next.breached_at, Some(at("2026-11-23T14:00:00Z")));
    assert_eq!(next.met_at, Some(at("2026-11-23T15:00:00Z")));

    // The next question starts cycle 2.
    apply(&mut clocks, &ask, &t, at("2026-11-23T16:00:00Z"));
    assert_eq!(clock(&clocks, Metric::NextResponse).cycle, 2);
    assert_eq!(
        clock(&clocks, Metric::NextResponse).status,
        ClockStatus::Running
    );
}

#[test]
fn a_customer_reply_before_the_first_answer_arms_nothing_new() {
    let t = terms();
    let mut clocks = created(&t);
    let ask = SlaEvent::PublicReply { by_agent: false };
    assert!(apply(&mut clocks, &ask, &t, at("2026-11-23T10:10:00Z")).is_empty());
    assert_eq!(clocks.len(), 2);
}

#[test]
fn pausing_moves_the_due_time_by_the_paused_business_time() {
    let t = terms();
    let mut clocks = created(&t);
    let to_pending = SlaEvent::StatusChanged {
        from: Status::Open,
        to: Status::Pending,
    };
    let back = SlaEvent::StatusChanged {
        from: Status::Pending,
        to: Status::Open,
    };
    apply(&mut clocks, &to_pending, &t, at("2026-11-23T10:30:00Z"));
    let resolution = clock(&clocks, Metric::Resolution);
    assert_eq!(resolution.status, ClockStatus::Paused);
    // Paused clocks never breach, however long they wait.
    assert_eq!(
        resolution.status_at(at("2026-12-30T00:00:00Z")),
        ClockStatus::Paused
    );
    // Paused from Monday 10:30 to Tuesday 11:30: nine business hours
    // (Monday 10:30-17:00 and Tuesday 09:00-11:30) and 25 real ones.
    let changes = apply(&mut clocks, &back, &t, at("2026-11-24T11:30:00Z"));
    assert_eq!(changes.len(), 2);
    let resolution = clock(&clocks, Metric::Resolution);
    assert_eq!(resolution.paused_business_ms, 9 * 3_600_000);
    assert_eq!(resolution.paused_calendar_ms, 25 * 3_600_000);
    // Eight business hours plus nine paused from Monday 10:00: Wednesday
    // 11:00.
    assert_eq!(resolution.due_at, at("2026-11-25T11:00:00Z"));
    // The calendar-time first response moves by the full 25 hours.
    assert_eq!(
        clock(&clocks, Metric::FirstResponse).due_at,
        at("2026-11-24T12:00:00Z")
    );
}

#[test]
fn a_clock_past_due_breaches_instead_of_pausing() {
    let t = terms();
    let mut clocks = created(&t);
    let to_hold = SlaEvent::StatusChanged {
        from: Status::Open,
        to: Status::OnHold,
    };
    apply(&mut clocks, &to_hold, &t, at("2026-11-23T11:30:00Z"));
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.status, ClockStatus::Breached);
    assert_eq!(first.breached_at, Some(at("2026-11-23T11:00:00Z")));
    assert_eq!(
        clock(&clocks, Metric::Resolution).status,
        ClockStatus::Paused
    );
}

#[test]
fn resolving_after_an_answer_meets_every_clock_and_reopening_starts_a_new_resolution_cycle() {
    let t = terms();
    let mut clocks = created(&t);
    let reply = SlaEvent::PublicReply { by_agent: true };
    apply(&mut clocks, &reply, &t, at("2026-11-23T10:10:00Z"));
    let resolve = SlaEvent::StatusChanged {
        from: Status::Open,
        to: Status::Resolved,
    };
    let changes = apply(&mut clocks, &resolve, &t, at("2026-11-23T10:20:00Z"));
    assert_eq!(changes, vec![ClockChange::Met(Metric::Resolution)]);
    assert!(clocks.iter().all(|c| c.status == ClockStatus::Met));
    let reopen = SlaEvent::StatusChanged {
        from: Status::Resolved,
        to: Status::Open,
    };
    let changes = apply(&mut clocks, &reopen, &t, at("2026-11-23T12:00:00Z"));
    assert_eq!(changes, vec![ClockChange::Armed(Metric::Resolution)]);
    let resolution = clock(&clocks, Metric::Resolution);
    assert_eq!(resolution.cycle, 2);
    assert_eq!(resolution.started_at, at("2026-11-23T12:00:00Z"));
}

#[test]
fn closing_before_any_agent_reply_stops_the_first_response_without_meeting_it() {
    let t = terms();
    let mut clocks = created(&t);
    let close = SlaEvent::StatusChanged {
        from: Status::New,
        to: Status::Closed,
    };
    let changes = apply(&mut clocks, &close, &t, at("2026-11-23T10:20:00Z"));
    assert_eq!(
        changes,
        vec![
            ClockChange::StoppedUnanswered(Metric::FirstResponse),
            ClockChange::Met(Metric::Resolution)
        ]
    );
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.status, ClockStatus::Stopped);
    assert_eq!(first.met_at, None);
    assert_eq!(first.breached_at, None);
    assert!(!first.is_open());
    assert_ne!(
        urgency(first, at("2026-11-23T12:00:00Z")),
        Urgency::Breached
    );

    // Reopened, still unanswered: the customer waits for a first
    // response again, in a new cycle.
    let reopen = SlaEvent::StatusChanged {
        from: Status::Closed,
        to: Status::Open,
    };
    let changes = apply(&mut clocks, &reopen, &t, at("2026-11-23T13:00:00Z"));
    assert_eq!(
        changes,
        vec![
            ClockChange::Armed(Metric::Resolution),
            ClockChange::Armed(Metric::FirstResponse)
        ]
    );
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!((first.cycle, first.status), (2, ClockStatus::Running));
    assert_eq!(first.due_at, at("2026-11-23T14:00:00Z"));
}

#[test]
fn closing_unanswered_after_the_due_time_keeps_the_breach() {
    let t = terms();
    let mut clocks = created(&t);
    let close = SlaEvent::StatusChanged {
        from: Status::New,
        to: Status::Closed,
    };
    apply(&mut clocks, &close, &t, at("2026-11-23T11:30:00Z"));
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.status, ClockStatus::Stopped);
    assert_eq!(first.breached_at, Some(at("2026-11-23T11:00:00Z")));
    assert_eq!(
        urgency(first, at("2026-11-23T12:00:00Z")),
        Urgency::Breached
    );
}

#[test]
fn new_terms_never_lift_a_recorded_breach() {
    let t = terms();
    let mut clocks = created(&t);
    let first = clocks
        .iter_mut()
        .find(|c| c.metric == Metric::FirstResponse)
        .unwrap();
    assert!(breach(first, at("2026-11-23T11:00:00Z")));
    // An escalation raises the priority; its terms promise far longer.
    let mut longer = t.clone();
    longer.first_response = minutes(24 * 60);
    let changed = SlaEvent::TermsChanged {
        created_at: at(MONDAY_10),
        answered: false,
        status: Status::Open,
    };
    let changes = apply(&mut clocks, &changed, &longer, at("2026-11-23T11:05:00Z"));
    assert!(!changes.contains(&ClockChange::Retargeted(Metric::FirstResponse)));
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(first.status, ClockStatus::Breached);
    assert_eq!(first.breached_at, Some(at("2026-11-23T11:00:00Z")));
    assert_eq!(first.due_at, at("2026-11-23T11:00:00Z"));
}

#[test]
fn new_terms_recompute_open_clocks_and_leave_finished_ones() {
    let t = terms();
    let mut clocks = created(&t);
    let reply = SlaEvent::PublicReply { by_agent: true };
    apply(&mut clocks, &reply, &t, at("2026-11-23T10:05:00Z"));
    let mut urgent = t.clone();
    urgent.first_response = minutes(1);
    urgent.resolution = business(60);
    let changed = SlaEvent::TermsChanged {
        created_at: at(MONDAY_10),
        answered: true,
        status: Status::Open,
    };
    let changes = apply(&mut clocks, &changed, &urgent, at("2026-11-23T10:10:00Z"));
    assert_eq!(changes, vec![ClockChange::Retargeted(Metric::Resolution)]);
    assert_eq!(
        clock(&clocks, Metric::Resolution).due_at,
        at("2026-11-23T11:00:00Z")
    );
    // The met first response keeps its verdict.
    assert_eq!(
        clock(&clocks, Metric::FirstResponse).status,
        ClockStatus::Met
    );

    // Terms without a resolution target drop that clock; adding one back
    // starts it from the ticket's creation.
    let mut none = urgent.clone();
    none.resolution = None;
    let changes = apply(&mut clocks, &changed, &none, at("2026-11-23T10:11:00Z"));
    assert_eq!(changes, vec![ClockChange::Dropped(Metric::Resolution)]);
    let changes = apply(&mut clocks, &changed, &urgent, at("2026-11-23T10:12:00Z"));
    assert_eq!(changes, vec![ClockChange::Armed(Metric::Resolution)]);
    assert_eq!(clock(&clocks, Metric::Resolution).started_at, at(MONDAY_10));
}

#[test]
fn without_a_policy_nothing_is_promised() {
    let mut clocks = Vec::new();
    let event = SlaEvent::Created {
        status: Status::New,
    };
    assert!(apply(&mut clocks, &event, &Terms::none(), at(MONDAY_10)).is_empty());
    assert!(clocks.is_empty());
}

#[test]
fn the_monitor_breaches_only_running_clocks_past_due() {
    let t = terms();
    let mut clocks = created(&t);
    let first = clocks
        .iter_mut()
        .find(|c| c.metric == Metric::FirstResponse)
        .unwrap();
    assert!(!breach(first, at("2026-11-23T10:59:59.999Z")));
    assert!(breach(first, at("2026-11-23T11:00:00Z")));
    assert_eq!(first.status, ClockStatus::Breached);
    assert!(!breach(first, at("2026-11-23T12:00:00Z")));
}

#[test]
fn urgency_colours_the_countdown() {
    let t = terms();
    let clocks = created(&t);
    let first = clock(&clocks, Metric::FirstResponse);
    assert_eq!(urgency(first, at("2026-11-23T10:10:00Z")), Urgency::OnTrack);
    assert_eq!(urgency(first, at("2026-11-23T10:46:00Z")), Urgency::Soon);
    assert_eq!(
        urgency(first, at("2026-11-23T11:00:00Z")),
        Urgency::Breached
    );
    // Due a day after it started: soon in its last six hours.
    let resolution = clock(&clocks, Metric::Resolution);
    assert_eq!(
        urgency(resolution, at("2026-11-24T03:00:00Z")),
        Urgency::OnTrack
    );
    assert_eq!(
        urgency(resolution, at("2026-11-24T04:30:00Z")),
        Urgency::Soon
    );
}

#[test]
fn targets_read_and_write_as_typed() {
    assert_eq!(parse_target(""), Ok(None));
    assert_eq!(parse_target("90"), Ok(Some(90)));
    assert_eq!(parse_target("90m"), Ok(Some(90)));
    assert_eq!(parse_target(" 1h 30m "), Ok(Some(90)));
    assert_eq!(parse_target("2D"), Ok(Some(2 * 24 * 60)));
    assert_eq!(
        parse_target("soon"),
        Err("\"soon\" is not a duration; write 90m, 4h, 1h 30m or 2d.".into())
    );
    assert!(parse_target("h").is_err());
    assert!(parse_target("0m")
        .unwrap_err()
        .contains("at least one minute"));
    assert!(parse_target("400d").unwrap_err().contains("366 days"));
    assert_eq!(format_minutes(90), "1h 30m");
    assert_eq!(format_minutes(24 * 60 + 5), "1d 5m");
    for m in [1, 59, 60, 61, 1440, 1441, 99_999] {
        assert_eq!(parse_target(&format_minutes(m)), Ok(Some(m)));
    }
    assert_eq!(format_countdown(Duration::seconds(45)), "45s");
    assert_eq!(format_countdown(Duration::seconds(3_725)), "1h 02m");
    assert_eq!(format_countdown(Duration::minutes(-90)), "1h 30m overdue");
    assert_eq!(format_countdown(Duration::hours(76)), "3d 4h");
}

fn week_strategy() -> impl Strategy<Value = Calendar> {
    (
        0u16..20,
        1u16..20,
        prop::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York"]),
    )
        .prop_map(|(start, len, zone)| {
            let start = start * 30;
            let day = vec![Interval {
                start: 6 * 60 + start,
                end: (6 * 60 + start + len * 30).min(24 * 60),
            }];
            let mut week: [Vec<Interval>; 7] = Default::default();
            for d in week.iter_mut().take(5) {
                *d = day.clone();
            }
            Calendar::new(zone, week, Vec::new()).unwrap()
        })
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..365 * 24 * 60).prop_map(|m| at("2026-01-01T00:00:00Z") + Duration::minutes(m))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn pausing_never_shortens_the_remaining_time(
        calendar in week_strategy(),
        start in instant(),
        target_minutes in 1u32..5_000,
        is_business in any::<bool>(),
        pause_after in 0i64..10_000,
        pause_for in 0i64..10_000,
    ) {
        let target = Target { minutes: target_minutes, business: is_business };
        let t = Terms {
            policy_id: Some(1),
            first_response: None,
            next_response: None,
            resolution: Some(target),
            pause_on: default_pause_statuses(),
            calendar: calendar.clone(),
        };
        let mut clocks = Vec::new();
        apply(&mut clocks, &SlaEvent::Created { status: Status::Open }, &t, start);
        let before = clocks[0].due_at;
        let paused_at = start + Duration::minutes(pause_after);
        prop_assume!(paused_at < before);
        let remaining_then = if is_business { calendar.business_between(paused_at, before) } else { before - paused_at };
        apply(&mut clocks, &SlaEvent::StatusChanged { from: Status::Open, to: Status::Pending }, &t, paused_at);
        let resumed_at = paused_at + Duration::minutes(pause_for);
        apply(&mut clocks, &SlaEvent::StatusChanged { from: Status::Pending, to: Status::Open }, &t, resumed_at);
        let after = clocks[0].due_at;
        prop_assert!(after >= before);
        let remaining_now = if is_business { calendar.business_between(resumed_at, after) } else { after - resumed_at };
        prop_assert_eq!(remaining_now, remaining_then);
    }

    #[test]
    fn the_due_time_is_monotone_in_the_start(
        calendar in week_strategy(),
        a in instant(),
        b in instant(),
        target_minutes in 0u32..10_000,
        is_business in any::<bool>(),
    ) {
        let target = Target { minutes: target_minutes, business: is_business };
        let (early, late) = (a.min(b), a.max(b));
        prop_assert!(
            due_time(early, target, Duration::zero(), &calendar)
                <= due_time(late, target, Duration::zero(), &calendar)
        );
    }
}
