//! The reply form of a ticket page: a plain multipart form, so files travel
//! with the message and it works the same with or without JavaScript.

use crate::api::tickets::ReplyToTicket;
use crate::components::form::{drafted_check, url_error, FileField, FormMessage, TextArea};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ReplyForm(
    ticket_id: i64,
    /// Agents may send internal notes.
    staff: bool,
) -> impl IntoView {
    let error = url_error::<ReplyToTicket>();
    let (label, button) = if staff {
        ("Message", "Send")
    } else {
        ("Your reply", "Send reply")
    };
    view! {
        <form method="post" enctype="multipart/form-data" action=ReplyToTicket::PATH class="form">
            <FormMessage error />
            <input type="hidden" name="ticket_id" value=ticket_id.to_string() />
            <TextArea label name="body" id="reply-body" field="body" error rows=5 />
            <FileField label="Attach files (optional)" id="reply-files" error />
            {staff
                .then(|| {
                    view! {
                        <div class="field field-check">
                            <input type="checkbox" id="reply-internal" name="internal" checked=drafted_check("internal", false) />
                            <label for="reply-internal">"Internal note (never shown to the customer)"</label>
                        </div>
                    }
                })}
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{button}</button>
            </div>
        </form>
    }
}
