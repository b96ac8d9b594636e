//! The outbox worker against a real SMTP server and against one that is down.

use crate::support::{backends, smtp::Sink, FreshDb};
use app::domain::EmailAddress;
use chrono::Duration;
use ferrodesk::clock::{OffsetClock, SharedClock};
use ferrodesk::config::Config;
use ferrodesk::mail::{run_outbox_pass, MailTransport, OutboxPass};
use ferrodesk::store::{self, NewEmail, OutboxStatus};
use std::sync::Arc;

fn config(smtp_url: &str) -> Config {
    Config::load(|name| match name {
        "FERRODESK_SMTP_URL" => Some(smtp_url.to_owned()),
        "FERRODESK_PUBLIC_URL" => Some("http://desk.example.test".into()),
        _ => None,
    })
    .unwrap()
}

fn message(id: &str) -> NewEmail {
    NewEmail {
        recipient: EmailAddress::parse("customer@example.com").unwrap(),
        subject: "Your request".into(),
        body_text: "We are on it.".into(),
        message_id: format!("<{id}@desk.example.test>"),
    }
}

#[tokio::test]
async fn queued_mail_reaches_the_smtp_server_with_its_message_id() {
    for db in backends().await {
        let fresh = FreshDb::new(db).await;
        let store = store::open(&fresh.database_url()).await.unwrap().store;
        let sink = Sink::start().await;
        let config = config(&format!("smtp://127.0.0.1:{}", sink.port));
        let transport = MailTransport::from_config(&config).unwrap();
        let clock: SharedClock = Arc::new(OffsetClock::default());
        store
            .enqueue_email(message("fixed-id"), clock.now())
            .await
            .unwrap();

        let pass = run_outbox_pass(&store, &transport, &config.mail_from, clock.now())
            .await
            .unwrap();
        assert_eq!(
            pass,
            OutboxPass {
                sent: 1,
                retried: 0,
                dead: 0
            }
        );
        let mail = sink.wait_for("customer@example.com", "Your request").await;
        assert!(
            mail.data
                .contains("Message-ID: <fixed-id@desk.example.test>"),
            "{}",
            mail.data
        );
        assert!(mail.body().contains("We are on it."));
        let idle = run_outbox_pass(&store, &transport, &config.mail_from, clock.now())
            .await
            .unwrap();
        assert!(!idle.did_work(), "a sent message is not sent again");
        fresh.cleanup().await;
    }
}

#[tokio::test]
async fn an_unreachable_server_means_backoff_then_the_dead_letter_state() {
    let fresh = FreshDb::new(crate::support::Db::Sqlite).await;
    let store = store::open(&fresh.database_url()).await.unwrap().store;
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = config(&format!("smtp://127.0.0.1:{closed}"));
    let transport = MailTransport::from_config(&config).unwrap();
    let clock = Arc::new(OffsetClock::default());
    let shared: SharedClock = clock.clone();
    store
        .enqueue_email(message("retry"), shared.now())
        .await
        .unwrap();

    let first = run_outbox_pass(&store, &transport, &config.mail_from, shared.now())
        .await
        .unwrap();
    assert_eq!(
        first,
        OutboxPass {
            sent: 0,
            retried: 1,
            dead: 0
        }
    );
    let again = run_outbox_pass(&store, &transport, &config.mail_from, shared.now())
        .await
        .unwrap();
    assert!(
        !again.did_work(),
        "nothing is retried before its backoff ends"
    );

    let mut dead = 0;
    for _ in 0..15 {
        clock.advance(Duration::hours(2));
        dead += run_outbox_pass(&store, &transport, &config.mail_from, shared.now())
            .await
            .unwrap()
            .dead;
    }
    assert_eq!(dead, 1);
    let stored = store.outbox_message(1).await.unwrap().unwrap();
    assert_eq!(stored.status, OutboxStatus::Dead);
    assert_eq!(stored.attempts, 12);
    assert!(stored.last_error.is_some());
    fresh.cleanup().await;
}
