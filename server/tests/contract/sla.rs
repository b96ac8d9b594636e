//! Store contract for SLAs — calendars, policies and matrices as admins
//! save them, and clocks moving with every ticket write in the same
//! transaction — on every backend.

use crate::support::{no_mail, on_every_backend, stored_user as user};
use app::domain::calendar::{parse_holidays, parse_intervals, Calendar, Interval};
use app::domain::escalation::{EscalationAction, Level, Matrix, Row};
use app::domain::sla::{ClockStatus, Metric, PolicyTargets, PriorityTargets, Target};
use app::domain::{MessageBody, Priority, Role, Status, Subject};
use chrono::{DateTime, Duration, Utc};
use ferrodesk::store::{
    CategoryFields, MatrixFields, NewMessage, NewTicket, SharedStore, SlaPolicyFields, StoreError,
    TicketChanges,
};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

// 2026-11-23 is a Monday.
const MONDAY_10: &str = "2026-11-23T10:00:00Z";

fn office() -> Calendar {
    let day = parse_intervals("09:00-17:00").unwrap();
    let week: [Vec<Interval>; 7] = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    Calendar::new(
        "Europe/Berlin",
        week,
        parse_holidays("2026-12-25 Christmas").unwrap(),
    )
    .unwrap()
}

/// The same targets for low and normal; high and critical get half.
fn targets(first: u32, resolution_business: u32) -> PolicyTargets {
    let row = |divisor: u32| PriorityTargets {
        first_response: Some(Target {
            minutes: first / divisor,
            business: false,
        }),
        next_response: Some(Target {
            minutes: 120 / divisor,
            business: false,
        }),
        resolution: Some(Target {
            minutes: resolution_business / divisor,
            business: true,
        }),
    };
    [row(1), row(1), row(2), row(2)]
}

fn policy(name: &str, calendar: Option<i64>, is_default: bool) -> SlaPolicyFields {
    SlaPolicyFields {
        name: name.into(),
        calendar_id: calendar,
        pause_on: vec![Status::Pending, Status::OnHold],
        targets: targets(60, 8 * 60),
        is_default,
    }
}

async fn raise(s: &SharedStore, requester: i64, category: Option<i64>, now: DateTime<Utc>) -> i64 {
    let ticket = NewTicket {
        requester_id: requester,
        subject: Subject::parse("VPN down").unwrap(),
        description: MessageBody::parse("Since this morning.").unwrap(),
        priority: Priority::Normal,
        idempotency_key: None,
        group_id: None,
        category_id: category,
        files: Vec::new(),
        follow_link: None,
    };
    s.create_ticket(ticket, no_mail(), now).await.unwrap().0.id
}

async fn say(
    s: &SharedStore,
    ticket: i64,
    author: i64,
    status: Option<Status>,
    now: DateTime<Utc>,
) {
    let message = NewMessage {
        ticket_id: ticket,
        author_id: author,
        body: MessageBody::parse("Any news?").unwrap(),
        internal: false,
        new_status: status,
        files: Vec::new(),
        follow_link: None,
    };
    s.add_message(message, no_mail(), now).await.unwrap();
}

async fn clock(s: &SharedStore, ticket: i64, metric: Metric) -> ferrodesk::store::ClockRecord {
    s.ticket_clocks(ticket)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.clock.metric == metric)
        .unwrap_or_else(|| panic!("no {metric:?} clock"))
}

async fn sla_history(s: &SharedStore, ticket: i64) -> Vec<String> {
    crate::support::sla_history(&**s, ticket).await
}

