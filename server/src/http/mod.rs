//! The HTTP surface: Leptos pages and server functions, health, and the
//! layers every request passes (request id, tracing, security headers, the
//! cross-site guard, client address, sessions).

mod api;
pub mod assets;
mod attachments;
mod body_shape;
mod client_ip;
mod cross_site;
mod drafts;
mod follow;
mod headers;
mod health;
mod live;
mod overload;
mod server_fns;
mod stall;
mod viewer;

use crate::config::Config;
use crate::sessions::AnySessionStore;
use crate::store::SharedStore;
use app::api::backend::{
    AccountServiceHandle, LiveServiceHandle, NotificationServiceHandle, RoutingServiceHandle,
    SlaServiceHandle, TicketServiceHandle,
};
use app::service::{AccountService, RoutingService, SlaService, TicketService};
use app::{shell, App};
use assets::BundleHashes;
use axum::handler::Handler;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

/// Everything the HTTP layer needs.
#[derive(Clone)]
pub struct HttpState {
    pub leptos: LeptosOptions,
    pub config: Arc<Config>,
    pub store: SharedStore,
    pub accounts: Arc<dyn AccountService>,
    pub tickets: Arc<dyn TicketService>,
    pub routing: Arc<dyn RoutingService>,
    pub sla: Arc<dyn SlaService>,
    pub sessions: AnySessionStore,
    /// The account service itself, for the viewer's timezone (not part of
    /// the service's surface: only page rendering asks it).
    pub account_service: Arc<crate::accounts::Accounts>,
    pub live: Arc<crate::live::Live>,
    pub notifications: Arc<dyn app::service::NotificationService>,
    pub clock: crate::clock::SharedClock,
}

pub fn router(state: HttpState) -> Router {
    let (accounts, tickets, routing, sla) = (
        state.accounts.clone(),
        state.tickets.clone(),
        state.routing.clone(),
        state.sla.clone(),
    );
    let live: Arc<dyn app::service::LiveService> = state.live.clone();
    let notifications = state.notifications.clone();
    let context = move || {
        provide_context(AccountServiceHandle(accounts.clone()));
        provide_context(TicketServiceHandle(tickets.clone()));
        provide_context(RoutingServiceHandle(routing.clone()));
        provide_context(SlaServiceHandle(sla.clone()));
        provide_context(LiveServiceHandle(live.clone()));
        provide_context(NotificationServiceHandle(notifications.clone()));
    };
    let routes = generate_route_list(App);
    // Static files are served here rather than by leptos_axum's file
    // handler: that one adopts whatever reactive owner the worker thread
    // last held, so a file could go out with another page's status (a 403
    // on the WASM bundle, seen under load), and it rendered a page where a
    // conditional request deserved 304.
    let not_found = leptos_axum::file_and_error_handler_with_context(context.clone(), shell)
        .with_state(state.leptos.clone());
    let files = ServeDir::new(&*state.leptos.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    // With hashed bundle names the plain stylesheet name still works (the
    // bare refusal pages use it): it points at the current file.
    let plain_css = BundleHashes::beside_binary()
        .and_then(|h| h.css)
        .map(|hash| format!("/pkg/ferrodesk.{hash}.css"));
    let pages = match plain_css {
        Some(hashed) => Router::new().route(
            "/pkg/ferrodesk.css",
            get(move || async move { axum::response::Redirect::temporary(&hashed) }),
        ),
        None => Router::new(),
    };
    let pages = pages
        .leptos_routes_with_context(&state.leptos, routes, context, {
            let options = state.leptos.clone();
            move || shell(options.clone())
        })
        .fallback_service(files)
        .with_state(state.leptos.clone())
        .layer(axum::middleware::from_fn(stall::retry_stalled_render));

    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(if state.config.secure_cookies {
            "__Host-ferrodesk"
        } else {
            "ferrodesk"
        })
        .with_secure(state.config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    let app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::healthz))
        .with_state(state.store.clone())
        .merge(
            Router::new()
                .route(
                    "/tickets/{id}/attachments",
                    axum::routing::post(attachments::upload).layer(
                        axum::extract::DefaultBodyLimit::max(
                            state.config.max_attachment_bytes + 64 * 1024,
                        ),
                    ),
                )
                .route("/attachments/{id}", get(attachments::download))
                .with_state(attachments::AttachmentState {
                    tickets: state.tickets.clone(),
                    accounts: state.accounts.clone(),
                    config: state.config.clone(),
                }),
        )
        .merge(
            Router::new()
                .route("/follow/{token}", get(follow::follow))
                .with_state(state.tickets.clone()),
        )
        .nest(
            "/api/v1",
            api::router(api::ApiState {
                config: state.config.clone(),
                clock: state.clock.clone(),
                accounts: state.accounts.clone(),
                tickets: state.tickets.clone(),
                tokens: state.account_service.clone(),
                windows: Arc::default(),
            }),
        )
        .merge(
            Router::new()
                .route("/api/live", get(live::connect))
                .with_state(state.live.clone()),
        )
        .merge(pages)
        .layer(axum::middleware::from_fn(body_shape::check))
        .layer(axum::middleware::from_fn(server_fns::error_status))
        .layer(axum::middleware::from_fn(drafts::keep_and_restore))
        .layer(axum::middleware::from_fn_with_state(
            state.store.clone(),
            live::page_seq,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.account_service.clone(),
            viewer::zone,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.config.clone(),
            client_ip::resolve,
        ))
        .layer(axum::middleware::from_fn(cross_site::guard));
    headers::apply(app, state.config.public_url.scheme() == "https")
        .layer(axum::middleware::from_fn(assets::cache_headers))
        .layer(axum::middleware::from_fn_with_state(
            overload::Overload::start(state.config.max_concurrent_requests),
            overload::shed,
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
}
