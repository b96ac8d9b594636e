#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test
//! A real server on port 0 driven over HTTP (and the built binary from the
//! command line): one test binary, so the server links once for all of them.

#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod api;
mod attachments;
mod cli;
mod forms;
mod guests;
mod hardening;
mod live;
mod mail_dots;
mod routing;
mod sla;
mod sla_outcomes;
mod tickets;
mod tray;
mod viewer_zone;
mod watchers;
