//! The live channel over a real WebSocket, on every backend: who may
//! follow what, that a customer's frames never carry what is not theirs,
//! resuming after a dropped connection, the limits, and the ways a
//! connection is ended.

use crate::support::live::Refused;
use crate::support::{backends, spawn_app, spawn_app_with, user_id};
use app::api::live_types::{close, ServerFrame};
use app::domain::Role;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_signed_in_same_site_browser_gets_a_socket() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let anonymous = app.client();
        let refused = anonymous.live_from(Some(&anonymous.url(""))).await;
        assert!(
            matches!(refused, Err(Refused::Closed(Some(close::SIGNED_OUT)))),
            "nobody is signed in: {:?}",
            refused.err()
        );
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let refused = ann.live_from(Some("https://evil.example")).await;
        assert!(
            matches!(refused, Err(Refused::Http(403))),
            "{:?}",
            refused.err()
        );
        let refused = ann.live_from(None).await;
        assert!(
            matches!(refused, Err(Refused::Http(403))),
            "a cookie without an origin: {:?}",
            refused.err()
        );
        assert!(ann.live_from(Some(&ann.url(""))).await.is_ok());
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_follows_only_their_own_tickets_and_never_sees_notes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let bob = app.signed_in("bob@example.com", Role::Customer).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let anns = ann.raise("Printer jam").await;
        let bobs = bob.raise("VPN down").await;

        let mut customer = ann.live().await;
        let bobs_topic = format!("ticket:{bobs}");
        for (topic, what) in [
            (bobs_topic.as_str(), "another customer's ticket"),
            ("queues", "the agent queues"),
            ("ticket:999999", "a ticket that does not exist"),
        ] {
            let (errors, followed) = refusals(&mut customer, &[topic]).await;
            assert_eq!(errors, vec!["forbidden"], "{what}");
            assert!(followed.is_empty(), "{what}");
        }
        let followed = customer
            .subscribe(&[&format!("ticket:{anns}"), "my-tickets"], None)
            .await;
        assert_eq!(
            followed,
            vec![format!("ticket:{anns}"), "my-tickets".to_owned()]
        );

        let mut agent = ada.live().await;
        agent
            .subscribe(&["queues", &format!("ticket:{anns}")], None)
            .await;

        // A note, then a reply on Ann's ticket, then a reply on Bob's: Ann's
        // socket gets the reply on hers, and since frames come in log
        // order, the note was never sent before it.
        ada.answer(anns, "Torn sheet inside.", true).await;
        ada.answer(anns, "We are replacing the roller.", false)
            .await;
        ada.answer(bobs, "Restart the client, please.", false).await;
        ann.answer(anns, "Thanks!", false).await;

        let first = message(&mut customer).await;
        assert_eq!(first.ticket, Some(anns));
        assert_eq!(first.text, "ada replied.");
        assert_eq!(first.topics.len(), 2, "{:?}", first.topics);
        let second = message(&mut customer).await;
        assert_eq!(
            second.text, "ann replied.",
            "Bob's ticket is not Ann's to hear of"
        );
        assert_eq!(second.ticket, Some(anns));
        assert!(second.seq > first.seq);

        // The agent hears everything, the note included.
        let mut heard = Vec::new();
        while heard.len() < 4 {
            let event = agent.event().await;
            if event.kind == "MessageAdded" {
                heard.push((event.ticket, event.public, event.topics.len()));
            }
        }
        assert_eq!(
            heard,
            vec![
                (Some(anns), false, 2),
                (Some(anns), true, 2),
                (Some(bobs), true, 1),
                (Some(anns), true, 2)
            ]
        );
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_in_a_burst_resumes_with_nothing_lost_or_twice() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ticket = ann.raise("Printer jam").await;
        let topic = format!("ticket:{ticket}");

        // What the client has shown, by sequence number.
        let mut shown: Vec<i64> = Vec::new();
        let mut socket = ann.live().await;
        let from = socket.hello;
        socket.subscribe(&[&topic], None).await;
        let burst = 12;
        let sender = {
            let ada = ada.clone();
            tokio::spawn(async move {
                for n in 0..burst {
                    ada.answer(ticket, &format!("Update {n}"), n % 3 == 1).await;
                }
            })
        };
        for _ in 0..3 {
            let event = socket.event().await;
            assert!(event.public, "{event:?}");
            shown.push(event.seq);
        }
        socket.drop_abruptly();
        let mut resumed = ann.live().await;
        let last = *shown.last().unwrap();
        resumed.subscribe(&[&topic], Some(last)).await;
        sender.await.unwrap();
        ada.answer(ticket, "Done.", false).await;
        let logged = app.store.events_after(from, 10_000).await.unwrap();
        let done = logged
            .iter()
            .filter(|e| e.event.change.kind() == "MessageAdded")
            .map(|e| e.seq)
            .max()
            .unwrap();
        while *shown.last().unwrap() < done {
            let event = resumed.event().await;
            assert!(event.public, "{event:?}");
            assert!(
                event.seq > *shown.last().unwrap(),
                "event {} came twice or out of order (after {shown:?})",
                event.seq
            );
            shown.push(event.seq);
        }
        let expected: Vec<i64> = logged
            .iter()
            .filter(|e| e.event.ticket == Some(ticket) && e.event.public && e.seq <= done)
            .map(|e| e.seq)
            .collect();
        assert_eq!(shown, expected);
        app.stop().await;
    }
}

