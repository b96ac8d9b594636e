//! The agents' notification tray on the wire.

use crate::domain::notify::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrayView {
    pub unread: i64,
    /// Newest first.
    pub items: Vec<NotificationView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: i64,
    pub reason: Reason,
    /// The event's sentence, as the ticket's history words it.
    pub text: String,
    pub ticket: Option<i64>,
    pub at: DateTime<Utc>,
    pub read: bool,
}
