//! What keeps a ticket page live without losing anything typed: the
//! ticket's data as a memo that holds its last good read while it
//! refreshes, forms that hold still while someone edits them, the reply
//! panel that is rendered once, who else is on the ticket, and the notice
//! that someone else changed it while you were writing.

use super::live::{use_live, Live, LiveState};
use super::reply::ReplyForm;
use crate::api::types::TicketDetail;
use crate::domain::live::{Activity, TYPING_REPEAT_SECS, VIEWING_REPEAT_SECS};
use crate::error::AppError;
use leptos::prelude::*;

/// The ticket as last read (kept while a refresh runs), and its shape:
/// which ticket, or which error. A page renders its frame from the shape,
/// which changes only when another ticket is shown, and its parts from
/// the detail, so a live refresh redraws parts, never the forms around
/// what someone is typing. Create it inside the page's `Transition`.
pub struct SettledTicket {
    pub shape: Memo<Option<Result<i64, AppError>>>,
    pub detail: Memo<Option<TicketDetail>>,
}

impl SettledTicket {
    pub fn new(ticket: Resource<Result<TicketDetail, AppError>>) -> Self {
        let shape = Memo::new(move |_| ticket.get().map(|r| r.map(|t| t.id)));
        let detail = Memo::new(
            move |previous: Option<&Option<TicketDetail>>| match ticket.get() {
                Some(Ok(t)) => Some(t),
                _ => previous.cloned().flatten(),
            },
        );
        SettledTicket { shape, detail }
    }
}

/// `detail` as a form shows it: it stops following while `editing` holds,
/// so a change by someone else never resets what is being edited (the
/// form then sends its old version, and the server says what changed).
pub fn held_while(
    editing: RwSignal<bool>,
    detail: Memo<Option<TicketDetail>>,
) -> Memo<Option<TicketDetail>> {
    Memo::new(
        move |previous: Option<&Option<TicketDetail>>| match previous {
            Some(held) if editing.get() => held.clone(),
            _ => detail.get(),
        },
    )
}

/// The reply (or note) form, rendered once per ticket. It tells the others
/// on the ticket when its user types, and warns before sending when
/// someone else changed the ticket meanwhile.
#[component]
pub fn LiveReplyPanel(ticket_id: i64, staff: bool, title: &'static str) -> impl IntoView {
    let live = use_live();
    let typed = RwSignal::new(false);
    let clash = RwSignal::new(None::<String>);
    let last_typing = StoredValue::new(0f64);
    if let Some(live) = live {
        Effect::new(move |_| {
            let Some(event) = live.last_event.get() else {
                return;
            };
            let by_someone_else = event.actor.is_none() || event.actor != live.me();
            let bookkeeping = event.kind == "SlaClockChanged";
            if event.ticket == Some(ticket_id)
                && by_someone_else
                && !bookkeeping
                && typed.get_untracked()
            {
                clash.set(Some(event.text));
            }
        });
    }
    let on_input = move |ev: leptos::ev::Event| {
        let empty = event_target_value(&ev).trim().is_empty();
        typed.set(!empty);
        if let (Some(live), false, true) = (live, empty, staff) {
            let now = js_now();
            if now - last_typing.get_value() > f64::from(TYPING_REPEAT_SECS) * 1000.0 {
                last_typing.set_value(now);
                live.say(ticket_id, Some(Activity::Typing));
            }
        }
    };
    view! {
        <section class="panel" aria-labelledby="reply-title">
            <h2 class="panel-title" id="reply-title">{title}</h2>
            {staff.then(|| view! { <p class="hint">"Keys: r starts a reply, n an internal note."</p> })}
            {move || {
                clash.get().map(|text| view! {
                    <p class="notice notice-warn" role="alert">
                        <strong>"While you were writing: "</strong>
                        {text}
                        " Read it above before you send."
                    </p>
                })
            }}
            <div on:input=on_input>
                <ReplyForm ticket_id staff />
            </div>
        </section>
    }
}

/// "Ben is viewing · Ada is replying…" for the agents on a ticket. Says
/// that this user is viewing, again every little while, and that they
/// left when the page goes.
#[component]
pub fn PresenceLine(ticket_id: i64) -> impl IntoView {
    let Some(live) = use_live() else {
        return ().into_any();
    };
    announce_viewing(live, ticket_id);
    (move || {
        let people = live.people(ticket_id);
        (!people.is_empty()).then(|| {
            let text = people
                .iter()
                .map(|p| match p.activity {
                    Activity::Viewing => format!("{} is viewing", p.name),
                    Activity::Typing => format!("{} is replying…", p.name),
                })
                .collect::<Vec<_>>()
                .join(" · ");
            view! { <p class="presence" role="status">{text}</p> }
        })
    })
    .into_any()
}

fn announce_viewing(live: Live, ticket_id: i64) {
    live.set_viewing(Some(ticket_id));
    // Whenever the connection comes (back) up, and then every so often.
    Effect::new(move |_| {
        if live.state.get() == LiveState::Live {
            live.say(ticket_id, Some(Activity::Viewing));
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let repeat = set_interval_with_handle(
            move || {
                let visible = document().visibility_state() == web_sys::VisibilityState::Visible;
                live.say(ticket_id, visible.then_some(Activity::Viewing));
            },
            std::time::Duration::from_secs(u64::from(VIEWING_REPEAT_SECS)),
        )
        .ok();
        on_cleanup(move || {
            if let Some(repeat) = repeat {
                repeat.clear();
            }
            live.say(ticket_id, None);
            live.set_viewing(None);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = VIEWING_REPEAT_SECS;
}

/// Milliseconds since the epoch, in the browser; 0 elsewhere (nothing
/// types on the server).
fn js_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}
