//! The Ferrodesk server: the composition root. It owns persistence (SQLite
//! and PostgreSQL behind one store), sessions, the account services behind
//! the app's server functions, the outbox worker, and the HTTP surface.

pub mod accounts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod http;
pub mod limits;
pub mod live;
pub mod mail;
pub mod routing;
pub mod scheduler;
pub mod seed;
pub mod sessions;
pub mod sla;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod tickets;
