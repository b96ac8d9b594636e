#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test
//! Two `ferrodesk` processes on one PostgreSQL database: only the lease
//! holder plans, no ticket is ever assigned twice, and when the leader is
//! killed mid-run the other takes over once the lease lapses.

mod support;

use app::domain::{Availability, DisplayName, EmailAddress, Role, TimezoneName};
use chrono::Utc;
use ferrodesk::store::{NewUser, SharedStore, TicketScope};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{backends, Client, Db, FreshDb, TEST_PASSWORD};

struct Instance {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start(url: &str, data_dir: &std::path::Path) -> Instance {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ferrodesk"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FERRODESK_DATA_DIR", data_dir)
        .env("DATABASE_URL", url)
        .env("FERRODESK_BIND", format!("127.0.0.1:{port}"))
        .env("FERRODESK_SCHEDULER_LEASE_SECS", "2")
        .env("FERRODESK_TICKET_LIMIT_PER_ACCOUNT", "100000")
        .env("RUST_LOG", "warn")
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz"))
        .await
        .map(|r| r.status().is_success())
        .ok()
        != Some(true)
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{base} never became healthy"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Instance { child, base }
}

async fn user(store: &SharedStore, address: &str, role: Role) -> i64 {
    let hash = ferrodesk::accounts::passwords::hash(TEST_PASSWORD.to_owned())
        .await
        .unwrap();
    let new = NewUser {
        email: EmailAddress::parse(address).unwrap(),
        name: DisplayName::parse(address.split('@').next().unwrap()).unwrap(),
        role,
        password_hash: hash,
        timezone: TimezoneName::utc(),
    };
    store.insert_user(new, Utc::now()).await.unwrap().id
}

async fn raise_ten(client: &Client, prefix: &str, category: &str) {
    for i in 0..10 {
        let subject = format!("{prefix} {i}");
        let fields = [
            ("subject", subject.as_str()),
            ("description", "Down."),
            ("urgency", ""),
            ("category", category),
        ];
        let reply = client.call("tickets/raise", &fields).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
}

/// Waits until no ticket is left unassigned; returns how long it took.
async fn all_assigned(store: &SharedStore, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if store.routable_tickets().await.unwrap().is_empty() {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "tickets still waiting after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn leader_pid(store: &SharedStore) -> u32 {
    // The holder names the process: "<pid>-<random>".
    let holder = store
        .lease_holder("scheduler", Utc::now())
        .await
        .unwrap()
        .expect("a leader holds the lease");
    holder.split('-').next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_never_assign_twice_and_a_killed_leader_is_replaced() {
    if !backends().await.contains(&Db::Postgres) {
        eprintln!("SKIPPED: several instances need PostgreSQL");
        return;
    }
    let fresh = FreshDb::new(Db::Postgres).await;
    let url = fresh.url.clone().unwrap();
    let store = ferrodesk::store::open(&fresh.database_url())
        .await
        .unwrap()
        .store;
    let now = Utc::now();
    let group = store.create_group("Network", now).await.unwrap();
    for agent in ["ada@example.com", "bob@example.com"] {
        let id = user(&store, agent, Role::Agent).await;
        store.set_member(group.id, id, 100, now).await.unwrap();
        store
            .set_availability(id, Availability::Online, now)
            .await
            .unwrap();
    }
    user(&store, "ann@example.com", Role::Customer).await;

    let mut a = start(&url, fresh.dir.path()).await;
    let mut b = start(&url, fresh.dir.path()).await;
    let (on_a, on_b) = (Client::new(&a.base), Client::new(&b.base));
    assert_eq!(
        on_a.sign_in("ann@example.com", TEST_PASSWORD).await.status,
        200
    );
    assert_eq!(
        on_b.sign_in("ann@example.com", TEST_PASSWORD).await.status,
        200
    );
    // Tickets join the group through its only category.
    let category = store
        .create_category(
            ferrodesk::store::CategoryFields {
                parent_id: None,
                name: "VPN".into(),
                group_id: Some(group.id),
                default_priority: app::domain::Priority::Normal,
                archived: false,
            },
            now,
        )
        .await
        .unwrap();
    let category = category.id.to_string();
    raise_ten(&on_a, "on A", &category).await;
    raise_ten(&on_b, "on B", &category).await;
    all_assigned(&store, Duration::from_secs(10)).await;

    // Kill the leader without a chance to release its lease.
    let leader = leader_pid(&store).await;
    let (survivor, client) = if a.child.id() == leader {
        a.child.kill().unwrap();
        a.child.wait().unwrap();
        (&mut b, &on_b)
    } else {
        b.child.kill().unwrap();
        b.child.wait().unwrap();
        (&mut a, &on_a)
    };
    raise_ten(client, "after the kill", &category).await;
    let took = all_assigned(&store, Duration::from_secs(20)).await;
    eprintln!("the survivor assigned the backlog {took:?} after the kill");
    assert_eq!(leader_pid(&store).await, survivor.child.id());

    // Every ticket was assigned exactly once.
    let running = store.running_assignments().await.unwrap();
    assert_eq!(running.len(), 30);
    for (ticket, _) in &running {
        let events = store.ticket_events(*ticket, true).await.unwrap();
        let assigned = events.iter().filter(|e| e.kind == "assigned").count();
        assert_eq!(assigned, 1, "ticket {ticket}: {events:?}");
        assert!(store
            .ticket(*ticket, TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .assignee_id
            .is_some());
    }
    survivor.child.kill().unwrap();
    survivor.child.wait().unwrap();
    fresh.cleanup().await;
}
