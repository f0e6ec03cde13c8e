//! The HTTP API: Applications, diffs, manual syncs, Git webhooks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use plumb_source::{Secret, WebhookSecrets};
use serde_json::json;

use crate::engine::{Engine, ManualSync, Trigger};

#[derive(Clone)]
struct ApiState {
    engine: Engine,
    secrets: std::sync::Arc<WebhookSecrets>,
}

/// Webhook secrets from `PLUMB_WEBHOOK_GITHUB_SECRET`, `PLUMB_WEBHOOK_GITLAB_TOKEN` and
/// `PLUMB_WEBHOOK_GITEA_SECRET`.
pub fn webhook_secrets_from_env() -> WebhookSecrets {
    let var = |n: &str| {
        std::env::var(n)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret::new)
    };
    WebhookSecrets {
        github: var("PLUMB_WEBHOOK_GITHUB_SECRET"),
        gitlab: var("PLUMB_WEBHOOK_GITLAB_TOKEN"),
        gitea: var("PLUMB_WEBHOOK_GITEA_SECRET"),
    }
}

pub fn router(engine: Engine, secrets: WebhookSecrets) -> axum::Router {
    let state = ApiState {
        engine,
        secrets: std::sync::Arc::new(secrets),
    };
    axum::Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/applications", get(list))
        .route("/api/applications/{name}", get(one))
        .route("/api/applications/{name}/diff", get(diff))
        .route("/api/applications/{name}/sync", post(sync))
        .route("/api/webhook", post(webhook))
        .with_state(state)
}

fn not_found(name: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": format!("application {name:?} not found")})),
    )
        .into_response()
}

async fn list(State(s): State<ApiState>) -> Response {
    let mut items = Vec::new();
    for name in s.engine.names() {
        if let Some((app, status)) = s.engine.get(&name).await {
            items.push(json!({"metadata": app.metadata, "spec": app.spec, "status": status}));
        }
    }
    Json(json!({"items": items})).into_response()
}

async fn one(State(s): State<ApiState>, Path(name): Path<String>) -> Response {
    match s.engine.get(&name).await {
        Some((app, status)) => {
            Json(json!({"metadata": app.metadata, "spec": app.spec, "status": status}))
                .into_response()
        }
        None => not_found(&name),
    }
}

async fn diff(State(s): State<ApiState>, Path(name): Path<String>) -> Response {
    match s.engine.diff(&name).await {
        Some(d) => d.into_response(),
        None => not_found(&name),
    }
}

async fn sync(State(s): State<ApiState>, Path(name): Path<String>, body: Bytes) -> Response {
    let req: ManualSync = if body.is_empty() {
        ManualSync::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(r) => r,
            Err(e) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": format!("sync request: {e}")})),
                )
                    .into_response();
            }
        }
    };
    if let Some(rev) = &req.revision
        && let Err(e) = plumb_source::validate_revision(rev)
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": e.to_string()})),
        )
            .into_response();
    }
    match s.engine.sync_now(&name, req).await {
        Some(status) => Json(json!({"status": status})).into_response(),
        None => not_found(&name),
    }
}

async fn webhook(State(s): State<ApiState>, headers: HeaderMap, body: Bytes) -> Response {
    let event = match plumb_source::parse_webhook(&headers, &body, &s.secrets) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "webhook refused");
            let code = if matches!(e, plumb_source::WebhookError::Unauthorized { .. }) {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
            return (code, Json(json!({"error": e.to_string()}))).into_response();
        }
    };
    // One fetch per repository the push concerns, then every affected Application.
    let mut refreshed = Vec::new();
    let mut fetched: Vec<String> = Vec::new();
    for name in s.engine.names() {
        // The spec only: no need to wait for the Application's running reconcile.
        let Some(entry) = s.engine.entry(&name) else {
            continue;
        };
        let Some(src) = &entry.app.spec.source else {
            continue;
        };
        if !(event.concerns(&src.repo_url) && event.affects_revision(src.revision())) {
            continue;
        }
        let repo = plumb_source::normalize_repo_url(&src.repo_url);
        if !fetched.contains(&repo) {
            if let Err(e) = s.engine.source().refresh(&src.repo_url).await {
                tracing::warn!(repo = %plumb_source::redact_url(&src.repo_url), error = %e, "fetch after webhook failed");
            }
            fetched.push(repo);
        }
        s.engine.enqueue(&name, Trigger::Refresh);
        refreshed.push(name);
    }
    tracing::info!(apps = ?refreshed, "webhook: refreshing");
    Json(json!({"refreshed": refreshed})).into_response()
}
