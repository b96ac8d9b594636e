//! Store contract for routing — group policies and members, categories,
//! availability and sessions, the routable queue, conditional assignment
//! writes, queue positions, the lease and returning untouched tickets — on
//! every backend.

use crate::support::{no_mail, on_every_backend, stored_user as user};
use app::domain::routing::Assignment;
use app::domain::{Availability, MessageBody, Priority, Role, Status, Strategy, Subject};
use chrono::{DateTime, Duration, Utc};
use ferrodesk::store::{CategoryFields, NewTicket, SharedStore, StoreError, TicketChanges};

async fn raise(
    s: &SharedStore,
    requester: i64,
    group: Option<i64>,
    priority: Priority,
    at: DateTime<Utc>,
) -> i64 {
    let ticket = NewTicket {
        requester_id: requester,
        subject: Subject::parse("Printer on fire").unwrap(),
        description: MessageBody::parse("Please help.").unwrap(),
        priority,
        idempotency_key: None,
        group_id: group,
        category_id: None,
        files: Vec::new(),
        follow_link: None,
    };
    s.create_ticket(ticket, no_mail(), at).await.unwrap().0.id
}

fn category(name: &str, parent: Option<i64>, group: Option<i64>) -> CategoryFields {
    CategoryFields {
        parent_id: parent,
        name: name.into(),
        group_id: group,
        default_priority: Priority::High,
        archived: false,
    }
}

#[tokio::test]
async fn group_policies_and_members_with_their_load_and_availability() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let ada = user(&s, "ada@example.com", Role::Agent).await;
        let bob = user(&s, "bob@example.com", Role::Admin).await;
        let group = s.create_group(None, "Network", now).await.unwrap();
        assert_eq!(
            (group.strategy, group.auto_assign),
            (Strategy::LeastLoaded, true)
        );
        s.set_group_policy(None, group.id, Strategy::RoundRobin, false, now)
            .await
            .unwrap();
        let stored = s.group(group.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.strategy, stored.auto_assign),
            (Strategy::RoundRobin, false)
        );
        assert!(matches!(
            s.set_group_policy(None, group.id + 99, Strategy::LeastLoaded, true, now)
                .await,
            Err(StoreError::NotFound)
        ));

        s.set_member(group.id, ada, 3, now).await.unwrap();
        s.set_member(group.id, bob, 1, now).await.unwrap();
        s.set_member(group.id, ada, 5, now).await.unwrap(); // changes the capacity
        s.set_availability(ada, Availability::Online, now)
            .await
            .unwrap();
        let ticket = raise(&s, ann, Some(group.id), Priority::Normal, now).await;
        s.claim_ticket(ticket, ada, now).await.unwrap();
        let members = s.group_members(group.id).await.unwrap();
        let seen: Vec<(i64, u32, Availability, i64)> = members
            .iter()
            .map(|m| (m.user_id, m.capacity, m.availability, m.load))
            .collect();
        assert_eq!(
            seen,
            [
                (ada, 5, Availability::Online, 1),
                (bob, 1, Availability::Offline, 0)
            ]
        );

        // A pending ticket does not count towards load.
        let version = s
            .ticket(ticket, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap()
            .version;
        s.change_status(ticket, ada, Status::Pending, version, now)
            .await
            .unwrap();
        assert_eq!(s.group_members(group.id).await.unwrap()[0].load, 0);
        let presence = s.presence(ada).await.unwrap();
        assert_eq!(
            (presence.availability, presence.load),
            (Availability::Online, 0)
        );
        assert_eq!(presence.capacities, [("Network".to_owned(), 5)]);

        s.remove_member(group.id, bob).await.unwrap();
        assert!(matches!(
            s.remove_member(group.id, bob).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(s.group_members(group.id).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn categories_form_a_tree_with_unique_sibling_names() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let group = s.create_group(None, "Hardware team", now).await.unwrap();
        let hardware = s
            .create_category(None, category("Hardware", None, Some(group.id)), now)
            .await
            .unwrap();
        let laptops = s
            .create_category(None, category("Laptops", Some(hardware.id), None), now)
            .await
            .unwrap();
        assert_eq!(laptops.parent_id, Some(hardware.id));
        assert!(matches!(
            s.create_category(None, category("hardware", None, None), now)
                .await,
            Err(StoreError::Conflict("name"))
        ));
        // The same name under another parent is fine.
        s.create_category(None, category("Laptops", None, None), now)
            .await
            .unwrap();
        let mut edited = category("Notebooks", Some(hardware.id), Some(group.id));
        edited.archived = true;
        edited.default_priority = Priority::Low;
        s.update_category(None, laptops.id, edited, now)
            .await
            .unwrap();
        let stored = s.category(laptops.id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.name.as_str(),
                stored.group_id,
                stored.default_priority,
                stored.archived
            ),
            ("Notebooks", Some(group.id), Priority::Low, true)
        );
        assert_eq!(s.list_categories().await.unwrap().len(), 3);
        assert!(matches!(
            s.update_category(None, laptops.id + 99, category("X", None, None), now)
                .await,
            Err(StoreError::NotFound)
        ));
    })
    .await;
}

