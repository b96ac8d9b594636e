//! What counts as a kept or broken SLA promise, over HTTP on every backend:
//! a customer closing their own ticket before any agent answered does not
//! meet the first response, and a recorded breach survives an escalation
//! that raises the priority and recomputes the due times.

use crate::support::{backends, spawn_app_with, Client, TestApp};
use app::domain::sla::{ClockStatus, Metric};
use app::domain::{Priority, Role};
use chrono::Duration as Span;
use ferrodesk::store::TicketScope;
use std::time::{Duration, Instant};

async fn ok(client: &Client, endpoint: &str, fields: &[(&str, &str)]) {
    let reply = client.call(endpoint, fields).await;
    assert_eq!(reply.status, 200, "{endpoint}: {}", reply.body);
}

/// A category under a policy promising a first response in 30 minutes at
/// normal priority and in 4 hours at high, around the clock.
async fn outage_category(app: &TestApp, admin: &Client) -> i64 {
    ok(
        admin,
        "admin/policy_save",
        &[
            ("name", "Standard"),
            ("first_response_basis", "calendar"),
            ("normal_first_response", "30m"),
            ("high_first_response", "4h"),
        ],
    )
    .await;
    let policy = app.store.list_sla_policies().await.unwrap()[0].id;
    ok(admin, "admin/matrix_save", &[("name", "Escalate")]).await;
    let matrix = app.store.list_matrices().await.unwrap()[0].id;
    ok(
        admin,
        "admin/level_save",
        &[
            ("matrix_id", &matrix.to_string()),
            ("priority", "normal"),
            ("metric", "first_response"),
            ("offset", "0"),
            ("raise_priority", "on"),
        ],
    )
    .await;
    ok(
        admin,
        "admin/category_save",
        &[
            ("name", "Outage"),
            ("default_priority", "normal"),
            ("sla_policy_id", &policy.to_string()),
            ("escalation_matrix_id", &matrix.to_string()),
        ],
    )
    .await;
    app.store.list_categories().await.unwrap()[0].id
}

async fn raise(customer: &Client, category: i64) -> i64 {
    ok(
        customer,
        "tickets/raise",
        &[
            ("subject", "Site down"),
            ("description", "Nothing loads."),
            ("urgency", ""),
            ("category", &category.to_string()),
        ],
    )
    .await;
    customer.get("/api/tickets/mine").await.json()["items"][0]["id"]
        .as_i64()
        .unwrap()
}

async fn first_response(app: &TestApp, ticket: i64) -> app::domain::sla::Clock {
    app.store
        .ticket_clocks(ticket)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.clock.metric == Metric::FirstResponse)
        .unwrap()
        .clock
}

async fn ticket_now(app: &TestApp, ticket: i64) -> ferrodesk::store::TicketRecord {
    app.store
        .ticket(ticket, TicketScope::All)
        .await
        .unwrap()
        .unwrap()
}

