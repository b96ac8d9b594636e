//! The HTML document and the route table.

use crate::components::draft::{provide_form_draft, DraftLifetime};
use crate::components::live::provide_live;
use crate::components::zone::provide_viewer_zone;
use crate::components::{auth::provide_auth, header::Header};
use crate::pages::{admin, agent, home::Home, invite::AcceptInvite, not_found::NotFound, portal};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#0969da" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A per-response nonce lets exactly our hydration script run; the header is
/// set here because only the shell knows the nonce.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:*; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; \
         manifest-src 'self'"
    );
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_auth();
    provide_form_draft();
    provide_live();
    provide_viewer_zone();
    view! {
        <Title text="Ferrodesk" />
        <Router>
            <Header />
            <DraftLifetime />
            <main class="page" id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=SsrMode::Async />
                    <Route path=path!("/portal") view=portal::home::PortalHome ssr=SsrMode::Async />
                    <Route path=path!("/portal/sign-up") view=portal::sign_up::SignUp ssr=SsrMode::Async />
                    <Route path=path!("/portal/sign-up/confirm") view=portal::sign_up::SignUpConfirm ssr=SsrMode::Async />
                    <Route path=path!("/portal/sign-in") view=portal::sign_in::SignIn ssr=SsrMode::Async />
                    <Route path=path!("/portal/reset") view=portal::reset::ResetRequest ssr=SsrMode::Async />
                    <Route path=path!("/portal/reset/confirm") view=portal::reset::ResetConfirm ssr=SsrMode::Async />
                    <Route path=path!("/portal/profile") view=portal::profile::ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/invite") view=AcceptInvite ssr=SsrMode::Async />
                    <Route path=path!("/agent") view=agent::AgentHome ssr=SsrMode::Async />
                    <Route path=path!("/agent/tickets/:id") view=agent::AgentTicket ssr=SsrMode::Async />
                    <Route path=path!("/agent/notifications") view=agent::AgentNotifications ssr=SsrMode::Async />
                    <Route path=path!("/portal/tickets") view=portal::tickets::MyTickets ssr=SsrMode::Async />
                    <Route path=path!("/portal/tickets/new") view=portal::tickets::NewTicket ssr=SsrMode::Async />
                    <Route path=path!("/portal/tickets/sent") view=portal::tickets::TicketSent ssr=SsrMode::Async />
                    <Route path=path!("/portal/tickets/:id") view=portal::tickets::PortalTicket ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=admin::AdminUsers ssr=SsrMode::Async />
                    <Route path=path!("/admin/groups") view=admin::AdminGroups ssr=SsrMode::Async />
                    <Route path=path!("/admin/categories") view=admin::AdminCategories ssr=SsrMode::Async />
                    <Route path=path!("/admin/calendars") view=admin::AdminCalendars ssr=SsrMode::Async />
                    <Route path=path!("/admin/sla") view=admin::AdminSla ssr=SsrMode::Async />
                    <Route path=path!("/admin/escalations") view=admin::AdminEscalations ssr=SsrMode::Async />
                </Routes>
            </main>
            <footer class="footer">"Ferrodesk — open-source service desk"</footer>
        </Router>
    }
}
