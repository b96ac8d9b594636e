//! Files attached to a ticket on their own (the ticket page's upload form)
//! and files read back for download: the same visibility rules as every
//! ticket read, the same quotas as files sent with a reply.

use super::{files, quota, store_err, Tickets};
use crate::store::NewAttachment;
use app::api::uploads::StagedFile;
use app::domain::{Action, Actor, TicketId};
use app::service::tickets::Download;
use app::service::{require, ServiceError};

impl Tickets {
    pub(super) async fn may_attach(
        &self,
        actor: &Actor,
        ticket: TicketId,
    ) -> Result<(), ServiceError> {
        require(actor, Action::AddToTicket { internal: false })?;
        self.visible(actor, ticket).await.map(|_| ())
    }

    pub(super) async fn attach(
        &self,
        actor: &Actor,
        ticket: TicketId,
        file: StagedFile,
        internal: bool,
    ) -> Result<(), ServiceError> {
        require(actor, Action::AddToTicket { internal })?;
        let ticket = self.visible(actor, ticket).await?;
        let now = self.clock.now();
        let staged = vec![file];
        let quota = &self.config.upload_quota;
        quota::check(&self.store, quota, actor.id, Some(ticket.id), &staged, now).await?;
        let stored = files::place(&self.config.data_dir, staged)
            .await?
            .pop()
            .ok_or_else(|| app::service::internal("a staged file vanished before it was placed"))?;
        let attachment = NewAttachment {
            ticket_id: ticket.id,
            uploader_id: actor.id,
            file_name: stored.file_name,
            size_bytes: stored.size_bytes,
            sha256: stored.sha256,
            internal,
        };
        self.store
            .add_attachment(attachment, now)
            .await
            .map_err(store_err)?;
        Ok(())
    }

    pub(super) async fn download(&self, actor: &Actor, id: i64) -> Result<Download, ServiceError> {
        require(actor, Action::ReadTickets)?;
        let record = self
            .store
            .attachment(id)
            .await
            .map_err(store_err)?
            .ok_or(ServiceError::NotFound)?;
        // A file one may not open is "not found", like a missing one.
        let action = Action::ReadFile {
            internal: record.internal,
        };
        require(actor, action).map_err(|_| ServiceError::NotFound)?;
        self.visible(actor, TicketId(record.ticket_id)).await?;
        let path = files::storage_path(&self.config.data_dir, &record.sha256);
        let bytes = tokio::fs::read(path).await.map_err(|err| {
            tracing::error!(attachment_id = id, error = %err, "attachment file missing");
            ServiceError::NotFound
        })?;
        Ok(Download {
            file_name: record.file_name,
            bytes,
        })
    }
}
