#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run
//! SLA monitor benchmark, on each backend, against the real server:
//!
//! - arms `BENCH_ARMED` first-response clocks (default 1,000,000), nearly
//!   all due in the coming weeks;
//! - then a burst of `BENCH_BURST` (default 10,000) due within one second,
//!   and 1,000 more due one by one over the following 30 seconds;
//! - the default escalation matrix has a level at the due time that
//!   notifies the assignee, so every breach is also an escalation.
//!
//! It reports the breach-detection delay (from each due time to the
//! breach in the ticket's history) for the burst and for the steady
//! trickle, and when the last of the burst was escalated.
//!
//! `cargo bench -p server --bench sla`; BENCH_BACKEND=sqlite|postgres
//! runs one backend.

mod figures;
#[path = "../tests/support/mod.rs"]
mod support;

use figures::{env_or, percentiles};

use app::domain::escalation::{EscalationAction, Level, Matrix, Row};
use app::domain::sla::{ClockStatus, Metric};
use app::domain::{Priority, Role, Status};
use chrono::{DateTime, Duration as Span, Utc};
use ferrodesk::store::{MatrixFields, SeedTicket, SharedStore};
use std::time::{Duration, Instant};
use support::{insert_user, TestApp, TEST_PASSWORD};

fn ticket(requester: i64, agent: i64, at: DateTime<Utc>, due: DateTime<Utc>, n: i64) -> SeedTicket {
    SeedTicket {
        subject: format!("Armed {n}"),
        description: "Waiting for an answer.".into(),
        requester_id: requester,
        assignee_id: Some(agent),
        group_id: None,
        priority: Priority::Normal,
        status: Status::Open,
        created_at: at.timestamp_millis(),
        updated_at: at.timestamp_millis(),
        messages: Vec::new(),
        first_response_due: Some(due.timestamp_millis()),
    }
}

/// Loads `count` tickets whose clocks fall due at `due(i)`; returns the
/// first id (ids follow each other).
async fn load(
    store: &SharedStore,
    count: i64,
    requester: i64,
    agent: i64,
    due: impl Fn(i64) -> DateTime<Utc>,
) -> i64 {
    let first = store.ticket_count().await.unwrap() + 1;
    let now = Utc::now();
    let mut loaded = 0;
    while loaded < count {
        let batch: Vec<SeedTicket> = (loaded..(loaded + 2_000).min(count))
            .map(|i| ticket(requester, agent, now, due(i), i))
            .collect();
        loaded += batch.len() as i64;
        store.load_tickets(batch).await.unwrap();
    }
    first
}

