//! The services every surface calls: server functions today, the REST API,
//! GraphQL and the live channel later. Each takes a command of domain
//! values (parsed at the surface's edge), decides authorization once
//! through the one policy, and answers with typed results or a
//! [`ServiceError`]. The server implements the traits over its store.

pub mod account_commands;
pub mod accounts;
pub mod error;
pub mod live;
pub mod notifications;
pub mod queue_commands;
pub mod routing;
pub mod routing_commands;
pub mod sla;
pub mod sla_commands;
pub mod ticket_commands;
pub mod tickets;
pub mod token_commands;
pub mod tokens;

pub use accounts::AccountService;
pub use error::{internal, FieldErrors, ServiceError};
pub use live::LiveService;
pub use notifications::NotificationService;
pub use routing::RoutingService;
pub use sla::SlaService;
pub use tickets::TicketService;
pub use tokens::TokenService;

use crate::domain::{authorize, Action, Actor, Denied};

/// The policy's answer for a signed-in actor, as a service error. Every
/// service asks through this, once per operation.
pub fn require(actor: &Actor, action: Action) -> Result<(), ServiceError> {
    require_of(Some(actor), action)
}

/// As [`require`], for the few operations open to people without an
/// account (raising a ticket, listing what it can be filed under).
pub fn require_of(actor: Option<&Actor>, action: Action) -> Result<(), ServiceError> {
    authorize(actor, action).map_err(|denied| match denied {
        Denied::Unauthenticated => ServiceError::Unauthenticated,
        Denied::Forbidden => ServiceError::Forbidden,
        Denied::MissingScope(needed) => ServiceError::MissingScope(needed),
    })
}
