//! The ticket half of the store contract, on every backend.

use crate::support::on_every_backend;
use app::domain::{
    DisplayName, EmailAddress, MessageBody, Priority, Role, Status, Subject, TimezoneName,
};
use chrono::{Duration, Utc};
use ferrodesk::store::{
    AssigneeFilter, ClaimOutcome, NewEmail, NewMessage, NewTicket, NewUser, Notify, SharedStore,
    StoreError, TicketCursor, TicketQuery, TicketScope,
};
use std::sync::Arc;

async fn user(s: &SharedStore, address: &str, role: Role) -> i64 {
    let new = NewUser {
        email: EmailAddress::parse(address).unwrap(),
        name: DisplayName::parse(address.split('@').next().unwrap()).unwrap(),
        role,
        password_hash: "$argon2id$fake".into(),
        timezone: TimezoneName::utc(),
    };
    s.insert_user(new, Utc::now()).await.unwrap().id
}

fn ticket(requester_id: i64, subject: &str, key: Option<&str>) -> NewTicket {
    NewTicket {
        requester_id,
        subject: Subject::parse(subject).unwrap(),
        description: MessageBody::parse("Please help.").unwrap(),
        priority: Priority::Normal,
        idempotency_key: key.map(String::from),
        group_id: None,
        category_id: None,
        files: Vec::new(),
        follow_link: None,
    }
}

fn no_mail() -> Notify {
    Box::new(|_, _| Vec::new())
}

fn mail_to_requester() -> Notify {
    Box::new(|t, _| {
        vec![NewEmail {
            recipient: EmailAddress::parse(&t.requester_email).unwrap(),
            subject: format!("[#{}] {}", t.id, t.subject),
            body_text: "Noted.".into(),
            message_id: format!("<ticket-{}-{}@test>", t.id, t.version),
        }]
    })
}

fn query(scope: TicketScope) -> TicketQuery {
    TicketQuery {
        limit: 50,
        ..TicketQuery::new(scope, false, AssigneeFilter::Any)
    }
}

#[tokio::test]
async fn tickets_are_created_once_per_key_with_history_and_mail() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let now = Utc::now();
        let (first, created) = s
            .create_ticket(
                ticket(ann, "Printer on fire", Some("k1")),
                mail_to_requester(),
                now,
            )
            .await
            .unwrap();
        assert!(created);
        assert_eq!(
            (first.status, first.priority, first.version),
            (Status::New, Priority::Normal, 1)
        );
        assert_eq!(
            (first.requester_name.as_str(), first.assignee_id),
            ("ann", None)
        );
        let (again, created) = s
            .create_ticket(
                ticket(ann, "Printer on fire", Some("k1")),
                mail_to_requester(),
                now,
            )
            .await
            .unwrap();
        assert!(!created, "a double submit creates one ticket");
        assert_eq!(again.id, first.id);
        let (other, created) = s
            .create_ticket(ticket(ann, "Printer on fire", None), no_mail(), now)
            .await
            .unwrap();
        assert!(created && other.id != first.id);

        let events = s.ticket_history(first.id, true).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].event.change,
            app::domain::event::DomainEvent::TicketCreated {
                subject: "Printer on fire".into()
            }
        );
        let mails = s
            .claim_outbox(now, now + Duration::minutes(1), 10)
            .await
            .unwrap();
        assert_eq!(mails.len(), 1, "one notification for one created ticket");
        assert_eq!(mails[0].subject, format!("[#{}] Printer on fire", first.id));
    })
    .await;
}

#[tokio::test]
async fn concurrent_double_submits_still_create_one_ticket() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let now = Utc::now();
        let results =
            futures::future::join_all((0..8).map(|_| {
                s.create_ticket(ticket(ann, "Same form", Some("double")), no_mail(), now)
            }))
            .await;
        let ids: std::collections::HashSet<i64> =
            results.into_iter().map(|r| r.unwrap().0.id).collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(
            s.count_tickets(query(TicketScope::RequestedBy(ann)))
                .await
                .unwrap(),
            1
        );
    })
    .await;
}

