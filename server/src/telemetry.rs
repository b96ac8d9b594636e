//! Structured logs through `tracing`; `RUST_LOG` picks the level.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,lettre=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    // A second init (tests) is harmless, so its error is ignored.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
