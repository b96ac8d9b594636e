//! The error type every server function returns. Client-facing variants
//! carry exactly what a person needs to fix their input; internal failures
//! carry only a reference id (the cause is in the server log).

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};
use thiserror::Error;

// Re-exported under a private name so the rest of the crate spells it once.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// A message attached to one form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    /// Input that does not satisfy the rules: per-field messages and/or one
    /// message about the form as a whole.
    #[error("{}", .form.clone().unwrap_or_else(|| "Please correct the highlighted fields.".to_owned()))]
    Invalid {
        form: Option<String>,
        fields: Vec<FieldError>,
    },
    #[error("Sign in to continue.")]
    Unauthenticated,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Reference: {reference}.")]
    Internal { reference: String },
    #[error("The request could not be understood: {0}")]
    BadRequest(String),
    /// An upload over the size limit; the message names the limit.
    #[error("{0}")]
    TooLarge(String),
}

impl AppError {
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

    /// The message for one field, if any.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            Self::Invalid { fields, .. } => fields
                .iter()
                .find(|f| f.field == name)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }

    /// The message for the form as a whole: anything that is not purely
    /// about fields.
    pub fn form_message(&self) -> Option<String> {
        match self {
            Self::Invalid { form, .. } => form.clone(),
            other => Some(other.to_string()),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } => 422,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict(_) => 409,
            Self::RateLimited { .. } => 429,
            Self::Internal { .. } => 500,
            Self::BadRequest(_) => 400,
            Self::TooLarge(_) => 413,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::Deserialization(msg) => {
                Self::BadRequest(msg)
            }
            other => Self::BadRequest(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let err = AppError::RateLimited {
            retry_after_secs: 30,
        };
        let json = serde_json::to_string(&err).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), err);
    }
}
