//! The customer portal.

pub mod home;
pub mod profile;
pub mod reset;
pub mod sign_in;
pub mod sign_up;
pub mod tickets;