#[tokio::test]
async fn an_agent_goes_offline_when_the_last_session_ends_or_idles() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let ada = user(&s, "ada@example.com", Role::Agent).await;
        let bob = user(&s, "bob@example.com", Role::Agent).await;
        s.set_availability(ada, Availability::Online, now)
            .await
            .unwrap();
        s.set_availability(bob, Availability::Away, now)
            .await
            .unwrap();
        s.touch_agent_session("ada-1", ada, now).await.unwrap();
        s.touch_agent_session("ada-2", ada, now).await.unwrap();
        s.touch_agent_session("bob-1", bob, now - Duration::hours(2))
            .await
            .unwrap();
        let idle_before = now - Duration::minutes(30);
        assert!(
            !s.end_agent_session("ada-1", ada, idle_before, now)
                .await
                .unwrap(),
            "another session is in use"
        );
        assert_eq!(
            s.presence(ada).await.unwrap().availability,
            Availability::Online
        );
        assert!(s
            .end_agent_session("ada-2", ada, idle_before, now)
            .await
            .unwrap());
        assert_eq!(
            s.presence(ada).await.unwrap().availability,
            Availability::Offline
        );

        assert_eq!(s.expire_idle_agents(idle_before, now).await.unwrap(), [bob]);
        assert_eq!(
            s.presence(bob).await.unwrap().availability,
            Availability::Offline
        );
        assert!(s
            .expire_idle_agents(idle_before, now)
            .await
            .unwrap()
            .is_empty());
    })
    .await;
}

