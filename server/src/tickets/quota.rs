//! Upload quotas: how many files and bytes one person may upload, and one
//! ticket may receive, within the configured window. A flood of uploads
//! fills the disk and every inbox that gets notified; past a limit the
//! uploader waits until the oldest upload in the window ages out.

use crate::config::UploadQuota;
use crate::store::{SharedStore, UploadUsage};
use app::api::uploads::StagedFile;
use app::service::internal;
use app::service::ServiceError;
use chrono::{DateTime, Duration, Utc};

/// Refuses the upload of `files` by `uploader_id` (to `ticket_id`, when the
/// ticket exists yet) with 429 when it would pass a limit.
pub async fn check(
    store: &SharedStore,
    quota: &UploadQuota,
    uploader_id: i64,
    ticket_id: Option<i64>,
    files: &[StagedFile],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if files.is_empty() {
        return Ok(());
    }
    let since = now - Duration::seconds(quota.window_secs);
    let usage = store
        .upload_usage(uploader_id, ticket_id, since)
        .await
        .map_err(internal)?;
    let bytes = files.iter().map(|f| f.size_bytes).sum();
    match verdict(quota, &usage, files.len() as i64, bytes, now) {
        Ok(()) => Ok(()),
        Err(retry_after_secs) => {
            tracing::info!(
                uploader_id,
                ?ticket_id,
                retry_after_secs,
                "upload quota reached"
            );
            Err(ServiceError::RateLimited { retry_after_secs })
        }
    }
}

/// `Err(seconds to wait)` when adding `files` files of `bytes` bytes to what
/// the window already holds passes a limit.
fn verdict(
    quota: &UploadQuota,
    usage: &UploadUsage,
    files: i64,
    bytes: i64,
    now: DateTime<Utc>,
) -> Result<(), u64> {
    let wait_for = |oldest: Option<DateTime<Utc>>| {
        let frees_at = oldest.unwrap_or(now) + Duration::seconds(quota.window_secs);
        u64::try_from((frees_at - now).num_seconds())
            .unwrap_or(0)
            .max(1)
    };
    let account_over = usage.account_files + files > quota.files_per_account
        || usage.account_bytes + bytes > quota.bytes_per_account;
    let ticket_over = usage.ticket_files + files > quota.files_per_ticket
        || usage.ticket_bytes + bytes > quota.bytes_per_ticket;
    match (account_over, ticket_over) {
        (false, false) => Ok(()),
        (true, false) => Err(wait_for(usage.account_oldest)),
        (false, true) => Err(wait_for(usage.ticket_oldest)),
        (true, true) => Err(wait_for(usage.account_oldest).max(wait_for(usage.ticket_oldest))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quota() -> UploadQuota {
        UploadQuota {
            window_secs: 3600,
            files_per_account: 10,
            bytes_per_account: 1000,
            files_per_ticket: 5,
            bytes_per_ticket: 500,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn within_every_limit_is_fine() {
        let usage = UploadUsage {
            account_files: 9,
            account_bytes: 900,
            ticket_files: 4,
            ticket_bytes: 400,
            ..UploadUsage::default()
        };
        assert_eq!(verdict(&quota(), &usage, 1, 100, now()), Ok(()));
    }

    #[test]
    fn a_full_ticket_waits_for_its_oldest_upload_to_age_out() {
        let usage = UploadUsage {
            ticket_files: 5,
            ticket_oldest: Some(now() - Duration::seconds(3000)),
            account_oldest: Some(now() - Duration::seconds(100)),
            ..UploadUsage::default()
        };
        assert_eq!(verdict(&quota(), &usage, 1, 1, now()), Err(600));
    }

    #[test]
    fn bytes_count_as_much_as_files() {
        let usage = UploadUsage {
            account_bytes: 990,
            account_oldest: Some(now() - Duration::seconds(3599)),
            ..UploadUsage::default()
        };
        assert_eq!(verdict(&quota(), &usage, 1, 20, now()), Err(1));
        // One upload larger than the whole allowance waits a full window.
        assert_eq!(
            verdict(&quota(), &UploadUsage::default(), 1, 5000, now()),
            Err(3600)
        );
    }
}
