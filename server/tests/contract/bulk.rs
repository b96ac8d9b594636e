//! Store contract for the bulk loader behind `ferrodesk seed`, on every
//! backend: tickets with their messages, and ids that later tickets follow.

use crate::support::on_every_backend;
use app::domain::{
    DisplayName, EmailAddress, MessageBody, Priority, Role, Status, Subject, TimezoneName,
};
use chrono::Utc;
use ferrodesk::store::{NewTicket, NewUser, SeedMessage, SeedTicket, TicketScope};

#[tokio::test]
async fn seeded_tickets_load_with_messages_and_new_tickets_follow_them() {
    on_every_backend(|s| async move {
        let new = NewUser {
            email: EmailAddress::parse("ann@example.com").unwrap(),
            name: DisplayName::parse("Ann").unwrap(),
            role: Role::Customer,
            password_hash: String::new(),
            timezone: TimezoneName::utc(),
        };
        let ann = s.insert_user(new, Utc::now()).await.unwrap().id;
        let at = Utc::now().timestamp_millis();
        let seeded: Vec<SeedTicket> = (0..3)
            .map(|i| SeedTicket {
                subject: format!("Seeded {i}"),
                description: "From the seed.".into(),
                requester_id: ann,
                assignee_id: None,
                group_id: None,
                priority: Priority::Normal,
                status: Status::Closed,
                created_at: at,
                updated_at: at,
                messages: vec![SeedMessage {
                    author_id: ann,
                    body: "Any news?".into(),
                    internal: false,
                    created_at: at,
                }],
                // The second one arrives with an armed first-response clock.
                first_response_due: (i == 1).then_some(at + 60_000),
            })
            .collect();
        s.load_tickets(seeded).await.unwrap();
        assert_eq!(s.ticket_count().await.unwrap(), 3);
        s.refresh_statistics().await.unwrap();
        let ticket = NewTicket {
            requester_id: ann,
            subject: Subject::parse("After the seed").unwrap(),
            description: MessageBody::parse("Hello.").unwrap(),
            priority: Priority::Low,
            idempotency_key: None,
            group_id: None,
            category_id: None,
            files: Vec::new(),
            follow_link: None,
        };
        let (created, _) = s
            .create_ticket(ticket, Box::new(|_, _| Vec::new()), Utc::now())
            .await
            .unwrap();
        assert_eq!(created.id, 4);
        let first = s.ticket(1, TicketScope::All).await.unwrap().unwrap();
        assert_eq!(first.subject, "Seeded 0");
        assert_eq!(s.ticket_messages(1, false).await.unwrap().len(), 1);
        let clocks = s.ticket_clocks(2).await.unwrap();
        assert_eq!(clocks.len(), 1);
        assert_eq!(clocks[0].clock.due_at.timestamp_millis(), at + 60_000);
        assert_eq!(clocks[0].next_fire_at, Some(clocks[0].clock.due_at));
        assert_eq!(
            s.ticket(2, TicketScope::All)
                .await
                .unwrap()
                .unwrap()
                .sla_due_at,
            Some(clocks[0].clock.due_at)
        );
        assert!(s.ticket_clocks(1).await.unwrap().is_empty());
    })
    .await;
}
