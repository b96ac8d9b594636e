//! Wake-ups between instances. On PostgreSQL a change announced by one
//! instance reaches every listening instance (LISTEN/NOTIFY); SQLite serves
//! one instance, whose own wake-ups are in memory, so it announces nothing.

use super::{PgStore, SqliteStore, StoreError};
use async_trait::async_trait;

/// What an announcement is about; each is a channel of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Work for the scheduler (a ticket to place, agents to rebalance).
    Routing,
    /// Events were logged: read the log after your last number. Notified
    /// by the committing transaction itself (see `event_log`).
    Events,
    /// The live channel's passing news, never stored: what agents are
    /// doing on ticket pages, sessions that were signed out.
    Live,
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::Routing => "ferrodesk_routing",
            Channel::Events => super::event_log::EVENTS_CHANNEL,
            Channel::Live => "ferrodesk_live",
        }
    }
}

#[async_trait]
pub trait Broadcast: Send + Sync {
    /// Tells the other instances, best effort, after the change committed.
    async fn announce(&self, channel: Channel, payload: &str) -> Result<(), StoreError>;
    /// Announcements from every instance, or `None` where there are no
    /// other instances to hear from.
    async fn subscribe(
        &self,
        channel: Channel,
    ) -> Result<Option<Box<dyn Subscription>>, StoreError>;
}

#[async_trait]
pub trait Subscription: Send {
    /// The next payload; an error means messages may have been lost.
    async fn next(&mut self) -> Result<String, StoreError>;
}

#[async_trait]
impl Broadcast for SqliteStore {
    async fn announce(&self, _channel: Channel, _payload: &str) -> Result<(), StoreError> {
        Ok(())
    }

    async fn subscribe(
        &self,
        _channel: Channel,
    ) -> Result<Option<Box<dyn Subscription>>, StoreError> {
        Ok(None)
    }
}

#[async_trait]
impl Broadcast for PgStore {
    async fn announce(&self, channel: Channel, payload: &str) -> Result<(), StoreError> {
        sqlx::query("select pg_notify($1, $2)")
            .bind(channel.name())
            .bind(payload)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn subscribe(
        &self,
        channel: Channel,
    ) -> Result<Option<Box<dyn Subscription>>, StoreError> {
        let mut listener = sqlx::postgres::PgListener::connect_with(self.pool()).await?;
        listener.listen(channel.name()).await?;
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
