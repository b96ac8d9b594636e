//! What every benchmark shares: its knobs from the environment, and how
//! it prints a latency spread.
// Each benchmark compiles this module on its own and uses only a part.
#![allow(dead_code)]

use std::time::Duration;

/// The environment variable `name` parsed, or `default` when unset or not
/// a `T`.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// p50, p95, p99 and the maximum of `samples`, in milliseconds.
pub fn percentiles(mut samples: Vec<Duration>) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort();
    let at = |p: f64| {
        let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    format!(
        "p50 {:.1} ms   p95 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        at(0.50),
        at(0.95),
        at(0.99),
        at(1.0)
    )
}

/// Whole milliseconds as a sample, negative ones (early) as zero.
pub fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}
