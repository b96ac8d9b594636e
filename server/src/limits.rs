//! Fixed-window rate limits counted in the database, so they hold across
//! instances.

use crate::store::{SharedStore, StoreError};
use chrono::{DateTime, TimeZone, Utc};

pub struct Limiter {
    store: SharedStore,
    window_secs: i64,
}

#[derive(Debug)]
pub enum LimitError {
    Exceeded { retry_after_secs: u64 },
    Store(StoreError),
}

impl Limiter {
    pub fn new(store: SharedStore, window_secs: i64) -> Self {
        Self {
            store,
            window_secs: window_secs.max(1),
        }
    }

    /// Counts a hit on `key`; refuses when more than `limit` hits fell in
    /// the current window.
    pub async fn hit(&self, key: &str, limit: i64, now: DateTime<Utc>) -> Result<(), LimitError> {
        let (start, retry_after_secs) = window(now, self.window_secs);
        let hits = self
            .store
            .hit_rate_limit(key, start)
            .await
            .map_err(LimitError::Store)?;
        if hits > limit {
            return Err(LimitError::Exceeded { retry_after_secs });
        }
        Ok(())
    }
}

/// The start of the window holding `now`, and the seconds until it ends.
fn window(now: DateTime<Utc>, window_secs: i64) -> (DateTime<Utc>, u64) {
    let secs = now.timestamp();
    let start = secs - secs.rem_euclid(window_secs);
    let retry = (start + window_secs - secs).max(1) as u64;
    (Utc.timestamp_opt(start, 0).single().unwrap_or(now), retry)
}

impl From<LimitError> for app::service::ServiceError {
    fn from(err: LimitError) -> Self {
        match err {
            LimitError::Exceeded { retry_after_secs } => Self::RateLimited { retry_after_secs },
            LimitError::Store(e) => app::service::internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_retry_points_at_the_next_one() {
        let now = Utc.timestamp_opt(1_000_000_123, 0).single().unwrap();
        let (start, retry) = window(now, 60);
        assert_eq!(start.timestamp(), 1_000_000_080);
        assert_eq!(retry, 17);
    }
}
