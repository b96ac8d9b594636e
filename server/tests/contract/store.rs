//! The store contract: every store method, walked on SQLite and (when
//! reachable) PostgreSQL with the same assertions.

use crate::support::{on_every_backend, FreshDb};
use app::domain::{DisplayName, EmailAddress, Role, TimezoneName};
use chrono::{Duration, TimeZone, Utc};
use ferrodesk::store::{
    self, NewEmail, NewInvitation, NewToken, NewUser, OutboxStatus, StoreError,
};

fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

fn new_user(address: &str, role: Role) -> NewUser {
    NewUser {
        email: email(address),
        name: DisplayName::parse("Test Person").unwrap(),
        role,
        password_hash: "$argon2id$fake".into(),
        timezone: TimezoneName::utc(),
    }
}

fn mail(to: &str, id: &str) -> NewEmail {
    NewEmail {
        recipient: email(to),
        subject: format!("Subject {id}"),
        body_text: "Hello".into(),
        message_id: format!("<{id}@test>"),
    }
}

#[tokio::test]
async fn users_are_created_found_listed_and_unique() {
    on_every_backend(|s| async move {
        s.ping().await.unwrap();
        let now = Utc::now();
        let ada = s
            .insert_user(new_user("ada@example.com", Role::Customer), now)
            .await
            .unwrap();
        assert_eq!(
            (ada.email.as_str(), ada.role, ada.active, ada.session_epoch),
            ("ada@example.com", Role::Customer, true, 0)
        );
        assert_eq!(ada.created_at.timestamp_millis(), now.timestamp_millis());
        let taken = s
            .insert_user(new_user("ada@example.com", Role::Agent), now)
            .await;
        assert!(
            matches!(taken, Err(StoreError::Conflict("email"))),
            "{taken:?}"
        );

        assert_eq!(s.user_by_id(ada.id).await.unwrap().unwrap(), ada);
        assert_eq!(
            s.user_by_email(&email("ADA@example.com"))
                .await
                .unwrap()
                .unwrap()
                .id,
            ada.id
        );
        assert!(s.user_by_id(ada.id + 1000).await.unwrap().is_none());
        assert!(s
            .user_by_email(&email("nobody@example.com"))
            .await
            .unwrap()
            .is_none());

        s.insert_user(new_user("bob@example.com", Role::Agent), now)
            .await
            .unwrap();
        assert_eq!(s.list_users(None, None, 50).await.unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn profiles_passwords_roles_and_deactivation() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let admin = s
            .insert_user(new_user("admin@example.com", Role::Admin), now)
            .await
            .unwrap();
        let user = s
            .insert_user(new_user("user@example.com", Role::Customer), now)
            .await
            .unwrap();

        let name = DisplayName::parse("Renamed").unwrap();
        let tz = TimezoneName::parse("Europe/Berlin").unwrap();
        s.update_profile(user.id, &name, &tz, now).await.unwrap();
        let stored = s.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.name.as_str(), stored.timezone.as_str()),
            ("Renamed", "Europe/Berlin")
        );
        assert!(matches!(
            s.update_profile(9999, &name, &tz, now).await,
            Err(StoreError::NotFound)
        ));

        assert_eq!(
            s.set_password(user.id, "$argon2id$new", now).await.unwrap(),
            1
        );
        assert_eq!(
            s.set_password(user.id, "$argon2id$newer", now)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            s.user_by_id(user.id).await.unwrap().unwrap().password_hash,
            "$argon2id$newer"
        );
        assert!(matches!(
            s.set_password(9999, "x", now).await,
            Err(StoreError::NotFound)
        ));

        s.set_role(admin.id, user.id, Role::Agent, now)
            .await
            .unwrap();
        assert_eq!(
            s.user_by_id(user.id).await.unwrap().unwrap().role,
            Role::Agent
        );
        assert!(matches!(
            s.set_role(admin.id, 9999, Role::Agent, now).await,
            Err(StoreError::NotFound)
        ));

        s.deactivate_user(admin.id, user.id, now).await.unwrap();
        let gone = s.user_by_id(user.id).await.unwrap().unwrap();
        assert!(!gone.active);
        assert_eq!(gone.session_epoch, 3, "deactivation ends sessions");
        assert!(matches!(
            s.deactivate_user(admin.id, 9999, now).await,
            Err(StoreError::NotFound)
        ));

        let logged = crate::support::admin_events(&*s).await;
        let (created, logged): (Vec<_>, Vec<_>) = logged
            .into_iter()
            .partition(|e| e.change.kind() == "UserCreated");
        assert!(
            created.iter().all(|e| e.actor.is_none()),
            "made by the store directly"
        );
        let kinds: Vec<&str> = logged.iter().map(|e| e.change.kind()).collect();
        assert_eq!(kinds, ["UserRoleChanged", "UserDeactivated"]);
        assert!(logged
            .iter()
            .all(|e| e.actor == Some(admin.id) && !e.public));
    })
    .await;
}

