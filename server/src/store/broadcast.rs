//! Wake-ups between instances. On PostgreSQL a change announced by one
//! instance reaches every listening instance (LISTEN/NOTIFY); SQLite serves
//! one instance, whose own wake-ups are in memory, so it announces nothing.

use super::{PgStore, SqliteStore, StoreError};
use async_trait::async_trait;

const CHANNEL: &str = "ferrodesk_routing";

#[async_trait]
pub trait Broadcast: Send + Sync {
    /// Tells the other instances, best effort, after the change committed.
    async fn announce(&self, payload: &str) -> Result<(), StoreError>;
    /// Announcements from every instance, or `None` where there are no
    /// other instances to hear from.
    async fn subscribe(&self) -> Result<Option<Box<dyn Subscription>>, StoreError>;
}

#[async_trait]
pub trait Subscription: Send {
    /// The next payload; an error means messages may have been lost.
    async fn next(&mut self) -> Result<String, StoreError>;
}

#[async_trait]
impl Broadcast for SqliteStore {
    async fn announce(&self, _payload: &str) -> Result<(), StoreError> {
        Ok(())
    }

    async fn subscribe(&self) -> Result<Option<Box<dyn Subscription>>, StoreError> {
        Ok(None)
    }
}

#[async_trait]
impl Broadcast for PgStore {
    async fn announce(&self, payload: &str) -> Result<(), StoreError> {
        sqlx::query("select pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn subscribe(&self) -> Result<Option<Box<dyn Subscription>>, StoreError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(self.pool()).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(Box::new(PgSubscription(listener))))
    }
}

struct PgSubscription(sqlx::postgres::PgListener);

#[async_trait]
impl Subscription for PgSubscription {
    async fn next(&mut self) -> Result<String, StoreError> {
        // `try_recv` reports a dropped connection instead of silently
        // reconnecting, so the caller knows to rebuild.
        match self.0.try_recv().await? {
            Some(notification) => Ok(notification.payload().to_owned()),
            None => Err(StoreError::Io(
                "the notification connection was lost".into(),
            )),
        }
    }
}
