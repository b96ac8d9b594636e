//! The category tree in the admin console: each category names the group
//! its tickets go to and their default priority.

use super::AdminPage;
use crate::api::routing::{load_categories, DeleteCategory, SaveCategory};
use crate::api::routing_types::{CategoriesOverview, CategoryView, NamedOption};
use crate::api::types::GroupOption;
use crate::components::form::{
    action_error, clear_on_success, successes, ErrorSummary, FormMessage, TextField,
};
use crate::domain::Priority;
use crate::error::AppError;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AdminCategories() -> impl IntoView {
    let create = ServerAction::<SaveCategory>::new();
    let edit = ServerAction::<SaveCategory>::new();
    let delete = ServerAction::<DeleteCategory>::new();
    let saved = (successes(create), successes(edit), successes(delete));
    let overview = Resource::new(
        move || (saved.0.get(), saved.1.get(), saved.2.get()),
        |_| load_categories(),
    );
    let create_error = action_error(create);
    // The form itself is drawn anew once the list reloads.
    let (_, created) = clear_on_success(create, |c| {
        format!("Category “{}” created.", c.input.name.trim())
    });
    let edit_error = action_error(edit);
    let delete_error = action_error(delete);
    view! {
        <AdminPage current="categories">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || overview.get().map(|result| match result {
                    Ok(o) => view! {
                        <NewCategory overview=o.clone() create error=create_error created />
                        <ErrorSummary error=edit_error />
                        <ErrorSummary error=delete_error />
                        <CategoryList overview=o edit delete />
                    }
                        .into_any(),
                    Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                })}
            </Transition>
        </AdminPage>
    }
}

