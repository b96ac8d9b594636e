//! Routing over HTTP on every backend: admins set up groups and categories,
//! agents go online, and the scheduler assigns new tickets at once, within
//! capacity, recording and mailing each assignment.

use crate::support::{backends, spawn_app, user_id, Client, TestApp};
use app::domain::{Availability, Priority, Role};
use ferrodesk::store::TicketScope;
use std::time::{Duration, Instant};

async fn raise(client: &Client, subject: &str, category: &str) -> i64 {
    let reply = client
        .call(
            "tickets/raise",
            &[
                ("subject", subject),
                ("description", "It does not work."),
                ("urgency", ""),
                ("category", category),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let mine = client.get("/api/tickets/mine").await.json();
    mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["subject"] == subject)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn assignee(app: &TestApp, ticket: i64) -> Option<i64> {
    app.store
        .ticket(ticket, TicketScope::All)
        .await
        .unwrap()
        .unwrap()
        .assignee_id
}

/// Waits (up to 10 s) until the ticket has an assignee.
async fn assigned_within(app: &TestApp, ticket: i64) -> Option<i64> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Some(agent) = assignee(app, ticket).await {
            return Some(agent);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

/// An admin's group "Network" with the agent at `capacity`, and a category
/// "VPN" (default priority high) routing to it. Returns (group, category).
async fn set_up(app: &TestApp, admin: &Client, agent_id: i64, capacity: &str) -> (i64, i64) {
    let reply = admin
        .call("admin/group_create", &[("name", "Network")])
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let group = app.store.list_groups().await.unwrap()[0].id;
    let reply = admin
        .call(
            "admin/member_set",
            &[
                ("group_id", &group.to_string()),
                ("user_id", &agent_id.to_string()),
                ("capacity", capacity),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let reply = admin
        .call(
            "admin/category_save",
            &[
                ("name", "VPN"),
                ("group_id", &group.to_string()),
                ("default_priority", "high"),
            ],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let category = app.store.list_categories().await.unwrap()[0].id;
    (group, category)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_ticket_goes_at_once_to_an_online_agent_of_its_category_group() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let ada = user_id(&app, "ada@example.com").await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let (group, category) = set_up(&app, &admin, ada, "5").await;

        // Offline: the ticket waits, and the agent is told why.
        let first = raise(&customer, "VPN drops", &category.to_string()).await;
        let pass = app.scheduler_pass().await;
        assert!(pass.assigned.is_empty(), "{pass:?}");
        assert_eq!(assignee(&app, first).await, None);
        let detail = agent
            .get(&format!("/api/tickets/detail?id={first}"))
            .await
            .json();
        assert_eq!(detail["queue"]["position"], 1, "{detail}");
        assert!(detail["queue"]["reason"]
            .as_str()
            .unwrap()
            .contains("come online"));
        assert_eq!(detail["category_name"], "VPN");
        let stored = app
            .store
            .ticket(first, TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.group_id, stored.priority),
            (Some(group), Priority::High)
        );
        // Filed under no category by an agent: the group stays.
        let refiled = agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &first.to_string()),
                    ("version", &stored.version.to_string()),
                    ("priority", "high"),
                    ("assignee_id", ""),
                    ("category_id", "none"),
                ],
            )
            .await;
        assert_eq!(refiled.status, 200, "{}", refiled.body);
        let refiled = app
            .store
            .ticket(first, TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((refiled.category_id, refiled.group_id), (None, Some(group)));

        // Going online assigns it at once.
        let reply = agent
            .call("agent/availability", &[("availability", "online")])
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(assigned_within(&app, first).await, Some(ada));
        let presence = agent.get("/api/agent/presence").await.json();
        assert_eq!(presence["availability"], "Online");
        assert_eq!(presence["load"], 1);

        // A ticket raised while online is assigned within moments.
        let second = raise(&customer, "VPN slow", &category.to_string()).await;
        assert_eq!(assigned_within(&app, second).await, Some(ada));
        let events = crate::support::history(&*app.store, second, true).await;
        assert!(
            events
                .iter()
                .any(|e| e.kind == "TicketAssigned" && e.text.contains("ada")),
            "{events:?}"
        );
        app.smtp
            .wait_for("ada@example.com", "Assigned to you: VPN slow")
            .await;
        let overview = admin.get("/api/admin/groups").await.json();
        assert_eq!(overview["groups"][0]["members"][0]["load"], 2, "{overview}");
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capacity_holds_until_work_is_resolved_and_manual_assignment_may_exceed_it() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let ada = user_id(&app, "ada@example.com").await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let (_, category) = set_up(&app, &admin, ada, "1").await;
        agent
            .call("agent/availability", &[("availability", "online")])
            .await;
        let first = raise(&customer, "First", &category.to_string()).await;
        assert_eq!(assigned_within(&app, first).await, Some(ada));
        let second = raise(&customer, "Second", &category.to_string()).await;
        let pass = app.scheduler_pass().await;
        assert!(pass.assigned.is_empty(), "{pass:?}");
        assert_eq!(
            assignee(&app, second).await,
            None,
            "the agent is at capacity"
        );
        let detail = agent
            .get(&format!("/api/tickets/detail?id={second}"))
            .await
            .json();
        assert!(
            detail["queue"]["reason"]
                .as_str()
                .unwrap()
                .contains("capacity"),
            "{detail}"
        );

        // Resolving the first frees capacity: the second follows.
        let version = app
            .store
            .ticket(first, TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        let reply = agent
            .call(
                "tickets/status",
                &[
                    ("ticket_id", &first.to_string()),
                    ("status", "resolved"),
                    ("version", &version.to_string()),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(assigned_within(&app, second).await, Some(ada));

        // An agent may still be given more by hand.
        let third = raise(&customer, "Third", &category.to_string()).await;
        let version = app
            .store
            .ticket(third, TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        let reply = agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &third.to_string()),
                    ("version", &version.to_string()),
                    ("priority", "high"),
                    ("assignee_id", &ada.to_string()),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(assignee(&app, third).await, Some(ada));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_setup_is_for_admins_and_bad_input_gets_clear_errors() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let anonymous = app.client();
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        assert_eq!(anonymous.get("/api/admin/groups").await.status, 401);
        for client in [&customer, &agent] {
            assert_eq!(client.get("/api/admin/groups").await.status, 403);
            assert_eq!(client.get("/api/admin/categories").await.status, 403);
            assert_eq!(
                client
                    .call("admin/group_create", &[("name", "Sneaky")])
                    .await
                    .status,
                403
            );
        }
        assert_eq!(customer.get("/api/agent/presence").await.status, 403);
        assert!(app.store.list_groups().await.unwrap().is_empty());

        assert_eq!(
            admin
                .call("admin/group_create", &[("name", "  ")])
                .await
                .field_error("name")
                .as_deref(),
            Some("Enter a name.")
        );
        admin
            .call("admin/group_create", &[("name", "Network")])
            .await;
        let dup = admin
            .call("admin/group_create", &[("name", "Network")])
            .await;
        assert!(dup.field_error("name").unwrap().contains("already"));
        let group = app.store.list_groups().await.unwrap()[0].id.to_string();
        let ada = user_id(&app, "ada@example.com").await.to_string();
        let cust = user_id(&app, "ann@example.com").await.to_string();
        let bad = admin
            .call(
                "admin/member_set",
                &[("group_id", &group), ("user_id", &ada), ("capacity", "-3")],
            )
            .await;
        assert!(bad.field_error("capacity").is_some(), "{}", bad.body);
        let customer_member = admin
            .call(
                "admin/member_set",
                &[("group_id", &group), ("user_id", &cust), ("capacity", "3")],
            )
            .await;
        assert!(
            customer_member.field_error("user_id").is_some(),
            "{}",
            customer_member.body
        );

        admin
            .call(
                "admin/category_save",
                &[("name", "Hardware"), ("default_priority", "normal")],
            )
            .await;
        let hardware = app.store.list_categories().await.unwrap()[0].id.to_string();
        admin
            .call(
                "admin/category_save",
                &[
                    ("name", "Laptops"),
                    ("parent_id", &hardware),
                    ("default_priority", "normal"),
                ],
            )
            .await;
        let laptops = app
            .store
            .list_categories()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.name == "Laptops")
            .unwrap()
            .id
            .to_string();
        let cycle = admin
            .call(
                "admin/category_save",
                &[
                    ("category_id", &hardware),
                    ("name", "Hardware"),
                    ("parent_id", &laptops),
                    ("default_priority", "normal"),
                ],
            )
            .await;
        assert!(
            cycle
                .field_error("parent_id")
                .unwrap()
                .contains("below itself"),
            "{}",
            cycle.body
        );

        // Anyone may list the categories; a request may name one, or none.
        let options = anonymous.get("/api/tickets/categories").await.json();
        let labels: Vec<&str> = options
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["Hardware", "Hardware › Laptops"]);
        let reply = customer
            .call(
                "tickets/raise",
                &[
                    ("subject", "Help"),
                    ("description", "Please."),
                    ("urgency", ""),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let reply = customer
            .call(
                "tickets/raise",
                &[
                    ("subject", "Help"),
                    ("description", "Please."),
                    ("urgency", ""),
                    ("category", "999999"),
                ],
            )
            .await;
        assert!(reply.field_error("category").is_some(), "{}", reply.body);
        let bad_state = agent
            .call("agent/availability", &[("availability", "sleeping")])
            .await;
        assert!(bad_state.field_error("availability").is_some());
        let presence = app.store.presence(ada.parse().unwrap()).await.unwrap();
        assert_eq!(presence.availability, Availability::Offline);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_of_the_last_session_takes_an_agent_offline() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let phone = app.signed_in("ada@example.com", Role::Agent).await;
        let laptop = app.client();
        assert_eq!(
            laptop
                .sign_in("ada@example.com", crate::support::TEST_PASSWORD)
                .await
                .status,
            200
        );
        let ada = user_id(&app, "ada@example.com").await;
        phone
            .call("agent/availability", &[("availability", "online")])
            .await;
        laptop.get("/api/agent/presence").await;
        phone.sign_out().await;
        assert_eq!(
            app.store.presence(ada).await.unwrap().availability,
            Availability::Online
        );
        laptop.sign_out().await;
        assert_eq!(
            app.store.presence(ada).await.unwrap().availability,
            Availability::Offline
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deactivating_an_agent_returns_their_open_tickets_to_the_queue_for_the_next_agent() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let ada_client = app.signed_in("ada@example.com", Role::Agent).await;
        let bob_client = app.signed_in("bob@example.com", Role::Agent).await;
        let ada = user_id(&app, "ada@example.com").await;
        let bob = user_id(&app, "bob@example.com").await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let (group, category) = set_up(&app, &admin, ada, "5").await;
        let reply = admin
            .call(
                "admin/member_set",
                &[
                    ("group_id", &group.to_string()),
                    ("user_id", &bob.to_string()),
                    ("capacity", "5"),
                ],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let online = ada_client
            .call("agent/availability", &[("availability", "online")])
            .await;
        assert_eq!(online.status, 200, "{}", online.body);
        let first = raise(&customer, "VPN drops", &category.to_string()).await;
        let second = raise(&customer, "VPN slow", &category.to_string()).await;
        assert_eq!(assigned_within(&app, first).await, Some(ada));
        assert_eq!(assigned_within(&app, second).await, Some(ada));

        // Bob comes online; Ada leaves the company.
        let online = bob_client
            .call("agent/availability", &[("availability", "online")])
            .await;
        assert_eq!(online.status, 200, "{}", online.body);
        let done = admin
            .call("admin/deactivate", &[("user_id", &ada.to_string())])
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
        let location = done
            .headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default();
        assert!(location.contains("returned=2"), "{location:?}");
        for ticket in [first, second] {
            let started = Instant::now();
            while assignee(&app, ticket).await != Some(bob) {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "ticket {ticket} not handed on to Bob"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let history: Vec<String> = crate::support::history(&*app.store, ticket, true)
                .await
                .into_iter()
                .map(|e| e.text)
                .collect();
            assert!(
                history.contains(
                    &"The ticket went back to the Network queue: ada was deactivated.".to_owned()
                ),
                "{history:?}"
            );
        }
        // Ada can no longer work; an admin lets her back in.
        assert_eq!(
            ada_client.get("/api/tickets/queue_counts").await.status,
            401
        );
        let back = admin
            .call("admin/reactivate", &[("user_id", &ada.to_string())])
            .await;
        assert_eq!(back.status, 200, "{}", back.body);
        let again = app.client();
        assert_eq!(
            again
                .sign_in("ada@example.com", crate::support::TEST_PASSWORD)
                .await
                .status,
            200
        );
        app.stop().await;
    }
}

async fn delete(client: &Client, category: i64) -> crate::support::Reply {
    let id = category.to_string();
    client
        .call("admin/category_delete", &[("category_id", &id)])
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_category_nothing_uses_can_be_deleted_and_its_deletion_is_logged() {
    use app::domain::event::DomainEvent;
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("admin@example.com", Role::Admin).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let customer = app.signed_in("ann@example.com", Role::Customer).await;
        let save = |fields: Vec<(&'static str, String)>| {
            let admin = &admin;
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let reply = admin.call("admin/category_save", &fields).await;
                assert_eq!(reply.status, 200, "{}", reply.body);
            }
        };
        let id_of = |name: &'static str| {
            let app = &app;
            async move {
                let all = app.store.list_categories().await.unwrap();
                all.iter().find(|c| c.name == name).map(|c| c.id)
            }
        };
        for name in ["VPN", "Typo", "Hardware"] {
            save(vec![
                ("name", name.into()),
                ("default_priority", "normal".into()),
            ])
            .await;
        }
        let hardware = id_of("Hardware").await.unwrap();
        save(vec![
            ("name", "Printers".into()),
            ("parent_id", hardware.to_string()),
            ("default_priority", "normal".into()),
        ])
        .await;
        let (vpn, typo) = (id_of("VPN").await.unwrap(), id_of("Typo").await.unwrap());
        let ticket = raise(&customer, "VPN drops", &vpn.to_string()).await;

        assert_eq!(delete(&agent, typo).await.status, 403);
        assert_eq!(delete(&customer, typo).await.status, 403);
        assert_eq!(delete(&app.client(), typo).await.status, 401);
        assert!(id_of("Typo").await.is_some());

        let refused = delete(&admin, vpn).await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        let message = refused.form_error().unwrap();
        assert!(message.contains("1 ticket is filed under it"), "{message}");
        assert!(message.contains("Archive it instead"), "{message}");
        let refused = delete(&admin, hardware).await;
        assert!(refused
            .form_error()
            .unwrap()
            .contains("1 category sits below it"));
        let kept = app
            .store
            .ticket(ticket, TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.category_id, Some(vpn));
        assert_eq!(delete(&admin, 999_999).await.status, 404);

        assert_eq!(delete(&admin, typo).await.status, 200);
        assert_eq!(id_of("Typo").await, None);
        let admin_id = user_id(&app, "admin@example.com").await;
        let logged = crate::support::admin_events(app.store.as_ref()).await;
        let deleted: Vec<_> = logged
            .iter()
            .filter_map(|e| match &e.change {
                DomainEvent::CategoryDeleted { category } => {
                    Some((e.actor, category.name.as_str()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(deleted, [(Some(admin_id), "Typo")]);
        app.stop().await;
    }
}
