//! Who is signed in, as a resource every page can read. Actions that change
//! it (sign in, sign out, …) bump the version so the resource refetches.

use crate::api::auth::current_user;
use crate::domain::Actor;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[derive(Clone, Copy)]
pub struct AuthContext {
    pub me: Resource<Result<Option<Actor>, AppError>>,
    version: RwSignal<u64>,
}

pub fn provide_auth() {
    let version = RwSignal::new(0u64);
    let me = Resource::new(move || version.get(), |_| current_user());
    provide_context(AuthContext { me, version });
}

impl AuthContext {
    /// Moves whenever the signed-in user may have changed.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// The signed-in user as a resource of the caller's own, refetched with
    /// `me`. Each `Suspense` boundary reads its own: one resource read in
    /// two boundaries can leave a server-rendered response stalled for good
    /// (leptos-rs/leptos#4851), so only the header reads `me`.
    pub fn own(&self) -> Resource<Result<Option<Actor>, AppError>> {
        let version = self.version;
        Resource::new(move || version.get(), |_| current_user())
    }
}

pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().unwrap_or_else(|| {
        provide_auth();
        expect_context::<AuthContext>()
    })
}

/// Refetch the signed-in user whenever `action` succeeds.
pub fn refresh_auth_on_success<S>(action: ServerAction<S>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let auth = use_auth();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            auth.version.update(|v| *v += 1);
        }
    });
}
