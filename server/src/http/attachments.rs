//! Attachment upload and download: plain routes (multipart does not fit a
//! server function), authorized by the same policy and scoped like every
//! ticket read. Size limits are enforced while the upload streams; files are
//! stored by content hash outside any served folder and only ever served as
//! downloads.

use crate::config::Config;
use crate::store::{NewAttachment, SharedStore, TicketScope};
use app::api::backend::{actor_for_session, Desk};
use app::domain::{authorize, person::is_bidi_control, ticket_access, Action, Actor, TicketAccess};
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use tower_sessions::Session;

#[derive(Clone)]
pub struct AttachmentState {
    pub store: SharedStore,
    pub desk: Arc<dyn Desk>,
    pub config: Arc<Config>,
}

/// Refusals are short HTML pages: these routes are reached by plain forms.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
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

fn scope(actor: &Actor) -> TicketScope {
    match ticket_access(actor) {
        TicketAccess::All => TicketScope::All,
        TicketAccess::RequestedBy(id) => TicketScope::RequestedBy(id),
    }
}

async fn actor(state: &AttachmentState, session: &Session) -> Result<Actor, Response> {
    match actor_for_session(session, state.desk.as_ref()).await {
        Ok(Some(actor)) if authorize(Some(&actor), Action::UseTickets).is_ok() => Ok(actor),
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

/// A display name without path parts, control or bidi characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c))
        .take(200)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.');
    if trimmed.is_empty() {
        "attachment".to_owned()
    } else {
        trimmed.to_owned()
    }
}

fn storage_path(config: &Config, sha256: &str) -> PathBuf {
    config
        .data_dir
        .join("attachments")
        .join(&sha256[..2])
        .join(sha256)
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
    let Ok(Some(ticket)) = state.store.ticket(ticket_id, scope(&actor)).await else {
        return not_found();
    };
    let limit = state.config.max_attachment_bytes;
    let too_large = || {
        let mib = limit as f64 / (1024.0 * 1024.0);
        page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "File too large",
            &format!("Attachments can be at most {mib:.1} MiB."),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        return too_large();
    }
    let mut internal = false;
    let mut stored: Option<(String, String, i64)> = None;
    // A file this upload added, removed again if the upload is refused.
    let mut new_file: Option<PathBuf> = None;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        match field.name() {
            Some("internal") => internal = true,
            Some("file") => {
                let name = clean_file_name(field.file_name().unwrap_or(""));
                let tmp_dir = state.config.data_dir.join("attachments").join("tmp");
                if tokio::fs::create_dir_all(&tmp_dir).await.is_err() {
                    return page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Something went wrong",
                        "The file could not be stored.",
                    );
                }
                let tmp = tmp_dir.join(uuid::Uuid::new_v4().simple().to_string());
                let Ok(mut out) = tokio::fs::File::create(&tmp).await else {
                    return page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Something went wrong",
                        "The file could not be stored.",
                    );
                };
                let (mut hasher, mut size) = (Sha256::new(), 0usize);
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            size += chunk.len();
                            if size > limit {
                                drop(out);
                                let _ = tokio::fs::remove_file(&tmp).await;
                                return too_large();
                            }
                            hasher.update(&chunk);
                            if out.write_all(&chunk).await.is_err() {
                                let _ = tokio::fs::remove_file(&tmp).await;
                                return page(
                                    StatusCode::INTERNAL_SERVER_ERROR,
                                    "Something went wrong",
                                    "The file could not be stored.",
                                );
                            }
                        }
                        Ok(None) => break,
                        Err(_) => {
                            let _ = tokio::fs::remove_file(&tmp).await;
                            return too_large();
                        }
                    }
                }
                let _ = out.flush().await;
                drop(out);
                if size == 0 {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    continue;
                }
                let sha256: String = hasher
                    .finalize()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let target = storage_path(&state.config, &sha256);
                let fresh = !tokio::fs::try_exists(&target).await.unwrap_or(false);
                let placed = if fresh {
                    match target.parent() {
                        Some(dir) => {
                            tokio::fs::create_dir_all(dir).await.is_ok()
                                && tokio::fs::rename(&tmp, &target).await.is_ok()
                        }
                        None => false,
                    }
                } else {
                    // The same bytes are already stored: keep one copy.
                    tokio::fs::remove_file(&tmp).await.is_ok()
                };
                if !placed {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Something went wrong",
                        "The file could not be stored.",
                    );
                }
                new_file = fresh.then(|| target.clone());
                stored = Some((name, sha256, size as i64));
            }
            _ => {}
        }
    }
    let Some((file_name, sha256, size_bytes)) = stored else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "No file chosen",
            "Choose a file to attach, then upload it.",
        );
    };
    let discard = |path: Option<PathBuf>| async move {
        if let Some(path) = path {
            let _ = tokio::fs::remove_file(path).await;
        }
    };
    if internal && authorize(Some(&actor), Action::WorkTickets).is_err() {
        discard(new_file).await;
        return page(
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only agents can attach internal files.",
        );
    }
    let attachment = NewAttachment {
        ticket_id: ticket.id,
        uploader_id: actor.id,
        file_name,
        size_bytes,
        sha256,
        internal,
    };
    if let Err(err) = state
        .store
        .add_attachment(attachment, chrono::Utc::now())
        .await
    {
        tracing::error!(error = %err, "attachment not recorded");
        discard(new_file).await;
        return page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The file could not be recorded.",
        );
    }
    let base = if actor.role.is_staff() {
        "/agent/tickets"
    } else {
        "/portal/tickets"
    };
    Redirect::to(&format!("{base}/{}", ticket.id)).into_response()
}

pub async fn download(
    State(state): State<AttachmentState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    let actor = match actor(&state, &session).await {
        Ok(actor) => actor,
        Err(refusal) => return refusal,
    };
    let Ok(Some(record)) = state.store.attachment(id).await else {
        return not_found();
    };
    if record.internal && !actor.role.is_staff() {
        return not_found();
    }
    if !matches!(
        state.store.ticket(record.ticket_id, scope(&actor)).await,
        Ok(Some(_))
    ) {
        return not_found();
    }
    let Ok(bytes) = tokio::fs::read(storage_path(&state.config, &record.sha256)).await else {
        tracing::error!(attachment_id = id, "attachment file missing");
        return not_found();
    };
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            content_disposition(&record.file_name),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
    ];
    (StatusCode::OK, headers, bytes).into_response()
}

/// RFC 6266: an ASCII fallback plus the exact name, percent-encoded.
pub fn content_disposition(name: &str) -> String {
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
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_controls_and_bidi_tricks() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\eve\\report.pdf"), "report.pdf");
        assert_eq!(clean_file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean_file_name("a\r\nb.txt"), "ab.txt");
        assert_eq!(clean_file_name("   "), "attachment");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
    }

    #[test]
    fn downloads_are_attachments_with_an_encoded_name() {
        assert_eq!(
            content_disposition("Prüfbericht \"Q3\".pdf"),
            "attachment; filename=\"Pr_fbericht _Q3_.pdf\"; filename*=UTF-8''Pr%C3%BCfbericht%20%22Q3%22.pdf"
        );
    }
}
