//! Accepting an invitation to join as an agent or admin.

use crate::api::auth::{check_invitation, AcceptInvite as AcceptInviteFn};
use crate::components::auth::refresh_auth_on_success;
use crate::components::form::{action_error, EmailedLinkStatus, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn AcceptInvite() -> impl IntoView {
    let action = ServerAction::<AcceptInviteFn>::new();
    refresh_auth_on_success(action);
    let error = action_error(action);
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Join Ferrodesk"</h1>
                <p class="lead">"You were invited to work on our service desk. Choose your name and a password."</p>
                <ActionForm action attr:class="form">
                    <EmailedLinkStatus check=check_invitation error />
                    <TextField label="Name" name="input[name]" id="invite-name" field="name" error autocomplete="name" />
                    <TextField
                        label="Password"
                        name="input[password]"
                        id="invite-password"
                        field="password"
                        error
                        kind="password"
                        autocomplete="new-password"
                        hint="At least 8 characters, not a common password and not your name or email."
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Accept invitation"</button>
                    </div>
                </ActionForm>
            </div>
        </div>
    }
}
