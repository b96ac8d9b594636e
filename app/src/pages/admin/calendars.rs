//! Business calendars in the admin console: a timezone, working intervals
//! per weekday (several a day, overnight allowed) and holidays. SLA
//! policies count business time on them.

use super::AdminPage;
use crate::api::sla::{load_sla, SaveCalendar};
use crate::api::sla_types::{CalendarView, DAY_FIELDS};
use crate::components::form::{
    action_error, clear_on_success, successes, ErrorSummary, FormMessage,
};
use crate::domain::calendar::WEEKDAYS;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AdminCalendars() -> impl IntoView {
    let create = ServerAction::<SaveCalendar>::new();
    let edit = ServerAction::<SaveCalendar>::new();
    let saved = (successes(create), successes(edit));
    let overview = Resource::new(move || (saved.0.get(), saved.1.get()), |_| load_sla());
    let create_error = action_error(create);
    // The form itself is drawn anew once the list reloads.
    let (_, created) = clear_on_success(create, |c| {
        format!("Calendar “{}” created.", c.input.name.trim())
    });
    let edit_error = action_error(edit);
    view! {
        <AdminPage current="calendars">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(o) => view! {
                        <section class="panel" aria-labelledby="new-calendar-title">
                            <h2 class="panel-title" id="new-calendar-title">"New calendar"</h2>
                            <p class="panel-lead">
                                "Write each day's working hours as 09:00-12:00, 13:00-17:30; 22:00-06:00 runs overnight; leave a day empty when nobody works. A calendar without any hours runs around the clock."
                            </p>
                            <CalendarForm save=create error=create_error calendar=None created />
                        </section>
                        <ErrorSummary error=edit_error />
                        <CalendarList calendars=o.calendars save=edit />
                    }
                        .into_any(),
                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </AdminPage>
    }
}

#[component]
fn CalendarList(calendars: Vec<CalendarView>, save: ServerAction<SaveCalendar>) -> impl IntoView {
    if calendars.is_empty() {
        return view! { <div class="empty-state">"No calendars yet: SLA policies count time around the clock until they name one."</div> }
            .into_any();
    }
    calendars
        .into_iter()
        .map(|c| {
            let title = format!("calendar-{}-title", c.id);
            let section = format!("calendar-{}", c.id);
            view! {
                <section class="panel" id=section aria-labelledby=title.clone()>
                    <h2 class="panel-title" id=title.clone()>{c.name.clone()}</h2>
                    <table class="table compact">
                        <caption class="visually-hidden">{format!("Working hours of {}", c.name)}</caption>
                        <tbody>
                            <tr><th scope="row">"Timezone"</th><td>{c.timezone.clone()}</td></tr>
                            {WEEKDAYS
                                .iter()
                                .zip(c.days.iter())
                                .map(|(day, hours)| view! {
                                    <tr>
                                        <th scope="row">{*day}</th>
                                        <td>{if hours.is_empty() { "Closed".to_owned() } else { hours.clone() }}</td>
                                    </tr>
                                })
                                .collect_view()}
                            <tr>
                                <th scope="row">"Holidays"</th>
                                <td class="preserve-lines">{if c.holidays.is_empty() { "None".to_owned() } else { c.holidays.clone() }}</td>
                            </tr>
                        </tbody>
                    </table>
                    <details>
                        <summary>{format!("Edit {}", c.name)}</summary>
                        <CalendarForm save error=Signal::derive(|| None) calendar=Some(c.clone()) />
                    </details>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// The form for a new calendar (`calendar: None`) or an existing one.
#[component]
fn CalendarForm(
    save: ServerAction<SaveCalendar>,
    error: Signal<Option<AppError>>,
    calendar: Option<CalendarView>,
    /// What the last create made, for the form of a new calendar.
    #[prop(optional, into)]
    created: Signal<Option<String>>,
) -> impl IntoView {
    let prefix = calendar.as_ref().map_or_else(
        || "calendar-new".to_owned(),
        |c| format!("calendar-{}", c.id),
    );
    let id = calendar.as_ref().map(|c| c.id);
    let field_error = move |field: &'static str| {
        move || {
            error
                .get()
                .and_then(|e| e.field_message(field))
                .map(|text| view! { <p class="field-error" role="alert">{text}</p> })
        }
    };
    let value =
        |pick: &dyn Fn(&CalendarView) -> String| calendar.as_ref().map(pick).unwrap_or_default();
    let name = value(&|c| c.name.clone());
    let timezone = calendar
        .as_ref()
        .map_or_else(|| "UTC".to_owned(), |c| c.timezone.clone());
    let holidays = value(&|c| c.holidays.clone());
    let days: Vec<String> = calendar
        .as_ref()
        .map_or_else(|| vec![String::new(); 7], |c| c.days.clone());
    let label = calendar.as_ref().map_or_else(
        || "Create calendar".to_owned(),
        |c| format!("Save {}", c.name),
    );
    view! {
        <ActionForm action=save attr:class="form">
            <FormMessage error success=created />
            {id.map(|id| view! { <input type="hidden" name="input[calendar_id]" value=id.to_string() /> })}
            <div class="field">
                <label for=format!("{prefix}-name")>"Calendar name"</label>
                <input id=format!("{prefix}-name") name="input[name]" value=name required=true />
                {field_error("name")}
            </div>
            <div class="field">
                <label for=format!("{prefix}-timezone")>"Timezone"</label>
                <input id=format!("{prefix}-timezone") name="input[timezone]" value=timezone required=true />
                <p class="hint">"An IANA name such as Europe/Berlin or America/New_York."</p>
                {field_error("timezone")}
            </div>
            <fieldset class="week">
                <legend>"Working hours"</legend>
                {WEEKDAYS
                    .iter()
                    .enumerate()
                    .map(|(i, day)| view! {
                        <div class="field">
                            <label for=format!("{prefix}-{}", DAY_FIELDS[i])>{*day}</label>
                            <input
                                id=format!("{prefix}-{}", DAY_FIELDS[i])
                                name=format!("input[{}]", DAY_FIELDS[i])
                                value=days.get(i).cloned().unwrap_or_default()
                                placeholder="Closed"
                            />
                            {field_error(DAY_FIELDS[i])}
                        </div>
                    })
                    .collect_view()}
            </fieldset>
            <div class="field">
                <label for=format!("{prefix}-holidays")>"Holidays"</label>
                <textarea id=format!("{prefix}-holidays") name="input[holidays]" rows=4>{holidays}</textarea>
                <p class="hint">"One per line: 2026-12-25 Christmas, or a range: 2026-12-24..2026-12-26 Winter break."</p>
                {field_error("holidays")}
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{label}</button>
            </div>
        </ActionForm>
    }
}
