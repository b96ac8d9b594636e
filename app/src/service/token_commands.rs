//! What the token service is asked to make, parsed from a form or a JSON
//! body with every problem named at once.

use super::error::{FieldErrors, ServiceError};
use crate::api::token_types::TokenInput;
use crate::domain::Scopes;

/// Longest a token may live; a token is a password that never expires
/// otherwise, so it must be renewed now and then.
pub const MAX_DAYS: u32 = 366;
pub const NAME_CHARS: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateToken {
    pub name: String,
    pub scopes: Scopes,
    pub expires_in_days: u32,
}

impl CreateToken {
    pub fn parse(input: &TokenInput) -> Result<Self, ServiceError> {
        let mut errors = FieldErrors::default();
        let name = input.name.trim();
        let name = errors.check(
            "name",
            if name.is_empty() {
                Err("Give the token a name, such as the system that will use it.")
            } else if name.chars().count() > NAME_CHARS {
                Err("A token's name is at most 80 characters.")
            } else if name.chars().any(char::is_control) {
                Err("A token's name cannot hold control characters.")
            } else {
                Ok(name.to_owned())
            },
        );
        let scopes = errors.check_text(
            "scopes",
            Scopes::parse(&input.scopes).and_then(|scopes| {
                if scopes.is_empty() {
                    Err("Choose at least one scope.".to_owned())
                } else {
                    Ok(scopes)
                }
            }),
        );
        let days = errors.check(
            "expires_in_days",
            match input.expires_in_days.trim().parse::<u32>() {
                Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
                _ => Err("A token lives from 1 to 366 days."),
            },
        );
        let parsed = match (name, scopes, days) {
            (Some(name), Some(scopes), Some(expires_in_days)) => Some(CreateToken {
                name,
                scopes,
                expires_in_days,
            }),
            _ => None,
        };
        errors.finish(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Scope;

    fn input(name: &str, scopes: &str, days: &str) -> TokenInput {
        TokenInput {
            name: name.into(),
            scopes: scopes.into(),
            expires_in_days: days.into(),
        }
    }

    #[test]
    fn a_good_form_parses() {
        let token = CreateToken::parse(&input(" Monitoring ", "tickets:write", "30")).unwrap();
        assert_eq!(token.name, "Monitoring");
        assert_eq!(token.scopes, Scopes::new([Scope::TicketsWrite]));
        assert_eq!(token.expires_in_days, 30);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let err = crate::error::AppError::from(
            CreateToken::parse(&input(" ", "tickets:delete", "0")).unwrap_err(),
        );
        assert!(err.field_message("name").is_some());
        assert!(err
            .field_message("scopes")
            .is_some_and(|m| m.contains("tickets:delete")));
        assert!(err.field_message("expires_in_days").is_some());
        let err =
            crate::error::AppError::from(CreateToken::parse(&input("CRM", "", "367")).unwrap_err());
        assert!(err.field_message("scopes").is_some());
        assert!(err.field_message("expires_in_days").is_some());
    }
}