/// Milliseconds from each ticket's due time to the breach in its history,
/// and to its escalation; waits until every ticket has both.
async fn delays(
    store: &SharedStore,
    ids: std::ops::Range<i64>,
    within: Duration,
) -> (Vec<i64>, Vec<i64>) {
    let started = Instant::now();
    let (mut breach, mut escalation) = (Vec::new(), Vec::new());
    for id in ids {
        loop {
            let due = store.ticket_clocks(id).await.unwrap()[0].clock.due_at;
            let events = store.ticket_history(id, true).await.unwrap();
            let kind = |e: &&ferrodesk::store::LoggedEvent| e.event.change.kind();
            let breached = events.iter().find(|e| kind(e) == "SlaBreached");
            let escalated = events.iter().find(|e| kind(e) == "TicketEscalated");
            if let (Some(b), Some(e)) = (breached, escalated) {
                breach.push((b.event.at - due).num_milliseconds());
                escalation.push((e.event.at - due).num_milliseconds());
                break;
            }
            assert!(
                started.elapsed() < within,
                "ticket {id} was never escalated"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    (breach, escalation)
}

/// Milliseconds from each sampled ticket's due time to the moment a reader
/// first sees its clock breached, committed: polled every 20 ms, so this
/// includes the monitor's whole round, not only when it noticed.
async fn visible_delays(store: SharedStore, ids: Vec<i64>, within: Duration) -> Vec<i64> {
    let watchers = ids.into_iter().map(|id| {
        let store = store.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            loop {
                let clock = store.ticket_clocks(id).await.unwrap()[0].clock.clone();
                if clock.status == ClockStatus::Breached {
                    return (Utc::now() - clock.due_at).num_milliseconds();
                }
                assert!(started.elapsed() < within, "ticket {id} was never breached");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    });
    let mut delays = Vec::new();
    for watcher in watchers.collect::<Vec<_>>() {
        delays.push(watcher.await.unwrap());
    }
    delays
}

async fn run(app: &TestApp, armed: i64, burst: i64) {
    let store = &app.store;
    let requester = insert_user(
        store,
        "bench@example.test",
        "Customer",
        Role::Customer,
        TEST_PASSWORD,
    )
    .await;
    let agent = insert_user(
        store,
        "agent@example.test",
        "Agent",
        Role::Agent,
        TEST_PASSWORD,
    )
    .await;
    let matrix = Matrix {
        rows: vec![Row {
            priority: Priority::Normal,
            metric: Metric::FirstResponse,
            levels: vec![Level {
                offset_minutes: 0,
                actions: vec![EscalationAction::NotifyAssignee],
            }],
        }],
    };
    let fields = MatrixFields {
        name: "Bench".into(),
        matrix,
        is_default: true,
    };
    store.create_matrix(None, fields, Utc::now()).await.unwrap();

    let background = armed - burst - 1_000;
    let started = Instant::now();
    let now = Utc::now();
    load(store, background, requester, agent, |i| {
        now + Span::days(1) + Span::seconds(i * 2)
    })
    .await;
    store.refresh_statistics().await.unwrap();
    println!(
        "  armed {background} clocks due over the coming weeks in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    // The burst falls due within one second, a few seconds from now; the
    // trickle follows, one clock every 30 ms.
    let second = Utc::now() + Span::seconds(8);
    let first_burst = load(store, burst, requester, agent, |i| {
        second + Span::milliseconds(i * 1_000 / burst)
    })
    .await;
    let trickle_start = second + Span::seconds(5);
    let first_trickle = load(store, 1_000, requester, agent, |i| {
        trickle_start + Span::milliseconds(i * 30)
    })
    .await;
    println!(
        "  burst of {burst} due within {} and 1,000 due one by one after it",
        second.format("%H:%M:%S")
    );
    // Every 500th clock of the burst, and its last.
    let sample: Vec<i64> = (first_burst..first_burst + burst)
        .step_by(500)
        .chain([first_burst + burst - 1])
        .collect();
    let visible = visible_delays(store.clone(), sample, Duration::from_secs(600)).await;
    let (breach, escalation) = delays(
        store,
        first_burst..first_burst + burst,
        Duration::from_secs(600),
    )
    .await;
    let last = escalation.iter().max().copied().unwrap_or_default();
    println!(
        "  burst, due to breach recorded: {}",
        percentiles(breach.into_iter().map(figures::millis).collect())
    );
    println!(
        "  burst, due to breach visible to a reader ({} sampled, polled every 20 ms): {}",
        visible.len(),
        percentiles(visible.into_iter().map(figures::millis).collect())
    );
    println!(
        "  burst, due to escalation: {}",
        percentiles(escalation.iter().copied().map(figures::millis).collect())
    );
    println!(
        "  the whole burst was escalated {:.2} s after its second began",
        (last + 1_000) as f64 / 1_000.0
    );
    let (breach, _) = delays(
        store,
        first_trickle..first_trickle + 1_000,
        Duration::from_secs(600),
    )
    .await;
    println!(
        "  one by one, due to breach recorded: {}",
        percentiles(breach.into_iter().map(figures::millis).collect())
    );
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let armed = env_or("BENCH_ARMED", 1_000_000i64);
    let burst = env_or("BENCH_BURST", 10_000i64);
    let only = std::env::var("BENCH_BACKEND").ok();
    for db in support::backends().await {
        let name = format!("{db:?}").to_lowercase();
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        println!("{db:?}");
        let quiet = [
            ("FERRODESK_SCHEDULER", "false"),
            ("FERRODESK_LOG_FORMAT", "json"),
        ];
        let app = support::spawn_app_with(db, &quiet).await;
        run(&app, armed, burst).await;
        app.stop().await;
    }
}
