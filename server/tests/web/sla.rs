//! SLAs over HTTP on every backend, with a controllable clock: admins set
//! up a calendar, a policy and an escalation matrix; the monitor fires each
//! level once, at its offset, even across a restart; a breach moves the
//! ticket back into a group's queue and raises its priority.

use crate::support::{backends, spawn_app_with, user_id, Client, TestApp, TEST_PASSWORD};
use app::domain::sla::{ClockStatus, Metric};
use app::domain::{Priority, Role};
use chrono::Duration as Span;
use ferrodesk::store::TicketScope;
use std::time::{Duration, Instant};

async fn ok(client: &Client, endpoint: &str, fields: &[(&str, &str)]) {
    let reply = client.call(endpoint, fields).await;
    assert_eq!(reply.status, 200, "{endpoint}: {}", reply.body);
}

/// The history's sentences of one kind: "escalation" (warnings and
/// escalations), "sla" (clock changes and breaches) or "group".
async fn events(app: &TestApp, ticket: i64, kind: &str) -> Vec<String> {
    let kinds: &[&str] = match kind {
        "escalation" => &["SlaWarning", "TicketEscalated"],
        "sla" => &["SlaClockChanged", "SlaBreached"],
        "group" => &["GroupChanged"],
        other => panic!("no such history kind in these tests: {other}"),
    };
    crate::support::history(&*app.store, ticket, true)
        .await
        .into_iter()
        .filter(|e| kinds.contains(&e.kind))
        .map(|e| e.text)
        .collect()
}

