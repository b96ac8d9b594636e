//! Attachment upload and download: plain routes (multipart does not fit a
//! server function), authorized by the same policy and scoped like every
//! ticket read. Size limits are enforced while the upload streams; files are
//! stored by content hash outside any served folder and only ever served as
//! downloads.

use crate::config::Config;
use crate::tickets::files;
use app::api::backend::actor_for_session;
use app::domain::{Actor, TicketId};
use app::error::AppError;
use app::service::{AccountService, TicketService};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use futures::StreamExt;
use std::sync::Arc;
use tower_sessions::Session;

#[derive(Clone)]
pub struct AttachmentState {
    pub tickets: Arc<dyn TicketService>,
    pub accounts: Arc<dyn AccountService>,
    pub config: Arc<Config>,
}

/// Refusals are short HTML pages: these routes are reached by plain forms.
pub(super) fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/pkg/ferrodesk.css\"></head><body><main class=\"page\">\
         <section class=\"refusal\"><h1>{title}</h1><p>{text}</p><p><a href=\"/\">Back to Ferrodesk</a></p>\
         </section></main></body></html>"
    );
    // No script at all on these pages.
    let csp = [(header::CONTENT_SECURITY_POLICY, "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")];
    (status, csp, Html(body)).into_response()
}

fn not_found() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is nothing here for you.",
    )
}

async fn actor(state: &AttachmentState, session: &Session) -> Result<Actor, Response> {
    match actor_for_session(session, state.accounts.as_ref()).await {
        Ok(Some(actor)) => Ok(actor),
        Ok(_) => Err(page(
            StatusCode::UNAUTHORIZED,
            "Sign in required",
            "Sign in to see or attach files.",
        )),
        Err(_) => Err(page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Please try again.",
        )),
    }
}

pub async fn upload(
    State(state): State<AttachmentState>,
    session: Session,
    Path(ticket_id): Path<i64>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(actor) => actor,
        Err(refusal) => return refusal,
    };
    let ticket = TicketId(ticket_id);
    if let Err(err) = state.tickets.may_attach(&actor, ticket).await {
        return refusal(err.into());
    }
    let limit = state.config.max_attachment_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        return refusal(files::too_large(limit).into());
    }
    let mut internal = false;
    let mut staged = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                return page(
                    StatusCode::BAD_REQUEST,
                    "The upload could not be read",
                    &format!("The form arrived incomplete or malformed ({err}). Choose the file and upload it again."),
                )
            }
        };
        match field.name() {
            Some("internal") => internal = true,
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                // Staged as the service would, but straight from the field:
                // its stream borrows the request, which a service call cannot hold.
                let chunks = field.map(|chunk| chunk.map_err(|e| e.body_text()));
                match files::stage(&state.config.data_dir, limit, &name, chunks).await {
                    Ok(file) => staged = file.or(staged),
                    Err(err) => return refusal(err.into()),
                }
            }
            _ => {}
        }
    }
    let Some(staged) = staged else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "No file chosen",
            "Choose a file to attach, then upload it.",
        );
    };
    if let Err(err) = state.tickets.attach(&actor, ticket, staged, internal).await {
        return refusal(err.into());
    }
    let base = if actor.role.is_staff() {
        "/agent/tickets"
    } else {
        "/portal/tickets"
    };
    Redirect::to(&format!("{base}/{ticket_id}")).into_response()
}

/// An application error as one of these plain pages.
fn refusal(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = match err {
        AppError::NotFound => return not_found(),
        AppError::Forbidden => {
            return page(
                status,
                "Not allowed",
                "Only agents can attach or open internal files.",
            )
        }
        AppError::TooLarge(_) => "File too large",
        AppError::RateLimited { .. } => "Upload limit reached",
        AppError::BadRequest(_) => "The upload could not be read",
        _ => "The file could not be stored",
    };
    let mut response = page(status, title, &err.to_string());
    if let AppError::RateLimited { retry_after_secs } = err {
        if let Ok(value) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

/// `?download=1` asks for a download even of a file that could preview.
#[derive(serde::Deserialize)]
pub struct DownloadQuery {
    #[serde(default)]
    download: Option<String>,
}

pub async fn download(
    State(state): State<AttachmentState>,
    session: Session,
    Path(id): Path<i64>,
    Query(query): Query<DownloadQuery>,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(actor) => actor,
        Err(refusal) => return refusal,
    };
    let file = match state.tickets.download(&actor, id).await {
        Ok(file) => file,
        Err(err) => return refusal(err.into()),
    };
    let bytes = file.bytes;
    // Images and PDFs open in place, but only when their bytes say so, and
    // always in a sandbox; everything else downloads.
    let inline = query
        .download
        .is_none()
        .then(|| app::domain::preview::inline_type(&bytes))
        .flatten();
    let (content_type, disposition) = match inline {
        Some(kind) => (kind, "inline"),
        None => ("application/octet-stream", "attachment"),
    };
    let headers = [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(disposition, &file.file_name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    (StatusCode::OK, headers, bytes).into_response()
}

/// RFC 6266: an ASCII fallback plus the exact name, percent-encoded;
/// `kind` is `attachment` or `inline`.
pub fn content_disposition(kind: &str, name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._- ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_attachments_with_an_encoded_name() {
        assert_eq!(
            content_disposition("attachment", "Prüfbericht \"Q3\".pdf"),
            "attachment; filename=\"Pr_fbericht _Q3_.pdf\"; filename*=UTF-8''Pr%C3%BCfbericht%20%22Q3%22.pdf"
        );
    }
}
