#![recursion_limit = "256"]
//! Ferrodesk's Leptos application: the pure domain rules, the wire types and
//! server functions shared by browser and server, and the pages of the three
//! surfaces (customer portal, agent workspace, admin console).

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
mod shell;

pub use shell::{shell, App};
