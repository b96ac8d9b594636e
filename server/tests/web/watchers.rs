//! Watchers get the updates the requester gets (agents among them also the
//! internal notes), each with the way to stop, and never their own.

use crate::support::{backends, spawn_app, Client};
use app::domain::Role;

async fn reply(client: &Client, ticket: i64, body: &str, internal: bool) {
    let ticket = ticket.to_string();
    let mut fields = vec![("ticket_id", ticket.as_str()), ("body", body)];
    if internal {
        fields.push(("internal", "on"));
    }
    let reply = client.call("tickets/reply", &fields).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watchers_hear_replies_and_agents_hear_notes_with_a_way_to_stop() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let watcher = app.signed_in("wes@example.com", Role::Agent).await;
        let agent = app.signed_in("ada@example.com", Role::Agent).await;
        let raised = ann
            .call(
                "tickets/raise",
                &[
                    ("subject", "Printer jam"),
                    ("description", "Paper stuck."),
                    ("urgency", ""),
                ],
            )
            .await;
        assert_eq!(raised.status, 200, "{}", raised.body);
        let ticket = ann.get("/api/tickets/mine").await.json()["items"][0]["id"]
            .as_i64()
            .unwrap();
        let watched = watcher
            .call(
                "tickets/watch",
                &[("ticket_id", &ticket.to_string()), ("watching", "true")],
            )
            .await;
        assert_eq!(watched.status, 200, "{}", watched.body);

        reply(&ann, ticket, "Still stuck after a restart.", false).await;
        let mail = app
            .smtp
            .wait_for("wes@example.com", &format!("[#{ticket}] New reply"))
            .await;
        let body = mail.body();
        assert!(body.contains("Still stuck after a restart."), "{body}");
        assert!(body.contains("Stop watching"), "{body}");
        assert!(body.contains(&format!("/agent/tickets/{ticket}")), "{body}");

        reply(&agent, ticket, "Checked the tray: a torn sheet.", true).await;
        let note = app
            .smtp
            .wait_for("wes@example.com", &format!("[#{ticket}] Internal note"))
            .await;
        assert!(note.body().contains("a torn sheet"));

        // The requester never hears of the note; the watcher never hears of
        // their own reply.
        reply(&watcher, ticket, "Replacing the roller today.", false).await;
        app.smtp
            .wait_for("ann@example.com", &format!("[#{ticket}] New reply"))
            .await;
        // Every email a change causes is queued with it, so the outbox is
        // final once the reply has answered.
        assert_eq!(app.queued_mail_to("wes@example.com").await, 2);
        assert_eq!(app.smtp.count_to("wes@example.com").await, 2);
        assert!(app
            .smtp
            .find("ann@example.com", "Internal note")
            .await
            .is_none());
        app.stop().await;
    }
}
