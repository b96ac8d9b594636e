//! Store contract for groups, the priority order and the group and assignee
//! filters, files on tickets and messages, and emailed ticket links — on
//! every backend.

use crate::support::on_every_backend;
use app::domain::{
    DisplayName, EmailAddress, MessageBody, Priority, Role, Status, Subject, TimezoneName,
};
use chrono::{Duration, Utc};
use ferrodesk::store::{
    AssigneeFilter, NewLink, NewMessage, NewTicket, NewUser, Notify, SharedStore, StoreError,
    StoredFile, TicketChanges, TicketCursor, TicketQuery, TicketScope, TicketSort,
};

fn new_user(address: &str, role: Role, password_hash: &str) -> NewUser {
    NewUser {
        email: EmailAddress::parse(address).unwrap(),
        name: DisplayName::parse(address.split('@').next().unwrap()).unwrap(),
        role,
        password_hash: password_hash.into(),
        timezone: TimezoneName::utc(),
    }
}

async fn user(s: &SharedStore, address: &str, role: Role) -> i64 {
    s.insert_user(new_user(address, role, "$argon2id$fake"), Utc::now())
        .await
        .unwrap()
        .id
}

fn ticket(requester_id: i64, subject: &str, priority: Priority) -> NewTicket {
    NewTicket {
        requester_id,
        subject: Subject::parse(subject).unwrap(),
        description: MessageBody::parse("Please help.").unwrap(),
        priority,
        idempotency_key: None,
        group_id: None,
        category_id: None,
        files: Vec::new(),
        follow_link: None,
    }
}

fn file(name: &str, sha: char) -> StoredFile {
    StoredFile {
        file_name: name.into(),
        size_bytes: 3,
        sha256: sha.to_string().repeat(64),
    }
}

fn no_mail() -> Notify {
    Box::new(|_, _| Vec::new())
}

fn message(ticket_id: i64, author_id: i64, internal: bool) -> NewMessage {
    NewMessage {
        ticket_id,
        author_id,
        body: MessageBody::parse("See the files.").unwrap(),
        internal,
        new_status: None,
        files: Vec::new(),
        follow_link: None,
    }
}

#[tokio::test]
async fn groups_are_created_renamed_archived_and_listed_active_first() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let network = s.create_group(None, "Network", now).await.unwrap();
        let billing = s.create_group(None, "Billing", now).await.unwrap();
        assert!(matches!(
            s.create_group(None, "Network", now).await,
            Err(StoreError::Conflict("name"))
        ));
        s.rename_group(None, network.id, "Networks", now)
            .await
            .unwrap();
        assert!(matches!(
            s.rename_group(None, network.id, "Billing", now).await,
            Err(StoreError::Conflict("name"))
        ));
        s.set_group_archived(None, billing.id, true, now)
            .await
            .unwrap();
        let names: Vec<(String, bool)> = s
            .list_groups()
            .await
            .unwrap()
            .into_iter()
            .map(|g| (g.name, g.archived))
            .collect();
        assert_eq!(
            names,
            [("Networks".into(), false), ("Billing".into(), true)]
        );
        assert!(matches!(
            s.set_group_archived(None, billing.id + 99, true, now).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(s.group(network.id).await.unwrap().unwrap().name, "Networks");
    })
    .await;
}

#[tokio::test]
async fn priority_order_pages_by_keyset_and_filters_narrow_by_group_and_assignee() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let start = Utc::now() - Duration::hours(1);
        let group = s.create_group(None, "Network", start).await.unwrap();
        let priorities = [
            Priority::Low,
            Priority::Critical,
            Priority::Normal,
            Priority::High,
            Priority::Critical,
            Priority::Normal,
            Priority::Low,
        ];
        let mut made = Vec::new();
        for (i, priority) in priorities.into_iter().enumerate() {
            // Two tickets share an instant so the id breaks the tie.
            let at = start + Duration::seconds((i as i64).min(5));
            let (t, _) = s
                .create_ticket(ticket(ann, &format!("T{i}"), priority), no_mail(), at)
                .await
                .unwrap();
            made.push(t);
        }
        let mut seen = Vec::new();
        let mut q = TicketQuery {
            sort: TicketSort::Priority,
            limit: 2,
            ..TicketQuery::new(TicketScope::All, false, AssigneeFilter::Any)
        };
        loop {
            let page = s.list_tickets(q.clone()).await.unwrap();
            let Some(last) = page.last() else { break };
            q.after = Some(TicketCursor {
                rank: last.priority.rank(),
                updated_at: last.updated_at,
                id: last.id,
                sla_due_at: last.sla_due_at,
            });
            seen.extend(page.iter().map(|t| t.id));
        }
        let mut expected = made.clone();
        expected.sort_by_key(|t| std::cmp::Reverse((t.priority.rank(), t.updated_at, t.id)));
        let expected: Vec<i64> = expected.iter().map(|t| t.id).collect();
        assert_eq!(seen, expected, "critical first, each ticket exactly once");

        let (first, second) = (&made[0], &made[1]);
        let to_group = TicketChanges {
            group: Some(Some(group.id)),
            assignee: Some(Some(agent)),
            ..TicketChanges::default()
        };
        let moved = s
            .update_ticket(first.id, agent, first.version, to_group, no_mail(), start)
            .await
            .unwrap();
        assert_eq!(
            (moved.group_id, moved.group_name.as_deref()),
            (Some(group.id), Some("Network"))
        );
        let events = crate::support::history(&*s, first.id, false).await;
        assert!(events
            .iter()
            .any(|e| e.kind == "GroupChanged" && e.text.ends_with("to the Network group.")));

        let mut by_group = TicketQuery::new(TicketScope::All, false, AssigneeFilter::Any);
        by_group.filters.group_id = Some(group.id);
        let ids: Vec<i64> = s
            .list_tickets(by_group.clone())
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, [first.id]);
        assert_eq!(s.count_tickets(by_group).await.unwrap(), 1);

        let mut mine = TicketQuery::new(TicketScope::All, false, AssigneeFilter::Any);
        mine.filters.assignee = Some(AssigneeFilter::User(agent));
        assert_eq!(s.count_tickets(mine).await.unwrap(), 1);
        let mut nobody = TicketQuery::new(TicketScope::All, false, AssigneeFilter::Any);
        nobody.filters.assignee = Some(AssigneeFilter::Unassigned);
        let unassigned = s.list_tickets(nobody).await.unwrap();
        assert!(unassigned.iter().any(|t| t.id == second.id));
        assert!(unassigned.iter().all(|t| t.id != first.id));

        let out = TicketChanges {
            group: Some(None),
            ..TicketChanges::default()
        };
        let moved = s
            .update_ticket(first.id, agent, moved.version, out, no_mail(), start)
            .await
            .unwrap();
        assert_eq!(moved.group_id, None);
    })
    .await;
}

