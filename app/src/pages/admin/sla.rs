//! SLA policies in the admin console — targets per priority for first
//! response, next response and resolution, the calendar they count on and
//! the statuses that pause them — and compliance per group and category.

use super::AdminPage;
use crate::api::sla::{load_sla, SavePolicy};
use crate::api::sla_types::{target_field, ComplianceRow, PolicyView, SlaOverview};
use crate::components::form::{
    action_error, clear_on_success, successes, ErrorSummary, FormMessage,
};
use crate::domain::sla::{format_minutes, targets_for, Metric, Target};
use crate::domain::{Priority, Status};
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AdminSla() -> impl IntoView {
    let create = ServerAction::<SavePolicy>::new();
    let edit = ServerAction::<SavePolicy>::new();
    let saved = (successes(create), successes(edit));
    let overview = Resource::new(move || (saved.0.get(), saved.1.get()), |_| load_sla());
    let create_error = action_error(create);
    // The form itself is drawn anew once the list reloads.
    let (_, created) = clear_on_success(create, |c| {
        format!("Policy “{}” created.", c.input.name.trim())
    });
    let edit_error = action_error(edit);
    view! {
        <AdminPage current="sla">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(o) => view! {
                        <Compliance overview=o.clone() />
                        <section class="panel" aria-labelledby="new-policy-title">
                            <h2 class="panel-title" id="new-policy-title">"New SLA policy"</h2>
                            <p class="panel-lead">
                                "Targets read as 30m, 4h, 1h 30m or 2d; leave one empty to promise nothing for it. A category names its policy; the default policy covers the rest."
                            </p>
                            <PolicyForm save=create error=create_error overview=o.clone() policy=None created />
                        </section>
                        <ErrorSummary error=edit_error />
                        <PolicyList overview=o save=edit />
                    }
                        .into_any(),
                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </AdminPage>
    }
}

#[component]
fn Compliance(overview: SlaOverview) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="compliance-title">
            <h2 class="panel-title" id="compliance-title">"SLA compliance"</h2>
            <p class="panel-lead">"Targets met and breached so far, and clocks running past their due time now. A response target counts as met only when an agent replied publicly in time; a ticket resolved or closed before any agent replied counts under “Closed unanswered”, outside the percentage."</p>
            <ComplianceTable caption="By group" rows=overview.by_group />
            <ComplianceTable caption="By category" rows=overview.by_category />
        </section>
    }
}