#[tokio::test]
async fn calendars_policies_and_matrices_are_saved_and_read_back() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let cal = s
            .create_calendar(None, "Office", &office(), now)
            .await
            .unwrap();
        assert_eq!(cal.calendar, office());
        assert!(matches!(
            s.create_calendar(None, "OFFICE", &Calendar::always_open(), now)
                .await,
            Err(StoreError::Conflict("name"))
        ));
        s.update_calendar(None, cal.id, "Berlin office", &office(), now)
            .await
            .unwrap();
        let listed = s.list_calendars().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "Berlin office");
        assert_eq!(
            s.calendar(cal.id)
                .await
                .unwrap()
                .unwrap()
                .calendar
                .timezone(),
            "Europe/Berlin"
        );
        assert!(matches!(
            s.update_calendar(None, cal.id + 100, "Nope", &office(), now)
                .await,
            Err(StoreError::NotFound)
        ));

        // One default at a time: a new default takes the role over.
        let first = s
            .create_sla_policy(None, policy("Standard", Some(cal.id), true), now)
            .await
            .unwrap();
        let second = s
            .create_sla_policy(None, policy("Premium", None, true), now)
            .await
            .unwrap();
        let policies = s.list_sla_policies().await.unwrap();
        let default_of = |id: i64| {
            policies
                .iter()
                .find(|p| p.id == id)
                .unwrap()
                .fields
                .is_default
        };
        assert!(!default_of(first.id));
        assert!(default_of(second.id));
        assert_eq!(
            policies.iter().find(|p| p.id == first.id).unwrap().fields,
            {
                let mut f = policy("Standard", Some(cal.id), false);
                f.is_default = false;
                f
            }
        );
        s.update_sla_policy(None, first.id, policy("Standard", Some(cal.id), true), now)
            .await
            .unwrap();
        let policies = s.list_sla_policies().await.unwrap();
        assert_eq!(policies.iter().filter(|p| p.fields.is_default).count(), 1);
        assert!(matches!(
            s.create_sla_policy(None, policy("premium", None, false), now)
                .await,
            Err(StoreError::Conflict("name"))
        ));

        let matrix = Matrix {
            rows: vec![Row {
                priority: Priority::High,
                metric: Metric::FirstResponse,
                levels: vec![Level {
                    offset_minutes: -30,
                    actions: vec![
                        EscalationAction::NotifyAssignee,
                        EscalationAction::RaisePriority,
                    ],
                }],
            }],
        };
        let fields = MatrixFields {
            name: "Standard".into(),
            matrix: matrix.clone(),
            is_default: true,
        };
        let saved = s.create_matrix(None, fields.clone(), now).await.unwrap();
        assert_eq!(saved.fields, fields);
        let mut renamed = fields.clone();
        renamed.name = "Escalate fast".into();
        s.update_matrix(None, saved.id, renamed.clone(), now)
            .await
            .unwrap();
        assert_eq!(s.list_matrices().await.unwrap()[0].fields, renamed);

        let category = s
            .create_category(
                None,
                CategoryFields {
                    parent_id: None,
                    name: "VPN".into(),
                    group_id: None,
                    default_priority: Priority::Normal,
                    archived: false,
                },
                now,
            )
            .await
            .unwrap();
        s.set_category_sla(category.id, Some(second.id), Some(saved.id), now)
            .await
            .unwrap();
        assert_eq!(
            s.category_sla().await.unwrap(),
            vec![(category.id, Some(second.id), Some(saved.id))]
        );
    })
    .await;
}