#[tokio::test]
async fn scopes_keep_customers_to_their_own_tickets() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let bob = user(&s, "bob@example.com", Role::Customer).await;
        let (t, _) = s
            .create_ticket(ticket(ann, "Ann's", None), no_mail(), Utc::now())
            .await
            .unwrap();
        assert!(s
            .ticket(t.id, TicketScope::RequestedBy(ann))
            .await
            .unwrap()
            .is_some());
        assert!(s
            .ticket(t.id, TicketScope::RequestedBy(bob))
            .await
            .unwrap()
            .is_none());
        assert!(s.ticket(t.id, TicketScope::All).await.unwrap().is_some());
        assert!(s
            .ticket(t.id + 999, TicketScope::All)
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            s.list_tickets(query(TicketScope::RequestedBy(bob)))
                .await
                .unwrap()
                .len(),
            0
        );
        assert_eq!(s.count_tickets(query(TicketScope::All)).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn lists_filter_and_page_by_keyset() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let start = Utc::now();
        let mut ids = Vec::new();
        for i in 0..7 {
            let (t, _) = s
                .create_ticket(
                    ticket(ann, &format!("T{i}"), None),
                    no_mail(),
                    start + Duration::seconds(i),
                )
                .await
                .unwrap();
            ids.push(t.id);
        }
        // Two share one update time, to exercise the id tie-break.
        let (tied, _) = s
            .create_ticket(
                ticket(ann, "Tied", None),
                no_mail(),
                start + Duration::seconds(6),
            )
            .await
            .unwrap();
        ids.push(tied.id);

        let mut seen = Vec::new();
        let mut q = TicketQuery {
            limit: 3,
            ..query(TicketScope::All)
        };
        loop {
            let page = s.list_tickets(q.clone()).await.unwrap();
            if page.is_empty() {
                break;
            }
            let last = page.last().unwrap();
            q.after = Some(TicketCursor {
                rank: last.priority.rank(),
                updated_at: last.updated_at,
                id: last.id,
                sla_due_at: last.sla_due_at,
            });
            seen.extend(page.iter().map(|t| t.id));
        }
        let mut expected = ids.clone();
        expected.sort_by_key(|id| std::cmp::Reverse(*id));
        assert_eq!(seen, expected, "newest first, each exactly once");

        let claimed = ids[0];
        assert!(matches!(
            s.claim_ticket(claimed, agent, start).await.unwrap(),
            ClaimOutcome::Claimed(_)
        ));
        let t = s.ticket(ids[1], TicketScope::All).await.unwrap().unwrap();
        s.change_status(t.id, agent, Status::Resolved, t.version, start)
            .await
            .unwrap();

        let mine = TicketQuery {
            active_only: true,
            assignee: AssigneeFilter::User(agent),
            ..query(TicketScope::All)
        };
        assert_eq!(s.count_tickets(mine).await.unwrap(), 1);
        let unassigned = TicketQuery {
            active_only: true,
            assignee: AssigneeFilter::Unassigned,
            ..query(TicketScope::All)
        };
        assert_eq!(s.count_tickets(unassigned).await.unwrap(), 6);
        let open = TicketQuery {
            active_only: true,
            ..query(TicketScope::All)
        };
        assert_eq!(s.count_tickets(open).await.unwrap(), 7);
    })
    .await;
}

