//! The SLA configuration service behind the app's [`SlaService`]: calendars, policies and
//! escalation matrices in the admin console, and compliance. The clocks
//! themselves move inside ticket writes (the store's `sync_sla`); the
//! monitor fires breaches and escalations.

mod config;
mod matrices;
mod monitor;

pub use monitor::{MonitorPass, SlaMonitor};

use crate::clock::SharedClock;
use crate::store::SharedStore;
use app::api::sla_types::SlaOverview;
use app::domain::{Action, Actor};
use app::service::sla_commands::{RemoveLevel, SaveCalendar, SaveLevel, SaveMatrix, SavePolicy};
use app::service::{require, ServiceError, SlaService};
use async_trait::async_trait;

pub struct Sla {
    store: SharedStore,
    clock: SharedClock,
}

impl Sla {
    pub fn new(store: SharedStore, clock: SharedClock) -> Self {
        Self { store, clock }
    }
}

#[async_trait]
impl SlaService for Sla {
    async fn overview(&self, actor: &Actor) -> Result<SlaOverview, ServiceError> {
        require(actor, Action::ManageSla)?;
        self.load_overview().await
    }

    async fn save_calendar(
        &self,
        actor: &Actor,
        calendar: SaveCalendar,
    ) -> Result<i64, ServiceError> {
        require(actor, Action::ManageSla)?;
        self.write_calendar(actor, calendar).await
    }

    async fn save_policy(&self, actor: &Actor, policy: SavePolicy) -> Result<i64, ServiceError> {
        require(actor, Action::ManageSla)?;
        self.write_policy(actor, policy).await
    }

    async fn save_matrix(&self, actor: &Actor, matrix: SaveMatrix) -> Result<i64, ServiceError> {
        require(actor, Action::ManageSla)?;
        self.write_matrix(actor, matrix).await
    }

    async fn save_level(&self, actor: &Actor, level: SaveLevel) -> Result<(), ServiceError> {
        require(actor, Action::ManageSla)?;
        self.write_level(actor, level).await
    }

    async fn remove_level(&self, actor: &Actor, level: RemoveLevel) -> Result<(), ServiceError> {
        require(actor, Action::ManageSla)?;
        self.drop_level(actor, level).await
    }
}
