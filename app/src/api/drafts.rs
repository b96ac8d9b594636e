//! What someone typed into a form that came back with an error. A plain
//! form post (no JavaScript, or a form that carries files) reloads the page,
//! so the server keeps the typed values in the session — never in the URL —
//! and hands them to that page's next render, once.

use serde::{Deserialize, Serialize};

/// The session key of the pending draft.
pub const SESSION_KEY: &str = "form_draft";

/// The most a draft keeps: enough for any description, bounded so a
/// session record stays small.
const MAX_DRAFT_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    /// The page the form was on.
    pub path: String,
    pub fields: Vec<(String, String)>,
}

impl FormDraft {
    /// A draft of `fields` for the page at `path`, without what must never
    /// sit in a session record (passwords, tokens) or be offered twice (a
    /// form's idempotency key, which identifies one submission).
    pub fn new(path: &str, fields: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut kept = Vec::new();
        let mut size = 0;
        for (name, value) in fields {
            if !keeps(&name) {
                continue;
            }
            size += name.len() + value.len();
            if size > MAX_DRAFT_BYTES {
                break;
            }
            kept.push((name, value));
        }
        Self {
            path: path.to_owned(),
            fields: kept,
        }
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn keeps(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    !(name.contains("password")
        || name.contains("token")
        || name.contains("idempotency_key")
        || name == "files")
}

/// The path of a `Referer` (or any URL): what a draft is filed under.
pub fn path_of(url: &str) -> String {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..end].to_owned()
}

/// Keeps the fields of a failed form post for the page it came from.
#[cfg(feature = "ssr")]
pub async fn keep(fields: impl IntoIterator<Item = (String, String)>) {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return;
    };
    let Some(referer) = parts
        .headers
        .get(http::header::REFERER)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let draft = FormDraft::new(&path_of(referer), fields);
    match leptos_axum::extract::<tower_sessions::Session>().await {
        Ok(session) => {
            if let Err(err) = session.insert(SESSION_KEY, draft).await {
                tracing::warn!(%err, "form draft not kept");
            }
        }
        Err(err) => tracing::warn!(%err, "form draft not kept: no session"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_never_keeps_passwords_tokens_or_the_idempotency_key() {
        let draft = FormDraft::new(
            "/portal/sign-up",
            [
                ("input[name]".to_owned(), "Ann".to_owned()),
                ("input[password]".to_owned(), "secret".to_owned()),
                ("input[new_password]".to_owned(), "secret".to_owned()),
                ("input[token]".to_owned(), "abc".to_owned()),
                ("idempotency_key".to_owned(), "k".to_owned()),
            ],
        );
        assert_eq!(draft.fields, vec![("input[name]".into(), "Ann".into())]);
        assert_eq!(draft.value("input[name]"), Some("Ann"));
    }

    #[test]
    fn a_draft_is_filed_under_the_path_of_its_page() {
        assert_eq!(
            path_of("http://127.0.0.1:3000/portal/tickets/new?__err=x#top"),
            "/portal/tickets/new"
        );
        assert_eq!(path_of("https://desk.example"), "/");
        assert_eq!(path_of("/admin?x=1"), "/admin");
    }
}
