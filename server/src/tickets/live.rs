//! What an actor may follow on the live channel: the policy's answer for
//! the topic and, for one ticket, the same visibility as reading it.

use super::Tickets;
use app::domain::live::Topic;
use app::domain::Actor;
use app::service::{require, ServiceError};

impl Tickets {
    pub(super) async fn may_follow(&self, actor: &Actor, topic: Topic) -> Result<(), ServiceError> {
        require(actor, topic.action())?;
        if let Topic::Ticket(id) = topic {
            self.visible(actor, id).await?;
        }
        Ok(())
    }
}
