//! The admin console: people and roles.

mod users;

pub use users::AdminUsers;
