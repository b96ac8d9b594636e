//! Escalation matrices in the admin console: per priority and metric,
//! levels at offsets from the SLA due time with their actions, shown as a
//! table. Each change is validated as a whole matrix before it is saved.

use super::AdminPage;
use crate::api::sla::{load_sla, RemoveLevel, SaveLevel, SaveMatrix};
use crate::api::sla_types::{MatrixView, SlaOverview};
use crate::components::form::{action_error, ErrorSummary, FormMessage};
use crate::domain::escalation::{describe_offset, EscalationAction, Level, Row};
use crate::domain::sla::Metric;
use crate::domain::Priority;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Actions {
    matrix: ServerAction<SaveMatrix>,
    level: ServerAction<SaveLevel>,
    remove: ServerAction<RemoveLevel>,
}

#[component]
pub fn AdminEscalations() -> impl IntoView {
    let create = ServerAction::<SaveMatrix>::new();
    let actions = Actions {
        matrix: ServerAction::<SaveMatrix>::new(),
        level: ServerAction::<SaveLevel>::new(),
        remove: ServerAction::<RemoveLevel>::new(),
    };
    let overview = Resource::new(
        move || {
            (
                create.version().get(),
                actions.matrix.version().get(),
                actions.level.version().get(),
                actions.remove.version().get(),
            )
        },
        |_| load_sla(),
    );
    let create_error = action_error(create);
    let matrix_error = action_error(actions.matrix);
    let level_error = action_error(actions.level);
    let remove_error = action_error(actions.remove);
    view! {
        <AdminPage current="escalations">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(o) => view! {
                        <section class="panel" aria-labelledby="new-matrix-title">
                            <h2 class="panel-title" id="new-matrix-title">"New escalation matrix"</h2>
                            <p class="panel-lead">
                                "A matrix says what happens as an SLA due time nears and passes: per priority and metric, levels at minutes from the due time (−30 before, 0 at, 60 after). Each level fires once per SLA cycle."
                            </p>
                            <MatrixForm save=create error=create_error matrix=None />
                        </section>
                        <ErrorSummary error=matrix_error />
                        <ErrorSummary error=level_error />
                        <ErrorSummary error=remove_error />
                        <MatrixList overview=o actions />
                    }
                        .into_any(),
                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </AdminPage>
    }
}

#[component]
fn MatrixForm(
    save: ServerAction<SaveMatrix>,
    error: Signal<Option<AppError>>,
    matrix: Option<MatrixView>,
) -> impl IntoView {
    let prefix = matrix
        .as_ref()
        .map_or_else(|| "matrix-new".to_owned(), |m| format!("matrix-{}", m.id));
    let label = matrix.as_ref().map_or_else(
        || "Create matrix".to_owned(),
        |m| format!("Save {}", m.name),
    );
    view! {
        <ActionForm action=save attr:class="form form-inline">
            <FormMessage error />
            {matrix.as_ref().map(|m| view! { <input type="hidden" name="input[matrix_id]" value=m.id.to_string() /> })}
            <div class="field">
                <label for=format!("{prefix}-name")>"Matrix name"</label>
                <input id=format!("{prefix}-name") name="input[name]" value=matrix.as_ref().map(|m| m.name.clone()) required=true />
                {move || error.get().and_then(|e| e.field_message("name")).map(|t| view! { <p class="field-error" role="alert">{t}</p> })}
            </div>
            <div class="field checkbox">
                <input type="checkbox" id=format!("{prefix}-default") name="input[is_default]" value="on" checked=matrix.as_ref().is_some_and(|m| m.is_default) />
                <label for=format!("{prefix}-default")>"Default matrix (for tickets whose category names none)"</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-secondary">{label}</button>
            </div>
        </ActionForm>
    }
}

