//! The user list with invitations, role changes and deactivation.

use super::AdminPage;
use crate::api::admin::{list_users, ChangeRole, DeactivateUser, InviteUser, ReactivateUser};
use crate::api::types::{UserPage, UserSummary};
use crate::components::form::{action_error, clear_on_success, successes, FormMessage, TextField};
use crate::domain::Role;
use crate::error::AppError;
use crate::pages::{query_param, url_encode};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AdminUsers() -> impl IntoView {
    // Created here, outside the guard's reactive body, so they exist once
    // per page (a re-render of the guard must not duplicate resources).
    let invite = ServerAction::<InviteUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let deactivate = ServerAction::<DeactivateUser>::new();
    let reactivate = ServerAction::<ReactivateUser>::new();
    let saved = (
        successes(invite),
        successes(change_role),
        successes(deactivate),
        successes(reactivate),
    );
    let (q, after) = (query_param("q"), query_param("after"));
    let users = Resource::new(
        move || {
            (
                (saved.0.get(), saved.1.get(), saved.2.get(), saved.3.get()),
                q.get(),
                after.get().and_then(|a| a.parse::<i64>().ok()),
            )
        },
        |(_, q, after)| list_users(q, after),
    );
    let actions = RowActions {
        change_role,
        deactivate,
        reactivate,
    };
    view! {
        <AdminPage current="users">
            <Users invite actions users />
        </AdminPage>
    }
}

/// The actions a user's row offers, created once per page.
#[derive(Clone, Copy)]
struct RowActions {
    change_role: ServerAction<ChangeRole>,
    deactivate: ServerAction<DeactivateUser>,
    reactivate: ServerAction<ReactivateUser>,
}

#[component]
fn Users(
    invite: ServerAction<InviteUser>,
    actions: RowActions,
    users: Resource<Result<UserPage, AppError>>,
) -> impl IntoView {
    let q = query_param("q");
    let invite_error = action_error(invite);
    let row_error = Signal::derive(move || {
        action_error(actions.change_role)
            .get()
            .or_else(|| action_error(actions.deactivate).get())
            .or_else(|| action_error(actions.reactivate).get())
    });
    let deactivated = query_param("deactivated");
    let returned = query_param("returned");
    let row_success = Signal::derive(move || {
        deactivated.get().map(|name| {
            let moved = match returned.get().as_deref() {
                Some("1") => "1 open ticket went back to its group's queue".to_owned(),
                Some(n) if n != "0" => {
                    format!("{n} open tickets went back to their groups' queues")
                }
                _ => "they had no open tickets".to_owned(),
            };
            format!("{name} was deactivated and signed out; {moved}.")
        })
    });
    let invited = query_param("invited");
    let (invite_form, sent) = clear_on_success(invite, |i| {
        format!("Invitation sent to {}.", i.input.email.trim())
    });
    let invite_success = Signal::derive(move || {
        sent.get().or_else(|| {
            invited
                .get()
                .map(|email| format!("Invitation sent to {email}."))
        })
    });
    view! {
        <section class="panel" aria-labelledby="invite-title">
            <h2 class="panel-title" id="invite-title">"Invite a team member"</h2>
            <p class="panel-lead">"They receive an email with a link to choose their name and password."</p>
            <ActionForm action=invite node_ref=invite_form attr:class="form" attr:aria-labelledby="invite-title">
                <FormMessage error=invite_error success=invite_success />
                <TextField label="Email" name="input[email]" id="invite-email" field="email" error=invite_error kind="email" />
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="input[role]">
                        <option value="agent">"Agent"</option>
                        <option value="admin">"Admin"</option>
                    </select>
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary">"Send invitation"</button>
                </div>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="users-title">
            <h2 class="panel-title" id="users-title">"Users"</h2>
            <form method="get" action="/admin" class="filter-form" role="search" aria-label="Find users">
                <div class="field">
                    <label for="user-q">"Find by name or email"</label>
                    <input id="user-q" name="q" type="search" value=move || q.get().unwrap_or_default() />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-secondary">"Find"</button>
                </div>
            </form>
            <FormMessage error=row_error success=row_success />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    users
                        .get()
                        .map(|result| match result {
                            Ok(page) if page.items.is_empty() => view! { <div class="empty-state">"No users match."</div> }.into_any(),
                            Ok(page) => {
                                let next = page.next.map(|id| {
                                    let query = q.get().map(|q| format!("q={}&", url_encode(&q))).unwrap_or_default();
                                    view! { <p><a href=format!("/admin?{query}after={id}")>"Next page"</a></p> }
                                });
                                view! { <UserTable list=page.items actions /> {next} }.into_any()
                            }
                            Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn UserTable(list: Vec<UserSummary>, actions: RowActions) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|user| view! { <UserRow user actions /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(user: UserSummary, actions: RowActions) -> impl IntoView {
    let RowActions {
        change_role,
        deactivate,
        reactivate,
    } = actions;
    let select_id = format!("role-{}", user.id);
    let role_form_id = user.id.to_string();
    let deactivate_form_id = user.id.to_string();
    let role_label = format!("Role for {}", user.email);
    let change_label = format!("Change role for {}", user.email);
    let deactivate_label = format!("Deactivate {}", user.email);
    let reactivate_label = format!("Reactivate {}", user.email);
    let reactivate_form_id = user.id.to_string();
    let inactive = !user.active;
    let current = user.role;
    let (status, status_class) = if user.active {
        ("Active", "badge badge-active")
    } else {
        ("Deactivated", "badge badge-inactive")
    };
    view! {
        <tr>
            <td>{user.name.clone()}</td>
            <td>{user.email.clone()}</td>
            <td>
                <span class=format!("badge badge-{}", user.role.as_str())>{user.role.label()}</span>
            </td>
            <td>
                <span class=status_class>{status}</span>
            </td>
            <td class="actions">
                {user
                    .active
                    .then(move || {
                        view! {
                            <ActionForm action=change_role attr:class="inline-form">
                                <input type="hidden" name="input[user_id]" value=role_form_id />
                                <label class="visually-hidden" for=select_id.clone()>
                                    {role_label}
                                </label>
                                <select id=select_id.clone() name="input[role]">
                                    {Role::ALL
                                        .into_iter()
                                        .map(|role| {
                                            view! {
                                                <option value=role.as_str() selected=role == current>
                                                    {role.label()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                                <button type="submit" class="btn btn-secondary btn-small" aria-label=change_label>
                                    "Change role"
                                </button>
                            </ActionForm>
                            <ActionForm action=deactivate attr:class="inline-form">
                                <input type="hidden" name="input[user_id]" value=deactivate_form_id />
                                <button type="submit" class="btn btn-danger btn-small" aria-label=deactivate_label>
                                    "Deactivate"
                                </button>
                            </ActionForm>
                        }
                    })}
                {inactive
                    .then(move || {
                        view! {
                            <ActionForm action=reactivate attr:class="inline-form">
                                <input type="hidden" name="input[user_id]" value=reactivate_form_id />
                                <button type="submit" class="btn btn-secondary btn-small" aria-label=reactivate_label>
                                    "Reactivate"
                                </button>
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}
