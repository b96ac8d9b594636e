//! Sheds load instead of queueing without bound: past the configured
//! number of requests in flight, new ones get 503 with Retry-After at once.
//! Shed requests are counted, not logged one by one: a flood of identical
//! lines would bury the log exactly when the operator needs it, so one WARN
//! line a second at most says how many were shed.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How often the count of shed requests is reported (when it is not zero).
const SUMMARY_EVERY: Duration = Duration::from_secs(1);

pub struct Overload {
    permits: Arc<Semaphore>,
    shed: AtomicU64,
}

impl Overload {
    /// Starts the once-a-second summary; it stops when the router is dropped.
    pub fn start(max_in_flight: usize) -> Arc<Self> {
        let overload = Arc::new(Self {
            permits: Arc::new(Semaphore::new(max_in_flight)),
            shed: AtomicU64::new(0),
        });
        let weak = Arc::downgrade(&overload);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SUMMARY_EVERY);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(overload) = weak.upgrade() else {
                    break;
                };
                overload.report();
            }
        });
        overload
    }

    /// Logs and resets the count; the number it logged.
    fn report(&self) -> u64 {
        let shed = self.shed.swap(0, Ordering::Relaxed);
        if shed > 0 {
            tracing::warn!(shed, "overloaded: {shed} requests shed in the last second");
        }
        shed
    }
}

pub async fn shed(State(overload): State<Arc<Overload>>, req: Request, next: Next) -> Response {
    match overload.permits.clone().try_acquire_owned() {
        Ok(_permit) => next.run(req).await,
        Err(_) => {
            overload.shed.fetch_add(1, Ordering::Relaxed);
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "1")],
                "The service is busy. Try again in a moment.",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use std::io::Write;
    use std::sync::Mutex;
    use tower::ServiceExt;

    fn app(overload: &Arc<Overload>) -> Router {
        Router::new()
            .route("/", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(overload.clone(), shed))
    }

    #[tokio::test]
    async fn requests_beyond_the_limit_get_503_with_retry_after() {
        let overload = Overload::start(1);
        let held = overload.permits.clone().try_acquire_owned().unwrap();
        let busy = app(&overload)
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        drop(held);
        let ok = app(&overload)
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(flavor = "current_thread", start_paused = true)]
    async fn a_flood_of_shed_requests_logs_one_summary_line_a_second() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let overload = Overload::start(1);
        let _held = overload.permits.clone().try_acquire_owned().unwrap();
        for _ in 0..500 {
            let res = app(&overload)
                .oneshot(Request::new(Body::empty()))
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        }
        assert!(
            captured.0.lock().unwrap().is_empty(),
            "nothing logged per request"
        );
        tokio::time::sleep(SUMMARY_EVERY + Duration::from_millis(10)).await;
        tokio::time::sleep(SUMMARY_EVERY).await;
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert_eq!(lines.len(), 1, "{log}");
        assert!(
            lines[0].contains("WARN") && lines[0].contains("500 requests shed"),
            "{log}"
        );
    }
}