#[tokio::test]
async fn tickets_enter_and_leave_the_queue_as_they_change() {
    on_every_backend(|s| async move {
        let t0 = Utc::now() - Duration::hours(1);
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let ada = user(&s, "ada@example.com", Role::Agent).await;
        let group = s.create_group(None, "Network", t0).await.unwrap();
        let waiting = raise(&s, ann, Some(group.id), Priority::Normal, t0).await;
        let ungrouped = raise(&s, ann, None, Priority::Normal, t0).await;
        let routable: Vec<i64> = s
            .routable_tickets()
            .await
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(routable, [waiting]);
        let t = s.routing_ticket(waiting).await.unwrap().unwrap();
        assert_eq!(
            (t.group_id, t.routable_since),
            (Some(group.id), Some(t0.trunc_millis()))
        );
        assert_eq!(
            s.routing_ticket(ungrouped)
                .await
                .unwrap()
                .unwrap()
                .routable_since,
            None
        );

        // Pending leaves the queue; reopening joins again at the back.
        let t1 = t0 + Duration::minutes(5);
        s.change_status(waiting, ada, Status::Pending, 1, t1)
            .await
            .unwrap();
        assert!(s.routable_tickets().await.unwrap().is_empty());
        let t2 = t0 + Duration::minutes(9);
        s.change_status(waiting, ada, Status::Open, 2, t2)
            .await
            .unwrap();
        assert_eq!(
            s.routing_ticket(waiting)
                .await
                .unwrap()
                .unwrap()
                .routable_since,
            Some(t2.trunc_millis())
        );

        // Moving a ticket into a group makes it routable; a claim takes it out.
        let changes = TicketChanges {
            group: Some(Some(group.id)),
            ..TicketChanges::default()
        };
        s.update_ticket(ungrouped, ada, 1, changes, no_mail(), t2)
            .await
            .unwrap();
        assert_eq!(s.routable_tickets().await.unwrap().len(), 2);
        s.claim_ticket(ungrouped, ada, t2).await.unwrap();
        assert_eq!(s.running_assignments().await.unwrap(), [(ungrouped, ada)]);
        assert_eq!(s.routable_tickets().await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn assignments_are_conditional_recorded_and_mailed() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let ada = user(&s, "ada@example.com", Role::Agent).await;
        let bob = user(&s, "bob@example.com", Role::Agent).await;
        let group = s.create_group(None, "Network", now).await.unwrap();
        s.set_availability(ada, Availability::Online, now)
            .await
            .unwrap();
        let first = raise(&s, ann, Some(group.id), Priority::Normal, now).await;
        let second = raise(&s, ann, Some(group.id), Priority::Normal, now).await;
        // Bob claims the second ticket before the scheduler's write lands.
        s.claim_ticket(second, bob, now).await.unwrap();
        let plan = [
            Assignment {
                ticket_id: first,
                agent_id: ada,
                group_id: group.id,
            },
            Assignment {
                ticket_id: second,
                agent_id: ada,
                group_id: group.id,
            },
        ];
        let mailed = std::sync::Mutex::new(Vec::new());
        let mail = |t: &ferrodesk::store::TicketRecord, _: &app::domain::event::Event| {
            mailed.lock().unwrap().push(t.id);
            Vec::new()
        };
        let written = s.apply_assignments(&plan, &mail, now).await.unwrap();
        assert_eq!(written, [plan[0]]);
        assert_eq!(*mailed.lock().unwrap(), [first]);
        let ticket = s
            .ticket(first, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ticket.assignee_id, Some(ada));
        let events = crate::support::history(&*s, first, true).await;
        assert!(events
            .iter()
            .any(|e| e.text == "The scheduler assigned the ticket to ada."
                || e.text.starts_with("The scheduler assigned the ticket to")));
        let roster = s.roster().await.unwrap();
        let ada_state = roster.agents.iter().find(|a| a.id == ada).unwrap();
        assert_eq!(
            ada_state.last_assigned.map(|t| t.timestamp_millis()),
            Some(now.timestamp_millis())
        );
        // Writing the same plan again changes nothing.
        assert!(s
            .apply_assignments(&plan, &mail, now)
            .await
            .unwrap()
            .is_empty());
        // A ticket planned twice in one batch goes to one agent, and only
        // that assignment is reported written.
        s.set_availability(bob, Availability::Online, now)
            .await
            .unwrap();
        let third = raise(&s, ann, Some(group.id), Priority::Normal, now).await;
        let twice = [
            Assignment {
                ticket_id: third,
                agent_id: ada,
                group_id: group.id,
            },
            Assignment {
                ticket_id: third,
                agent_id: bob,
                group_id: group.id,
            },
        ];
        let written = s.apply_assignments(&twice, &mail, now).await.unwrap();
        assert_eq!(written.len(), 1);
        let ticket = s
            .ticket(third, ferrodesk::store::TicketScope::All)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ticket.assignee_id, Some(written[0].agent_id));
    })
    .await;
}

#[tokio::test]
async fn queue_positions_follow_the_queue_order() {
    on_every_backend(|s| async move {
        let t0 = Utc::now() - Duration::hours(1);
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let group = s.create_group(None, "Network", t0).await.unwrap();
        let other = s.create_group(None, "Billing", t0).await.unwrap();
        let old_low = raise(&s, ann, Some(group.id), Priority::Low, t0).await;
        let new_high = raise(
            &s,
            ann,
            Some(group.id),
            Priority::High,
            t0 + Duration::minutes(1),
        )
        .await;
        let newer_high = raise(
            &s,
            ann,
            Some(group.id),
            Priority::High,
            t0 + Duration::minutes(2),
        )
        .await;
        raise(&s, ann, Some(other.id), Priority::Critical, t0).await;
        let place = |id| {
            let s = s.clone();
            async move {
                s.queue_position(id)
                    .await
                    .unwrap()
                    .map(|p| (p.position, p.depth))
            }
        };
        assert_eq!(place(new_high).await, Some((1, 3)));
        assert_eq!(place(newer_high).await, Some((2, 3)));
        assert_eq!(place(old_low).await, Some((3, 3)));
        assert_eq!(
            s.queue_depths().await.unwrap(),
            [(group.id, 3), (other.id, 1)]
        );
    })
    .await;
}

