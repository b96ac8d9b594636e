//! Creating an account: the form mails a confirmation link (or, for an
//! address that already has an account, a note to its owner), and the link's
//! page creates the account and signs in.

use crate::api::auth::{check_sign_up, ConfirmSignUp, SignUp as SignUpFn};
use crate::components::auth::refresh_auth_on_success;
use crate::components::form::{action_error, EmailedLinkStatus, FormMessage, TextField};
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignUp() -> impl IntoView {
    let sent = query_param("sent");
    view! {
        <div class="page-narrow">
            <div class="card">
                <Show when=move || sent.get().is_some() fallback=SignUpForm>
                    <h1 class="page-title">"Check your email"</h1>
                    <p class="lead" role="status">
                        "We sent a link to the address you gave. Open it within 24 hours to finish creating your account."
                    </p>
                    <p>
                        "Nothing arrived after a few minutes? Look in your spam folder, or "
                        <a href="/portal/sign-up">"sign up again"</a>
                        " to get a new link."
                    </p>
                    <p class="form-links">
                        <a href="/portal/sign-in">"Back to sign in"</a>
                    </p>
                </Show>
            </div>
        </div>
    }
}

#[component]
fn SignUpForm() -> impl IntoView {
    let action = ServerAction::<SignUpFn>::new();
    let error = action_error(action);
    // The new profile starts in the browser's timezone (UTC without one).
    let zone = RwSignal::new(String::new());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(name) = crate::components::zone::browser_zone() {
            zone.set(name);
        }
    });
    view! {
        <h1 class="page-title">"Create your account"</h1>
        <p class="lead">"Follow your requests and talk to our team."</p>
        <ActionForm action attr:class="form">
            <FormMessage error />
            <input type="hidden" name="input[timezone]" prop:value=move || zone.get() />
            <TextField label="Name" name="input[name]" id="signup-name" field="name" error autocomplete="name" />
            <TextField label="Email" name="input[email]" id="signup-email" field="email" error kind="email" autocomplete="email" />
            <TextField
                label="Password"
                name="input[password]"
                id="signup-password"
                field="password"
                error
                kind="password"
                autocomplete="new-password"
                hint="At least 8 characters, not a common password and not your name or email. Long passphrases welcome."
            />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary">"Create account"</button>
            </div>
        </ActionForm>
        <p class="form-links">
            <a href="/portal/sign-in">"Already have an account? Sign in"</a>
        </p>
    }
}

/// The page the confirmation link opens: one button, so a mail scanner that
/// fetches the link creates nothing.
#[component]
pub fn SignUpConfirm() -> impl IntoView {
    let action = ServerAction::<ConfirmSignUp>::new();
    refresh_auth_on_success(action);
    let error = action_error(action);
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Finish creating your account"</h1>
                <p class="lead">"Your address is confirmed once you press the button."</p>
                <ActionForm action attr:class="form">
                    <EmailedLinkStatus check=check_sign_up error />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Create my account"</button>
                    </div>
                </ActionForm>
                <p class="form-links">
                    <a href="/portal/sign-in">"Already done? Sign in"</a>
                </p>
            </div>
        </div>
    }
}
