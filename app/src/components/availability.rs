//! The agent's availability switch and their load against capacity, in the
//! workspace sidebar. The scheduler only assigns to online agents.

use crate::api::routing::{my_presence, SetAvailability};
use crate::api::routing_types::PresenceView;
use crate::components::form::{action_error, FormMessage};
use crate::domain::Availability;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The panel's action and data. Pages create them once, outside any
/// guard, so a re-render of the guard never orphans them mid-request.
#[derive(Clone, Copy)]
pub struct Presence {
    set: ServerAction<SetAvailability>,
    data: Resource<Result<PresenceView, AppError>>,
}

impl Presence {
    pub fn new() -> Self {
        let set = ServerAction::<SetAvailability>::new();
        let data = Resource::new(move || set.version().get(), |_| my_presence());
        Self { set, data }
    }
}

impl Default for Presence {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn AvailabilityPanel(presence: Presence) -> impl IntoView {
    let Presence {
        set,
        data: presence,
    } = presence;
    let error = action_error(set);
    view! {
        <section class="availability" aria-labelledby="availability-title">
            <h2 class="sidebar-title" id="availability-title">"Availability"</h2>
            <FormMessage error />
            <Transition fallback=|| ()>
                {move || {
                    presence.get().and_then(|p| p.ok()).map(|p| {
                        let current = p.availability;
                        view! {
                            <ActionForm action=set attr:class="inline-form">
                                <label class="visually-hidden" for="availability">"Set your availability"</label>
                                <select id="availability" name="input[availability]">
                                    {Availability::ALL
                                        .into_iter()
                                        .map(|a| view! { <option value=a.as_str() selected=a == current>{a.label()}</option> })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="btn btn-secondary btn-small">"Set"</button>
                            </ActionForm>
                            <p class="muted" data-availability=current.as_str()>{status_line(&p)}</p>
                            <p class="muted">{load_line(&p)}</p>
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

fn status_line(p: &PresenceView) -> &'static str {
    match p.availability {
        Availability::Online => "You are online: new tickets come to you.",
        Availability::Away => "You are away: no new tickets come to you.",
        Availability::Offline => "You are offline: no new tickets come to you.",
    }
}

fn load_line(p: &PresenceView) -> String {
    let capacities: Vec<String> = p
        .capacities
        .iter()
        .map(|(group, capacity)| format!("{group} {capacity}"))
        .collect();
    let assigned = match p.load {
        1 => "1 ticket assigned".to_owned(),
        n => format!("{n} tickets assigned"),
    };
    if capacities.is_empty() {
        format!("{assigned}; you are in no group yet.")
    } else {
        format!("{assigned}; capacity: {}.", capacities.join(", "))
    }
}