/// A client that stops reading (a frozen tab) must not make the server
/// hold more for it: once its socket's buffers are full its sends stall,
/// the shared ring moves on, and when it reads again it is closed with
/// 4000 and resumes; a resume too far back is a reset, and the resumed
/// connection is live again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_closed_to_resume() {
    for db in backends().await {
        let app = spawn_app_with(db, &[("FERRODESK_LIVE_BACKLOG", "16")]).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ticket = ann.raise("Printer jam").await;
        let topic = format!("ticket:{ticket}");
        let mut frozen = ada.live_reading_slowly().await;
        frozen.subscribe(&[&topic], None).await;

        // Far more events than the ring holds, and more frames than the
        // socket buffers take (a frame is about 200 bytes).
        let events = 10_000;
        let data = serde_json::to_string(&app::domain::event::DomainEvent::MessageAdded {
            message_id: 1,
            internal: false,
        })
        .unwrap();
        for chunk in 0..events / 1_000 {
            let rows: Vec<String> = (0..1_000)
                .map(|n| {
                    let at = 1_800_000_000_000_i64 + chunk * 1_000 + n;
                    format!("({ticket}, null, 'MessageAdded', true, '{data}', {at})")
                })
                .collect();
            app.execute_sql(&format!(
                "insert into events (ticket_id, actor_id, kind, public, data, created_at) values {}",
                rows.join(", ")
            ))
            .await;
        }
        let last = app.store.last_event_seq().await.unwrap();

        // Wait until the feed has handed all of them out: a new connection
        // says hello with where the feed stands.
        loop {
            let probe = ada.live().await;
            if probe.hello >= last {
                probe.close().await;
                break;
            }
            probe.close().await;
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }

        // The frozen one, reading again, gets what was in flight, then 4000.
        let mut got = 0;
        let mut resume_after = frozen.hello;
        let code = loop {
            match frozen.next().await {
                Ok(ServerFrame::Event(event)) => {
                    got += 1;
                    resume_after = event.seq;
                }
                Ok(_) => {}
                Err(code) => break code,
            }
        };
        assert_eq!(code, Some(4000), "closed after {got} of {events} events");
        assert!(
            got < events as usize,
            "the frozen client was sent everything"
        );

        // Resuming that far back is more than a replay: at most its
        // allowance of events, then a reset to reload.
        let mut resumed = ada.live().await;
        resumed
            .send(serde_json::json!({"op": "subscribe", "topics": [topic], "after": resume_after}))
            .await;
        let mut replayed = 0;
        let reset = loop {
            match resumed.frame().await {
                ServerFrame::Reset { seq } => break seq,
                ServerFrame::Event(event) => {
                    assert_eq!(event.seq, resume_after + replayed + 1);
                    replayed += 1;
                }
                ServerFrame::Subscribed { .. } | ServerFrame::Presence { .. } => {}
                other => panic!("expected a reset, got {other:?}"),
            }
        };
        assert!(replayed <= app::api::live_types::limits::MAX_REPLAY as i64);
        assert!(reset >= last, "reset to {reset}, the log is at {last}");

        // And nothing it did was lost: a reply still reaches it live.
        ann.answer(ticket, "Still jammed.", false).await;
        let event = resumed.event().await;
        assert_eq!(event.kind, "MessageAdded");
        assert!(event.seq > last);
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_get_an_error_and_change_nothing_and_limits_hold() {
    for db in backends().await {
        let app = spawn_app_with(
            db,
            &[
                ("FERRODESK_LIVE_CONNECTIONS_PER_USER", "2"),
                ("FERRODESK_TICKET_LIMIT_PER_ACCOUNT", "1000"),
            ],
        )
        .await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ticket = ann.raise("Printer jam").await;
        let mut tickets = vec![ticket];
        for n in 0..34 {
            tickets.push(ann.raise(&format!("Ticket {n}")).await);
        }
        let mut socket = ada.live().await;
        socket.send_text("{not json").await;
        assert_eq!(socket.error().await, "malformed");
        socket.send_text(r#"{"op":"shout","topics":[]}"#).await;
        assert_eq!(socket.error().await, "malformed");
        socket.send_binary(vec![1, 2, 3]).await;
        assert_eq!(socket.error().await, "malformed");
        socket
            .send_text(&format!(
                r#"{{"op":"subscribe","topics":["{}"]}}"#,
                "q".repeat(5000)
            ))
            .await;
        assert_eq!(socket.error().await, "malformed", "a frame over 4 KiB");
        let (errors, followed) = refusals(&mut socket, &["queue", "ticket:x", "ticket:0"]).await;
        assert_eq!(errors, vec!["unknown_topic"; 3]);
        assert!(followed.is_empty());
        // Presence needs the ticket followed first.
        socket
            .send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "typing"}))
            .await;
        assert_eq!(socket.error().await, "forbidden");

        let many: Vec<String> = tickets.iter().map(|n| format!("ticket:{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let (errors, followed) = refusals(&mut socket, &many).await;
        assert_eq!(followed.len(), 32, "the limit is 32 topics");
        assert_eq!(errors, vec!["too_many_subscriptions"; 3]);

        // A flood of presence signals is cut off after the burst.
        let mut codes = Vec::new();
        for _ in 0..8 {
            socket
                .send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "typing"}))
                .await;
        }
        socket
            .send(serde_json::json!({"op": "unsubscribe", "topics": [format!("ticket:{ticket}")]}))
            .await;
        loop {
            match socket.frame().await {
                ServerFrame::Error { code, .. } => codes.push(code),
                ServerFrame::Subscribed { topics } => {
                    assert_eq!(topics.len(), 31);
                    break;
                }
                _ => {}
            }
        }
        assert_eq!(codes.len(), 4, "the burst is 4: {codes:?}");

        // Still a working connection after all that.
        socket.subscribe(&["queues"], None).await;
        ann.answer(ticket, "Any news?", false).await;
        assert_eq!(socket.event().await.ticket, Some(ticket));

        // Two connections per user in this configuration.
        let _second = ada.live().await;
        assert!(matches!(
            ada.live_from(Some(&ada.url(""))).await,
            Err(Refused::Closed(Some(close::TOO_MANY_CONNECTIONS)))
        ));
        app.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_deactivation_and_shutdown_close_sockets_with_their_codes() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let admin = app.signed_in("root@example.com", Role::Admin).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;

        let mut leaving = ann.live().await;
        assert_eq!(ann.sign_out().await.status, 200);
        assert_eq!(leaving.closed().await, Some(close::SIGNED_OUT));
        assert!(matches!(
            ann.live_from(Some(&ann.url(""))).await,
            Err(Refused::Closed(Some(close::SIGNED_OUT)))
        ));

        let mut agent = ada.live().await;
        let id = user_id(&app, "ada@example.com").await.to_string();
        let deactivated = admin.call("admin/deactivate", &[("user_id", &id)]).await;
        assert_eq!(deactivated.status, 200, "{}", deactivated.body);
        assert_eq!(agent.closed().await, Some(close::SIGNED_OUT));

        let mut staying = admin.live().await;
        let closing = tokio::spawn(async move { staying.closed().await });
        app.stop().await;
        assert_eq!(closing.await.unwrap(), Some(close::RESTARTING));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agents_on_one_ticket_see_each_other_viewing_typing_and_leaving() {
    for db in backends().await {
        let app = spawn_app(db).await;
        let ann = app.signed_in("ann@example.com", Role::Customer).await;
        let ada = app.signed_in("ada@example.com", Role::Agent).await;
        let ben = app.signed_in("ben@example.com", Role::Agent).await;
        let ticket = ann.raise("Printer jam").await;
        let topic = format!("ticket:{ticket}");
        let mut a = ada.live().await;
        a.subscribe(&[&topic], None).await;
        let mut b = ben.live().await;
        b.subscribe(&[&topic], None).await;

        a.send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "viewing"}))
            .await;
        let people = presence(&mut b, ticket, |p| !p.is_empty()).await;
        assert_eq!(people, vec![("ada".to_owned(), "viewing")]);
        a.send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "typing"}))
            .await;
        let people = presence(&mut b, ticket, |p| p.iter().any(|x| x.1 == "typing")).await;
        assert_eq!(people, vec![("ada".to_owned(), "typing")]);
        // Ada sees Ben only once he says he is there, never herself.
        b.send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "viewing"}))
            .await;
        let people = presence(&mut a, ticket, |p| !p.is_empty()).await;
        assert_eq!(people, vec![("ben".to_owned(), "viewing")]);

        // Closing the tab ends Ada's presence at once.
        a.close().await;
        let people = presence(&mut b, ticket, |p| p.is_empty()).await;
        assert!(people.is_empty());

        // A customer may neither signal nor receive presence.
        let mut customer = ann.live().await;
        customer.subscribe(&[&topic], None).await;
        customer
            .send(serde_json::json!({"op": "presence", "ticket": ticket, "activity": "viewing"}))
            .await;
        assert_eq!(customer.error().await, "forbidden");
        app.stop().await;
    }
}

