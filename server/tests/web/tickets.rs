//! Tickets over HTTP on every backend: who sees what, and what each role may do.

use crate::support::{backends, spawn_app, Client};
use app::domain::Role;

async fn raise(client: &Client, subject: &str, description: &str, key: &str) -> i64 {
    let reply = client
        .call(
            "tickets/raise",
            &[
                ("subject", subject),
                ("description", description),
                ("urgency", "high"),
                ("idempotency_key", key),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_see_only_their_own_tickets_and_never_internal_notes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bob = app.signed_in("bob@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;

        let id = raise(
            &ann,
            "VPN down",
            "It **fails** <script>alert(1)</script>",
            "k-1",
        )
        .await;
        let mail = app
            .smtp
            .wait_for(
                "ann@example.com",
                &format!("[#{id}] We received your request"),
            )
            .await;
        assert!(mail
            .body()
            .contains(&format!("http://desk.example.test/portal/tickets/{id}")));

        let own = ann.get(&format!("/api/tickets/detail?id={id}")).await;
        assert_eq!(own.status, 200);
        let html = own.json()["description_html"].as_str().unwrap().to_owned();
        assert!(
            html.contains("<strong>fails</strong>") && !html.contains("<script"),
            "{html}"
        );

        let other = bob.get(&format!("/api/tickets/detail?id={id}")).await;
        let missing = bob
            .get(&format!("/api/tickets/detail?id={}", id + 1000))
            .await;
        assert_eq!((other.status, missing.status), (404, 404));
        assert_eq!(
            other.body, missing.body,
            "another customer's ticket looks exactly like a missing one"
        );
        assert_eq!(
            bob.call(
                "tickets/reply",
                &[("ticket_id", &id.to_string()), ("body", "me too")]
            )
            .await
            .status,
            404
        );
        assert_eq!(
            app.client()
                .get(&format!("/api/tickets/detail?id={id}"))
                .await
                .status,
            401
        );
        assert_eq!(
            ann.get("/api/tickets/queue?params[view]=all_open")
                .await
                .status,
            403
        );

        let tid = id.to_string();
        assert_eq!(
            agent
                .call("tickets/claim", &[("ticket_id", &tid)])
                .await
                .status,
            200
        );
        let note = agent
            .call(
                "tickets/reply",
                &[
                    ("ticket_id", &tid),
                    ("body", "SECRET-NOTE"),
                    ("internal", "on"),
                ],
            )
            .await;
        assert_eq!(note.status, 200, "{}", note.body);
        let reply = agent
            .call(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "Restarted the gateway.")],
            )
            .await;
        assert_eq!(reply.status, 200);
        let mail = app
            .smtp
            .wait_for("ann@example.com", &format!("[#{id}] New reply"))
            .await;
        assert!(
            mail.body().contains("Restarted the gateway.") && !mail.body().contains("SECRET-NOTE")
        );

        let seen = ann.get(&format!("/api/tickets/detail?id={id}")).await;
        assert!(seen.body.contains("Restarted the gateway."));
        assert!(
            !seen.body.contains("SECRET-NOTE"),
            "internal notes never reach the customer"
        );
        assert!(
            !seen.body.contains("\"note\""),
            "nor does their history entry"
        );
        let page = ann.get(&format!("/portal/tickets/{id}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Restarted the gateway.") && !page.body.contains("SECRET-NOTE"));
        let form = ann.get("/portal/tickets/new").await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains("Raise a request") && form.body.contains("name=\"idempotency_key\"")
        );
        let list = ann.get("/portal/tickets").await;
        assert!(list.body.contains("VPN down"));
        assert_eq!(bob.get(&format!("/portal/tickets/{id}")).await.status, 404);
        let queue = agent.get("/agent?view=my_open").await;
        assert!(
            queue.body.contains("VPN down"),
            "the claimed ticket is in My open"
        );
        let agent_page = agent.get(&format!("/agent/tickets/{id}")).await;
        assert!(
            agent_page.body.contains("SECRET-NOTE") && agent_page.body.contains("Internal note")
        );
        assert_eq!(ann.get(&format!("/agent/tickets/{id}")).await.status, 403);
        let staff_view = agent.get(&format!("/api/tickets/detail?id={id}")).await;
        assert!(staff_view.body.contains("SECRET-NOTE"));
        assert_eq!(
            staff_view.json()["status"],
            "open",
            "the first public reply opens the ticket"
        );

        let sneaky = ann
            .call(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "x"), ("internal", "on")],
            )
            .await;
        assert_eq!(sneaky.status, 403);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_machine_and_versions_guard_status_changes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let id = raise(&ann, "Laptop", "Broken hinge", "k-2").await;
        let tid = id.to_string();
        let version = |c: &Client| {
            let c = c.http.clone();
            let url = format!("{}?id={id}", agent.url("/api/tickets/detail"));
            async move {
                c.get(url)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()["version"]
                    .as_i64()
                    .unwrap()
            }
        };

        let v = version(&ann).await.to_string();
        let refused = ann
            .call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "resolved"), ("version", &v)],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert_eq!(
            refused.form_error().as_deref(),
            Some("Customers can close a ticket or reopen it, nothing else.")
        );

        let v1 = version(&agent).await.to_string();
        let ok = agent
            .call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "pending"), ("version", &v1)],
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        let stale = agent
            .call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "on_hold"), ("version", &v1)],
            )
            .await;
        assert_eq!(stale.status, 409);
        let message = stale.json()["Conflict"].as_str().unwrap().to_owned();
        assert!(
            message.contains("changed the status from New to Pending")
                && message.contains("now pending"),
            "{message}"
        );

        let v2 = version(&agent).await.to_string();
        let illegal = agent
            .call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "new"), ("version", &v2)],
            )
            .await;
        assert_eq!(illegal.status, 422);
        assert_eq!(
            illegal.form_error().as_deref(),
            Some("A ticket that is pending cannot become new.")
        );

        // A customer reply brings a pending ticket back; the customer can close and reopen.
        assert_eq!(
            ann.call(
                "tickets/reply",
                &[("ticket_id", &tid), ("body", "Here are the photos.")]
            )
            .await
            .status,
            200
        );
        let v3 = version(&ann).await.to_string();
        assert_eq!(
            ann.call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "closed"), ("version", &v3)]
            )
            .await
            .status,
            200
        );
        let v4 = version(&ann).await.to_string();
        assert_eq!(
            ann.call(
                "tickets/status",
                &[("ticket_id", &tid), ("status", "open"), ("version", &v4)]
            )
            .await
            .status,
            200
        );
        let history = agent.ticket_detail(id).await.history;
        let kinds: Vec<&str> = history.iter().map(|e| e.change.kind()).collect();
        assert_eq!(
            kinds,
            [
                "TicketCreated",
                "TicketStatusChanged",
                "MessageAdded",
                "TicketStatusChanged",
                "TicketStatusChanged",
                "TicketStatusChanged"
            ]
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_double_submits_and_queues() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let first = app.signed_in("first@example.com", Role::Agent).await;
        let second = app.signed_in("second@example.com", Role::Agent).await;
        let id = raise(&ann, "Printer", "Jammed", "same-key").await;
        let again = raise(&ann, "Printer", "Jammed", "same-key").await;
        assert_eq!(id, again);
        assert_eq!(
            ann.get("/api/tickets/mine").await.json()["total"],
            1,
            "a double submit creates one ticket"
        );

        let counts = first.get("/api/tickets/queue_counts").await.json();
        let count = |view: &str| {
            counts
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["view"] == view)
                .unwrap()["count"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(
            (count("unassigned"), count("my_open"), count("all_open")),
            (1, 0, 1)
        );

        let tid = id.to_string();
        assert_eq!(
            first
                .call("tickets/claim", &[("ticket_id", &tid)])
                .await
                .status,
            200
        );
        let lost = second.call("tickets/claim", &[("ticket_id", &tid)]).await;
        assert_eq!(lost.status, 409);
        assert_eq!(lost.json()["Conflict"], "first already has this ticket.");
        let mine = first
            .get("/api/tickets/queue?params[view]=my_open")
            .await
            .json();
        assert_eq!(mine["items"][0]["id"], id);
        assert_eq!(
            second
                .get("/api/tickets/queue?params[view]=unassigned")
                .await
                .json()["total"],
            0
        );
        assert_eq!(
            first
                .get("/api/tickets/queue?params[view]=bogus")
                .await
                .status,
            400
        );
        assert_eq!(
            first
                .get("/api/tickets/queue?params[view]=recent&params[after]=garbage")
                .await
                .status,
            400
        );

        let bad = ann
            .call(
                "tickets/raise",
                &[
                    ("subject", " "),
                    ("description", ""),
                    ("urgency", "critical"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for field in ["subject", "description", "urgency"] {
            assert!(bad.field_error(field).is_some(), "{field}: {}", bad.body);
        }
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_edit_priority_assignee_tags_and_watch() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let first = app.signed_in("first@example.com", Role::Agent).await;
        let _second = app.signed_in("second@example.com", Role::Agent).await;
        let id = raise(&ann, "Mailbox full", "Cannot receive", "k-9").await;
        let tid = id.to_string();
        let detail = |c: &Client| {
            let http = c.http.clone();
            let url = format!("{}?id={id}", c.url("/api/tickets/detail"));
            async move {
                http.get(url)
                    .send()
                    .await
                    .unwrap()
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        let agents = first.get("/api/tickets/agents").await.json();
        let second_id = agents
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == "second")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let customer_id = ann.get("/api/auth/current_user").await.json()["id"]
            .as_i64()
            .unwrap();
        assert_eq!(ann.get("/api/tickets/agents").await.status, 403);

        let v = detail(&first).await["version"]
            .as_i64()
            .unwrap()
            .to_string();
        // What cannot be read is reported together, before anything is
        // looked up; then what names nobody (a customer as assignee, a
        // category that does not exist) is reported together.
        let bad = first
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &v),
                    ("priority", "urgent"),
                    ("assignee_id", "someone"),
                    ("tags", "ok, n/a"),
                    ("category_id", "sales"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for field in ["priority", "assignee_id", "tags", "category_id"] {
            assert!(bad.field_error(field).is_some(), "{field}: {}", bad.body);
        }
        let bad = first
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &v),
                    ("priority", "high"),
                    ("assignee_id", &customer_id.to_string()),
                    ("tags", "ok"),
                    ("category_id", "99999"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        for field in ["assignee_id", "category_id"] {
            assert!(bad.field_error(field).is_some(), "{field}: {}", bad.body);
        }
        let ok = first
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &v),
                    ("priority", "critical"),
                    ("assignee_id", &second_id.to_string()),
                    ("tags", "email, quota"),
                ],
            )
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
        app.smtp
            .wait_for("second@example.com", &format!("[#{id}] Assigned to you"))
            .await;
        let stale = first
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &v),
                    ("priority", "low"),
                    ("assignee_id", ""),
                ],
            )
            .await;
        assert_eq!(stale.status, 409);
        assert!(
            stale.json()["Conflict"]
                .as_str()
                .unwrap()
                .contains("set the tags to email, quota"),
            "{}",
            stale.body
        );

        let staff = detail(&first).await;
        assert_eq!(
            (staff["priority"].as_str(), staff["assignee_name"].as_str()),
            (Some("critical"), Some("second"))
        );
        assert_eq!(staff["tags"], serde_json::json!(["email", "quota"]));
        let customer = detail(&ann).await;
        assert_eq!(
            customer["tags"],
            serde_json::json!([]),
            "tags are agent-only"
        );
        assert_eq!(customer["assignee_id"], serde_json::Value::Null);
        assert!(!customer.to_string().contains("quota"));

        assert_eq!(
            first
                .call(
                    "tickets/watch",
                    &[("ticket_id", &tid), ("watching", "true")]
                )
                .await
                .status,
            200
        );
        let watched = detail(&first).await;
        assert_eq!(
            (watched["watching"].as_bool(), watched["watchers"].clone()),
            (Some(true), serde_json::json!(["first"]))
        );
        assert_eq!(
            ann.call(
                "tickets/watch",
                &[("ticket_id", &tid), ("watching", "true")]
            )
            .await
            .status,
            403
        );

        let v = detail(&first).await["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let release = first
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &tid),
                    ("version", &v),
                    ("priority", "critical"),
                    ("assignee_id", ""),
                    ("tags", "email quota"),
                ],
            )
            .await;
        assert_eq!(release.status, 200);
        assert_eq!(
            detail(&first).await["assignee_name"],
            serde_json::Value::Null
        );
        let page = first.get(&format!("/agent/tickets/{id}")).await;
        assert!(page.body.contains("Save changes") && page.body.contains("Stop watching"));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_filter_and_search_the_queues() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bob = app.signed_in("bob@example.com", Role::Customer).await;
        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let printer = raise(
            &ann,
            "Printer offline",
            "The café printer shows error E42.",
            "s-1",
        )
        .await;
        let vpn = raise(&bob, "VPN refuses login", "Since this morning.", "s-2").await;
        let _other = raise(&bob, "New laptop", "Please order one.", "s-3").await;
        let note = agent
            .call(
                "tickets/reply",
                &[
                    ("ticket_id", &vpn.to_string()),
                    ("body", "Token expired, rotating zebrakey"),
                    ("internal", "on"),
                ],
            )
            .await;
        assert_eq!(note.status, 200);

        let ids = |reply: crate::support::Reply| -> Vec<i64> {
            reply.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect()
        };
        let queue = |query: &str| {
            let url = format!("/api/tickets/queue?params[view]=recent&{query}");
            let agent = &agent;
            async move { agent.get(&url).await }
        };
        assert_eq!(ids(queue("params[q]=printer").await), [printer]);
        assert_eq!(
            ids(queue("params[q]=E42").await),
            [printer],
            "words in descriptions count"
        );
        assert_eq!(
            ids(queue("params[q]=zebrakey").await),
            [vpn],
            "agents find words in messages and notes"
        );
        assert_eq!(
            ids(queue("params[q]=printer%20zebrakey").await),
            Vec::<i64>::new(),
            "all words must occur"
        );
        assert_eq!(
            ids(queue("params[q]=%22OR%20*").await),
            Vec::<i64>::new(),
            "query syntax is just text"
        );
        assert_eq!(
            ids(queue("params[requester]=ann@example.com").await),
            [printer]
        );
        assert_eq!(
            ids(queue("params[requester]=nobody@example.com").await),
            Vec::<i64>::new()
        );
        assert_eq!(
            ids(queue("params[priority]=high&params[sort]=created").await).len(),
            3
        );
        assert_eq!(queue("params[status]=bogus").await.status, 400);
        assert_eq!(queue("params[sort]=sideways").await.status, 400);

        let v = agent
            .get(&format!("/api/tickets/detail?id={vpn}"))
            .await
            .json()["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let tagged = agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &vpn.to_string()),
                    ("version", &v),
                    ("priority", "critical"),
                    ("assignee_id", ""),
                    ("tags", "network"),
                ],
            )
            .await;
        assert_eq!(tagged.status, 200);
        assert_eq!(ids(queue("params[tag]=network").await), [vpn]);
        assert_eq!(ids(queue("params[priority]=critical").await), [vpn]);
        assert_eq!(ids(queue("params[status]=new").await).len(), 3);
        assert_eq!(
            ids(queue("params[sort]=priority").await)[0],
            vpn,
            "critical first"
        );

        let network = app
            .store
            .create_group(None, "Network", chrono::Utc::now())
            .await
            .unwrap();
        let groups = agent.get("/api/tickets/groups").await.json();
        assert_eq!(groups[0]["name"], "Network");
        let v = agent
            .get(&format!("/api/tickets/detail?id={printer}"))
            .await
            .json()["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let moved = agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &printer.to_string()),
                    ("version", &v),
                    ("priority", "high"),
                    ("assignee_id", ""),
                    ("tags", ""),
                    ("group_id", &network.id.to_string()),
                ],
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
        assert_eq!(
            ids(queue(&format!("params[group]={}", network.id)).await),
            [printer]
        );
        assert_eq!(queue("params[group]=abc").await.status, 400);
        let detail = agent
            .get(&format!("/api/tickets/detail?id={printer}"))
            .await
            .json();
        assert_eq!(detail["group_name"], "Network");
        let customer = ann
            .get(&format!("/api/tickets/detail?id={printer}"))
            .await
            .json();
        assert!(customer["group_name"].is_null(), "groups are internal");
        assert!(agent
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &printer.to_string()),
                    ("version", &detail["version"].as_i64().unwrap().to_string()),
                    ("priority", "high"),
                    ("assignee_id", ""),
                    ("group_id", "999999"),
                ],
            )
            .await
            .field_error("group_id")
            .is_some());

        let claimed = agent
            .call("tickets/claim", &[("ticket_id", &vpn.to_string())])
            .await;
        assert_eq!(claimed.status, 200);
        assert_eq!(ids(queue("params[assignee]=me").await), [vpn]);
        assert_eq!(ids(queue("params[assignee]=none").await).len(), 2);
        assert_eq!(queue("params[assignee]=someone").await.status, 400);

        // Customers have no search: their list ignores every filter.
        let mine = ann.get("/api/tickets/mine").await.json();
        assert_eq!(mine["total"], 1);
        let page = agent.get("/agent?view=recent&q=printer").await;
        assert!(page.body.contains("Printer offline") && !page.body.contains("VPN refuses login"));
        app.stop().await;
    }
}
