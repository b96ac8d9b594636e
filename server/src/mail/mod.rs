//! Outbound email: templates, and the worker that drains the outbox.

pub mod templates;
mod transport;
mod worker;

pub use transport::{MailTransport, TransportError};
pub use worker::{run_outbox_pass, OutboxPass, OutboxWorker};