#[tokio::test]
async fn clocks_follow_replies_pauses_and_priority_changes() {
    on_every_backend(|s| async move {
        let start = at(MONDAY_10);
        let cal = s
            .create_calendar(None, "Office", &office(), start)
            .await
            .unwrap();
        s.create_sla_policy(None, policy("Standard", Some(cal.id), true), start)
            .await
            .unwrap();
        let customer = user(&s, "cat@example.com", Role::Customer).await;
        let agent = user(&s, "ada@example.com", Role::Agent).await;
        let ticket = raise(&s, customer, None, start).await;

        let first = clock(&s, ticket, Metric::FirstResponse).await;
        assert_eq!(first.clock.status, ClockStatus::Running);
        assert_eq!(first.clock.due_at, at("2026-11-23T11:00:00Z"));
        assert_eq!(first.clock.cycle, 1);
        // No matrix: the monitor owes it the breach only.
        assert_eq!(first.next_fire_at, Some(first.clock.due_at));
        // Eight Berlin office hours (09:00-17:00 CET = 08:00-16:00 UTC)
        // from Monday 11:00 CET: Tuesday 11:00 CET.
        let resolution = clock(&s, ticket, Metric::Resolution).await;
        assert_eq!(resolution.clock.due_at, at("2026-11-24T10:00:00Z"));
        assert!(s.ticket_clocks(ticket).await.unwrap().len() == 2);

        // The agent answers and asks the customer: first response met,
        // the rest paused.
        say(
            &s,
            ticket,
            agent,
            Some(Status::Pending),
            start + Duration::minutes(20),
        )
        .await;
        let first = clock(&s, ticket, Metric::FirstResponse).await;
        assert_eq!(first.clock.status, ClockStatus::Met);
        assert_eq!(first.next_fire_at, None);
        let resolution = clock(&s, ticket, Metric::Resolution).await;
        assert_eq!(resolution.clock.status, ClockStatus::Paused);
        assert_eq!(resolution.next_fire_at, None);

        // The customer answers a day later: the ticket reopens, resolution
        // resumes a business day later, and next response starts.
        say(
            &s,
            ticket,
            customer,
            Some(Status::Open),
            start + Duration::days(1),
        )
        .await;
        let resolution = clock(&s, ticket, Metric::Resolution).await;
        assert_eq!(resolution.clock.status, ClockStatus::Running);
        // 7 h 40 min of its 8 h were left at the pause; resumed Tuesday
        // 11:00 CET, that runs to Wednesday 10:40 CET.
        assert_eq!(resolution.clock.due_at, at("2026-11-25T09:40:00Z"));
        let next = clock(&s, ticket, Metric::NextResponse).await;
        assert_eq!(
            next.clock.due_at,
            start + Duration::days(1) + Duration::hours(2)
        );

        // A priority change recomputes and says so.
        let changes = TicketChanges {
            priority: Some(Priority::High),
            ..TicketChanges::default()
        };
        let version = s
            .ticket(ticket, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        s.update_ticket(
            ticket,
            agent,
            version,
            changes,
            no_mail(),
            start + Duration::days(1),
        )
        .await
        .unwrap();
        assert_eq!(
            sla_history(&s, ticket).await,
            vec![
                "First response clock started",
                "Resolution clock started",
                "First response target met",
                "Resolution clock paused",
                "Resolution clock resumed",
                "Next response clock started",
                "Next response due time recomputed",
                "Resolution due time recomputed",
            ]
        );
        // High halves the targets: next response within the hour, and
        // resolution 4 h of business time plus the pause.
        assert_eq!(
            clock(&s, ticket, Metric::NextResponse).await.clock.due_at,
            at("2026-11-24T11:00:00Z")
        );
        assert_eq!(
            clock(&s, ticket, Metric::Resolution).await.clock.due_at,
            at("2026-11-24T13:40:00Z")
        );

        // Resolving meets the resolution.
        let version = s
            .ticket(ticket, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        s.change_status(
            ticket,
            agent,
            Status::Resolved,
            version,
            start + Duration::days(1) + Duration::hours(3),
        )
        .await
        .unwrap();
        // The next response nobody gave stops; it was already late, so
        // its breach stays on record.
        let next = clock(&s, ticket, Metric::NextResponse).await;
        assert_eq!(next.clock.status, ClockStatus::Stopped);
        assert!(next.clock.breached_at.is_some());
        assert_eq!(
            clock(&s, ticket, Metric::Resolution).await.clock.status,
            ClockStatus::Met
        );
    })
    .await;
}

#[tokio::test]
async fn a_category_policy_and_matrix_win_over_the_defaults() {
    on_every_backend(|s| async move {
        let start = at(MONDAY_10);
        s.create_sla_policy(None, policy("Standard", None, true), start)
            .await
            .unwrap();
        let mut fast = policy("Fast", None, false);
        fast.targets = targets(15, 60);
        let fast = s.create_sla_policy(None, fast, start).await.unwrap();
        let matrix = Matrix {
            rows: vec![Row {
                priority: Priority::Normal,
                metric: Metric::FirstResponse,
                levels: vec![Level {
                    offset_minutes: -5,
                    actions: vec![EscalationAction::NotifyAssignee],
                }],
            }],
        };
        let matrix = s
            .create_matrix(
                None,
                MatrixFields {
                    name: "Warn early".into(),
                    matrix,
                    is_default: false,
                },
                start,
            )
            .await
            .unwrap();
        let category = s
            .create_category(
                None,
                CategoryFields {
                    parent_id: None,
                    name: "Outage".into(),
                    group_id: None,
                    default_priority: Priority::Normal,
                    archived: false,
                },
                start,
            )
            .await
            .unwrap();
        s.set_category_sla(category.id, Some(fast.id), Some(matrix.id), start)
            .await
            .unwrap();
        let customer = user(&s, "cat@example.com", Role::Customer).await;
        let plain = raise(&s, customer, None, start).await;
        let urgent = raise(&s, customer, Some(category.id), start).await;

        assert_eq!(
            clock(&s, plain, Metric::FirstResponse).await.clock.due_at,
            start + Duration::minutes(60)
        );
        let first = clock(&s, urgent, Metric::FirstResponse).await;
        assert_eq!(first.clock.due_at, start + Duration::minutes(15));
        assert_eq!(first.policy_id, Some(fast.id));
        // The matrix's first level comes five minutes before the due time.
        assert_eq!(first.next_fire_at, Some(start + Duration::minutes(10)));

        // An agent files the plain ticket under the category: its clocks
        // take the category's terms, and the history says so.
        let agent = user(&s, "ada@example.com", Role::Agent).await;
        let version = s
            .ticket(plain, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        let changes = TicketChanges {
            category: Some(Some(category.id)),
            ..TicketChanges::default()
        };
        let later = start + Duration::minutes(2);
        s.update_ticket(plain, agent, version, changes, no_mail(), later)
            .await
            .unwrap();
        let moved = clock(&s, plain, Metric::FirstResponse).await;
        assert_eq!(moved.clock.due_at, start + Duration::minutes(15));
        assert_eq!(moved.policy_id, Some(fast.id));
        assert_eq!(moved.next_fire_at, Some(start + Duration::minutes(10)));
        let events = crate::support::history(&*s, plain, true).await;
        assert!(events.iter().any(|e| e
            .text
            .ends_with("changed the category from no category to Outage.")));
        assert!(sla_history(&s, plain)
            .await
            .iter()
            .any(|d| d.contains("First response due time recomputed")));
    })
    .await;
}

#[tokio::test]
async fn without_any_policy_no_clock_runs() {
    on_every_backend(|s| async move {
        let customer = user(&s, "cat@example.com", Role::Customer).await;
        let ticket = raise(&s, customer, None, at(MONDAY_10)).await;
        assert!(s.ticket_clocks(ticket).await.unwrap().is_empty());
        assert!(sla_history(&s, ticket).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn every_level_that_raises_counts_even_when_fired_in_one_round() {
    on_every_backend(|s| async move {
        let start = at(MONDAY_10);
        s.create_sla_policy(None, policy("Standard", None, true), start)
            .await
            .unwrap();
        let raise_at = |offset_minutes| Level {
            offset_minutes,
            actions: vec![EscalationAction::RaisePriority],
        };
        let matrix = Matrix {
            rows: vec![Row {
                priority: Priority::Normal,
                metric: Metric::FirstResponse,
                levels: vec![raise_at(-20), raise_at(-10)],
            }],
        };
        let fields = MatrixFields {
            name: "Raise twice".into(),
            matrix,
            is_default: true,
        };
        s.create_matrix(None, fields, start).await.unwrap();
        let customer = user(&s, "cat@example.com", Role::Customer).await;
        let ticket = raise(&s, customer, None, start).await;
        // The monitor was down: both levels and the breach are owed at once.
        let later = start + Duration::hours(3);
        let mail: &ferrodesk::store::sla_monitor::AlertMail = &|alert| ferrodesk::store::NewEmail {
            recipient: alert.recipient.clone(),
            subject: alert.what.clone(),
            body_text: String::new(),
            message_id: format!("<{}@test>", alert.ticket_id),
        };
        let fired = s.fire_due(later, 50, mail).await.unwrap();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].levels, [1, 2]);
        assert!(fired[0].breached);
        let now = s.routing_ticket(ticket).await.unwrap().unwrap();
        assert_eq!(now.priority, Priority::Critical, "Normal → High → Critical");
        let events = crate::support::history(&*s, ticket, true).await;
        assert!(events
            .iter()
            .any(|e| e.text == "An escalation changed the priority from Normal to Critical."));
        assert_eq!(
            clock(&s, ticket, Metric::FirstResponse).await.clock.status,
            ClockStatus::Breached,
            "the recomputed terms keep the breach on record"
        );
        assert!(s.fire_due(later, 50, mail).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_monitors_on_one_database_fire_each_level_once() {
    for db in crate::support::backends().await {
        let fresh = crate::support::FreshDb::new(db).await;
        let a = ferrodesk::store::open(&fresh.database_url())
            .await
            .unwrap()
            .store;
        let b = ferrodesk::store::open(&fresh.database_url())
            .await
            .unwrap()
            .store;
        let start = at(MONDAY_10);
        a.create_sla_policy(None, policy("Standard", None, true), start)
            .await
            .unwrap();
        let matrix = Matrix {
            rows: vec![Row {
                priority: Priority::Normal,
                metric: Metric::FirstResponse,
                levels: vec![
                    Level {
                        offset_minutes: -10,
                        actions: vec![EscalationAction::NotifyAssignee],
                    },
                    Level {
                        offset_minutes: 0,
                        actions: vec![EscalationAction::NotifyAssignee],
                    },
                ],
            }],
        };
        let fields = MatrixFields {
            name: "Twice".into(),
            matrix,
            is_default: true,
        };
        a.create_matrix(None, fields, start).await.unwrap();
        let customer = user(&a, "cat@example.com", Role::Customer).await;
        let mut tickets = Vec::new();
        for _ in 0..40 {
            tickets.push(raise(&a, customer, None, start).await);
        }
        // Both "instances" fire at once, well after every due time.
        let later = start + Duration::hours(2);
        let mail: &ferrodesk::store::sla_monitor::AlertMail = &|alert| ferrodesk::store::NewEmail {
            recipient: alert.recipient.clone(),
            subject: alert.what.clone(),
            body_text: String::new(),
            message_id: format!("<{}@test>", alert.ticket_id),
        };
        let (x, y) = tokio::join!(a.fire_due(later, 15, mail), b.fire_due(later, 15, mail));
        let (x, y) = (x.unwrap(), y.unwrap());
        let mut rest = Vec::new();
        loop {
            let more = a.fire_due(later, 15, mail).await.unwrap();
            if more.is_empty() {
                break;
            }
            rest.extend(more);
        }
        let levels: usize = x
            .iter()
            .chain(&y)
            .chain(&rest)
            .map(|f| f.levels.len())
            .sum();
        let breaches = x
            .iter()
            .chain(&y)
            .chain(&rest)
            .filter(|f| f.breached)
            .count();
        assert_eq!((levels, breaches), (80, 40));
        for ticket in tickets {
            let events = crate::support::history(&*a, ticket, true).await;
            let escalations = events
                .iter()
                .filter(|e| matches!(e.kind, "SlaWarning" | "TicketEscalated"))
                .count();
            assert_eq!(escalations, 2);
            assert_eq!(
                events
                    .iter()
                    .filter(|e| e.text == "SLA: First response breached.")
                    .count(),
                1
            );
        }
        fresh.cleanup().await;
    }
}
