//! What the rest of the app tells the live channel. The channel itself is
//! an adapter in the server (`server/src/live`); what a connection may
//! follow is the ticket service's decision (`TicketService::may_follow`).

use async_trait::async_trait;

#[async_trait]
pub trait LiveService: Send + Sync + 'static {
    /// A session was signed out: its live connections close at once, on
    /// every instance.
    async fn session_ended(&self, session_id: &str);
}
