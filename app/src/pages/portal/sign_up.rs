use crate::api::auth::SignUp as SignUpFn;
use crate::components::auth::refresh_auth_on_success;
use crate::components::form::{action_error, FormMessage, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn SignUp() -> impl IntoView {
    let action = ServerAction::<SignUpFn>::new();
    refresh_auth_on_success(action);
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
        <div class="page-narrow">
            <div class="card">
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
                        hint="At least 8 characters. Long passphrases welcome."
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Create account"</button>
                    </div>
                </ActionForm>
                <p class="form-links">
                    <a href="/portal/sign-in">"Already have an account? Sign in"</a>
                </p>
            </div>
        </div>
    }
}
