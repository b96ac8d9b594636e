//! The tray's store on every backend: filing is idempotent, the shared
//! cursor never moves back, marking read is per person, and only old read
//! notifications are pruned.

use crate::support::{on_every_backend, stored_user};
use app::domain::notify::Reason;
use app::domain::Role;
use chrono::{Duration, Utc};

#[tokio::test]
async fn filing_twice_files_once_and_the_cursor_only_moves_forward() {
    on_every_backend(|store| async move {
        let now = Utc::now();
        let ada = stored_user(&store, "ada@example.com", Role::Agent).await;
        let ben = stored_user(&store, "ben@example.com", Role::Agent).await;
        let start = store.follower_seq("tray").await.unwrap();
        let items = [
            (ada, start + 1, Some(1), Reason::Assigned, now),
            (ada, start + 2, Some(1), Reason::CustomerReplied, now),
            (ben, start + 2, Some(1), Reason::SlaBreached, now),
        ];
        store
            .record_notifications("tray", start + 2, &items)
            .await
            .unwrap();
        // Another instance read the same stretch, and an older one.
        store
            .record_notifications("tray", start + 2, &items)
            .await
            .unwrap();
        store
            .record_notifications("tray", start + 1, &items[..1])
            .await
            .unwrap();
        assert_eq!(store.follower_seq("tray").await.unwrap(), start + 2);
        assert_eq!(store.unread_notifications(ada).await.unwrap(), 2);
        assert_eq!(store.unread_notifications(ben).await.unwrap(), 1);

        // Ben's mark touches only Ben's.
        assert_eq!(
            store.mark_notifications_read(ben, None, now).await.unwrap(),
            1
        );
        assert_eq!(store.unread_notifications(ada).await.unwrap(), 2);
        assert_eq!(store.unread_notifications(ben).await.unwrap(), 0);

        // Pruning forgets read ones older than the cut, never unread ones.
        assert_eq!(store.prune_notifications(now).await.unwrap(), 0);
        assert_eq!(
            store
                .prune_notifications(now + Duration::days(1))
                .await
                .unwrap(),
            1
        );
        assert_eq!(store.unread_notifications(ada).await.unwrap(), 2);
    })
    .await;
}
