//! The user list with invitations, role changes and deactivation.

use super::AdminPage;
use crate::api::admin::{list_users, ChangeRole, DeactivateUser, InviteUser};
use crate::api::types::UserSummary;
use crate::components::form::{action_error, FormMessage, TextField};
use crate::domain::Role;
use crate::error::AppError;
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AdminUsers() -> impl IntoView {
    // Created here, outside the guard's reactive body, so they exist once
    // per page (a re-render of the guard must not duplicate resources).
    let invite = ServerAction::<InviteUser>::new();
    let change_role = ServerAction::<ChangeRole>::new();
    let deactivate = ServerAction::<DeactivateUser>::new();
    let users = Resource::new(
        move || {
            (
                invite.version().get(),
                change_role.version().get(),
                deactivate.version().get(),
            )
        },
        |_| list_users(),
    );
    view! {
        <AdminPage current="users">
            <Users invite change_role deactivate users />
        </AdminPage>
    }
}

#[component]
fn Users(
    invite: ServerAction<InviteUser>,
    change_role: ServerAction<ChangeRole>,
    deactivate: ServerAction<DeactivateUser>,
    users: Resource<Result<Vec<UserSummary>, AppError>>,
) -> impl IntoView {
    let invite_error = action_error(invite);
    let row_error = Signal::derive(move || {
        action_error(change_role)
            .get()
            .or_else(|| action_error(deactivate).get())
    });
    let invited = query_param("invited");
    let invite_success = Signal::derive(move || {
        invited
            .get()
            .map(|email| format!("Invitation sent to {email}."))
    });
    view! {
        <section class="panel" aria-labelledby="invite-title">
            <h2 class="panel-title" id="invite-title">"Invite a team member"</h2>
            <p class="panel-lead">"They receive an email with a link to choose their name and password."</p>
            <ActionForm action=invite attr:class="form" attr:aria-labelledby="invite-title">
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
            <FormMessage error=row_error />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    users
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => view! { <div class="empty-state">"No users yet."</div> }.into_any(),
                            Ok(list) => view! { <UserTable list change_role deactivate /> }.into_any(),
                            Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn UserTable(
    list: Vec<UserSummary>,
    change_role: ServerAction<ChangeRole>,
    deactivate: ServerAction<DeactivateUser>,
) -> impl IntoView {
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
                    {list.into_iter().map(|user| view! { <UserRow user change_role deactivate /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    change_role: ServerAction<ChangeRole>,
    deactivate: ServerAction<DeactivateUser>,
) -> impl IntoView {
    let select_id = format!("role-{}", user.id);
    let role_form_id = user.id.to_string();
    let deactivate_form_id = user.id.to_string();
    let role_label = format!("Role for {}", user.email);
    let change_label = format!("Change role for {}", user.email);
    let deactivate_label = format!("Deactivate {}", user.email);
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
            </td>
        </tr>
    }
}
