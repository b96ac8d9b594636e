//! Starting and stopping a server: open the database (migrating it), wire
//! services, bind, spawn the workers, and on shutdown drain requests and
//! stop the workers.

use crate::accounts::Accounts;
use crate::clock::SharedClock;
use crate::config::Config;
use crate::http::{router, HttpState};
use crate::live::{Live, LiveParts, Tray};
use crate::mail::{MailTransport, OutboxWorker, TransportError};
use crate::routing::Routing;
use crate::scheduler::{RoutingSignal, Scheduler};
use crate::store::{self, SharedStore, StoreError};
use crate::tickets::Tickets;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;
use tower_sessions::ExpiredDeletion;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("email: {0}")]
    Mail(#[from] TransportError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Running {
    pub addr: SocketAddr,
    pub store: SharedStore,
    pub config: Arc<Config>,
    /// The SLA monitor, whose passes tests drive directly.
    pub monitor: Arc<crate::sla::SlaMonitor>,
    /// The scheduler, whose passes tests drive directly.
    pub scheduler: Arc<Scheduler>,
    /// The live channel's hub.
    pub live: Arc<Live>,
    /// The notification tray's builder, whose passes tests drive directly.
    pub tray: Arc<Tray>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<()>,
    workers: Vec<JoinHandle<()>>,
}

pub async fn start(config: Config, clock: SharedClock) -> Result<Running, StartError> {
    let config = Arc::new(config);
    let database = store::open(&config.database).await?;
    let store = database.store;
    if store.use_search_language(&config.search_language).await? {
        tracing::info!(language = %config.search_language, "search index rebuilt");
    }
    let transport = MailTransport::from_config(&config)?;
    let mail_wake = Arc::new(Notify::new());
    let routing = Arc::new(RoutingSignal::new(store.clone()));
    let accounts = Arc::new(Accounts::new(
        store.clone(),
        config.clone(),
        clock.clone(),
        mail_wake.clone(),
        routing.clone(),
    ));
    let tickets = Arc::new(Tickets::new(
        store.clone(),
        config.clone(),
        clock.clone(),
        mail_wake.clone(),
        routing.clone(),
    ));
    let routing_desk = Arc::new(Routing::new(
        store.clone(),
        config.clone(),
        clock.clone(),
        routing.clone(),
    ));
    let sla_desk = Arc::new(crate::sla::Sla::new(store.clone(), clock.clone()));
    let (shutdown, signal) = watch::channel(false);
    let (live, live_workers) = Live::start(
        LiveParts {
            store: store.clone(),
            tickets: tickets.clone(),
            accounts: accounts.clone(),
            sessions: database.sessions.clone(),
            clock: clock.clone(),
            per_user: config.live_connections_per_user,
            backlog: config.live_backlog,
        },
        signal.clone(),
    )
    .await?;
    let tray = Arc::new(Tray::new(store.clone(), live.clone()));

    let leptos = LeptosOptions::builder()
        .output_name("ferrodesk")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.bind)
        // A build with hashed bundle names leaves their hashes beside the
        // binary; without that file the names are plain.
        .hash_files(crate::http::assets::BundleHashes::beside_binary().is_some())
        .build();
    let app = router(HttpState {
        leptos,
        config: config.clone(),
        store: store.clone(),
        accounts: accounts.clone(),
        account_service: accounts,
        tickets: tickets.clone(),
        routing: routing_desk,
        sla: sla_desk,
        sessions: database.sessions.clone(),
        live: live.clone(),
        notifications: tray.clone(),
        clock: clock.clone(),
    });

    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.bind,
        source,
    })?;

    let scheduler = Arc::new(Scheduler {
        store: store.clone(),
        config: config.clone(),
        clock: clock.clone(),
        signal: routing,
        mail_wake: mail_wake.clone(),
        holder: format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()),
    });
    let monitor = Arc::new(crate::sla::SlaMonitor {
        store: store.clone(),
        config: config.clone(),
        clock: clock.clone(),
        routing: scheduler.signal.clone(),
        mail_wake: mail_wake.clone(),
        holder: scheduler.holder.clone(),
    });
    let outbox = OutboxWorker {
        store: store.clone(),
        transport,
        from: config.mail_from.clone(),
        clock: clock.clone(),
        wake: mail_wake,
    };
    let mut workers = live_workers;
    workers.extend([
        tokio::spawn(tray.clone().run(signal.clone())),
        tokio::spawn(outbox.run(signal.clone())),
        tokio::spawn(housekeeping(
            store.clone(),
            database.sessions,
            clock,
            signal.clone(),
        )),
    ]);

    workers.push(tokio::spawn(monitor.clone().run(signal.clone())));
    if config.scheduler.enabled {
        workers.push(tokio::spawn(scheduler.clone().run(signal.clone())));
    }
    let mut stop = signal;
    let server = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopped| *stopped).await;
            })
            .await;
        if let Err(err) = result {
            tracing::error!(error = %err, "server stopped with an error");
        }
    });
    tracing::info!(%addr, backend = store.backend().as_str(), "Ferrodesk listening");
    Ok(Running {
        addr,
        store,
        config,
        monitor,
        scheduler,
        live,
        tray,
        shutdown,
        server,
        workers,
    })
}

impl Running {
    /// Stops taking connections, drains in-flight requests, stops workers.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        // Live connections are no longer the server's once upgraded; they
        // close themselves on the signal with "reconnect" (1012).
        self.live.drain(Duration::from_secs(5)).await;
        if tokio::time::timeout(Duration::from_secs(30), self.server)
            .await
            .is_err()
        {
            tracing::warn!("requests still running after 30 s; stopping anyway");
        }
        for worker in self.workers {
            let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
        }
        tracing::info!("Ferrodesk stopped");
    }
}

/// Expired sessions, old rate-limit windows, sent mail and notifications
/// read more than 90 days ago, once a minute.
async fn housekeeping(
    store: SharedStore,
    sessions: crate::sessions::AnySessionStore,
    clock: SharedClock,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = shutdown.changed() => break,
        }
        if let Err(err) = sessions.delete_expired().await {
            tracing::warn!(error = %err, "could not delete expired sessions");
        }
        let now = clock.now();
        if let Err(err) = store
            .prune_rate_limits(now - chrono::Duration::days(1))
            .await
        {
            tracing::warn!(error = %err, "could not prune rate limits");
        }
        if let Err(err) = store.prune_outbox(now - chrono::Duration::days(7)).await {
            tracing::warn!(error = %err, "could not prune the outbox");
        }
        if let Err(err) = store
            .prune_notifications(now - chrono::Duration::days(90))
            .await
        {
            tracing::warn!(error = %err, "could not prune read notifications");
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutdown requested");
}
