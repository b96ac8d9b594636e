//! A person's own profile and password.

use crate::api::account::{my_profile, ChangePassword, UpdateProfile};
use crate::api::types::Profile;
use crate::components::auth::refresh_auth_on_success;
use crate::components::form::{action_error, FormMessage, TextField};
use crate::components::guard::Guarded;
use crate::domain::Action;
use crate::error::AppError;
use crate::pages::query_param;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ProfilePage() -> impl IntoView {
    // Outside the guard's reactive body: one of each per page.
    let update = ServerAction::<UpdateProfile>::new();
    let change = ServerAction::<ChangePassword>::new();
    refresh_auth_on_success(update);
    let profile = Resource::new(move || update.version().get(), |_| my_profile());
    view! {
        <Guarded action=Action::ManageOwnAccount refusal="">
            <ProfileForms update change profile />
        </Guarded>
    }
}

#[component]
fn ProfileForms(
    update: ServerAction<UpdateProfile>,
    change: ServerAction<ChangePassword>,
    profile: Resource<Result<Profile, AppError>>,
) -> impl IntoView {
    let done = query_param("done");
    let saved = Signal::derive(move || {
        (done.get().as_deref() == Some("profile")).then(|| "Profile saved.".to_owned())
    });
    let changed = Signal::derive(move || {
        (done.get().as_deref() == Some("password")).then(|| "Password changed.".to_owned())
    });
    let update_error = action_error(update);
    let change_error = action_error(change);
    view! {
        <section class="hero">
            <h1>"Your profile"</h1>
        </section>
        <div class="panel-grid">
            <section class="panel" aria-labelledby="profile-title">
                <h2 class="panel-title" id="profile-title">"Details"</h2>
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || {
                        profile
                            .get()
                            .map(|result| match result {
                                Ok(p) => {
                                    let name = p.name.clone();
                                    let timezone = p.timezone.clone();
                                    view! {
                                        <p class="muted">{format!("{} · {}", p.email, p.role.label())}</p>
                                        <ActionForm action=update attr:class="form">
                                            <FormMessage error=update_error success=saved />
                                            <TextField label="Name" name="input[name]" id="profile-name" field="name" error=update_error value=name autocomplete="name" />
                                            <TextField
                                                label="Timezone"
                                                name="input[timezone]"
                                                id="profile-timezone"
                                                field="timezone"
                                                error=update_error
                                                value=timezone
                                                hint="An IANA name such as Europe/Berlin, America/New_York or UTC."
                                            />
                                            <div class="form-actions">
                                                <button type="submit" class="btn btn-primary">"Save profile"</button>
                                            </div>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <div class="form-error" role="alert">{e.to_string()}</div> }.into_any(),
                            })
                    }}
                </Suspense>
            </section>
            <section class="panel" aria-labelledby="password-title">
                <h2 class="panel-title" id="password-title">"Change password"</h2>
                <ActionForm action=change attr:class="form">
                    <FormMessage error=change_error success=changed />
                    <TextField
                        label="Current password"
                        name="input[current_password]"
                        id="current-password"
                        field="current_password"
                        error=change_error
                        kind="password"
                        autocomplete="current-password"
                    />
                    <TextField
                        label="New password"
                        name="input[new_password]"
                        id="new-password"
                        field="new_password"
                        error=change_error
                        kind="password"
                        autocomplete="new-password"
                        hint="At least 8 characters, not a common password and not your name or email. Signs you out everywhere else."
                    />
                    <div class="form-actions">
                        <button type="submit" class="btn btn-primary">"Change password"</button>
                    </div>
                </ActionForm>
            </section>
        </div>
    }
}
