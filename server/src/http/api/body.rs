//! JSON request bodies, each kind of bad one answered with its own
//! problem: no JSON content type (415), too big (413), not JSON (400),
//! JSON of the wrong shape — an unknown field, a wrong type, a missing
//! field — (422, naming the field).

use super::problem::Problem;
use app::error::FieldError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

/// The largest JSON body any `/api/v1` operation takes; files go by upload.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !is_json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "Send the body as JSON, with `Content-Type: application/json`.",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| too_large())?;
        if bytes.len() > MAX_JSON_BYTES {
            return Err(too_large());
        }
        parse(&bytes).map(ApiJson)
    }
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        "Too large",
        format!("A JSON body is at most {} KiB.", MAX_JSON_BYTES / 1024),
    )
}

/// Parses `bytes` as `T`, telling a broken document from a wrong shape.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            wrong_shape(path, &inner)
        } else {
            not_json(&inner)
        }
    })?;
    reader.end().map_err(|err| not_json(&err))?;
    Ok(value)
}

fn not_json(err: &serde_json::Error) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "malformed-json",
        "Not JSON",
        format!("The body is not valid JSON: {err}."),
    )
}

fn wrong_shape(path: String, err: &serde_json::Error) -> Problem {
    let field = if path == "." { String::new() } else { path };
    let message = err.to_string();
    // serde's own words, minus the position (the field says where).
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let detail = if field.is_empty() {
        message.clone()
    } else {
        format!("{field}: {message}")
    };
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-body",
        "The body does not fit the operation",
        detail,
    )
    .with_errors(vec![FieldError { field, message }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Shape {
        subject: String,
        count: Option<u32>,
    }

    #[test]
    fn each_kind_of_bad_body_has_its_own_answer() {
        assert!(parse::<Shape>(br#"{"subject":"Hi","count":2}"#).is_ok());
        let broken = parse::<Shape>(br#"{"subject":"#).unwrap_err();
        assert_eq!(
            (broken.status, broken.kind.as_str()),
            (400, "/api/docs#problem-malformed-json")
        );
        let trailing = parse::<Shape>(br#"{"subject":"Hi"} x"#).unwrap_err();
        assert_eq!(trailing.status, 400);
        let unknown = parse::<Shape>(br#"{"subject":"Hi","colour":"red"}"#).unwrap_err();
        assert_eq!(unknown.status, 422);
        assert!(unknown.detail.contains("colour"), "{}", unknown.detail);
        let wrong = parse::<Shape>(br#"{"subject":"Hi","count":"two"}"#).unwrap_err();
        assert_eq!(wrong.status, 422);
        assert_eq!(wrong.errors[0].field, "count");
        let missing = parse::<Shape>(br#"{}"#).unwrap_err();
        assert_eq!(missing.status, 422);
        assert!(missing.detail.contains("subject"), "{}", missing.detail);
    }
}
