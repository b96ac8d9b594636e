//! Form building blocks: labelled fields with their error message, and the
//! banner for errors about a form as a whole. They read errors straight from
//! a server action, which also carries errors across a no-JavaScript
//! round trip (the server puts them in the redirect URL).

pub use super::draft::{drafted, drafted_check, drafted_choice};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// How many times the action has succeeded. Lists key their resources on
/// this rather than on every completion, so a failed submit re-renders
/// nothing and the form keeps what was typed.
pub fn successes<S>(action: ServerAction<S>) -> Memo<u64>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    // Every completion sets the value (after bumping the version, so the
    // version alone cannot tell how it went): count the values that are Ok.
    Memo::new(move |previous: Option<&u64>| {
        let ok = action.value().with(|v| matches!(v, Some(Ok(_))));
        match previous {
            None => 0,
            Some(&n) if ok => n + 1,
            Some(&n) => n,
        }
    })
}

/// For a form that creates something: once its action succeeds the form
/// is cleared (a second click must not make a duplicate) and the message
/// names what was created. Give the returned node to the `ActionForm`.
pub fn clear_on_success<S>(
    action: ServerAction<S>,
    describe: fn(&S) -> String,
) -> (NodeRef<leptos::html::Form>, Signal<Option<String>>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    let submitted = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(input) = action.input().get() {
            submitted.set(Some(describe(&input)));
            created.set(None);
        }
    });
    Effect::new(move |_| {
        action.version().track();
        if let Some(Ok(_)) = action.value().get_untracked() {
            created.set(submitted.get_untracked());
            #[cfg(feature = "hydrate")]
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    (form, created.into())
}

/// The latest error of an action, if its last run failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(|result| result.err()))
}

#[component]
pub fn TextField(
    /// The visible label.
    label: &'static str,
    /// The form field name, e.g. `input[email]`.
    name: &'static str,
    /// A page-unique element id.
    id: &'static str,
    /// The key of this field in `AppError::Invalid`.
    field: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] value: Signal<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(field)));
    // What was typed before the form came back with an error wins over
    // the value the page would show.
    let typed = drafted(name);
    let value = Signal::derive(move || typed.clone().unwrap_or_else(|| value.get()));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                prop:value=move || value.get()
                value=move || value.get()
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by
            />
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            {move || {
                message
                    .get()
                    .map(|text| view! { <p class="field-error" id=error_id.clone() role="alert">{text}</p> })
            }}
        </div>
    }
}

/// The form-level error (role=alert) or, when `success` is set, a status.
#[component]
pub fn FormMessage(
    error: Signal<Option<AppError>>,
    #[prop(optional, into)] success: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        if let Some(text) = error.get().and_then(|e| e.form_message()) {
            Some(view! { <div class="form-error" role="alert">{text}</div> }.into_any())
        } else {
            success.get().map(|text| {
                view! { <div class="form-success" role="status">{text}</div> }.into_any()
            })
        }
    }
}

/// Every message of an error at once, for forms that share one action (the
/// edit forms of a list) and so cannot each show their own field errors.
#[component]
pub fn ErrorSummary(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            let fields = match &e {
                AppError::Invalid { fields, .. } => {
                    fields.iter().map(|f| f.message.clone()).collect()
                }
                _ => Vec::new(),
            };
            let lead = e.to_string();
            view! {
                <div class="form-error" role="alert">
                    <p>{lead}</p>
                    {(!fields.is_empty()).then(|| view! {
                        <ul>{fields.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                    })}
                </div>
            }
        })
    }
}

/// For forms opened from an emailed link (`?token=…`): carries the token as
/// a hidden field and shows the form message, which also reports a dead link
/// as soon as the page opens, before anyone fills in the form.
#[component]
pub fn EmailedLinkStatus<F, Fut>(check: F, error: Signal<Option<AppError>>) -> impl IntoView
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + Send + 'static,
{
    let token = crate::pages::query_param("token");
    let link = Resource::new(
        move || token.get(),
        move |token| check(token.unwrap_or_default()),
    );
    let shown = Signal::derive(move || error.get().or_else(|| link.get().and_then(|r| r.err())));
    let value = move || token.get().unwrap_or_default();
    view! {
        <Suspense fallback=|| ()>
            <FormMessage error=shown />
        </Suspense>
        <input type="hidden" name="input[token]" prop:value=value value=value />
    }
}

/// A labelled multi-line field with its error message.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    id: &'static str,
    field: &'static str,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = 6)] rows: u32,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message(field)));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = hint.map(|_| hint_id.clone());
    let typed = drafted(name).unwrap_or_default();
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                required=true
                aria-invalid=move || message.get().map(|_| "true")
                aria-describedby=described_by
            >
                {typed}
            </textarea>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            {move || {
                message
                    .get()
                    .map(|text| view! { <p class="field-error" id=error_id.clone() role="alert">{text}</p> })
            }}
        </div>
    }
}

/// The error a plain (full-page) form post to server function `S` came back
/// with: the server puts it in the URL it redirects to.
pub fn url_error<S>() -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError>,
{
    let error = use_context::<ServerActionError>()
        .filter(|e| e.path() == S::PATH)
        .map(|e| leptos::server_fn::error::ServerFnUrlError::<AppError>::decode_err(e.err()));
    Signal::derive(move || error.clone())
}

/// A file picker for the `files` part of a multipart form.
#[component]
pub fn FileField(
    label: &'static str,
    id: &'static str,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let message = Signal::derive(move || error.get().and_then(|e| e.field_message("files")));
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name="files"
                type="file"
                multiple=true
                aria-invalid=move || message.get().map(|_| "true")
            />
            {move || {
                message
                    .get()
                    .map(|text| view! { <p class="field-error" id=error_id.clone() role="alert">{text}</p> })
            }}
        </div>
    }
}