/// Subscribes to `topics` and returns the error codes and what is followed.
async fn refusals(
    socket: &mut crate::support::live::Socket,
    topics: &[&str],
) -> (Vec<String>, Vec<String>) {
    socket
        .send(serde_json::json!({"op": "subscribe", "topics": topics}))
        .await;
    let mut errors = Vec::new();
    loop {
        match socket.frame().await {
            ServerFrame::Error { code, .. } => errors.push(
                serde_json::to_value(code)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ),
            ServerFrame::Subscribed { topics } => {
                return (errors, topics.iter().map(ToString::to_string).collect())
            }
            ServerFrame::Presence { .. } => {}
            other => panic!("expected errors and subscribed, got {other:?}"),
        }
    }
}

/// The next reply or note, checking that every event on the way was one
/// the socket's user may see.
async fn message(socket: &mut crate::support::live::Socket) -> app::api::live_types::LiveEvent {
    loop {
        let event = socket.event().await;
        assert!(event.public, "a customer got a staff-only event: {event:?}");
        if event.kind == "MessageAdded" {
            return event;
        }
    }
}

/// The presence frames for `ticket` until one satisfies `until`.
async fn presence(
    socket: &mut crate::support::live::Socket,
    ticket: i64,
    until: impl Fn(&[(String, &'static str)]) -> bool,
) -> Vec<(String, &'static str)> {
    loop {
        if let ServerFrame::Presence { ticket: t, people } = socket.frame().await {
            let people: Vec<(String, &'static str)> = people
                .into_iter()
                .map(|p| {
                    let activity = match p.activity {
                        app::domain::live::Activity::Viewing => "viewing",
                        app::domain::live::Activity::Typing => "typing",
                    };
                    (p.name, activity)
                })
                .collect();
            if t == ticket && until(&people) {
                return people;
            }
        }
    }
}