#[component]
fn NewCategory(
    overview: CategoriesOverview,
    create: ServerAction<SaveCategory>,
    error: Signal<Option<AppError>>,
    created: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="new-category-title">
            <h2 class="panel-title" id="new-category-title">"New category"</h2>
            <p class="panel-lead">"Customers pick a category when they raise a ticket; the ticket goes to its group. Changes apply to new tickets only."</p>
            <ActionForm action=create attr:class="form" attr:aria-labelledby="new-category-title">
                <FormMessage error success=created />
                <TextField label="Category name" name="input[name]" id="category-name" field="name" error />
                <ParentSelect id="category-parent".into() categories=overview.categories.clone() own=None current=None />
                <GroupSelect id="category-group".into() groups=overview.groups.clone() current=None />
                <PrioritySelect id="category-priority".into() current=Priority::Normal />
                <SlaSelects prefix="category".into() overview=overview.clone() policy=None matrix=None />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">"Create category"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn CategoryList(
    overview: CategoriesOverview,
    edit: ServerAction<SaveCategory>,
    delete: ServerAction<DeleteCategory>,
) -> impl IntoView {
    if overview.categories.is_empty() {
        return view! { <div class="empty-state">"No categories yet: customers raise tickets without one, and they wait ungrouped."</div> }
            .into_any();
    }
    view! {
        <section class="panel" aria-labelledby="categories-title">
            <h2 class="panel-title" id="categories-title">"Categories"</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Group"</th>
                            <th scope="col">"Default priority"</th>
                            <th scope="col">"SLA policy"</th>
                            <th scope="col">"Escalation"</th>
                            <th scope="col">"Edit"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {overview
                            .categories
                            .iter()
                            .cloned()
                            .map(|c| view! { <CategoryRow c overview=overview.clone() edit delete /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn CategoryRow(
    c: CategoryView,
    overview: CategoriesOverview,
    edit: ServerAction<SaveCategory>,
    delete: ServerAction<DeleteCategory>,
) -> impl IntoView {
    let id = c.id;
    let delete_label = format!("Delete {}…", c.name);
    let (all, groups) = (overview.categories.clone(), overview.groups.clone());
    view! {
        <tr>
            <td class=format!("category-depth-{}", c.depth.min(3))>
                {c.name.clone()}
                {c.archived.then(|| view! { " " <span class="badge badge-inactive">"Archived"</span> })}
            </td>
            <td>{c.group_name.clone().unwrap_or_else(|| "None".into())}</td>
            <td>{c.default_priority.label()}</td>
            <td>{overview.policy_name(c.sla_policy_id)}</td>
            <td>{overview.matrix_name(c.escalation_matrix_id)}</td>
            <td>
                <details>
                    <summary>{format!("Edit {}", c.path)}</summary>
                    <ActionForm action=edit attr:class="form">
                        <input type="hidden" name="input[category_id]" value=id.to_string() />
                        <div class="field">
                            <label for=format!("category-{id}-name")>"Name"</label>
                            <input id=format!("category-{id}-name") name="input[name]" value=c.name.clone() required=true />
                        </div>
                        <ParentSelect id=format!("category-{id}-parent") categories=all own=Some(id) current=c.parent_id />
                        <GroupSelect id=format!("category-{id}-group") groups current=c.group_id />
                        <PrioritySelect id=format!("category-{id}-priority") current=c.default_priority />
                        <SlaSelects prefix=format!("category-{id}") overview=overview.clone() policy=c.sla_policy_id matrix=c.escalation_matrix_id />
                        <div class="field checkbox">
                            <input type="checkbox" id=format!("category-{id}-archived") name="input[archived]" value="on" checked=c.archived />
                            <label for=format!("category-{id}-archived")>"Archived (customers no longer see it)"</label>
                        </div>
                        <div class="form-actions">
                            <button type="submit" class="btn btn-secondary">{format!("Save {}", c.name)}</button>
                        </div>
                    </ActionForm>
                    <details class="confirm">
                        <summary class="btn btn-secondary btn-small">{delete_label}</summary>
                        <p class="muted">"For a category made by mistake: one that tickets or other categories use stays, and can be archived instead."</p>
                        <ActionForm action=delete attr:class="inline-form">
                            <input type="hidden" name="input[category_id]" value=id.to_string() />
                            <button type="submit" class="btn btn-danger btn-small">"Delete for good"</button>
                        </ActionForm>
                    </details>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn ParentSelect(
    id: String,
    categories: Vec<CategoryView>,
    own: Option<i64>,
    current: Option<i64>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Parent category"</label>
            <select id=id name="input[parent_id]">
                <option value="" selected=current.is_none()>"None (top level)"</option>
                {categories
                    .into_iter()
                    .filter(|c| Some(c.id) != own)
                    .map(|c| view! { <option value=c.id.to_string() selected=current == Some(c.id)>{c.path}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn GroupSelect(id: String, groups: Vec<GroupOption>, current: Option<i64>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Group"</label>
            <select id=id name="input[group_id]">
                <option value="" selected=current.is_none()>"No group"</option>
                {groups
                    .into_iter()
                    .filter(|g| !g.archived || current == Some(g.id))
                    .map(|g| view! { <option value=g.id.to_string() selected=current == Some(g.id)>{g.name}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

#[component]
fn PrioritySelect(id: String, current: Priority) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Default priority"</label>
            <select id=id name="input[default_priority]">
                {Priority::ALL
                    .into_iter()
                    .map(|p| view! { <option value=p.as_str() selected=p == current>{p.label()}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}

/// The category's SLA policy and escalation matrix; empty picks the default.
#[component]
fn SlaSelects(
    prefix: String,
    overview: CategoriesOverview,
    policy: Option<i64>,
    matrix: Option<i64>,
) -> impl IntoView {
    view! {
        <IdSelect id=format!("{prefix}-policy") label="SLA policy" name="input[sla_policy_id]" default="Default policy" options=overview.policies current=policy />
        <IdSelect id=format!("{prefix}-matrix") label="Escalation matrix" name="input[escalation_matrix_id]" default="Default matrix" options=overview.matrices current=matrix />
    }
}

#[component]
fn IdSelect(
    id: String,
    label: &'static str,
    name: &'static str,
    default: &'static str,
    options: Vec<NamedOption>,
    current: Option<i64>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="" selected=current.is_none()>{default}</option>
                {options
                    .into_iter()
                    .map(|o| view! { <option value=o.id.to_string() selected=current == Some(o.id)>{o.name}</option> })
                    .collect_view()}
            </select>
        </div>
    }
}
