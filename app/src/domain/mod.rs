//! Pure domain rules. Nothing here touches I/O or the clock: callers pass
//! `now` in, so every rule is testable on its own and compiles for the
//! browser as well as the server.

pub mod calendar;
pub mod category;
pub mod email;
pub mod escalation;
pub mod event;
pub mod firing;
pub mod ids;
pub mod live;
pub mod notify;
pub mod password;
pub mod person;
pub mod planner;
pub mod policy;
pub mod preview;
pub mod role;
pub mod routing;
pub mod scope;
pub mod search;
pub mod sla;
pub mod text;
pub mod ticket;
pub mod timezone;

pub use email::EmailAddress;
pub use ids::{CategoryId, GroupId, TicketId, UserId};
pub use password::Password;
pub use person::DisplayName;
pub use policy::{authorize, scope_for, ticket_access, Action, Actor, Denied, TicketAccess};
pub use role::Role;
pub use routing::{Availability, Strategy};
pub use scope::{Scope, Scopes};
pub use search::SearchText;
pub use ticket::{
    check_transition, status_after_reply, MessageBody, Priority, Status, Subject, Tag,
    TransitionError,
};
pub use timezone::TimezoneName;
