//! What the account service is asked to do: sign-up, sign-in, resets,
//! invitations, one's own profile and user administration, in domain
//! values, with the parsers for the pages' forms. Rules that need the
//! server (the common-password list, who holds an address) are the
//! service's.

use super::error::{FieldErrors, ServiceError};
use crate::api::types::{
    AcceptInviteInput, ChangeRoleInput, InviteInput, PasswordChangeInput, ProfileInput,
    ResetConfirmInput, ResetRequestInput, SignInInput, SignUpInput, UserListParams,
};
use crate::domain::{DisplayName, EmailAddress, Password, Role, SearchText, TimezoneName, UserId};

/// A secret from an emailed link, as it arrived. Only its digest is ever
/// looked up.
#[derive(Clone)]
pub struct LinkToken(pub String);

impl std::fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkToken(…)")
    }
}

#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: DisplayName,
    pub email: EmailAddress,
    pub password: Password,
    /// The browser's zone when it sent a valid one.
    pub timezone: Option<TimezoneName>,
}

/// Credentials as typed. An address that cannot be one is kept as `None`
/// and answered like any wrong password (nothing to enumerate).
#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: Option<EmailAddress>,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct ResetPassword {
    pub token: LinkToken,
    pub password: Password,
}

#[derive(Debug, Clone)]
pub struct AcceptInvitation {
    pub token: LinkToken,
    pub name: DisplayName,
    pub password: Password,
}

#[derive(Debug, Clone)]
pub struct UpdateProfile {
    pub name: DisplayName,
    pub timezone: TimezoneName,
}

#[derive(Debug, Clone)]
pub struct ChangePassword {
    /// Checked against the stored hash, never parsed.
    pub current: String,
    pub new: Password,
}

#[derive(Debug, Clone)]
pub struct Invite {
    pub email: EmailAddress,
    /// Agent or admin: customers sign up themselves.
    pub role: Role,
}

#[derive(Debug, Clone, Copy)]
pub struct ChangeRole {
    pub user: UserId,
    pub role: Role,
}

/// One page of the user list: newest first, after `after` (a user id).
#[derive(Debug, Clone, Default)]
pub struct ListUsers {
    pub text: Option<SearchText>,
    pub after: Option<i64>,
}

impl SignUp {
    pub fn from_input(input: &SignUpInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let password = errors.check("password", Password::parse(&input.password));
        let parsed = match (name, email, password) {
            (Some(name), Some(email), Some(password)) => Some(Self {
                name,
                email,
                password,
                timezone: input
                    .timezone
                    .as_deref()
                    .and_then(|z| TimezoneName::parse(z).ok()),
            }),
            _ => None,
        };
        errors.finish(parsed)
    }
}

impl SignIn {
    pub fn from_input(input: &SignInInput) -> Self {
        Self {
            email: EmailAddress::parse(&input.email).ok(),
            password: input.password.clone(),
        }
    }
}

/// The address a reset link is asked for.
pub fn reset_request_from_input(input: &ResetRequestInput) -> Result<EmailAddress, ServiceError> {
    EmailAddress::parse(&input.email).map_err(|m| ServiceError::field("email", m))
}

impl ResetPassword {
    pub fn from_input(input: &ResetConfirmInput) -> Result<Self, ServiceError> {
        Ok(Self {
            token: LinkToken(input.token.clone()),
            password: Password::parse(&input.password)
                .map_err(|m| ServiceError::field("password", m))?,
        })
    }
}

impl AcceptInvitation {
    pub fn from_input(input: &AcceptInviteInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let password = errors.check("password", Password::parse(&input.password));
        let parsed = name.zip(password).map(|(name, password)| Self {
            token: LinkToken(input.token.clone()),
            name,
            password,
        });
        errors.finish(parsed)
    }
}

impl UpdateProfile {
    pub fn from_input(input: &ProfileInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = errors.check("name", DisplayName::parse(&input.name));
        let timezone = errors.check("timezone", TimezoneName::parse(&input.timezone));
        let parsed = name
            .zip(timezone)
            .map(|(name, timezone)| Self { name, timezone });
        errors.finish(parsed)
    }
}

impl ChangePassword {
    pub fn from_input(input: &PasswordChangeInput) -> Result<Self, ServiceError> {
        Ok(Self {
            current: input.current_password.clone(),
            new: Password::parse(&input.new_password)
                .map_err(|m| ServiceError::field("new_password", m))?,
        })
    }
}

impl Invite {
    pub fn from_input(input: &InviteInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let role = errors.check(
            "role",
            Role::parse(&input.role)
                .ok()
                .filter(|r| r.is_staff())
                .ok_or("Choose agent or admin."),
        );
        let parsed = email.zip(role).map(|(email, role)| Self { email, role });
        errors.finish(parsed)
    }
}

impl ChangeRole {
    pub fn from_input(input: &ChangeRoleInput) -> Result<Self, ServiceError> {
        Ok(Self {
            user: UserId(input.user_id),
            role: Role::parse(&input.role).map_err(|m| ServiceError::field("role", m))?,
        })
    }
}

impl ListUsers {
    pub fn from_params(params: &UserListParams) -> Result<Self, ServiceError> {
        Ok(Self {
            text: SearchText::parse(params.q.as_deref().unwrap_or(""))
                .map_err(|m| ServiceError::Malformed(m.to_owned()))?,
            after: params.after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_form_names_every_problem_and_drops_a_bad_zone() {
        let input = SignUpInput {
            name: " ".into(),
            email: "nobody".into(),
            password: "short".into(),
            timezone: None,
        };
        let Err(ServiceError::Invalid { fields, .. }) = SignUp::from_input(&input) else {
            panic!("expected field errors");
        };
        let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(named, ["name", "email", "password"]);
        let input = SignUpInput {
            name: "Ann Example".into(),
            email: "ann@example.com".into(),
            password: "a long enough passphrase".into(),
            timezone: Some("Mars/Olympus".into()),
        };
        assert!(SignUp::from_input(&input).unwrap().timezone.is_none());
    }

    #[test]
    fn only_staff_roles_can_be_invited() {
        let input = InviteInput {
            email: "new@example.com".into(),
            role: "customer".into(),
        };
        assert_eq!(
            Invite::from_input(&input).unwrap_err(),
            ServiceError::field("role", "Choose agent or admin.")
        );
    }

    #[test]
    fn tokens_never_print() {
        assert_eq!(format!("{:?}", LinkToken("secret".into())), "LinkToken(…)");
    }
}
