#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark: a failed unwrap is a failed run
//! Scheduler benchmark.
//!
//! - The planner alone: decisions per second with 10,000 agents in 20
//!   groups and 1,000,000 queued tickets.
//! - On SQLite and on PostgreSQL: rebuilding the queue from a database
//!   holding those tickets, and persisted assignments per second.
//! - Creation to assignment through HTTP with online agents waiting
//!   (p50/p95/p99, from the ticket's creation time to its assignment event),
//!   on one instance and, on PostgreSQL, across two processes.
//!
//! `cargo bench -p server --bench scheduler`; BENCH_QUEUED sets the queue
//! size (default 1,000,000), BENCH_BACKEND=sqlite|postgres one backend.

mod figures;
#[path = "../tests/support/mod.rs"]
mod support;

use figures::{env_or, percentiles};

use app::domain::planner::plan;
use app::domain::routing::{AgentState, GroupPolicy, Member, QueueKey, Roster, RoutingQueue};
use app::domain::{Availability, Priority, Role, Status, Strategy};
use chrono::{Duration as Span, Utc};
use ferrodesk::scheduler::RoutingState;
use ferrodesk::store::{SeedTicket, SharedStore, TicketScope};
use std::time::{Duration, Instant};
use support::process::{leader_pid, Instance};
use support::{insert_user, Client, Db, FreshDb, TestApp, TEST_PASSWORD};

const GROUPS: i64 = 20;
const AGENTS: i64 = 10_000;

/// A deterministic spread of priorities.
fn priority(i: i64) -> Priority {
    Priority::ALL[(i * 7919 % 4) as usize]
}

fn planner(queued: i64) {
    let now = Utc::now();
    let mut queue = RoutingQueue::default();
    let built = Instant::now();
    for id in 1..=queued {
        let key = QueueKey {
            priority: priority(id),
            sla_due: None,
            routable_since: now - Span::seconds(queued - id),
            id,
        };
        queue.upsert(id % GROUPS, key);
    }
    let build_time = built.elapsed();
    // Enough capacity for every ticket, so every ticket is a decision.
    let capacity = u32::try_from(queued / AGENTS + 1).unwrap();
    let mut roster = Roster::default();
    for agent in 1..=AGENTS {
        let state = AgentState {
            id: agent,
            availability: Availability::Online,
            load: 0,
            last_assigned: None,
        };
        roster.agents.insert(agent, state);
    }
    for (group, strategy) in (0..GROUPS).zip(Strategy::ALL.into_iter().cycle()) {
        let members = (1..=AGENTS)
            .filter(|a| a % GROUPS == group)
            .map(|agent_id| Member { agent_id, capacity })
            .collect();
        let policy = GroupPolicy {
            id: group,
            strategy,
            auto_assign: true,
            members,
        };
        roster.groups.insert(group, policy);
    }
    let started = Instant::now();
    let assignments = plan(&queue, &roster, now);
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  planner: {} decisions in {:.3} s = {:.0}/s ({AGENTS} agents, {GROUPS} groups, {queued} queued; queue built in {:.2} s)",
        assignments.len(),
        elapsed,
        assignments.len() as f64 / elapsed,
        build_time.as_secs_f64()
    );
}

/// Rebuild from the database, then persisted assignments per second.
async fn database(app: &TestApp, queued: i64) {
    let store: &SharedStore = &app.store;
    let now = Utc::now();
    let requester = app
        .create_user(
            "bench-customer@example.test",
            "Customer",
            Role::Customer,
            TEST_PASSWORD,
        )
        .await;
    let mut groups = Vec::new();
    for g in 0..GROUPS {
        groups.push(
            store
                .create_group(None, &format!("Group {g}"), now)
                .await
                .unwrap()
                .id,
        );
    }
    // Fewer agents in the database than in the planner run: creating users
    // hashes a password each; the roster's size barely matters here.
    for a in 0..200 {
        let email = format!("agent{a}@example.test");
        let id = insert_user(store, &email, "Bench agent", Role::Agent, TEST_PASSWORD).await;
        let group = groups[a % groups.len()];
        store.set_member(group, id, 1_000_000, now).await.unwrap();
        store
            .set_availability(id, Availability::Online, now)
            .await
            .unwrap();
    }
    let start = now - Span::days(30);
    let mut loaded = 0;
    while loaded < queued {
        let batch: Vec<SeedTicket> = (loaded..(loaded + 2_000).min(queued))
            .map(|i| SeedTicket {
                subject: format!("Queued {i}"),
                description: "Waiting.".into(),
                requester_id: requester,
                assignee_id: None,
                group_id: Some(groups[(i % GROUPS) as usize]),
                priority: priority(i),
                status: Status::New,
                created_at: (start + Span::seconds(i)).timestamp_millis(),
                updated_at: (start + Span::seconds(i)).timestamp_millis(),
                messages: Vec::new(),
                first_response_due: None,
            })
            .collect();
        loaded += batch.len() as i64;
        store.load_tickets(batch).await.unwrap();
    }
    store.refresh_statistics().await.unwrap();

    let started = Instant::now();
    let routable = store.routable_tickets().await.unwrap();
    let running = store.running_assignments().await.unwrap();
    let roster = store.roster().await.unwrap();
    let state = RoutingState::rebuild(routable, running, roster);
    println!(
        "  rebuild from the database: {} queued in {:.2} s",
        state.queued(),
        started.elapsed().as_secs_f64()
    );

    let plan = state.plan(Utc::now());
    let take = plan.len().min(100_000);
    let started = Instant::now();
    let mut written = 0;
    for chunk in plan[..take].chunks(500) {
        written += store
            .apply_assignments(chunk, &|_, _| Vec::new(), Utc::now())
            .await
            .unwrap()
            .len();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  persisted assignments: {written} in {elapsed:.2} s = {:.0}/s (batches of 500, each with its history event)",
        written as f64 / elapsed
    );
}

