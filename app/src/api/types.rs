//! Inputs and outputs of the server functions. Secrets (hashes, tokens,
//! session ids) never appear in an output type.

use crate::domain::Role;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a signed-in person sees of their own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub timezone: String,
}

/// One line of the admin user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Redacts every field but the listed ones, so inputs carrying passwords or
/// tokens can be logged safely.
macro_rules! redacted_debug {
    ($ty:ident { $($shown:ident),* }) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))$(.field(stringify!($shown), &self.$shown))*.finish_non_exhaustive()
            }
        }
    };
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SignUpInput {
    pub name: String,
    pub email: String,
    pub password: String,
}
redacted_debug!(SignUpInput { name, email });

#[derive(Clone, Serialize, Deserialize)]
pub struct SignInInput {
    pub email: String,
    pub password: String,
}
redacted_debug!(SignInInput { email });

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResetRequestInput {
    pub email: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct ResetConfirmInput {
    pub token: String,
    pub password: String,
}
redacted_debug!(ResetConfirmInput {});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileInput {
    pub name: String,
    pub timezone: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
}
redacted_debug!(PasswordChangeInput {});

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InviteInput {
    pub email: String,
    pub role: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct AcceptInviteInput {
    pub token: String,
    pub name: String,
    pub password: String,
}
redacted_debug!(AcceptInviteInput { name });

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangeRoleInput {
    pub user_id: i64,
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeactivateInput {
    pub user_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_passwords_or_tokens() {
        let input = SignUpInput {
            name: "Ada".into(),
            email: "a@example.com".into(),
            password: "s3cret-pass".into(),
        };
        let reset = ResetConfirmInput {
            token: "tok-123".into(),
            password: "s3cret-pass".into(),
        };
        assert!(!format!("{input:?}").contains("s3cret"));
        assert!(format!("{input:?}").contains("a@example.com"));
        assert!(!format!("{reset:?}").contains("tok-123"));
    }
}
