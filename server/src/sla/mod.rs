//! SLA services behind the app's [`SlaDesk`]: calendars, policies and
//! escalation matrices in the admin console, and compliance. The clocks
//! themselves move inside ticket writes (the store's `sync_sla`); the
//! monitor fires breaches and escalations.

mod config;
mod matrices;
mod monitor;

pub use monitor::{MonitorPass, SlaMonitor};

use crate::clock::SharedClock;
use crate::store::SharedStore;
use app::api::backend::SlaDesk;
use app::api::sla_types::*;
use app::domain::{authorize, Action, Actor};
use app::error::AppError;
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

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    authorize(Some(actor), action).map_err(|_| AppError::Forbidden)
}

#[async_trait]
impl SlaDesk for Sla {
    async fn overview(&self, actor: &Actor) -> Result<SlaOverview, AppError> {
        require(actor, Action::ManageSla)?;
        self.load_overview().await
    }

    async fn save_calendar(&self, actor: &Actor, input: CalendarInput) -> Result<i64, AppError> {
        require(actor, Action::ManageSla)?;
        self.write_calendar(actor, input).await
    }

    async fn save_policy(&self, actor: &Actor, input: PolicyInput) -> Result<i64, AppError> {
        require(actor, Action::ManageSla)?;
        self.write_policy(actor, input).await
    }

    async fn save_matrix(&self, actor: &Actor, input: MatrixInput) -> Result<i64, AppError> {
        require(actor, Action::ManageSla)?;
        self.write_matrix(actor, input).await
    }

    async fn save_level(&self, actor: &Actor, input: LevelInput) -> Result<(), AppError> {
        require(actor, Action::ManageSla)?;
        self.write_level(actor, input).await
    }

    async fn remove_level(&self, actor: &Actor, input: LevelRemoveInput) -> Result<(), AppError> {
        require(actor, Action::ManageSla)?;
        self.drop_level(actor, input).await
    }
}