#[component]
fn MatrixList(overview: SlaOverview, actions: Actions) -> impl IntoView {
    if overview.matrices.is_empty() {
        return view! { <div class="empty-state">"No escalation matrices yet: breaches are recorded, but nobody is alerted."</div> }
            .into_any();
    }
    overview
        .matrices
        .clone()
        .into_iter()
        .map(|m| {
            let title = format!("matrix-{}-title", m.id);
            let section = format!("matrix-{}", m.id);
            let used_by = if m.categories.is_empty() {
                "No category".to_owned()
            } else {
                m.categories.join(", ")
            };
            view! {
                <section class="panel" id=section aria-labelledby=title.clone()>
                    <h2 class="panel-title" id=title.clone()>
                        {m.name.clone()}
                        {m.is_default.then(|| view! { " " <span class="badge">"Default"</span> })}
                    </h2>
                    <p class="muted">{format!("Categories: {used_by}.")}</p>
                    <MatrixTable matrix=m.clone() overview=overview.clone() actions />
                    <details>
                        <summary>{format!("Add a level to {}", m.name)}</summary>
                        <LevelForm matrix_id=m.id overview=overview.clone() save=actions.level row=None level=None />
                    </details>
                    <details>
                        <summary>{format!("Rename {}", m.name)}</summary>
                        <MatrixForm save=actions.matrix error=Signal::derive(|| None) matrix=Some(m.clone()) />
                    </details>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

fn action_text(action: &EscalationAction, overview: &SlaOverview) -> String {
    action.describe(|id| overview.staff_name(id), |id| overview.group_name(id))
}

#[component]
fn MatrixTable(matrix: MatrixView, overview: SlaOverview, actions: Actions) -> impl IntoView {
    if matrix.matrix.rows.is_empty() {
        return view! { <p class="muted">"No levels yet."</p> }.into_any();
    }
    let lines: Vec<(Row, usize, Level)> = matrix
        .matrix
        .rows
        .iter()
        .flat_map(|r| {
            r.levels
                .iter()
                .cloned()
                .enumerate()
                .map(move |(i, l)| (r.clone(), i + 1, l))
        })
        .collect();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">{format!("Levels of {}", matrix.name)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Metric"</th>
                        <th scope="col">"Level"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Actions"</th>
                        <th scope="col">"Change"</th>
                    </tr>
                </thead>
                <tbody>
                    {lines
                        .into_iter()
                        .map(|(row, n, level)| {
                            let what = level.actions.iter().map(|a| action_text(a, &overview)).collect::<Vec<_>>().join(", ");
                            let name = format!("{} {} level {n}", row.priority.label(), row.metric.label().to_lowercase());
                            view! {
                                <tr>
                                    <td>{row.priority.label()}</td>
                                    <td>{row.metric.label()}</td>
                                    <td>{n}</td>
                                    <td>{describe_offset(level.offset_minutes)}</td>
                                    <td>{what}</td>
                                    <td>
                                        <details>
                                            <summary>{format!("Edit {name}")}</summary>
                                            <LevelForm matrix_id=matrix.id overview=overview.clone() save=actions.level row=Some(row.clone()) level=Some((n, level.clone())) />
                                        </details>
                                        <ActionForm action=actions.remove attr:class="inline-form">
                                            <input type="hidden" name="input[matrix_id]" value=matrix.id.to_string() />
                                            <input type="hidden" name="input[priority]" value=row.priority.as_str() />
                                            <input type="hidden" name="input[metric]" value=row.metric.as_str() />
                                            <input type="hidden" name="input[level]" value=n.to_string() />
                                            <button type="submit" class="btn btn-link">{format!("Remove {name}")}</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Adds a level (`level: None`) or edits level `n` of `row`.
#[component]
fn LevelForm(
    matrix_id: i64,
    overview: SlaOverview,
    save: ServerAction<SaveLevel>,
    row: Option<Row>,
    level: Option<(usize, Level)>,
) -> impl IntoView {
    let prefix = match (&row, &level) {
        (Some(r), Some((n, _))) => format!(
            "level-{matrix_id}-{}-{}-{n}",
            r.priority.as_str(),
            r.metric.as_str()
        ),
        _ => format!("level-{matrix_id}-new"),
    };
    let has = |wanted: EscalationAction| {
        level
            .as_ref()
            .is_some_and(|(_, l)| l.actions.contains(&wanted))
    };
    let (assignee_on, leads_on, raise_on) = (
        has(EscalationAction::NotifyAssignee),
        has(EscalationAction::NotifyGroupLeads),
        has(EscalationAction::RaisePriority),
    );
    let user = level.as_ref().and_then(|(_, l)| {
        l.actions.iter().find_map(|a| match a {
            EscalationAction::NotifyUser(id) => Some(*id),
            _ => None,
        })
    });
    let group = level.as_ref().and_then(|(_, l)| {
        l.actions.iter().find_map(|a| match a {
            EscalationAction::ReassignToGroup(id) => Some(*id),
            _ => None,
        })
    });
    let offset = level.as_ref().map_or(0, |(_, l)| l.offset_minutes);
    let label = if level.is_some() {
        "Save level"
    } else {
        "Add level"
    };
    let level_no = level.as_ref().map(|(n, _)| *n);
    view! {
        <ActionForm action=save attr:class="form">
            <input type="hidden" name="input[matrix_id]" value=matrix_id.to_string() />
            {level_no.map(|n| view! { <input type="hidden" name="input[level]" value=n.to_string() /> })}
            {match &row {
                Some(r) => view! {
                    <input type="hidden" name="input[priority]" value=r.priority.as_str() />
                    <input type="hidden" name="input[metric]" value=r.metric.as_str() />
                }
                    .into_any(),
                None => view! {
                    <div class="field">
                        <label for=format!("{prefix}-priority")>"Priority"</label>
                        <select id=format!("{prefix}-priority") name="input[priority]">
                            {Priority::ALL.into_iter().rev().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-metric")>"Metric"</label>
                        <select id=format!("{prefix}-metric") name="input[metric]">
                            {Metric::ALL.into_iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
                        </select>
                    </div>
                }
                    .into_any(),
            }}
            <div class="field">
                <label for=format!("{prefix}-offset")>"Minutes from the due time"</label>
                <input id=format!("{prefix}-offset") name="input[offset]" value=offset.to_string() inputmode="numeric" required=true />
                <p class="hint">"Negative before the due time, 0 at it, positive after it."</p>
            </div>
            <fieldset>
                <legend>"Actions"</legend>
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{prefix}-assignee") name="input[notify_assignee]" value="on" checked=assignee_on />
                    <label for=format!("{prefix}-assignee")>"Notify the assignee"</label>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{prefix}-leads") name="input[notify_leads]" value="on" checked=leads_on />
                    <label for=format!("{prefix}-leads")>"Notify the group's leads"</label>
                </div>
                <div class="field checkbox">
                    <input type="checkbox" id=format!("{prefix}-raise") name="input[raise_priority]" value="on" checked=raise_on />
                    <label for=format!("{prefix}-raise")>"Raise the priority one step"</label>
                </div>
                <div class="field">
                    <label for=format!("{prefix}-user")>"Notify a person"</label>
                    <select id=format!("{prefix}-user") name="input[notify_user]">
                        <option value="" selected=user.is_none()>"Nobody"</option>
                        {overview
                            .staff
                            .iter()
                            .map(|s| view! { <option value=s.id.to_string() selected=user == Some(s.id)>{format!("{} ({})", s.name, s.email)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=format!("{prefix}-group")>"Reassign to group"</label>
                    <select id=format!("{prefix}-group") name="input[reassign_group]">
                        <option value="" selected=group.is_none()>"Keep the group"</option>
                        {overview
                            .groups
                            .iter()
                            .filter(|g| !g.archived || group == Some(g.id))
                            .map(|g| view! { <option value=g.id.to_string() selected=group == Some(g.id)>{g.name.clone()}</option> })
                            .collect_view()}
                    </select>
                </div>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">{label}</button>
            </div>
        </ActionForm>
    }
}
