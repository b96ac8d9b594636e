//! The agent's notification tray: what concerns them, newest first, each
//! with its ticket, marked read one by one or all at once.

use crate::api::tray::{my_tray, MarkNotificationsRead};
use crate::api::tray_types::NotificationView;
use crate::components::form::{action_error, FormMessage};
use crate::components::guard::Guarded;
use crate::components::live::follow;
use crate::components::zone::when;
use crate::domain::live::Topic;
use crate::domain::Action;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AgentNotifications() -> impl IntoView {
    let changes = follow(|| Some(Topic::Notifications));
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let error = action_error(mark);
    let tray = Resource::new(move || (changes.get(), mark.version().get()), |_| my_tray());
    view! {
        <Guarded action=Action::UseAgentWorkspace refusal="The notification tray is for agents and admins.">
            <section class="hero">
                <p class="muted"><a href="/agent">"Queues"</a>" / Notifications"</p>
                <h1>"Notifications"</h1>
                <p class="lead">"Tickets assigned to you, your customers’ replies, notes that mention you, and SLA warnings on your tickets or your groups’."</p>
            </section>
            <FormMessage error />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    tray.get().map(|result| match result {
                        Ok(t) if t.items.is_empty() => view! {
                            <div class="empty-state"><p>"Nothing yet. You will be told here when something needs you."</p></div>
                        }
                            .into_any(),
                        Ok(t) => {
                            let unread = match t.unread {
                                0 => "All read.".to_owned(),
                                1 => "1 unread.".to_owned(),
                                n => format!("{n} unread."),
                            };
                            view! {
                                <div class="tray-head">
                                    <p class="muted" role="status">{unread}</p>
                                    {(t.unread > 0).then(|| view! {
                                        <ActionForm action=mark attr:class="inline-form">
                                            <input type="hidden" name="input[id]" value="all" />
                                            <button type="submit" class="btn btn-secondary btn-small">"Mark all read"</button>
                                        </ActionForm>
                                    })}
                                </div>
                                <ul class="tray-list" aria-label="Notifications">
                                    {t.items.into_iter().map(|n| view! { <TrayItem n mark /> }).collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                    })
                }}
            </Transition>
        </Guarded>
    }
}

#[component]
fn TrayItem(n: NotificationView, mark: ServerAction<MarkNotificationsRead>) -> impl IntoView {
    let class = if n.read {
        "tray-item"
    } else {
        "tray-item tray-unread"
    };
    view! {
        <li class=class>
            <p class="tray-reason">
                {n.reason.label()}
                {n.ticket.map(|id| view! { " · " <a href=format!("/agent/tickets/{id}")>{format!("Ticket #{id}")}</a> })}
            </p>
            <p class="tray-text">{n.text}</p>
            <p class="tray-meta">
                <span class="muted">{when(n.at)}</span>
                {(!n.read).then(|| view! {
                    <ActionForm action=mark attr:class="inline-form">
                        <input type="hidden" name="input[id]" value=n.id.to_string() />
                        <button type="submit" class="link-button">"Mark read"</button>
                    </ActionForm>
                })}
            </p>
        </li>
    }
}
