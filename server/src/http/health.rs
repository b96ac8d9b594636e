use crate::store::SharedStore;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// 200 with the backend in use when the database answers, 503 otherwise.
pub async fn healthz(State(store): State<SharedStore>) -> (StatusCode, Json<Value>) {
    let backend = store.backend().as_str();
    match store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "backend": backend })),
        ),
        Err(err) => {
            tracing::error!(error = %err, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "backend": backend })),
            )
        }
    }
}
