//! Pieces of ticket pages shared by the portal and the agent workspace.

use crate::api::types::{HistoryEntry, MessageView, TicketSummary};
use crate::domain::{Priority, Status};
use leptos::prelude::*;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! { <span class=format!("badge badge-status-{}", status.as_str())>{status.label()}</span> }
}

#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    view! { <span class=format!("badge badge-priority-{}", priority.as_str())>{priority.label()}</span> }
}

pub use super::zone::when;

/// The description and the messages, oldest first. Bodies were rendered
/// from Markdown and sanitized on the server.
#[component]
pub fn Conversation(
    requester: String,
    created: String,
    description_html: String,
    messages: Vec<MessageView>,
    /// When the ticket was raised: files from that instant came with it.
    opened_at: chrono::DateTime<chrono::Utc>,
    /// The ticket's files: each is shown with the message it came with.
    files: Vec<crate::api::types::AttachmentView>,
) -> impl IntoView {
    let files_of = move |message: Option<i64>| -> Vec<crate::api::types::AttachmentView> {
        files
            .iter()
            .filter(|f| match message {
                Some(id) => f.message_id == Some(id),
                None => f.message_id.is_none() && f.created_at == opened_at,
            })
            .cloned()
            .collect()
    };
    let request_files = files_of(None);
    view! {
        <ol class="conversation">
            <li class="message">
                <p class="message-meta">
                    <strong>{requester}</strong>
                    " · "
                    {created}
                </p>
                <div class="message-body" inner_html=description_html></div>
                <MessageFiles files=request_files />
            </li>
            {messages
                .into_iter()
                .map(|m| {
                    let message_files = files_of(Some(m.id));
                    let class = if m.internal {
                        "message message-internal"
                    } else if m.from_staff {
                        "message message-staff"
                    } else {
                        "message"
                    };
                    view! {
                        <li class=class>
                            <p class="message-meta">
                                <strong>{m.author_name}</strong>
                                {m.internal.then(|| view! { " · " <span class="badge badge-internal">"Internal note"</span> })}
                                " · "
                                {when(m.created_at)}
                            </p>
                            <div class="message-body" inner_html=m.body_html></div>
                            <MessageFiles files=message_files />
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// The files that came with one message: pictures shown small, PDFs
/// opening in a new tab, everything else as a download.
#[component]
fn MessageFiles(files: Vec<crate::api::types::AttachmentView>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="message-files" aria-label="Attached files">
                {files.into_iter().map(|f| view! { <FileItem file=f /> }).collect_view()}
            </ul>
        }
    })
}

#[component]
fn FileItem(file: crate::api::types::AttachmentView) -> impl IntoView {
    use crate::domain::preview::{preview_by_name, Preview};
    let open = format!("/attachments/{}", file.id);
    let picture = open.clone();
    let download = format!("/attachments/{}?download=1", file.id);
    let size = format!(" · {}", size_label(file.size_bytes));
    let internal = file
        .internal
        .then(|| view! { " " <span class="badge badge-internal">"Internal"</span> });
    match preview_by_name(&file.file_name) {
        Some(Preview::Image) => view! {
            <li class="file-item file-image">
                <a href=open.clone() target="_blank" rel="noopener">
                    <img src=picture alt=format!("Preview of {}", file.file_name) loading="lazy" />
                </a>
                <span>
                    <a href=download download>{file.file_name.clone()}</a>
                    <span class="muted">{size}</span>
                    {internal}
                </span>
            </li>
        }
        .into_any(),
        Some(Preview::Pdf) => view! {
            <li class="file-item">
                <a href=open target="_blank" rel="noopener">{file.file_name.clone()}</a>
                <span class="muted">{format!(" (PDF, opens in a new tab){size} · ")}</span>
                <a href=download download>"Download"</a>
                {internal}
            </li>
        }
        .into_any(),
        None => view! {
            <li class="file-item">
                <a href=download download>{file.file_name.clone()}</a>
                <span class="muted">{size}</span>
                {internal}
            </li>
        }
        .into_any(),
    }
}

#[component]
pub fn History(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <ol class="history">
            {entries
                .into_iter()
                .map(|e| {
                    let line = e.sentence();
                    view! {
                        <li>
                            <span class="muted">{when(e.created_at)}</span>
                            " "
                            {line}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// A table of tickets; `base` is where a row links to.
#[component]
pub fn TicketTable(
    items: Vec<TicketSummary>,
    /// What a row links to: this followed by the ticket's id.
    #[prop(into)]
    base: String,
    staff: bool,
    /// The row chosen with the keyboard, if the page supports it.
    #[prop(optional)]
    selected: Option<RwSignal<Option<usize>>>,
) -> impl IntoView {
    let now = super::sla::ticking_now();
    view! {
        <div class="table-wrap">
            <table class=if staff { "table ticket-table ticket-table-staff" } else { "table ticket-table" }>
                <thead>
                    <tr>
                        <th scope="col" class="col-id">"#"</th>
                        <th scope="col" class="col-subject">"Subject"</th>
                        {staff.then(|| view! { <th scope="col" class="col-person">"Requester"</th> })}
                        <th scope="col" class="col-status">"Status"</th>
                        <th scope="col" class="col-priority">"Priority"</th>
                        {staff.then(|| view! { <th scope="col" class="col-person">"Assignee"</th> })}
                        {staff.then(|| view! { <th scope="col" class="col-due">"SLA due"</th> })}
                        <th scope="col" class="col-time">"Last update"</th>
                    </tr>
                </thead>
                <tbody>
                    {items
                        .into_iter()
                        .enumerate()
                        .map(|(index, t)| {
                            let href = format!("{base}{}", t.id);
                            let full_subject = t.subject.clone();
                            let is_selected = move || selected.is_some_and(|s| s.get() == Some(index));
                            view! {
                                <tr class:selected=is_selected aria-selected=move || is_selected().then_some("true")>
                                    <td>{format!("#{}", t.id)}</td>
                                    <td class="col-subject">
                                        <a href=href title=full_subject>{t.subject}</a>
                                    </td>
                                    {staff.then(|| view! { <td>{t.requester_name.clone()}</td> })}
                                    <td>
                                        <StatusBadge status=t.status />
                                    </td>
                                    <td>
                                        <PriorityBadge priority=t.priority />
                                    </td>
                                    {staff
                                        .then(|| {
                                            view! {
                                                <td>{t.assignee_name.clone().unwrap_or_else(|| "—".into())}</td>
                                            }
                                        })}
                                    {staff.then(|| view! { <super::sla::DueCell due=t.sla_due_at now /> })}
                                    <td>{when(t.updated_at)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.0} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// Files attached to the ticket on their own rather than with a message
/// (each file is listed once: the rest are shown with their message).
/// Nothing when there are none; new files travel with a reply.
#[component]
pub fn OtherFiles(
    items: Vec<crate::api::types::AttachmentView>,
    opened_at: chrono::DateTime<chrono::Utc>,
) -> impl IntoView {
    let loose: Vec<_> = items
        .into_iter()
        .filter(|f| f.message_id.is_none() && f.created_at != opened_at)
        .collect();
    (!loose.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="files-title">
                <h2 class="panel-title" id="files-title">"Other files"</h2>
                <ul class="message-files">
                    {loose.into_iter().map(|f| view! { <FileItem file=f /> }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// The ticket named by the route's `:id`, fetched again whenever `changes`
/// returns something new (the versions of the page's actions).
pub fn route_ticket<T>(
    changes: impl Fn() -> T + Send + Sync + 'static,
) -> Resource<Result<crate::api::types::TicketDetail, crate::error::AppError>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    ticket_resource(id, changes)
}

/// The ticket `id` names, fetched again whenever `changes` returns
/// something new; `None` reads as not found.
pub fn ticket_resource<T>(
    id: impl Fn() -> Option<i64> + Send + Sync + 'static,
    changes: impl Fn() -> T + Send + Sync + 'static,
) -> Resource<Result<crate::api::types::TicketDetail, crate::error::AppError>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Resource::new(
        move || (id(), changes()),
        |(id, _)| async move {
            match id {
                Some(id) => crate::api::tickets::get_ticket(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    )
}

/// A ticket's conversation and the files not attached to a message: the
/// thread both ticket pages show (notes only reach it for staff).
#[component]
pub fn TicketThread(t: crate::api::types::TicketDetail) -> impl IntoView {
    view! {
        <Conversation
            requester=t.requester_name.clone()
            created=when(t.created_at)
            description_html=t.description_html.clone()
            messages=t.messages.clone()
            opened_at=t.created_at
            files=t.attachments.clone()
        />
        <OtherFiles items=t.attachments opened_at=t.created_at />
    }
}

/// What a missing ticket looks like (served as 404), whatever the surface.
#[component]
pub fn TicketNotFound(
    text: &'static str,
    back_href: &'static str,
    back_label: &'static str,
) -> impl IntoView {
    super::guard::set_status(404);
    view! {
        <section class="refusal">
            <h1>"Ticket not found"</h1>
            <p>{text}</p>
            <p>
                <a href=back_href>{back_label}</a>
            </p>
        </section>
    }
}
