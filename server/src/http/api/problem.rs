//! RFC 9457 problem details: the one shape every `/api/v1` error takes,
//! and the one place a `ServiceError` becomes one. Each `type` is a stable
//! link to its entry in the API documentation.

use app::error::FieldError;
use app::service::ServiceError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// For bad input: which fields are wrong, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For our own failures: what the server log is searched for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(skip)]
    retry_after_secs: Option<u64>,
}

impl Problem {
    /// A problem of kind `slug` (its documentation anchor).
    pub fn new(
        status: StatusCode,
        slug: &str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind: format!("/api/docs#problem-{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            reference: None,
            retry_after_secs: None,
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut problem = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("Too many requests. Try again in {retry_after_secs} seconds."),
        );
        problem.retry_after_secs = Some(retry_after_secs);
        problem
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Not signed in",
            detail,
        )
    }
}

impl From<ServiceError> for Problem {
    fn from(err: ServiceError) -> Self {
        let detail = err.to_string();
        match err {
            ServiceError::NotFound => {
                Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
            }
            ServiceError::Forbidden => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
            }
            ServiceError::MissingScope(_) => Self::new(
                StatusCode::FORBIDDEN,
                "insufficient-scope",
                "The token's scopes do not allow this",
                detail,
            ),
            ServiceError::Unauthenticated => Self::unauthenticated(
                "Send an API token as `Authorization: Bearer <token>`, or sign in.",
            ),
            ServiceError::Conflict { .. } => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "Changed meanwhile",
                detail,
            ),
            ServiceError::Invalid { form, fields } => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid input",
                form.unwrap_or_else(|| "Some fields are not valid.".to_owned()),
            )
            .with_errors(fields),
            ServiceError::RateLimited { retry_after_secs } => Self::rate_limited(retry_after_secs),
            ServiceError::TooLarge(_) => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Too large",
                detail,
            ),
            ServiceError::Malformed(message) => Self::new(
                StatusCode::BAD_REQUEST,
                "malformed",
                "Malformed request",
                message,
            ),
            ServiceError::Internal { reference } => {
                let mut problem = Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Server error",
                    detail,
                );
                problem.reference = Some(reference);
                problem
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ferrodesk\""),
            );
        }
        response
    }
}

/// What every handler returns on failure.
pub type ApiResult<T> = Result<T, Problem>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_error_has_its_status_and_a_stable_type() {
        let cases = [
            (ServiceError::NotFound, 404, "not-found"),
            (ServiceError::Forbidden, 403, "forbidden"),
            (ServiceError::MissingScope(None), 403, "insufficient-scope"),
            (ServiceError::Unauthenticated, 401, "unauthenticated"),
            (ServiceError::conflict("Ana claimed it."), 409, "conflict"),
            (
                ServiceError::field("subject", "Too long."),
                422,
                "validation",
            ),
            (
                ServiceError::RateLimited {
                    retry_after_secs: 3,
                },
                429,
                "rate-limited",
            ),
            (
                ServiceError::TooLarge("Over 10 MiB.".into()),
                413,
                "too-large",
            ),
            (
                ServiceError::Malformed("bad cursor".into()),
                400,
                "malformed",
            ),
            (
                ServiceError::Internal {
                    reference: "abc".into(),
                },
                500,
                "internal",
            ),
        ];
        for (err, status, slug) in cases {
            let problem = Problem::from(err);
            assert_eq!(problem.status, status);
            assert_eq!(problem.kind, format!("/api/docs#problem-{slug}"));
            assert!(!problem.detail.is_empty());
        }
    }

    #[test]
    fn field_errors_and_retry_after_reach_the_response() {
        let problem = Problem::from(ServiceError::field("subject", "Too long."));
        assert_eq!(problem.errors[0].field, "subject");
        let response = Problem::from(ServiceError::RateLimited {
            retry_after_secs: 7,
        })
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(response.headers()[header::CONTENT_TYPE], CONTENT_TYPE);
    }
}
