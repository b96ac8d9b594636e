#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test
//! The store contract on every backend, and the workers that run over
//! the store: one test binary, so the server links once for all of them.

#[path = "../support/mod.rs"]
mod support;

mod bulk;
mod event_log;
mod groups_links;
mod live_instances;
mod notifications;
mod outbox_worker;
mod routing;
mod scheduler_instances;
mod sla;
mod store;
mod tickets;