#[tokio::test]
async fn reset_tokens_are_single_use_expire_and_replace_each_other() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let user = s
            .insert_user(new_user("reset@example.com", Role::Customer), now)
            .await
            .unwrap();
        let token = |hash: &str| NewToken {
            user_id: user.id,
            token_hash: hash.into(),
            expires_at: now + Duration::hours(1),
        };

        s.replace_reset_token(token("first"), mail("reset@example.com", "r1"), now)
            .await
            .unwrap();
        assert!(s.reset_token_owner("first", now).await.unwrap().is_some());
        s.replace_reset_token(token("second"), mail("reset@example.com", "r2"), now)
            .await
            .unwrap();
        assert!(
            s.reset_token_owner("first", now).await.unwrap().is_none(),
            "a new request voids the old link"
        );
        assert_eq!(
            s.consume_reset_token("first", "$h", now).await.unwrap(),
            None
        );

        assert!(s
            .reset_token_owner("second", now + Duration::hours(2))
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            s.consume_reset_token("second", "$h", now + Duration::hours(2))
                .await
                .unwrap(),
            None
        );

        assert_eq!(
            s.consume_reset_token("second", "$argon2id$reset", now)
                .await
                .unwrap(),
            Some(user.id)
        );
        assert_eq!(
            s.consume_reset_token("second", "$argon2id$again", now)
                .await
                .unwrap(),
            None
        );
        let after = s.user_by_id(user.id).await.unwrap().unwrap();
        assert_eq!(
            (after.password_hash.as_str(), after.session_epoch),
            ("$argon2id$reset", 1)
        );

        // The email was queued in the same transaction as each token.
        let queued = s
            .claim_outbox(now, now + Duration::minutes(1), 10)
            .await
            .unwrap();
        let ids: Vec<&str> = queued.iter().map(|m| m.message_id.as_str()).collect();
        assert_eq!(ids.len(), 2);
        assert!(ids.contains(&"<r1@test>") && ids.contains(&"<r2@test>"));

        s.replace_reset_token(token("third"), mail("reset@example.com", "r3"), now)
            .await
            .unwrap();
        s.deactivate_user(user.id, user.id, now).await.unwrap();
        assert!(
            s.reset_token_owner("third", now).await.unwrap().is_none(),
            "inactive accounts cannot reset"
        );
        assert_eq!(
            s.consume_reset_token("third", "$h", now).await.unwrap(),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn invitations_create_accounts_once() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        let admin = s
            .insert_user(new_user("admin@example.com", Role::Admin), now)
            .await
            .unwrap();
        let invite = |to: &str, hash: &str| NewInvitation {
            email: email(to),
            role: Role::Agent,
            token_hash: hash.into(),
            invited_by: admin.id,
            expires_at: now + Duration::days(7),
        };
        let name = DisplayName::parse("Nia").unwrap();

        s.create_invitation(
            invite("nia@example.com", "i1"),
            mail("nia@example.com", "i1"),
            now,
        )
        .await
        .unwrap();
        s.create_invitation(
            invite("nia@example.com", "i2"),
            mail("nia@example.com", "i2"),
            now,
        )
        .await
        .unwrap();
        assert!(
            s.invitation_email("i1", now).await.unwrap().is_none(),
            "re-inviting voids the old link"
        );
        assert!(s.invitation_email("i2", now).await.unwrap().is_some());
        assert!(s
            .invitation_email("i2", now + Duration::days(8))
            .await
            .unwrap()
            .is_none());
        assert!(s
            .accept_invitation("i1", &name, "$h", now)
            .await
            .unwrap()
            .is_none());

        let agent = s
            .accept_invitation("i2", &name, "$argon2id$nia", now)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (agent.email.as_str(), agent.role, agent.name.as_str()),
            ("nia@example.com", Role::Agent, "Nia")
        );
        assert!(s
            .accept_invitation("i2", &name, "$h", now)
            .await
            .unwrap()
            .is_none());

        // An address that got an account meanwhile: refused, invitation kept.
        s.create_invitation(
            invite("late@example.com", "i3"),
            mail("late@example.com", "i3"),
            now,
        )
        .await
        .unwrap();
        s.insert_user(new_user("late@example.com", Role::Customer), now)
            .await
            .unwrap();
        let late = s.accept_invitation("i3", &name, "$h", now).await;
        assert!(matches!(late, Err(StoreError::Conflict(_))), "{late:?}");
        assert!(s.invitation_email("i3", now).await.unwrap().is_some());
        assert!(crate::support::admin_events(&*s)
            .await
            .iter()
            .any(|e| e.change.kind() == "UserInvited"));
    })
    .await;
}

