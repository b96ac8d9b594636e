//! The live channel across two server processes on one PostgreSQL
//! database: an event committed through one instance reaches sockets on
//! the other, and so does what agents are doing on a ticket.

use crate::support::process::Instance;
use crate::support::{backends, insert_user, Client, Db, FreshDb, TEST_PASSWORD};
use app::api::live_types::ServerFrame;
use app::domain::live::Activity;
use app::domain::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_through_one_instance_reaches_an_agent_connected_to_the_other() {
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
    for (email, name, role) in [
        ("ada@example.com", "Ada", Role::Agent),
        ("ben@example.com", "Ben", Role::Agent),
        ("ann@example.com", "Ann", Role::Customer),
    ] {
        insert_user(&store, email, name, role, TEST_PASSWORD).await;
    }
    let mut a = Instance::start(&url, fresh.dir.path()).await;
    let mut b = Instance::start(&url, fresh.dir.path()).await;
    let ada = Client::new(&a.base);
    let ben = Client::new(&b.base);
    let ann = Client::new(&b.base);
    for (client, email) in [
        (&ada, "ada@example.com"),
        (&ben, "ben@example.com"),
        (&ann, "ann@example.com"),
    ] {
        assert_eq!(client.sign_in(email, TEST_PASSWORD).await.status, 200);
    }
    let ticket = ann.raise("Printer jam").await;
    let topic = format!("ticket:{ticket}");

    let mut on_a = ada.live().await;
    on_a.subscribe(&["queues", &topic], None).await;
    let mut on_b = ben.live().await;
    on_b.subscribe(&[&topic], None).await;

    // Ann replies through instance B; Ada's socket is on instance A.
    ann.answer(ticket, "Still stuck.", false).await;
    let heard = loop {
        let event = on_a.event().await;
        if event.kind == "MessageAdded" {
            break event;
        }
    };
    assert_eq!(heard.ticket, Some(ticket));
    assert_eq!(heard.text, "Ann replied.");

    // Ben, on B, says he is typing; Ada, on A, sees it.
    on_b.send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "typing"}))
        .await;
    loop {
        if let ServerFrame::Presence { people, .. } = on_a.frame().await {
            if people
                .iter()
                .any(|p| p.name == "Ben" && p.activity == Activity::Typing)
            {
                break;
            }
        }
    }
    a.kill();
    b.kill();
    fresh.cleanup().await;
}
