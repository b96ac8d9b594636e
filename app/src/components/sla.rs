//! SLA clocks on ticket pages and due times in queue rows, counting down
//! live in the browser with the same domain arithmetic the server uses.

use super::ticket::when;
use crate::api::sla_types::TicketSla;
use crate::domain::sla::{format_countdown, urgency, Clock, ClockStatus};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The browser's clock, once a second; `None` on the server and until the
/// page has hydrated, so both render the same first.
pub fn ticking_now() -> ReadSignal<Option<DateTime<Utc>>> {
    let (now, set_now) = signal(None::<DateTime<Utc>>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        set_now.set(Some(Utc::now()));
        let tick = set_interval_with_handle(
            move || set_now.set(Some(Utc::now())),
            std::time::Duration::from_secs(1),
        );
        on_cleanup(move || {
            if let Ok(handle) = tick {
                handle.clear();
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = set_now;
    now
}

fn left_text(clock: &Clock, now: DateTime<Utc>) -> String {
    match (clock.status_at(now), clock.met_at) {
        (ClockStatus::Met, Some(at)) => format!("Met {}", when(at)),
        (ClockStatus::Breached, Some(at)) => format!("Fulfilled late {}", when(at)),
        (ClockStatus::Stopped, _) if clock.breached_at.is_some() => {
            "Breached, then closed before an agent replied".to_owned()
        }
        (ClockStatus::Stopped, _) => "Closed before an agent replied".to_owned(),
        (ClockStatus::Paused, _) => format!(
            "{} left when paused",
            format_countdown(clock.remaining(now))
        ),
        _ => format_countdown(clock.due_at - now),
    }
}

/// The ticket's clocks: what was promised, when it is due, and how it
/// stands now.
#[component]
pub fn SlaClocks(
    sla: TicketSla,
    /// "Service level" for agents; customers read what was promised.
    title: &'static str,
) -> impl IntoView {
    if sla.clocks.is_empty() {
        return ().into_any();
    }
    let ticking = ticking_now();
    let rendered = sla.server_now.unwrap_or_default();
    let now = move || ticking.get().unwrap_or(rendered);
    let policy = sla.policy_name.clone();
    view! {
        <section class="panel sla-panel" aria-labelledby="sla-title">
            <h2 class="panel-title" id="sla-title">{title}</h2>
            {policy.map(|name| view! { <p class="muted">{format!("Policy: {name}")}</p> })}
            <table class="table compact">
                <thead>
                    <tr>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Due"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Time left"</th>
                    </tr>
                </thead>
                <tbody>
                    {sla
                        .clocks
                        .into_iter()
                        .map(|clock| {
                            let for_class = clock.clone();
                            let for_status = clock.clone();
                            let for_left = clock.clone();
                            let due = match clock.status {
                                ClockStatus::Paused => "Paused".to_owned(),
                                ClockStatus::Stopped => "—".to_owned(),
                                _ => when(clock.due_at),
                            };
                            view! {
                                <tr class=move || format!("sla-clock sla-{}", urgency(&for_class, now()).as_str())>
                                    <th scope="row">{clock.metric.label()}</th>
                                    <td>{due}</td>
                                    <td>
                                        <span class="badge sla-status">{move || for_status.status_at(now()).label()}</span>
                                    </td>
                                    <td class="sla-left">{move || left_text(&for_left, now())}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
    .into_any()
}

/// A queue row's nearest due time, with a live countdown once hydrated.
#[component]
pub fn DueCell(
    due: Option<DateTime<Utc>>,
    now: ReadSignal<Option<DateTime<Utc>>>,
) -> impl IntoView {
    match due {
        None => view! { <td class="muted">"—"</td> }.into_any(),
        Some(due) => view! {
            <td class=move || match now.get() {
                Some(n) if n >= due => "sla-due sla-breached",
                Some(n) if due - n <= chrono::Duration::minutes(30) => "sla-due sla-soon",
                _ => "sla-due",
            }>
                <time datetime=due.to_rfc3339()>{when(due)}</time>
                {move || now.get().map(|n| view! { <span class="sla-countdown">{format!(" · {}", format_countdown(due - n))}</span> })}
            </td>
        }
            .into_any(),
    }
}