#[component]
fn ComplianceTable(caption: &'static str, rows: Vec<ComplianceRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted">{format!("{caption}: no SLA clocks yet.")}</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Met"</th>
                        <th scope="col">"Breached"</th>
                        <th scope="col">"Closed unanswered"</th>
                        <th scope="col">"Overdue now"</th>
                        <th scope="col">"Compliance"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| view! {
                            <tr>
                                <th scope="row">{r.name.clone()}</th>
                                <td>{r.met}</td>
                                <td>{r.breached}</td>
                                <td>{r.unanswered}</td>
                                <td>{r.overdue}</td>
                                <td>{r.percent().map_or_else(|| "–".to_owned(), |p| format!("{p:.1}%"))}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PolicyList(overview: SlaOverview, save: ServerAction<SavePolicy>) -> impl IntoView {
    if overview.policies.is_empty() {
        return view! { <div class="empty-state">"No SLA policies yet: tickets carry no promises."</div> }.into_any();
    }
    overview
        .policies
        .clone()
        .into_iter()
        .map(|p| {
            let title = format!("policy-{}-title", p.id);
            let section = format!("policy-{}", p.id);
            let calendar = p
                .calendar_name
                .clone()
                .unwrap_or_else(|| "Around the clock".into());
            let pauses = if p.pause_on.is_empty() {
                "Never".to_owned()
            } else {
                p.pause_on.iter().map(|s| s.label()).collect::<Vec<_>>().join(", ")
            };
            let used_by = if p.categories.is_empty() {
                "No category".to_owned()
            } else {
                p.categories.join(", ")
            };
            view! {
                <section class="panel" id=section aria-labelledby=title.clone()>
                    <h2 class="panel-title" id=title.clone()>
                        {p.name.clone()}
                        {p.is_default.then(|| view! { " " <span class="badge">"Default"</span> })}
                    </h2>
                    <p class="muted">{format!("Calendar: {calendar}. Paused while: {pauses}. Categories: {used_by}.")}</p>
                    <TargetsTable policy=p.clone() />
                    <details>
                        <summary>{format!("Edit {}", p.name)}</summary>
                        <PolicyForm save error=Signal::derive(|| None) overview=overview.clone() policy=Some(p) />
                    </details>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

fn describe(target: Option<Target>) -> String {
    match target {
        None => "–".into(),
        Some(t) => format!(
            "{} {}",
            format_minutes(t.minutes),
            if t.business { "business" } else { "calendar" }
        ),
    }
}

#[component]
fn TargetsTable(policy: PolicyView) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table compact">
                <caption class="visually-hidden">{format!("Targets of {}", policy.name)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Priority"</th>
                        {Metric::ALL.into_iter().map(|m| view! { <th scope="col">{m.label()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {Priority::ALL
                        .into_iter()
                        .rev()
                        .map(|p| {
                            let t = targets_for(&policy.targets, p);
                            view! {
                                <tr>
                                    <th scope="row">{p.label()}</th>
                                    <td>{describe(t.first_response)}</td>
                                    <td>{describe(t.next_response)}</td>
                                    <td>{describe(t.resolution)}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The form for a new policy (`policy: None`) or an existing one.
#[component]
fn PolicyForm(
    save: ServerAction<SavePolicy>,
    error: Signal<Option<AppError>>,
    overview: SlaOverview,
    policy: Option<PolicyView>,
    /// What the last create made, for the form of a new policy.
    #[prop(optional, into)]
    created: Signal<Option<String>>,
) -> impl IntoView {
    let prefix = policy
        .as_ref()
        .map_or_else(|| "policy-new".to_owned(), |p| format!("policy-{}", p.id));
    let field_error = move |field: String| {
        move || {
            error
                .get()
                .and_then(|e| e.field_message(&field))
                .map(|text| view! { <p class="field-error" role="alert">{text}</p> })
        }
    };
    let targets = policy.as_ref().map(|p| p.targets).unwrap_or_default();
    let target_of = move |priority: Priority, metric: Metric| {
        let row = targets_for(&targets, priority);
        match metric {
            Metric::FirstResponse => row.first_response,
            Metric::NextResponse => row.next_response,
            Metric::Resolution => row.resolution,
        }
    };
    // A metric counts in business time unless every target of it says not.
    let business = move |metric: Metric| {
        let set: Vec<Target> = Priority::ALL
            .into_iter()
            .filter_map(|p| target_of(p, metric))
            .collect();
        set.is_empty() || set.iter().any(|t| t.business)
    };
    let pauses = policy
        .as_ref()
        .map_or_else(crate::domain::sla::default_pause_statuses, |p| {
            p.pause_on.clone()
        });
    let calendar = policy.as_ref().and_then(|p| p.calendar_id);
    let label = policy.as_ref().map_or_else(
        || "Create policy".to_owned(),
        |p| format!("Save {}", p.name),
    );
    view! {
        <ActionForm action=save attr:class="form">
            <FormMessage error success=created />
            {policy.as_ref().map(|p| view! { <input type="hidden" name="input[policy_id]" value=p.id.to_string() /> })}
            <div class="field">
                <label for=format!("{prefix}-name")>"Policy name"</label>
                <input id=format!("{prefix}-name") name="input[name]" value=policy.as_ref().map(|p| p.name.clone()) required=true />
                {field_error("name".into())}
            </div>
            <div class="field">
                <label for=format!("{prefix}-calendar")>"Business calendar"</label>
                <select id=format!("{prefix}-calendar") name="input[calendar_id]">
                    <option value="" selected=calendar.is_none()>"Around the clock (24/7)"</option>
                    {overview
                        .calendars
                        .iter()
                        .map(|c| view! { <option value=c.id.to_string() selected=calendar == Some(c.id)>{c.name.clone()}</option> })
                        .collect_view()}
                </select>
                {field_error("calendar_id".into())}
            </div>
            <fieldset>
                <legend>"Clocks pause while the ticket is"</legend>
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{prefix}-pause-pending") name="input[pause_pending]" value="on" checked=pauses.contains(&Status::Pending) />
                    <label for=format!("{prefix}-pause-pending")>"Pending (waiting on the customer)"</label>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{prefix}-pause-hold") name="input[pause_on_hold]" value="on" checked=pauses.contains(&Status::OnHold) />
                    <label for=format!("{prefix}-pause-hold")>"On hold"</label>
                </div>
            </fieldset>
            <div class="table-wrap">
                <table class="table compact targets">
                    <caption>"Targets"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Priority"</th>
                            {Metric::ALL.into_iter().map(|m| view! { <th scope="col">{m.label()}</th> }).collect_view()}
                        </tr>
                        <tr>
                            <th scope="row">"Counted in"</th>
                            {Metric::ALL
                                .into_iter()
                                .map(|m| {
                                    let id = format!("{prefix}-{}-basis", m.as_str());
                                    view! {
                                        <td>
                                            <label class="visually-hidden" for=id.clone()>{format!("{} counted in", m.label())}</label>
                                            <select id=id name=format!("input[{}_basis]", m.as_str())>
                                                <option value="business" selected=business(m)>"Business time"</option>
                                                <option value="calendar" selected=!business(m)>"Calendar time"</option>
                                            </select>
                                        </td>
                                    }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {Priority::ALL
                            .into_iter()
                            .rev()
                            .map(|p| view! {
                                <tr>
                                    <th scope="row">{p.label()}</th>
                                    {Metric::ALL
                                        .into_iter()
                                        .map(|m| {
                                            let field = target_field(p, m);
                                            let id = format!("{prefix}-{field}");
                                            let value = target_of(p, m).map(|t| format_minutes(t.minutes)).unwrap_or_default();
                                            view! {
                                                <td>
                                                    <label class="visually-hidden" for=id.clone()>{format!("{} target for {}", m.label(), p.label())}</label>
                                                    <input id=id name=format!("input[{field}]") value=value size=8 />
                                                    {field_error(field.clone())}
                                                </td>
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            <div class="field checkbox">
                <input type="checkbox" id=format!("{prefix}-default") name="input[is_default]" value="on" checked=policy.as_ref().is_some_and(|p| p.is_default) />
                <label for=format!("{prefix}-default")>"Default policy (for tickets whose category names none)"</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{label}</button>
            </div>
        </ActionForm>
    }
}
