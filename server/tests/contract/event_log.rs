//! The event log on every backend: a follower reading "everything after N"
//! sees each committed event exactly once and in order, with many writers
//! at once; and history written before the log existed is carried into it.

use crate::support::{backends, on_every_backend, stored_user, FreshDb};
use app::domain::event::DomainEvent;
use app::domain::{MessageBody, Priority, Role, Subject};
use chrono::Utc;
use ferrodesk::config::DatabaseUrl;
use ferrodesk::store::{NewTicket, SharedStore};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn ticket(requester_id: i64, subject: &str) -> NewTicket {
    NewTicket {
        requester_id,
        subject: Subject::parse(subject).unwrap(),
        description: MessageBody::parse("Please help.").unwrap(),
        priority: Priority::Normal,
        idempotency_key: None,
        group_id: None,
        category_id: None,
        files: Vec::new(),
        follow_link: None,
    }
}

/// Writers in parallel, each change one transaction of several events;
/// a follower polls the whole time. Without the log's commit-order lock on
/// PostgreSQL this loses events: a later number commits first, the
/// follower moves past the earlier one, which then commits behind it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_follower_sees_every_committed_event_once_in_order_under_concurrent_writers() {
    on_every_backend(|s: SharedStore| async move {
        const WRITERS: usize = 8;
        const CHANGES: usize = 40;
        let mut requesters = Vec::new();
        for n in 0..WRITERS {
            let email = format!("writer{n}@example.com");
            requesters.push(stored_user(&s, &email, Role::Customer).await);
        }
        let done = Arc::new(AtomicBool::new(false));
        let follower = {
            let (s, done) = (s.clone(), done.clone());
            tokio::spawn(async move {
                let mut seen: Vec<i64> = Vec::new();
                loop {
                    // Read "finished" first: a read after it catches
                    // everything the writers committed.
                    let finished = done.load(Ordering::SeqCst);
                    let after = seen.last().copied().unwrap_or(0);
                    let batch = s.events_after(after, 50).await.unwrap();
                    let empty = batch.is_empty();
                    seen.extend(batch.into_iter().map(|e| e.seq));
                    if finished && empty {
                        return seen;
                    }
                    tokio::task::yield_now().await;
                }
            })
        };
        let writers: Vec<_> = requesters
            .iter()
            .map(|&requester| {
                let s = s.clone();
                tokio::spawn(async move {
                    for n in 0..CHANGES {
                        let new = ticket(requester, &format!("Ticket {n} of {requester}"));
                        let (record, _) = s
                            .create_ticket(new, Box::new(|_, _| Vec::new()), Utc::now())
                            .await
                            .unwrap();
                        s.set_watching(record.id, requester, true, Utc::now())
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap();
        }
        done.store(true, Ordering::SeqCst);
        let seen = follower.await.unwrap();

        let committed: Vec<i64> = s
            .events_after(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.seq)
            .collect();
        // Each writer's account (UserCreated), then a ticket and a watch
        // per change.
        assert_eq!(
            committed.len(),
            WRITERS * (1 + CHANGES * 2),
            "every change logged"
        );
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order, none twice");
        let missed: Vec<i64> = {
            let got: HashSet<i64> = seen.iter().copied().collect();
            committed
                .iter()
                .copied()
                .filter(|seq| !got.contains(seq))
                .collect()
        };
        assert!(missed.is_empty(), "the follower missed {missed:?}");
        assert_eq!(seen, committed);
    })
    .await;
}

/// A database at the last version before the log, with history and audit
/// rows in it, is migrated: the rows read back as they were written, in
/// order, customers still see no notes, and new events follow them.
#[tokio::test]
async fn history_written_before_the_log_is_migrated_into_it() {
    for db in backends().await {
        let fresh = FreshDb::new(db).await;
        let url = fresh.database_url();
        seed_before_the_log(&url).await;
        let opened = ferrodesk::store::open(&url).await.unwrap();
        let s = opened.store;
        let ticket = 1;

        let public = crate::support::history(&*s, ticket, false).await;
        let words: Vec<&str> = public.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "Ann raised the ticket “Printer on fire”.",
                "Bo changed the status from New to Open.",
                "Bo replied.",
            ],
            "{db:?}"
        );
        let staff = crate::support::history(&*s, ticket, true).await;
        assert_eq!(staff.len(), 4);
        assert_eq!(staff[2].text, "Bo added an internal note.");
        assert!(staff.iter().all(|e| e.kind == "HistoryImported"));

        let admin = crate::support::admin_events(&*s).await;
        assert_eq!(admin.len(), 1);
        assert!(matches!(
            &admin[0].change,
            DomainEvent::AuditImported { action, .. } if action == "user.invited"
        ));

        // The log goes on after the imported rows.
        let before = s.events_after(0, 100).await.unwrap();
        let last = before.last().unwrap().seq;
        s.set_watching(ticket, 2, true, Utc::now()).await.unwrap();
        let after = s.events_after(last, 100).await.unwrap();
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].event.change, DomainEvent::WatchStarted);
        fresh.cleanup().await;
    }
}

