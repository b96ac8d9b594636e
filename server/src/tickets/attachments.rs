//! Files attached to a ticket on their own (the ticket page's upload form)
//! and files read back for download: the same visibility rules as every
//! ticket read, the same quotas as files sent with a reply.

use super::{files, quota, require, store_err, Tickets};
use crate::store::NewAttachment;
use app::api::uploads::StagedFile;
use app::domain::{Action, Actor};
use app::error::AppError;

/// A file as it is downloaded.
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Tickets {
    /// Whether `actor` may attach to the ticket at all; checked before an
    /// upload is read, so nobody streams files to a ticket they cannot see.
    pub async fn may_attach(&self, actor: &Actor, ticket_id: i64) -> Result<(), AppError> {
        require(actor, Action::UseTickets)?;
        self.visible(actor, ticket_id).await.map(|_| ())
    }

    /// Attaches one staged file; internal files are for staff only.
    pub async fn attach(
        &self,
        actor: &Actor,
        ticket_id: i64,
        file: StagedFile,
        internal: bool,
    ) -> Result<(), AppError> {
        require(actor, Action::UseTickets)?;
        let ticket = self.visible(actor, ticket_id).await?;
        if internal {
            require(actor, Action::WorkTickets)?;
        }
        let now = self.clock.now();
        let staged = vec![file];
        let quota = &self.config.upload_quota;
        quota::check(&self.store, quota, actor.id, Some(ticket.id), &staged, now).await?;
        let stored = files::place(&self.config.data_dir, staged)
            .await?
            .pop()
            .ok_or_else(|| {
                app::api::backend::internal("a staged file vanished before it was placed")
            })?;
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

    /// The file, if `actor` may see it: an internal file or another
    /// customer's ticket is "not found", exactly as a missing one.
    pub async fn download(&self, actor: &Actor, id: i64) -> Result<Download, AppError> {
        require(actor, Action::UseTickets)?;
        let record = self
            .store
            .attachment(id)
            .await
            .map_err(store_err)?
            .ok_or(AppError::NotFound)?;
        if record.internal && require(actor, Action::WorkTickets).is_err() {
            return Err(AppError::NotFound);
        }
        self.visible(actor, record.ticket_id).await?;
        let path = files::storage_path(&self.config.data_dir, &record.sha256);
        let bytes = tokio::fs::read(path).await.map_err(|err| {
            tracing::error!(attachment_id = id, error = %err, "attachment file missing");
            AppError::NotFound
        })?;
        Ok(Download {
            file_name: record.file_name,
            bytes,
        })
    }
}