#[tokio::test]
async fn files_belong_to_the_ticket_or_to_their_message_and_notes_keep_theirs_internal() {
    on_every_backend(|s| async move {
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let now = Utc::now();
        let mut raised = ticket(ann, "Screenshots", Priority::Normal);
        raised.files = vec![file("one.png", 'a'), file("two.png", 'b')];
        let (t, _) = s.create_ticket(raised, no_mail(), now).await.unwrap();

        let mut note = message(t.id, agent, true);
        note.files = vec![file("trace.log", 'c')];
        s.add_message(note, no_mail(), now).await.unwrap();
        let mut reply = message(t.id, ann, false);
        reply.new_status = Some(Status::Open);
        reply.files = vec![file("more.png", 'a')];
        s.add_message(reply, no_mail(), now).await.unwrap();

        let all = s.ticket_attachments(t.id, true).await.unwrap();
        let shape: Vec<(&str, bool, bool)> = all
            .iter()
            .map(|a| (a.file_name.as_str(), a.message_id.is_some(), a.internal))
            .collect();
        assert_eq!(
            shape,
            [
                ("one.png", false, false),
                ("two.png", false, false),
                ("trace.log", true, true),
                ("more.png", true, false),
            ]
        );
        let messages = s.ticket_messages(t.id, true).await.unwrap();
        assert_eq!(all[2].message_id, Some(messages[0].id));
        assert_eq!(all[3].message_id, Some(messages[1].id));
        let public: Vec<String> = s
            .ticket_attachments(t.id, false)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.file_name)
            .collect();
        assert_eq!(public, ["one.png", "two.png", "more.png"]);
        let file_events = crate::support::history(&*s, t.id, false)
            .await
            .into_iter()
            .filter(|e| e.kind == "AttachmentAdded")
            .count();
        assert_eq!(
            file_events, 3,
            "the note's file is not in the public history"
        );
    })
    .await;
}

#[tokio::test]
async fn contacts_are_created_once_and_links_open_their_ticket_until_they_expire() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let contacts = futures::future::join_all(
            (0..6).map(|_| s.contact_for(new_user("guest@example.com", Role::Customer, ""), now)),
        )
        .await;
        let ids: Vec<i64> = contacts.into_iter().map(|c| c.unwrap().id).collect();
        assert!(ids.iter().all(|id| *id == ids[0]), "one contact: {ids:?}");
        let contact = s.user_by_id(ids[0]).await.unwrap().unwrap();
        assert!(contact.password_hash.is_empty());
        let existing = user(&s, "ann@example.com", Role::Customer).await;
        let found = s
            .contact_for(new_user("ann@example.com", Role::Customer, ""), now)
            .await
            .unwrap();
        assert_eq!(found.id, existing);
        assert!(
            !found.password_hash.is_empty(),
            "an account is never overwritten"
        );

        let mut raised = ticket(contact.id, "No account", Priority::Normal);
        raised.follow_link = Some(NewLink {
            token_hash: "digest-1".into(),
            expires_at: now + Duration::days(30),
        });
        let (t, _) = s.create_ticket(raised, no_mail(), now).await.unwrap();
        assert_eq!(
            s.ticket_link("digest-1", now).await.unwrap(),
            Some((contact.id, t.id))
        );
        assert_eq!(
            s.ticket_link("digest-1", now + Duration::days(31))
                .await
                .unwrap(),
            None,
            "expired"
        );
        assert_eq!(s.ticket_link("digest-x", now).await.unwrap(), None);

        let agent = user(&s, "agent@example.com", Role::Agent).await;
        let mut reply = message(t.id, agent, false);
        reply.follow_link = Some(NewLink {
            token_hash: "digest-2".into(),
            expires_at: now + Duration::days(30),
        });
        s.add_message(reply, no_mail(), now).await.unwrap();
        assert_eq!(
            s.ticket_link("digest-2", now).await.unwrap(),
            Some((contact.id, t.id)),
            "a reply's link opens the ticket for its requester"
        );
    })
    .await;
}
