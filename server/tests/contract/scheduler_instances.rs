//! Two `ferrodesk` processes on one PostgreSQL database: only the lease
//! holder plans, no ticket is ever assigned twice, and when the leader is
//! killed mid-run the other takes over once the lease lapses.

use crate::support::process::{leader_pid, Instance};
use crate::support::{backends, insert_user, Client, Db, FreshDb, TEST_PASSWORD};
use app::domain::{Availability, Role};
use chrono::Utc;
use ferrodesk::store::{SharedStore, TicketScope};
use std::time::{Duration, Instant};

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
    let group = store.create_group(None, "Network", now).await.unwrap();
    for agent in ["ada@example.com", "bob@example.com"] {
        let id = insert_user(&store, agent, "Agent", Role::Agent, TEST_PASSWORD).await;
        store.set_member(group.id, id, 100, now).await.unwrap();
        store
            .set_availability(id, Availability::Online, now)
            .await
            .unwrap();
    }
    insert_user(
        &store,
        "ann@example.com",
        "Ann",
        Role::Customer,
        TEST_PASSWORD,
    )
    .await;

    let mut a = Instance::start(&url, fresh.dir.path()).await;
    let mut b = Instance::start(&url, fresh.dir.path()).await;
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
            None,
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
    let leader = leader_pid(&store, Duration::from_secs(10)).await;
    let (survivor, client) = if a.child.id() == leader {
        a.kill();
        (&mut b, &on_b)
    } else {
        b.kill();
        (&mut a, &on_a)
    };
    raise_ten(client, "after the kill", &category).await;
    let took = all_assigned(&store, Duration::from_secs(20)).await;
    eprintln!("the survivor assigned the backlog {took:?} after the kill");
    assert_eq!(
        leader_pid(&store, Duration::from_secs(10)).await,
        survivor.child.id()
    );

    // Every ticket was assigned exactly once.
    let running = store.running_assignments().await.unwrap();
    assert_eq!(running.len(), 30);
    for (ticket, _) in &running {
        let events = crate::support::history(&*store, *ticket, true).await;
        let assigned = events.iter().filter(|e| e.kind == "TicketAssigned").count();
        assert_eq!(assigned, 1, "ticket {ticket}: {events:?}");
        assert!(store
            .ticket(*ticket, TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .assignee_id
            .is_some());
    }
    survivor.kill();
    fresh.cleanup().await;
}
