use crate::api::auth::SignIn as SignInFn;
use crate::components::auth::refresh_auth_on_success;
use crate::components::form::{action_error, FormMessage, TextField};
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignInFn>::new();
    refresh_auth_on_success(action);
    let error = action_error(action);
    let reset = query_param("reset");
    let success = Signal::derive(move || {
        reset
            .get()
            .map(|_| "Your password has been changed. Sign in with the new one.".to_owned())
    });
    view! {
        <div class="page-narrow">
            <div class="card">
                <h1 class="page-title">"Sign in"</h1>
                <ActionForm action attr:class="form">
                    <FormMessage error success />
                    <TextField label="Email" name="input[email]" id="signin-email" field="email" error kind="email" autocomplete="email" />
                    <TextField
                        label="Password"
                        name="input[password]"
                        id="signin-password"
                        field="password"
                        error
                        kind="password"
                        autocomplete="current-password"
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Sign in"</button>
                    </div>
                </ActionForm>
                <p class="form-links">
                    <a href="/portal/reset">"Forgot your password?"</a>
                    <a href="/portal/sign-up">"Create an account"</a>
                </p>
            </div>
        </div>
    }
}
