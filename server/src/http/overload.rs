//! Sheds load instead of queueing without bound: past the configured
//! number of requests in flight, new ones get 503 with Retry-After at once.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub async fn shed(State(permits): State<Arc<Semaphore>>, req: Request, next: Next) -> Response {
    match permits.try_acquire_owned() {
        Ok(_permit) => next.run(req).await,
        Err(_) => {
            tracing::warn!(path = %req.uri().path(), "overloaded: request shed");
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
    use tower::ServiceExt;

    #[tokio::test]
    async fn requests_beyond_the_limit_get_503_with_retry_after() {
        let permits = Arc::new(Semaphore::new(1));
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(permits.clone(), shed));
        let held = permits.clone().try_acquire_owned().unwrap();
        let busy = app
            .clone()
            .oneshot(Request::new(Body::empty()))
            .await
            .unwrap();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "1");
        drop(held);
        let ok = app.oneshot(Request::new(Body::empty())).await.unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
    }
}