/// Waits (up to 5 s of real time) until an escalation has raised the
/// ticket to high.
async fn raised_to_high(app: &TestApp, ticket: i64) {
    let started = Instant::now();
    while ticket_now(app, ticket).await.priority != Priority::High {
        assert!(started.elapsed() < Duration::from_secs(5), "not raised");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn compliance(admin: &Client) -> serde_json::Value {
    let overview = admin.get("/api/admin/sla").await.json();
    overview["by_category"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_closing_an_unanswered_ticket_does_not_meet_the_first_response() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_SCHEDULER", "false")]).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let category = outage_category(&app, &admin).await;
        let ticket = raise(&customer, category).await;

        app.clock.advance(Span::minutes(5));
        let detail = customer
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json();
        let version = detail["version"].as_i64().unwrap().to_string();
        ok(
            &customer,
            "tickets/status",
            &[
                ("ticket_id", &ticket.to_string()),
                ("status", "closed"),
                ("version", &version),
            ],
        )
        .await;

        let first = first_response(&app, ticket).await;
        assert_eq!(first.status, ClockStatus::Stopped, "{first:?}");
        assert_eq!(first.met_at, None);
        assert_eq!(first.breached_at, None);
        let row = compliance(&admin).await;
        assert_eq!(row["name"], "Outage", "{row}");
        assert_eq!(row["met"], 0, "{row}");
        assert_eq!(row["unanswered"], 1, "{row}");
        assert_eq!(row["breached"], 0, "{row}");

        // The history says why, in words.
        let sla = crate::support::sla_history(&*app.store, ticket).await;
        assert!(
            sla.iter()
                .any(|d| d.contains("First response") && d.contains("before an agent replied")),
            "{sla:?}"
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_stays_recorded_when_an_escalation_raises_the_priority() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_SCHEDULER", "false")]).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let category = outage_category(&app, &admin).await;
        let ticket = raise(&customer, category).await;

        // Past the 30 minutes: breached, and the level at the due time
        // raises the ticket to high, whose four hours are not up yet.
        app.clock.advance(Span::minutes(31));
        raised_to_high(&app, ticket).await;
        let first = first_response(&app, ticket).await;
        assert_eq!(first.status, ClockStatus::Breached, "{first:?}");
        assert!(first.breached_at.is_some());
        let row = compliance(&admin).await;
        assert_eq!(row["breached"], 1, "{row}");
        assert_eq!(row["met"], 0, "{row}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaching_soon_lists_only_tickets_due_within_the_window_or_breached_soonest_first() {
    for db in backends().await {
        let app = spawn_app_with(
            db,
            &[
                ("FERRODESK_SCHEDULER", "false"),
                ("FERRODESK_BREACHING_SOON_MINUTES", "120"),
            ],
        )
        .await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        ok(
            &admin,
            "admin/policy_save",
            &[
                ("name", "Standard"),
                ("first_response_basis", "calendar"),
                ("low_first_response", "5d"),
                ("normal_first_response", "30m"),
            ],
        )
        .await;
        let policy = app.store.list_sla_policies().await.unwrap()[0].id;
        ok(
            &admin,
            "admin/category_save",
            &[
                ("name", "Outage"),
                ("default_priority", "normal"),
                ("sla_policy_id", &policy.to_string()),
            ],
        )
        .await;
        let category = app.store.list_categories().await.unwrap()[0].id;

        // One ticket breaches; one is due in half an hour; one in five days.
        let breached = raise(&customer, category).await;
        app.clock.advance(Span::minutes(40));
        let started = Instant::now();
        while first_response(&app, breached).await.status != ClockStatus::Breached {
            assert!(started.elapsed() < Duration::from_secs(5), "no breach");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let soon = raise(&customer, category).await;
        let later = raise(&customer, category).await;
        let stored = ticket_now(&app, later).await;
        ok(
            &agent,
            "tickets/update",
            &[
                ("ticket_id", &later.to_string()),
                ("version", &stored.version.to_string()),
                ("priority", "low"),
                ("assignee_id", ""),
            ],
        )
        .await;

        let page = agent.get("/api/tickets/queue?params[view]=breaching").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let ids: Vec<i64> = page.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![breached, soon], "{}", page.body);
        let counts = agent.get("/api/tickets/queue_counts").await.json();
        let breaching = counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["view"] == "breaching_soon")
            .unwrap()["count"]
            .clone();
        assert_eq!(breaching, 2, "{counts}");

        // The queue says what it holds and in which order.
        let html = agent.get("/agent?view=breaching").await;
        assert_eq!(html.status, 200);
        assert!(
            html.body
                .contains("Due within 2 hours or breached, soonest first"),
            "{}",
            html.body
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_edit_names_the_change_it_ran_into_in_words() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_SCHEDULER", "false")]).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let category = outage_category(&app, &admin).await;
        let ticket = raise(&customer, category).await;
        let tid = ticket.to_string();
        let version = |v: i64| v.to_string();
        let stored = ticket_now(&app, ticket).await;

        // A person's change, with the SLA bookkeeping written alongside it.
        ok(
            &agent,
            "tickets/status",
            &[
                ("ticket_id", &tid),
                ("status", "pending"),
                ("version", &version(stored.version)),
            ],
        )
        .await;
        let stale = admin
            .call(
                "tickets/status",
                &[
                    ("ticket_id", &tid),
                    ("status", "on_hold"),
                    ("version", &version(stored.version)),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
        let message = stale.json()["Conflict"].as_str().unwrap().to_owned();
        assert!(
            message.contains("ada changed the status from New to Pending."),
            "{message}"
        );
        assert!(!message.contains("(sla)"), "{message}");

        // Ferrodesk's own change: the escalation at the due time.
        let stored = ticket_now(&app, ticket).await;
        ok(
            &agent,
            "tickets/status",
            &[
                ("ticket_id", &tid),
                ("status", "open"),
                ("version", &version(stored.version)),
            ],
        )
        .await;
        let before = ticket_now(&app, ticket).await;
        app.clock.advance(Span::minutes(31));
        raised_to_high(&app, ticket).await;
        let stale = agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &version(before.version)),
                    ("priority", "low"),
                    ("assignee_id", ""),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
        let message = stale.json()["Conflict"].as_str().unwrap().to_owned();
        assert!(
            message.contains("An escalation changed the priority from Normal to High."),
            "{message}"
        );
        app.stop().await;
    }
}