#[tokio::test]
async fn one_holder_has_the_lease_until_it_lapses() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let until = now + Duration::seconds(15);
        assert!(s.acquire_lease("scheduler", "a", now, until).await.unwrap());
        assert!(!s.acquire_lease("scheduler", "b", now, until).await.unwrap());
        assert!(
            s.acquire_lease("scheduler", "a", now, until).await.unwrap(),
            "renewal"
        );
        let later = until + Duration::seconds(1);
        assert!(s
            .acquire_lease("scheduler", "b", later, later + Duration::seconds(15))
            .await
            .unwrap());
        assert!(!s
            .acquire_lease("scheduler", "a", later, later + Duration::seconds(15))
            .await
            .unwrap());
        s.release_lease("scheduler", "b").await.unwrap();
        assert!(s
            .acquire_lease("scheduler", "a", later, later + Duration::seconds(15))
            .await
            .unwrap());
    })
    .await;
}

#[tokio::test]
async fn untouched_tickets_of_long_offline_agents_return_to_the_queue() {
    on_every_backend(|s| async move {
        let t0 = Utc::now() - Duration::hours(2);
        let ann = user(&s, "ann@example.com", Role::Customer).await;
        let ada = user(&s, "ada@example.com", Role::Agent).await;
        let group = s.create_group(None, "Network", t0).await.unwrap();
        s.set_availability(ada, Availability::Online, t0)
            .await
            .unwrap();
        let untouched = raise(&s, ann, Some(group.id), Priority::Normal, t0).await;
        let worked = raise(&s, ann, Some(group.id), Priority::Normal, t0).await;
        let plan = [
            Assignment {
                ticket_id: untouched,
                agent_id: ada,
                group_id: group.id,
            },
            Assignment {
                ticket_id: worked,
                agent_id: ada,
                group_id: group.id,
            },
        ];
        s.apply_assignments(&plan, &|_, _| Vec::new(), t0)
            .await
            .unwrap();
        let note = ferrodesk::store::NewMessage {
            ticket_id: worked,
            author_id: ada,
            body: MessageBody::parse("Looking into it.").unwrap(),
            internal: true,
            new_status: None,
            files: Vec::new(),
            follow_link: None,
        };
        s.add_message(note, no_mail(), t0 + Duration::minutes(1))
            .await
            .unwrap();
        let offline_at = t0 + Duration::minutes(10);
        s.set_availability(ada, Availability::Offline, offline_at)
            .await
            .unwrap();
        let now = t0 + Duration::minutes(20);
        // Not yet: offline for 10 minutes, the option says 15.
        assert!(s
            .release_untouched(now - Duration::minutes(15), now)
            .await
            .unwrap()
            .is_empty());
        let now = t0 + Duration::minutes(30);
        assert_eq!(
            s.release_untouched(now - Duration::minutes(15), now)
                .await
                .unwrap(),
            [untouched]
        );
        let back = s.routing_ticket(untouched).await.unwrap().unwrap();
        assert_eq!(
            (back.assignee_id, back.routable_since),
            (None, Some(now.trunc_millis()))
        );
        assert_eq!(
            s.routing_ticket(worked).await.unwrap().unwrap().assignee_id,
            Some(ada)
        );
    })
    .await;
}

trait TruncMillis {
    fn trunc_millis(self) -> DateTime<Utc>;
}

impl TruncMillis for DateTime<Utc> {
    fn trunc_millis(self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.timestamp_millis()).unwrap()
    }
}