/// A group of 20 online agents with room for everything, and the category
/// that routes to it; returns the group and the category's id.
async fn latency_group(store: &SharedStore, name: &str) -> (i64, String) {
    let now = Utc::now();
    let group = store.create_group(None, name, now).await.unwrap().id;
    for a in 0..20 {
        let email = format!("{}{a}@example.test", name.to_lowercase());
        let id = insert_user(store, &email, "Bench agent", Role::Agent, TEST_PASSWORD).await;
        store.set_member(group, id, 1_000_000, now).await.unwrap();
        store
            .set_availability(id, Availability::Online, now)
            .await
            .unwrap();
    }
    let fields = ferrodesk::store::CategoryFields {
        parent_id: None,
        name: name.into(),
        group_id: Some(group),
        default_priority: Priority::Normal,
        archived: false,
    };
    let category = store.create_category(None, fields, now).await.unwrap().id;
    (group, category.to_string())
}

/// Raises tickets one at a time for `seconds`, paced, so that the figure
/// measured afterwards is the scheduler's and not a queue of requests.
async fn raise_paced(client: &Client, category: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let subject = format!("Latency {n}");
        let fields = [
            ("subject", subject.as_str()),
            ("description", "Now."),
            ("urgency", ""),
            ("category", category),
        ];
        assert_eq!(client.call("tickets/raise", &fields).await.status, 200);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
}

/// Milliseconds from each ticket's creation to its assignment event, for
/// the tickets of `group`.
async fn assignment_latencies(store: &SharedStore, group: i64) -> Vec<i64> {
    let mut samples = Vec::new();
    for (ticket, _) in store.running_assignments().await.unwrap() {
        let record = store
            .ticket(ticket, TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        if record.group_id != Some(group) {
            continue;
        }
        let events = store.ticket_history(ticket, true).await.unwrap();
        let assigned = events
            .iter()
            .find(|e| e.event.change.kind() == "TicketAssigned");
        if let Some(assigned) = assigned {
            samples.push((assigned.event.at - record.created_at).num_milliseconds());
        }
    }
    samples
}

/// Creation to assignment through HTTP on one instance, agents waiting.
async fn latency(app: &TestApp, seconds: u64) {
    let (group, category) = latency_group(&app.store, "Latency").await;
    // The scheduler loaded its roster before the agents above existed; one
    // more agent going online through HTTP wakes it to reload.
    let last = app.signed_in("fast-last@example.test", Role::Agent).await;
    let last_id = app
        .store
        .user_by_email(&app::domain::EmailAddress::parse("fast-last@example.test").unwrap())
        .await
        .unwrap()
        .unwrap()
        .id;
    app.store
        .set_member(group, last_id, 1_000_000, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        last.call("agent/availability", &[("availability", "online")])
            .await
            .status,
        200
    );
    let client = app.signed_in("latency@example.test", Role::Customer).await;
    raise_paced(&client, &category, seconds).await;
    let samples = assignment_latencies(&app.store, group).await;
    println!(
        "  creation to assignment, one instance: {} tickets, {}",
        samples.len(),
        percentiles(samples.into_iter().map(figures::millis).collect())
    );
}

/// Creation to assignment across instances: two processes on one
/// PostgreSQL database, every ticket raised through the one that does not
/// hold the scheduler lease, so each wake-up crosses LISTEN/NOTIFY.
async fn across_instances(seconds: u64) {
    let fresh = FreshDb::new(Db::Postgres).await;
    let url = fresh.url.clone().unwrap();
    let store = ferrodesk::store::open(&fresh.database_url())
        .await
        .unwrap()
        .store;
    let (group, category) = latency_group(&store, "Across").await;
    let customer = "across@example.test";
    insert_user(&store, customer, "Customer", Role::Customer, TEST_PASSWORD).await;
    let mut a = Instance::start(&url, fresh.dir.path()).await;
    let mut b = Instance::start(&url, fresh.dir.path()).await;
    let leader = leader_pid(&store, Duration::from_secs(30)).await;
    let follower = if a.child.id() == leader { &b } else { &a };
    let client = Client::new(&follower.base);
    assert_eq!(client.sign_in(customer, TEST_PASSWORD).await.status, 200);
    raise_paced(&client, &category, seconds).await;
    let samples = assignment_latencies(&store, group).await;
    println!(
        "  creation to assignment, across two instances: {} tickets, {}",
        samples.len(),
        percentiles(samples.into_iter().map(figures::millis).collect())
    );
    a.kill();
    b.kill();
    fresh.cleanup().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let queued = env_or("BENCH_QUEUED", 1_000_000i64);
    let seconds = env_or("BENCH_SECONDS", 10u64);
    planner(queued);
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
        database(&app, queued).await;
        app.stop().await;
        let busy = [
            ("FERRODESK_TICKET_LIMIT_PER_ACCOUNT", "1000000000"),
            ("FERRODESK_LOG_FORMAT", "json"),
        ];
        let app = support::spawn_app_with(db, &busy).await;
        latency(&app, seconds).await;
        app.stop().await;
        if db == Db::Postgres {
            across_instances(seconds).await;
        }
    }
}