#[tokio::test]
async fn messages_and_notes_are_versioned_edits_and_notes_stay_internal() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let now = Utc::now();
        let (t, _) = s
            .create_ticket(ticket(ann, "Help", None), no_mail(), now)
            .await
            .unwrap();
        let reply = NewMessage {
            ticket_id: t.id,
            author_id: agent,
            body: MessageBody::parse("On it.").unwrap(),
            internal: false,
            new_status: Some(Status::Open),
            files: Vec::new(),
            follow_link: None,
        };
        let after = s
            .add_message(reply, mail_to_requester(), now)
            .await
            .unwrap();
        assert_eq!((after.status, after.version), (Status::Open, 2));
        let note = NewMessage {
            ticket_id: t.id,
            author_id: agent,
            body: MessageBody::parse("Customer is on the old firmware.").unwrap(),
            internal: true,
            new_status: None,
            files: Vec::new(),
            follow_link: None,
        };
        let after = s.add_message(note, no_mail(), now).await.unwrap();
        assert_eq!((after.status, after.version), (Status::Open, 3));

        let public = s.ticket_messages(t.id, false).await.unwrap();
        assert_eq!(public.len(), 1);
        assert_eq!(
            (public[0].body.as_str(), public[0].author_role),
            ("On it.", Role::Agent)
        );
        assert_eq!(s.ticket_messages(t.id, true).await.unwrap().len(), 2);

        let public_events: Vec<&str> = crate::support::history(&*s, t.id, false)
            .await
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            public_events,
            ["TicketCreated", "MessageAdded", "TicketStatusChanged"]
        );
        let all_events = crate::support::history(&*s, t.id, true).await;
        assert_eq!(all_events.len(), 4);
        assert!(all_events
            .iter()
            .any(|e| e.text.ends_with("added an internal note.")));
        assert_eq!(
            s.claim_outbox(now, now + Duration::minutes(1), 10)
                .await
                .unwrap()
                .len(),
            1
        );

        let missing = NewMessage {
            ticket_id: t.id + 99,
            author_id: agent,
            body: MessageBody::parse("x").unwrap(),
            internal: false,
            new_status: None,
            files: Vec::new(),
            follow_link: None,
        };
        assert!(matches!(
            s.add_message(missing, no_mail(), now).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn stale_status_changes_are_refused() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let now = Utc::now();
        let (t, _) = s
            .create_ticket(ticket(ann, "Help", None), no_mail(), now)
            .await
            .unwrap();
        let moved = s
            .change_status(t.id, agent, Status::Pending, t.version, now)
            .await
            .unwrap();
        assert_eq!((moved.status, moved.version), (Status::Pending, 2));
        let stale = s
            .change_status(t.id, agent, Status::OnHold, t.version, now)
            .await;
        assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
        assert_eq!(
            s.ticket(t.id, TicketScope::All)
                .await
                .unwrap()
                .unwrap()
                .status,
            Status::Pending
        );
        let history = crate::support::history(&*s, t.id, false).await;
        assert!(history
            .last()
            .unwrap()
            .text
            .ends_with("changed the status from New to Pending."));
        assert!(matches!(
            s.change_status(t.id + 99, agent, Status::Open, 1, now)
                .await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn of_many_concurrent_claims_exactly_one_wins() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let mut agents = Vec::new();
        for i in 0..12 {
            agents.push(user(&s, &format!("agent{i}@example.com"), Role::Agent).await);
        }
        let (t, _) = s
            .create_ticket(ticket(ann, "Contested", None), no_mail(), Utc::now())
            .await
            .unwrap();
        let store = Arc::new(s);
        let claims = agents.iter().map(|&agent| {
            let store = store.clone();
            tokio::spawn(async move {
                (
                    agent,
                    store.claim_ticket(t.id, agent, Utc::now()).await.unwrap(),
                )
            })
        });
        let outcomes: Vec<(i64, ClaimOutcome)> = futures::future::join_all(claims)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let winners: Vec<i64> = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, ClaimOutcome::Claimed(_)))
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(winners.len(), 1, "{outcomes:?}");
        let winner_name = format!(
            "agent{}",
            agents.iter().position(|a| *a == winners[0]).unwrap()
        );
        for (_, outcome) in &outcomes {
            if let ClaimOutcome::Taken { assignee_name } = outcome {
                assert_eq!(assignee_name, &winner_name, "losers are told who has it");
            }
        }
        let stored = store.ticket(t.id, TicketScope::All).await.unwrap().unwrap();
        assert_eq!(stored.assignee_id, Some(winners[0]));
        let assigned = crate::support::history(&**store, t.id, false)
            .await
            .into_iter()
            .filter(|e| e.kind == "TicketClaimed")
            .count();
        assert_eq!(assigned, 1);
    })
    .await;
}

