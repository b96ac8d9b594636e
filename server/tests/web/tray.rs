//! The notification tray on every backend: what is filed for whom, the
//! live unread count, marking read, and who may see a tray at all.

use crate::support::{backends, spawn_app, user_id, Client};
use app::api::live_types::ServerFrame;
use app::domain::Role;

async fn tray(client: &Client) -> serde_json::Value {
    let reply = client.get("/api/notifications/tray").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

async fn unread_frame(socket: &mut crate::support::live::Socket) -> i64 {
    loop {
        if let ServerFrame::Tray { unread } = socket.frame().await {
            return unread;
        }
    }
}

/// Reads tray frames until one says `unread` (an earlier count may still
/// be on its way); fails if none does within the socket's patience.
async fn until_unread(socket: &mut crate::support::live::Socket, unread: i64) {
    while unread_frame(socket).await != unread {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_are_told_of_assignments_replies_and_mentions_and_mark_them_read() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let root = app.signed_in("root@example.com", Role::Admin).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ticket = ann.raise("Printer jam").await;
        let ada_id = user_id(&app, "ada@example.com").await;

        let mut socket = ada.live().await;
        socket.subscribe(&["notifications"], None).await;
        assert_eq!(unread_frame(&mut socket).await, 0, "sent on subscribing");

        let version = ann.ticket_detail(ticket).await.version.to_string();
        let assigned = root
            .call(
                "tickets/update",
                &[
                    ("ticket_id", &ticket.to_string()),
                    ("version", &version),
                    ("priority", "normal"),
                    ("assignee_id", &ada_id.to_string()),
                    ("tags", ""),
                ],
            )
            .await;
        assert_eq!(assigned.status, 200, "{}", assigned.body);
        ann.answer(ticket, "Still jammed.", false).await;
        root.answer(ticket, "@ada can you take a look?", true).await;
        root.answer(ticket, "@nobody knows", true).await;
        // The builder runs on every commit; one more pass makes sure it has
        // read everything, and files nothing twice.
        app.tray_pass().await;
        let items = tray(&ada).await;
        let reasons: Vec<&str> = items["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["reason"].as_str().unwrap())
            .collect();
        assert_eq!(reasons, vec!["mentioned", "customer_replied", "assigned"]);
        assert_eq!(items["unread"], 3);
        assert_eq!(
            items["items"][2]["text"],
            "root assigned the ticket to ada."
        );
        assert_eq!(items["items"][1]["text"], "ann replied.");
        assert_eq!(items["items"][0]["ticket"], ticket);
        // The live count followed.
        until_unread(&mut socket, 3).await;
        // Nobody is told of their own doing, and customers have no tray.
        assert_eq!(tray(&root).await["unread"], 0);
        assert_eq!(ann.get("/api/notifications/tray").await.status, 403);

        let first = items["items"][0]["id"].as_i64().unwrap().to_string();
        let read = ada.call("notifications/read", &[("id", &first)]).await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(tray(&ada).await["unread"], 2);
        until_unread(&mut socket, 2).await;
        let not_hers = root.call("notifications/read", &[("id", &first)]).await;
        assert_eq!(not_hers.status, 404, "{}", not_hers.body);
        let bad = ada.call("notifications/read", &[("id", "some")]).await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        let all = ada.call("notifications/read", &[("id", "all")]).await;
        assert_eq!(all.status, 200, "{}", all.body);
        assert_eq!(tray(&ada).await["unread"], 0);
        until_unread(&mut socket, 0).await;
        app.stop().await;
    }
}
