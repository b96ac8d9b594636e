//! Password reset: ask for a link, then choose a new password.

use crate::api::auth::{check_reset_token, RequestPasswordReset, ResetPassword};
use crate::components::form::{action_error, EmailedLinkStatus, FormMessage, TextField};
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ResetRequest() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(action);
    let sent = query_param("sent");
    let success = Signal::derive(move || {
        sent.get().map(|_| {
            "If an account exists for that address, a reset link is on its way.".to_owned()
        })
    });
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Reset your password"</h1>
                <p class="lead">"We will email you a link to choose a new password."</p>
                <ActionForm action attr:class="form">
                    <FormMessage error success />
                    <TextField label="Email" name="input[email]" id="reset-email" field="email" error kind="email" autocomplete="email" />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Send reset link"</button>
                    </div>
                </ActionForm>
                <p class="form-links">
                    <a href="/portal/sign-in">"Back to sign in"</a>
                </p>
            </div>
        </div>
    }
}

#[component]
pub fn ResetConfirm() -> impl IntoView {
    let action = ServerAction::<ResetPassword>::new();
    let error = action_error(action);
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Choose a new password"</h1>
                <ActionForm action attr:class="form">
                    <EmailedLinkStatus check=check_reset_token error />
                    <TextField
                        label="New password"
                        name="input[password]"
                        id="reset-password"
                        field="password"
                        error
                        kind="password"
                        autocomplete="new-password"
                        hint="At least 8 characters, not a common password and not your name or email."
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Set new password"</button>
                    </div>
                </ActionForm>
                <p class="form-links">
                    <a href="/portal/reset">"Request a new link"</a>
                </p>
            </div>
        </div>
    }
}
