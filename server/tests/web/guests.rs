//! Requests without an account over HTTP: the emailed link opens exactly the
//! requester's tickets, never an account with a password, and the answer
//! never tells whether an address has an account.

use crate::support::{backends, spawn_app, token_from, Client};
use app::domain::Role;

async fn raise_as_guest(client: &Client, email: &str, subject: &str) -> crate::support::Reply {
    client
        .call(
            "tickets/raise",
            &[
                ("email", email),
                ("name", "Gina Guest"),
                ("subject", subject),
                ("description", "The badge reader is dead."),
                ("urgency", "normal"),
            ],
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_follows_and_answers_a_ticket_through_the_emailed_link() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let guest = app.client();
        let form = guest.get("/portal/tickets/new").await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains("Your email") && form.body.contains("name=\"files\""),
            "the form asks a guest for an address and takes files"
        );
        let raised = raise_as_guest(&guest, "gina@example.com", "Badge reader").await;
        assert_eq!(raised.status, 200, "{}", raised.body);
        assert_eq!(
            raised.headers.get("location").unwrap(),
            "/portal/tickets/sent"
        );
        assert_eq!(
            guest.me().await,
            serde_json::Value::Null,
            "raising does not sign in"
        );

        let mail = app
            .smtp
            .wait_for("gina@example.com", "We received your request")
            .await;
        let token = token_from(&mail.body(), "http://desk.example.test/follow/");
        let opened = guest.get(&format!("/follow/{token}")).await;
        assert_eq!(opened.status, 303);
        let target = opened
            .headers
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(target.starts_with("/portal/tickets/"), "{target}");
        let id: i64 = target.rsplit('/').next().unwrap().parse().unwrap();
        let detail = guest.get(&format!("/api/tickets/detail?id={id}")).await;
        assert_eq!(detail.status, 200);
        assert_eq!(detail.json()["subject"], "Badge reader");
        let answer = guest
            .call(
                "tickets/reply",
                &[("ticket_id", &id.to_string()), ("body", "Badge 2231.")],
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);

        let agent = app.signed_in("agent@example.com", Role::Agent).await;
        let reply = agent
            .call(
                "tickets/reply",
                &[("ticket_id", &id.to_string()), ("body", "Replaced it.")],
            )
            .await;
        assert_eq!(reply.status, 200);
        let mail = app.smtp.wait_for("gina@example.com", "New reply").await;
        let fresh = token_from(&mail.body(), "http://desk.example.test/follow/");
        assert_ne!(fresh, token, "each answer carries a fresh link");
        assert_eq!(
            app.client().get(&format!("/follow/{fresh}")).await.status,
            303
        );

        // The same address raising again lands on the same requester.
        assert_eq!(
            raise_as_guest(&app.client(), "gina@example.com", "Second")
                .await
                .status,
            200
        );
        let mine = guest.get("/api/tickets/mine").await.json();
        assert_eq!(mine["total"], 2);

        let dead = app.client().get("/follow/not-a-real-token").await;
        assert_eq!(dead.status, 409);
        assert!(
            dead.body.contains("expired or is not valid"),
            "{}",
            dead.body
        );
        // Forty days on, the first link no longer works.
        app.clock.advance(chrono::Duration::days(40));
        assert_eq!(
            app.client().get(&format!("/follow/{token}")).await.status,
            409
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_with_a_password_get_no_link_and_the_answer_is_the_same() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        app.signed_in("agent@example.com", Role::Agent).await;
        let for_account = raise_as_guest(&app.client(), "ann@example.com", "Filed for Ann").await;
        let for_agent =
            raise_as_guest(&app.client(), "agent@example.com", "Filed for an agent").await;
        let for_nobody =
            raise_as_guest(&app.client(), "new@example.com", "Filed for someone new").await;
        for reply in [&for_account, &for_agent, &for_nobody] {
            assert_eq!(reply.status, 200, "{}", reply.body);
            assert_eq!(
                reply.body, for_nobody.body,
                "no hint whether an account exists"
            );
        }
        let mail = app
            .smtp
            .wait_for("ann@example.com", "We received your request")
            .await;
        assert!(!mail.body().contains("/follow/"), "{}", mail.body());
        assert!(mail.body().contains("/portal/tickets/"));
        let mail = app
            .smtp
            .wait_for("agent@example.com", "We received your request")
            .await;
        assert!(!mail.body().contains("/follow/"));
        let mine = ann.get("/api/tickets/mine").await.json();
        assert_eq!(mine["items"][0]["subject"], "Filed for Ann");

        let invalid = app
            .client()
            .call(
                "tickets/raise",
                &[
                    ("email", "not an address"),
                    ("subject", ""),
                    ("description", "x"),
                    ("urgency", "critical"),
                ],
            )
            .await;
        assert_eq!(invalid.status, 422);
        for field in ["email", "subject", "urgency"] {
            assert!(
                invalid.field_error(field).is_some(),
                "{field}: {}",
                invalid.body
            );
        }
        app.stop().await;
    }
}
