//! The API's request budget: a fixed one-minute window per client address
//! and per token (or browser session), counted in this instance's memory.
//! The database-backed limits guard sign-ins and sign-ups across
//! instances; counting every API read there would make each one a write.

use std::collections::HashMap;
use std::sync::Mutex;

const WINDOW_SECS: i64 = 60;
/// Past this many keys, windows that have ended are forgotten.
const PRUNE_AT: usize = 100_000;

/// Where a caller stands after one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window ends.
    pub reset_secs: u64,
    pub allowed: bool,
}

pub struct RateWindows {
    counts: Mutex<HashMap<String, (i64, u32)>>,
}

impl Default for RateWindows {
    fn default() -> Self {
        Self {
            counts: Mutex::new(HashMap::new()),
        }
    }
}

impl RateWindows {
    /// Counts one request on `key` at `now_secs` (Unix seconds).
    pub fn hit(&self, key: &str, limit: u32, now_secs: i64) -> Budget {
        let window = now_secs - now_secs.rem_euclid(WINDOW_SECS);
        let reset_secs = u64::try_from(window + WINDOW_SECS - now_secs).unwrap_or(1);
        // A poisoned lock only means another request panicked mid-count.
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if counts.len() > PRUNE_AT {
            counts.retain(|_, (start, _)| *start == window);
        }
        let entry = counts.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        Budget {
            limit,
            remaining: limit.saturating_sub(entry.1),
            reset_secs,
            allowed: entry.1 <= limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_allows_its_limit_then_refuses_until_it_ends() {
        let windows = RateWindows::default();
        let start = 1_800_000_020;
        for n in 1..=3 {
            let budget = windows.hit("a", 3, start + n);
            assert!(budget.allowed);
            assert_eq!(budget.remaining, 3 - n as u32);
        }
        let refused = windows.hit("a", 3, start + 5);
        assert!(!refused.allowed);
        assert_eq!(refused.reset_secs, 35);
        // Another key has its own budget; the next window starts afresh.
        assert!(windows.hit("b", 3, start + 5).allowed);
        assert!(windows.hit("a", 3, start + 40).allowed);
    }
}
