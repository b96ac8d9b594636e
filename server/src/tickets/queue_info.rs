//! Why a waiting ticket is where it is: its place in its group's queue and
//! what it waits for, as the agent workspace explains it.

use super::{store_err, Tickets};
use crate::store::{GroupRecord, MemberRecord, TicketRecord};
use app::api::routing_types::QueueInfo;
use app::domain::Availability;
use app::service::ServiceError;

impl Tickets {
    pub(super) async fn queue_info(
        &self,
        ticket: &TicketRecord,
    ) -> Result<Option<QueueInfo>, ServiceError> {
        let Some(group_id) = ticket.group_id else {
            return Ok(None);
        };
        let Some(place) = self
            .store
            .queue_position(ticket.id)
            .await
            .map_err(store_err)?
        else {
            return Ok(None);
        };
        let Some(group) = self.store.group(group_id).await.map_err(store_err)? else {
            return Ok(None);
        };
        let members = self
            .store
            .group_members(group_id)
            .await
            .map_err(store_err)?;
        Ok(Some(QueueInfo {
            reason: waiting_for(self.config.scheduler.enabled, &group, &members).to_owned(),
            group_name: group.name,
            position: place.position,
            depth: place.depth,
        }))
    }
}

fn waiting_for(scheduler_on: bool, group: &GroupRecord, members: &[MemberRecord]) -> &'static str {
    let online: Vec<&MemberRecord> = members
        .iter()
        .filter(|m| m.availability == Availability::Online)
        .collect();
    if !scheduler_on {
        "Automatic assignment is off on this server: claim it or assign it."
    } else if group.archived {
        "This group is archived and takes no new work: move the ticket to another group."
    } else if !group.auto_assign {
        "Automatic assignment is off for this group: claim it or assign it."
    } else if members.is_empty() {
        "This group has no members yet."
    } else if online.is_empty() {
        "Waiting for an agent of this group to come online."
    } else if online.iter().all(|m| m.load >= i64::from(m.capacity)) {
        "Waiting for an agent with capacity: every online member is at their limit."
    } else {
        "Being assigned to an agent with capacity."
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Strategy;

    fn group(auto_assign: bool) -> GroupRecord {
        GroupRecord {
            id: 1,
            name: "Support".into(),
            archived: false,
            strategy: Strategy::LeastLoaded,
            auto_assign,
        }
    }

    fn member(availability: Availability, load: i64, capacity: u32) -> MemberRecord {
        MemberRecord {
            user_id: 1,
            name: "Ada".into(),
            email: "ada@example.test".into(),
            capacity,
            availability,
            load,
            lead: false,
        }
    }

    #[test]
    fn the_reason_names_what_is_missing() {
        assert!(waiting_for(true, &group(false), &[]).contains("off for this group"));
        assert!(waiting_for(true, &group(true), &[]).contains("no members"));
        let away = [member(Availability::Away, 0, 5)];
        assert!(waiting_for(true, &group(true), &away).contains("come online"));
        let full = [member(Availability::Online, 5, 5)];
        assert!(waiting_for(true, &group(true), &full).contains("with capacity"));
        let free = [member(Availability::Online, 1, 5)];
        assert!(waiting_for(true, &group(true), &free).starts_with("Being assigned"));
        assert!(waiting_for(false, &group(true), &free).contains("off on this server"));
    }
}
