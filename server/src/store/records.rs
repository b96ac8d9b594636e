//! What goes in and comes out of the store. Row structs stay private to the
//! backends; these are the shapes the rest of the server sees.

use app::domain::{DisplayName, EmailAddress, Role, TimezoneName};
use chrono::{DateTime, Utc};

/// A user as stored, including the secret parts the services need.
/// Deliberately not `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub timezone: String,
    pub active: bool,
    pub session_epoch: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

pub struct NewUser {
    pub email: EmailAddress,
    pub name: DisplayName,
    pub role: Role,
    pub password_hash: String,
    pub timezone: TimezoneName,
}

/// A one-time token for a user (password reset).
pub struct NewToken {
    pub user_id: i64,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

pub struct NewInvitation {
    pub email: EmailAddress,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: i64,
    pub expires_at: DateTime<Utc>,
}

/// An email to queue in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEmail {
    pub recipient: EmailAddress,
    pub subject: String,
    pub body_text: String,
    /// Fixed when queued, so a resend carries the same Message-ID.
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Sent,
    Dead,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub message_id: String,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
}