/// Waits (up to 5 s of real time) until the ticket has `n` events of `kind`.
async fn wait_events(app: &TestApp, ticket: i64, kind: &str, n: usize) -> Vec<String> {
    let started = Instant::now();
    loop {
        let found = events(app, ticket, kind).await;
        if found.len() >= n {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "ticket {ticket}: {n} {kind} events expected, got {found:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalations_fire_once_at_their_offsets_and_a_breach_requeues_the_ticket() {
    for db in backends().await {
        let mut app = spawn_app_with(db, &[("FERRODESK_SCHEDULER", "false")]).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        app.signed_in("lee@example.com", Role::Agent).await;
        let lee = user_id(&app, "lee@example.com").await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;

        // Tier 2, led by Lee, takes what breaches.
        ok(&admin, "admin/group_create", &[("name", "Tier 2")]).await;
        let tier2 = app.store.list_groups().await.unwrap()[0].id;
        ok(
            &admin,
            "admin/member_set",
            &[
                ("group_id", &tier2.to_string()),
                ("user_id", &lee.to_string()),
                ("capacity", "5"),
                ("lead", "on"),
            ],
        )
        .await;

        // Bad input is refused field by field, and nothing is saved.
        let reply = admin
            .call(
                "admin/calendar_save",
                &[
                    ("name", "Office"),
                    ("timezone", "Mars/Olympus"),
                    ("monday", "9-17"),
                ],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert_eq!(
            reply.field_error("monday").as_deref(),
            Some("\"9\" is not a time; write it as 09:00.")
        );
        assert!(app.store.list_calendars().await.unwrap().is_empty());
        let reply = admin
            .call(
                "admin/policy_save",
                &[("name", "Standard"), ("normal_first_response", "soon")],
            )
            .await;
        assert_eq!(reply.status, 422);
        assert!(reply
            .field_error("normal_first_response")
            .unwrap()
            .contains("is not a duration"));

        // Around the clock: 30 minutes to a first response.
        ok(
            &admin,
            "admin/policy_save",
            &[
                ("name", "Standard"),
                ("first_response_basis", "calendar"),
                ("normal_first_response", "30m"),
                ("normal_resolution", "8h"),
            ],
        )
        .await;
        let policy = app.store.list_sla_policies().await.unwrap()[0].id;
        ok(&admin, "admin/matrix_save", &[("name", "Escalate")]).await;
        let matrix = app.store.list_matrices().await.unwrap()[0].id;
        let level = |offset: &'static str, extra: Vec<(&'static str, String)>| {
            let mut fields: Vec<(&str, String)> = vec![
                ("matrix_id", matrix.to_string()),
                ("priority", "normal".into()),
                ("metric", "first_response".into()),
                ("offset", offset.into()),
            ];
            fields.extend(extra);
            fields
        };
        let warn = level("-10", vec![("notify_user", lee.to_string())]);
        let act = level(
            "0",
            vec![
                ("reassign_group", tier2.to_string()),
                ("raise_priority", "on".into()),
                ("notify_leads", "on".into()),
            ],
        );
        for fields in [&warn, &act] {
            let borrowed: Vec<(&str, &str)> =
                fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            ok(&admin, "admin/level_save", &borrowed).await;
        }
        // The same offset twice is refused, naming the problem.
        let twice: Vec<(&str, &str)> = warn.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = admin.call("admin/level_save", &twice).await;
        assert_eq!(reply.status, 422);
        assert!(
            reply
                .form_error()
                .unwrap()
                .contains("must come after the previous level"),
            "{}",
            reply.body
        );
        ok(
            &admin,
            "admin/category_save",
            &[
                ("name", "Outage"),
                ("default_priority", "normal"),
                ("sla_policy_id", &policy.to_string()),
                ("escalation_matrix_id", &matrix.to_string()),
            ],
        )
        .await;
        let category = app.store.list_categories().await.unwrap()[0].id;

        ok(
            &customer,
            "tickets/raise",
            &[
                ("subject", "Site down"),
                ("description", "Nothing loads."),
                ("urgency", ""),
                ("category", &category.to_string()),
            ],
        )
        .await;
        let mine = customer.get("/api/tickets/mine").await.json();
        let ticket = mine["items"][0]["id"].as_i64().unwrap();
        let detail = customer
            .get(&format!("/api/tickets/detail?id={ticket}"))
            .await
            .json();
        assert_eq!(detail["sla"]["policy_name"], "Standard", "{detail}");
        assert_eq!(detail["sla"]["clocks"][0]["metric"], "first_response");

        // Twenty-one minutes on: the warning, to Lee.
        app.clock.advance(Span::minutes(21));
        let escalations = wait_events(&app, ticket, "escalation", 1).await;
        assert_eq!(
            escalations,
            vec!["First response escalation level 1 (10 min before) fired: notify lee.".to_owned()]
        );
        app.smtp
            .wait_for("lee@example.com", "First response escalation level 1")
            .await;

        // A restart does not fire it again: a pass at the same time finds
        // nothing due.
        app.restart().await;
        let pass = app.sla_pass().await;
        assert!(pass.fired.is_empty(), "{pass:?}");
        assert_eq!(events(&app, ticket, "escalation").await.len(), 1);

        // Past the due time: breached, moved to Tier 2, raised to high, and
        // the leads told.
        app.clock.advance(Span::minutes(10));
        wait_events(&app, ticket, "escalation", 2).await;
        let sla = wait_events(&app, ticket, "sla", 3).await;
        assert!(
            sla.contains(&"SLA: First response breached.".to_owned()),
            "{sla:?}"
        );
        let stored = app
            .store
            .ticket(ticket, TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.group_id, Some(tier2));
        assert_eq!(stored.priority, Priority::High);
        assert!(events(&app, ticket, "group")
            .await
            .contains(&"An escalation moved the ticket to the Tier 2 group.".to_owned()));
        let clocks = app.store.ticket_clocks(ticket).await.unwrap();
        let first = clocks
            .iter()
            .find(|c| c.clock.metric == Metric::FirstResponse)
            .unwrap();
        assert_eq!(first.clock.status, ClockStatus::Breached);
        assert_eq!(first.levels_fired, 2);
        assert_eq!(first.next_fire_at, None, "nothing more to fire");
        app.smtp
            .wait_for("lee@example.com", "First response escalation level 2")
            .await;

        // Nothing fires twice, however late the monitor looks.
        app.clock.advance(Span::minutes(30));
        let pass = app.sla_pass().await;
        assert!(pass.fired.is_empty(), "{pass:?}");
        assert_eq!(pass.next, None, "nothing left to fire");
        assert_eq!(events(&app, ticket, "escalation").await.len(), 2);

        // The admin sees it in the compliance figures (signed in anew: the
        // restarted server listens on another port).
        let admin = app.client();
        assert_eq!(
            admin
                .sign_in("root@example.com", TEST_PASSWORD)
                .await
                .status,
            200
        );
        let overview = admin.get("/api/admin/sla").await.json();
        let by_category = &overview["by_category"][0];
        assert_eq!(by_category["name"], "Outage", "{overview}");
        assert_eq!(by_category["breached"], 1);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sla_setup_is_for_admins_only() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_SCHEDULER", "false")]).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        for (endpoint, fields) in [
            (
                "admin/calendar_save",
                vec![("name", "Office"), ("timezone", "UTC")],
            ),
            ("admin/policy_save", vec![("name", "Standard")]),
            ("admin/matrix_save", vec![("name", "Escalate")]),
        ] {
            assert_eq!(
                agent.call(endpoint, &fields).await.status,
                403,
                "{endpoint}"
            );
        }
        assert_eq!(agent.get("/api/admin/sla").await.status, 403);
        assert!(app.store.list_calendars().await.unwrap().is_empty());
        assert!(app.store.list_sla_policies().await.unwrap().is_empty());
        app.stop().await;
    }
}