#[tokio::test]
async fn field_edits_tags_and_watchers() {
    use app::domain::Tag;
    use ferrodesk::store::TicketChanges;
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let now = Utc::now();
        let (t, _) = s
            .create_ticket(ticket(ann, "Edit me", None), no_mail(), now)
            .await
            .unwrap();
        let changes = TicketChanges {
            priority: Some(Priority::High),
            assignee: Some(Some(agent)),
            tags: Some(vec![
                Tag::parse("b").unwrap(),
                Tag::parse("a").unwrap(),
                Tag::parse("a").unwrap(),
            ]),
            group: None,
            category: None,
        };
        let after = s
            .update_ticket(
                t.id,
                agent,
                t.version,
                changes.clone(),
                mail_to_requester(),
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            (after.priority, after.assignee_id, after.version),
            (Priority::High, Some(agent), 2)
        );
        assert_eq!(s.ticket_tags(t.id).await.unwrap(), ["a", "b"]);
        let stale = s
            .update_ticket(t.id, agent, t.version, changes, no_mail(), now)
            .await;
        assert!(matches!(stale, Err(StoreError::Stale)));
        let kinds: Vec<&str> = crate::support::history(&*s, t.id, true)
            .await
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "TicketCreated",
                "PriorityChanged",
                "TicketAssigned",
                "TicketUpdated"
            ]
        );
        let public: Vec<&str> = crate::support::history(&*s, t.id, false)
            .await
            .iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            public,
            ["TicketCreated", "PriorityChanged", "TicketAssigned"],
            "tag edits are agent-only history"
        );
        assert_eq!(
            s.claim_outbox(now, now + Duration::minutes(1), 10)
                .await
                .unwrap()
                .len(),
            1
        );

        let release = TicketChanges {
            assignee: Some(None),
            tags: Some(Vec::new()),
            ..TicketChanges::default()
        };
        let after = s
            .update_ticket(t.id, agent, 2, release, no_mail(), now)
            .await
            .unwrap();
        assert_eq!(after.assignee_id, None);
        assert!(s.ticket_tags(t.id).await.unwrap().is_empty());

        s.set_watching(t.id, agent, true, now).await.unwrap();
        s.set_watching(t.id, agent, true, now).await.unwrap();
        assert_eq!(
            s.ticket_watchers(t.id).await.unwrap().len(),
            1,
            "watching twice is watching once"
        );
        s.set_watching(t.id, agent, false, now).await.unwrap();
        assert!(s.ticket_watchers(t.id).await.unwrap().is_empty());
        assert!(matches!(
            s.set_watching(t.id + 99, agent, true, now).await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn search_finds_word_forms_and_the_requester_in_the_configured_language() {
    on_every_backend(|s| async move {
        let pat = user(&s, "pat.requester@example.com", Role::Customer).await;
        let (t, _) = s
            .create_ticket(
                ticket(pat, "Software licences expired", None),
                no_mail(),
                Utc::now(),
            )
            .await
            .unwrap();
        let found = |text: &str| {
            let s = s.clone();
            let mut q = query(TicketScope::All);
            q.filters.text = Some(text.to_owned());
            async move {
                s.list_tickets(q)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(found("licence").await, vec![t.id], "stemmed");
        assert_eq!(
            found("pat.requester").await,
            vec![t.id],
            "the requester's name"
        );
        assert_eq!(
            found("pat.requester@example.com").await,
            vec![t.id],
            "the requester's email"
        );
        assert!(found("printer").await.is_empty());

        // Without stemming only the word as written matches; the index is
        // rebuilt each way, and new texts follow the setting.
        assert!(s.use_search_language("simple").await.unwrap());
        assert!(!s.use_search_language("simple").await.unwrap());
        assert!(found("licence").await.is_empty());
        assert_eq!(found("licences").await, vec![t.id]);
        assert!(s.use_search_language("english").await.unwrap());
        let (u, _) = s
            .create_ticket(ticket(pat, "Printers jammed", None), no_mail(), Utc::now())
            .await
            .unwrap();
        assert_eq!(found("printer").await, vec![u.id]);
        assert_eq!(found("licence").await, vec![t.id]);
    })
    .await;
}
