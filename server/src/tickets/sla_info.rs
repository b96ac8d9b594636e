//! A ticket's SLA clocks as its page shows them, to agents and requesters
//! alike: what was promised, and when it is due.

use super::store_err;
use super::Tickets;
use app::api::sla_types::TicketSla;
use app::service::ServiceError;

impl Tickets {
    pub(super) async fn ticket_sla(&self, ticket_id: i64) -> Result<TicketSla, ServiceError> {
        let clocks = self
            .store
            .ticket_clocks(ticket_id)
            .await
            .map_err(store_err)?;
        let policy_name = match clocks.iter().find_map(|c| c.policy_id) {
            Some(id) => self
                .store
                .sla_policy(id)
                .await
                .map_err(store_err)?
                .map(|p| p.fields.name),
            None => None,
        };
        Ok(TicketSla {
            policy_name,
            clocks: clocks.into_iter().map(|c| c.clock).collect(),
            server_now: Some(self.clock.now()),
        })
    }
}
