//! The SLA configuration service: calendars, policies and escalation
//! matrices in the admin console, and compliance. Implemented by the
//! server; the clocks themselves move inside ticket writes and the monitor.

use super::error::ServiceError;
use super::sla_commands::{RemoveLevel, SaveCalendar, SaveLevel, SaveMatrix, SavePolicy};
use crate::api::sla_types::SlaOverview;
use crate::domain::Actor;
use async_trait::async_trait;

#[async_trait]
pub trait SlaService: Send + Sync + 'static {
    async fn overview(&self, actor: &Actor) -> Result<SlaOverview, ServiceError>;
    /// Returns the calendar's id.
    async fn save_calendar(
        &self,
        actor: &Actor,
        calendar: SaveCalendar,
    ) -> Result<i64, ServiceError>;
    /// Returns the policy's id.
    async fn save_policy(&self, actor: &Actor, policy: SavePolicy) -> Result<i64, ServiceError>;
    /// Returns the matrix's id.
    async fn save_matrix(&self, actor: &Actor, matrix: SaveMatrix) -> Result<i64, ServiceError>;
    async fn save_level(&self, actor: &Actor, level: SaveLevel) -> Result<(), ServiceError>;
    async fn remove_level(&self, actor: &Actor, level: RemoveLevel) -> Result<(), ServiceError>;
}