/// The schema as of migration 0010, with a ticket, its history and an
/// audit row written the way that version wrote them.
async fn seed_before_the_log(url: &DatabaseUrl) {
    let t = |minutes: i64| 1_700_000_000_000_i64 + minutes * 60_000;
    let seed = [
        "insert into users (email, name, role, password_hash, timezone, active, session_epoch, \
         created_at, updated_at) values ('ann@example.com', 'Ann', 'customer', 'x', 'UTC', true, 0, 1, 1)"
            .to_owned(),
        "insert into users (email, name, role, password_hash, timezone, active, session_epoch, \
         created_at, updated_at) values ('bo@example.com', 'Bo', 'agent', 'x', 'UTC', true, 0, 1, 1)"
            .to_owned(),
        format!(
            "insert into tickets (subject, description, requester_id, priority, status, version, \
             created_at, updated_at) values ('Printer on fire', 'Help', 1, 'normal', 'open', 3, {0}, {0})",
            t(0)
        ),
        format!(
            "insert into ticket_events (ticket_id, actor_id, kind, detail, internal, created_at, updated_at) values \
             (1, 1, 'created', 'Printer on fire', false, {0}, {0}), \
             (1, 2, 'status', 'New → Open', false, {1}, {1}), \
             (1, 2, 'note', '', true, {2}, {2}), \
             (1, 2, 'reply', '', false, {3}, {3})",
            t(0),
            t(1),
            t(2),
            t(3)
        ),
        format!(
            "insert into audit_log (actor_id, action, subject, created_at, updated_at) \
             values (2, 'user.invited', 'new@example.com as agent', {0}, {0})",
            t(1)
        ),
    ];
    match url {
        DatabaseUrl::Sqlite(path) => {
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
            migrate_before_the_log("sqlite", &pool).await;
            for sql in &seed {
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
        DatabaseUrl::Postgres(secret) => {
            let pool = sqlx::PgPool::connect(secret.expose()).await.unwrap();
            migrate_before_the_log("postgres", &pool).await;
            for sql in &seed {
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
            pool.close().await;
        }
    }
}

/// Runs a backend's migrations up to 0010, the last without the log.
async fn migrate_before_the_log<DB>(backend: &str, pool: &sqlx::Pool<DB>)
where
    DB: sqlx::Database,
    <DB as sqlx::Database>::Connection: sqlx::migrate::Migrate,
{
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(backend);
    let mut migrator = sqlx::migrate::Migrator::new(dir).await.unwrap();
    migrator.migrations = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= 10)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    migrator.run(pool).await.unwrap();
}

/// Configuration changes are events too, each with its actor, written with
/// the change; saving what did not change writes nothing.
#[tokio::test]
async fn configuration_changes_are_logged_with_their_actor() {
    use app::domain::calendar::Calendar;
    use app::domain::escalation::Matrix;
    use app::domain::Strategy;
    use ferrodesk::store::{CategoryFields, MatrixFields, SlaPolicyFields};
    on_every_backend(|s: SharedStore| async move {
        let now = Utc::now();
        let admin = Some(stored_user(&s, "root@example.com", Role::Admin).await);
        let group = s.create_group(admin, "Network", now).await.unwrap();
        s.rename_group(admin, group.id, "Networks", now)
            .await
            .unwrap();
        s.rename_group(admin, group.id, "Networks", now)
            .await
            .unwrap();
        s.set_group_policy(admin, group.id, Strategy::RoundRobin, true, now)
            .await
            .unwrap();
        s.set_group_archived(admin, group.id, false, now)
            .await
            .unwrap();
        s.set_group_archived(admin, group.id, true, now)
            .await
            .unwrap();
        let fields = CategoryFields {
            parent_id: None,
            name: "VPN".into(),
            group_id: Some(group.id),
            default_priority: Priority::High,
            archived: false,
        };
        let category = s.create_category(admin, fields.clone(), now).await.unwrap();
        s.update_category(admin, category.id, fields, now)
            .await
            .unwrap();
        let calendar = s
            .create_calendar(admin, "Always", &Calendar::always_open(), now)
            .await
            .unwrap();
        let policy = SlaPolicyFields {
            name: "Standard".into(),
            calendar_id: Some(calendar.id),
            pause_on: Vec::new(),
            targets: Default::default(),
            is_default: true,
        };
        s.create_sla_policy(admin, policy, now).await.unwrap();
        let matrix = MatrixFields {
            name: "Escalate".into(),
            matrix: Matrix::default(),
            is_default: true,
        };
        let saved = s.create_matrix(admin, matrix.clone(), now).await.unwrap();
        s.update_matrix(admin, saved.id, matrix, now).await.unwrap();

        let logged = crate::support::admin_events(&*s).await;
        let kinds: Vec<&str> = logged.iter().map(|e| e.change.kind()).collect();
        assert_eq!(
            kinds,
            [
                "UserCreated",
                "GroupCreated",
                "GroupUpdated",
                "GroupUpdated",
                "GroupArchived",
                "CategoryCreated",
                "CategoryUpdated",
                "CalendarChanged",
                "SlaPolicyChanged",
                "EscalationMatrixChanged",
                "EscalationMatrixChanged",
            ],
            "an unchanged rename or archive writes nothing"
        );
        assert!(logged.iter().all(|e| !e.public));
        assert!(logged[1..].iter().all(|e| e.actor == admin));
        let words: Vec<String> = logged[1..]
            .iter()
            .map(|e| app::api::history::describe(Some("Root"), e.actor, &e.change))
            .collect();
        assert_eq!(words[0], "Root created the group Network.");
        assert_eq!(words[1], "Root changed the group Networks.");
        assert_eq!(words[3], "Root archived the group Networks.");
        assert_eq!(words[9], "Root changed the escalation matrix Escalate.");
    })
    .await;
}
