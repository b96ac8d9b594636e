//! The notification tray: what concerns an agent (assigned to them, their
//! customer replied, a note named them, SLA news on their tickets or their
//! groups'), kept per person so it survives reloads and other devices.

use super::error::ServiceError;
use crate::api::tray_types::TrayView;
use crate::domain::Actor;
use async_trait::async_trait;

/// Which notifications to mark read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkRead {
    One(i64),
    All,
}

impl MarkRead {
    /// `all` or a notification's number; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "all" => Some(MarkRead::All),
            other => crate::domain::ids::positive_id(other).map(MarkRead::One),
        }
    }
}

#[async_trait]
pub trait NotificationService: Send + Sync + 'static {
    /// The newest notifications and how many are unread.
    async fn tray(&self, actor: &Actor) -> Result<TrayView, ServiceError>;
    /// Marks one or all read; the actor's other tabs follow.
    async fn mark_read(&self, actor: &Actor, which: MarkRead) -> Result<(), ServiceError>;
}