#[tokio::test]
async fn rate_limit_counters_are_exact_under_concurrency_and_reset_per_window() {
    on_every_backend(|s| async move {
        let window = Utc.timestamp_opt(1_800_000_000, 0).single().unwrap();
        let hits = futures::future::join_all(
            (0..40).map(|_| s.hit_rate_limit("login:ip:1.2.3.4", window)),
        )
        .await;
        let mut counts: Vec<i64> = hits.into_iter().map(Result::unwrap).collect();
        counts.sort_unstable();
        assert_eq!(
            counts,
            (1..=40).collect::<Vec<_>>(),
            "every hit counted once"
        );

        let next = window + Duration::minutes(15);
        assert_eq!(s.hit_rate_limit("login:ip:1.2.3.4", next).await.unwrap(), 1);
        assert_eq!(s.hit_rate_limit("other", window).await.unwrap(), 1);
        assert_eq!(s.prune_rate_limits(next).await.unwrap(), 1);
        assert_eq!(s.hit_rate_limit("other", next).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn the_outbox_leases_retries_and_dead_letters() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        s.enqueue_email(mail("a@example.com", "m1"), now)
            .await
            .unwrap();
        s.enqueue_email(mail("b@example.com", "m2"), now)
            .await
            .unwrap();

        let lease = now + Duration::minutes(2);
        let first = s.claim_outbox(now, lease, 1).await.unwrap();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].attempts, 1);
        let second = s.claim_outbox(now, lease, 10).await.unwrap();
        assert_eq!(second.len(), 1, "a leased message is not handed out twice");
        assert_ne!(first[0].id, second[0].id);
        assert!(s.claim_outbox(now, lease, 10).await.unwrap().is_empty());

        s.mark_outbox_sent(first[0].id, now).await.unwrap();
        assert_eq!(
            s.outbox_message(first[0].id).await.unwrap().unwrap().status,
            OutboxStatus::Sent
        );

        let retry_at = now + Duration::seconds(30);
        s.mark_outbox_failed(second[0].id, "connection refused", Some(retry_at), now)
            .await
            .unwrap();
        assert!(
            s.claim_outbox(now + Duration::seconds(10), lease, 10)
                .await
                .unwrap()
                .is_empty(),
            "not before its retry time"
        );
        let retried = s
            .claim_outbox(retry_at, retry_at + Duration::minutes(2), 10)
            .await
            .unwrap();
        assert_eq!((retried.len(), retried[0].attempts), (1, 2));
        assert_eq!(retried[0].last_error.as_deref(), Some("connection refused"));

        s.mark_outbox_failed(second[0].id, "mailbox unavailable", None, now)
            .await
            .unwrap();
        let dead = s.outbox_message(second[0].id).await.unwrap().unwrap();
        assert_eq!(
            (dead.status, dead.last_error.as_deref()),
            (OutboxStatus::Dead, Some("mailbox unavailable"))
        );
        assert!(s
            .claim_outbox(now + Duration::days(1), now + Duration::days(2), 10)
            .await
            .unwrap()
            .is_empty());

        // A crashed worker's lease runs out and the message is tried again.
        s.enqueue_email(mail("c@example.com", "m3"), now)
            .await
            .unwrap();
        let taken = s
            .claim_outbox(now, now + Duration::seconds(5), 10)
            .await
            .unwrap();
        assert_eq!(taken.len(), 1);
        let again = s
            .claim_outbox(now + Duration::seconds(6), now + Duration::minutes(1), 10)
            .await
            .unwrap();
        assert_eq!(
            (again[0].id, again[0].message_id.as_str()),
            (taken[0].id, "<m3@test>")
        );
        assert!(s.outbox_message(9999).await.unwrap().is_none());

        // Sent mail is pruned after a while; dead letters stay for inspection.
        assert_eq!(s.prune_outbox(now - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(s.prune_outbox(now + Duration::seconds(1)).await.unwrap(), 1);
        assert!(s.outbox_message(first[0].id).await.unwrap().is_none());
        assert!(s.outbox_message(second[0].id).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn a_failing_migration_stops_the_start() {
    let fresh = FreshDb::new(crate::support::Db::Sqlite).await;
    let url = fresh.database_url();
    let ferrodesk::config::DatabaseUrl::Sqlite(path) = &url else {
        unreachable!()
    };
    // A table in the way of the first migration.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    sqlx::query("create table users (id integer)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let result = store::open(&url).await;
    assert!(
        matches!(result, Err(StoreError::Migration(_))),
        "{:?}",
        result.err()
    );
}

#[tokio::test]
async fn the_user_list_searches_names_and_emails_and_pages_by_name() {
    on_every_backend(|s| async move {
        let now = Utc::now();
        for (address, name) in [
            ("cara@example.com", "Cara"),
            ("abe@example.com", "abe"),
            ("bea@corp.test", "Bea"),
            ("dan_x@example.com", "Dan"),
        ] {
            let user = NewUser {
                name: DisplayName::parse(name).unwrap(),
                ..new_user(address, Role::Agent)
            };
            s.insert_user(user, now).await.unwrap();
        }
        let names = |users: Vec<ferrodesk::store::UserRecord>| {
            users.into_iter().map(|u| u.email).collect::<Vec<_>>()
        };
        let first = s.list_users(None, None, 2).await.unwrap();
        let after = first.last().unwrap().id;
        assert_eq!(names(first), vec!["abe@example.com", "bea@corp.test"]);
        assert_eq!(
            names(s.list_users(None, Some(after), 2).await.unwrap()),
            vec!["cara@example.com", "dan_x@example.com"]
        );
        assert_eq!(
            names(s.list_users(Some("CORP"), None, 50).await.unwrap()),
            vec!["bea@corp.test"]
        );
        // LIKE wildcards are searched for as written.
        assert_eq!(
            names(s.list_users(Some("_x"), None, 50).await.unwrap()),
            vec!["dan_x@example.com"]
        );
        assert!(s.list_users(Some("%"), None, 50).await.unwrap().is_empty());
    })
    .await;
}
