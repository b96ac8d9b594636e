//! The one error type of every service. It speaks the domain (what was not
//! found, which fields are wrong, what changed meanwhile) and knows nothing
//! of HTTP or server functions: each surface converts it in exactly one
//! place (`From<ServiceError> for AppError` below for server functions).

use crate::error::{AppError, FieldError};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ServiceError {
    /// Missing, or not visible to this actor: the two are one answer, so
    /// nobody learns that something they may not see exists.
    #[error("Not found.")]
    NotFound,
    /// Visible, but the policy does not allow this actor the operation.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// An API token's scopes do not cover the operation (`None`: only a
    /// browser session may do it).
    #[error("{}", match .0 {
        Some(scope) => format!("This API token lacks the {scope} scope."),
        None => "Only a signed-in browser session may do that, not an API token.".to_owned(),
    })]
    MissingScope(Option<crate::domain::Scope>),
    /// The operation needs someone signed in (a password check, a dead
    /// session behind a link).
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Someone else changed it first; the message says who changed what
    /// and where things stand now.
    #[error("{what_changed}")]
    Conflict { what_changed: String },
    /// The command breaks a rule: per-field messages and/or one about the
    /// request as a whole.
    #[error("{}", .form.clone().unwrap_or_else(|| "Please correct the highlighted fields.".to_owned()))]
    Invalid {
        form: Option<String>,
        fields: Vec<FieldError>,
    },
    /// A limit was reached; trying again after this many seconds can work.
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    /// An upload over a size limit; the message names the limit.
    #[error("{0}")]
    TooLarge(String),
    /// Input that is not even well-formed (a damaged page link, an
    /// unknown filter): a broken client rather than a person's mistake.
    #[error("The request could not be understood: {0}")]
    Malformed(String),
    /// Something failed on our side; the cause is logged under `reference`.
    #[error("Something went wrong on our side. Reference: {reference}.")]
    Internal { reference: String },
}

impl ServiceError {
    pub fn field(field: &str, message: &str) -> Self {
        Self::Invalid {
            form: None,
            fields: vec![FieldError {
                field: field.into(),
                message: message.into(),
            }],
        }
    }

    pub fn form(message: &str) -> Self {
        Self::Invalid {
            form: Some(message.into()),
            fields: Vec::new(),
        }
    }

    pub fn conflict(what_changed: impl Into<String>) -> Self {
        Self::Conflict {
            what_changed: what_changed.into(),
        }
    }
}

/// Logs an unexpected failure with a fresh reference id and returns the
/// error that carries only that id (the cause never reaches the client).
pub fn internal(cause: impl std::fmt::Display) -> ServiceError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::error!(%reference, %cause, "internal error");
    ServiceError::Internal { reference }
}

/// The one conversion to the server functions' error.
impl From<ServiceError> for AppError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => Self::NotFound,
            ServiceError::Forbidden | ServiceError::MissingScope(_) => Self::Forbidden,
            ServiceError::Unauthenticated => Self::Unauthenticated,
            ServiceError::Conflict { what_changed } => Self::Conflict(what_changed),
            ServiceError::Invalid { form, fields } => Self::Invalid { form, fields },
            ServiceError::RateLimited { retry_after_secs } => {
                Self::RateLimited { retry_after_secs }
            }
            ServiceError::TooLarge(message) => Self::TooLarge(message),
            ServiceError::Malformed(message) => Self::BadRequest(message),
            ServiceError::Internal { reference } => Self::Internal { reference },
        }
    }
}

/// Collects field errors while parsing a command, so a person sees every
/// problem at once instead of one per submit.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, &'static str>) -> Option<T> {
        self.check_text(field, parsed.map_err(str::to_owned))
    }

    /// As [`FieldErrors::check`], for rules whose message names the input.
    pub fn check_text<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError {
                    field: field.into(),
                    message,
                });
                None
            }
        }
    }

    /// The parsed command when nothing was wrong; every problem otherwise.
    pub fn finish<T>(self, parsed: Option<T>) -> Result<T, ServiceError> {
        self.into_result()?;
        parsed.ok_or_else(|| ServiceError::form("Please correct the highlighted fields."))
    }

    pub fn into_result(self) -> Result<(), ServiceError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::Invalid {
                form: None,
                fields: self.0,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_field_error() {
        let mut errors = FieldErrors::default();
        assert_eq!(errors.check::<()>("email", Err("bad email")), None);
        assert_eq!(errors.check("name", Ok::<_, &str>(1)), Some(1));
        assert_eq!(errors.check::<()>("password", Err("short")), None);
        let err = AppError::from(errors.into_result().unwrap_err());
        assert_eq!(err.field_message("email").as_deref(), Some("bad email"));
        assert_eq!(err.field_message("password").as_deref(), Some("short"));
        assert_eq!(err.field_message("name"), None);
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn every_kind_keeps_its_meaning_on_the_wire() {
        let cases = [
            (ServiceError::NotFound, 404),
            (ServiceError::Forbidden, 403),
            (ServiceError::Unauthenticated, 401),
            (ServiceError::conflict("Ana claimed it."), 409),
            (ServiceError::form("No."), 422),
            (
                ServiceError::RateLimited {
                    retry_after_secs: 9,
                },
                429,
            ),
            (ServiceError::TooLarge("Over 10 MiB.".into()), 413),
            (ServiceError::Malformed("bad page link".into()), 400),
            (
                ServiceError::Internal {
                    reference: "abc".into(),
                },
                500,
            ),
        ];
        for (err, status) in cases {
            let message = err.to_string();
            let wire = AppError::from(err);
            assert_eq!(wire.status(), status);
            assert_eq!(wire.to_string(), message);
        }
    }
}
