//! Widgets shared by the pages of all three surfaces.

pub mod auth;
pub mod availability;
pub mod draft;
pub mod form;
pub mod guard;
pub mod header;
pub mod keys;
pub mod live;
#[cfg(feature = "hydrate")]
mod live_socket;
pub mod reply;
pub mod sla;
pub mod ticket;
pub mod ticket_live;
pub mod tray;
pub mod zone;
