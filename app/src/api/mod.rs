//! Wire types and server functions, grouped by area. Server functions are
//! public HTTP endpoints: each one authorizes through the domain policy
//! before it asks the backend to do anything, and stays thin.

pub mod account;
pub mod admin;
pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod drafts;
pub mod history;
pub mod live_types;
pub mod routing;
pub mod routing_types;
pub mod sla;
pub mod sla_types;
pub mod tickets;
pub mod token_types;
pub mod tray;
pub mod tray_types;
pub mod types;
#[cfg(feature = "ssr")]
pub mod uploads;
