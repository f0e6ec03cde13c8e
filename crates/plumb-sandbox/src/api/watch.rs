//! watch: a stream of `{"type": ..., "object": ...}` lines.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::hooks::{self, Filter};
use super::status::{ApiError, ApiResult};
use super::{Ctx, Output, as_version};
use crate::store::{Event, EventKind, matches};

/// How often an idle watch sends a bookmark (when the client allows them) and checks
/// that its client is still there.
const TICK: Duration = Duration::from_secs(5);

/// GET with `watch=true`.
pub async fn watch(ctx: Ctx) -> ApiResult<Response> {
    let filter = Filter::from_query(&ctx)?;
    let rv = match ctx.q("resourceVersion") {
        None | Some("0") => None,
        Some(v) => Some(
            v.parse::<u64>()
                .map_err(|_| ApiError::bad_request(format!("invalid resource version: {v}")))?,
        ),
    };
    let send_initial = ctx.flag("sendInitialEvents");
    let bookmarks = ctx.flag("allowWatchBookmarks");
    let timeout = ctx
        .q("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let output = ctx.output();
    let resource = ctx.storage_key();
    let namespace = ctx.path.namespace.clone();
    let (tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(256);
    let start = ctx.state.store.watch(
        &resource,
        namespace.as_deref(),
        if send_initial { None } else { rv },
    );
    let ctx = std::sync::Arc::new(ctx);
    tokio::spawn(async move {
        let mut first_table = true;
        let mut encode = |kind: &str, obj: &Value| -> Bytes {
            let object = match output {
                Output::Table => {
                    let rv = obj["metadata"]["resourceVersion"]
                        .as_str()
                        .unwrap_or("")
                        .to_string();
                    let mut t = hooks::table(&ctx, std::slice::from_ref(obj), &rv, None);
                    if !first_table {
                        t["columnDefinitions"] = json!(null);
                    }
                    first_table = false;
                    t
                }
                Output::Metadata => hooks::partial_metadata(obj),
                Output::Object => obj.clone(),
            };
            let mut line =
                serde_json::to_vec(&json!({"type": kind, "object": object})).unwrap_or_default();
            line.push(b'\n');
            Bytes::from(line)
        };
        let (backlog, start_rv, mut events) = match start {
            Ok(s) => s,
            Err(gone) => {
                let status = ApiError::gone(gone.to_string()).to_status();
                let _ = tx.send(Ok(encode("ERROR", &status))).await;
                return;
            }
        };
        let mut last_rv = start_rv;
        for e in backlog {
            let Some(kind) = visible_as(&filter, &e) else {
                continue;
            };
            let obj = as_version(&e.object, &ctx.ty);
            if tx.send(Ok(encode(kind, &obj))).await.is_err() {
                return;
            }
        }
        if send_initial {
            let bm = bookmark(&ctx, start_rv, true);
            if tx.send(Ok(encode("BOOKMARK", &bm))).await.is_err() {
                return;
            }
        }
        // An injected fault may end the watch early (clients must re-watch).
        let early = ctx
            .state
            .faults
            .get()
            .close_watches_after_ms
            .map(Duration::from_millis);
        let timeout = match (timeout, early) {
            (Some(t), Some(e)) => Some(t.min(e)),
            (t, e) => t.or(e),
        };
        let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
        let mut tick = tokio::time::interval(TICK);
        tick.tick().await;
        loop {
            let until_deadline = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = until_deadline => return,
                _ = tick.tick() => {
                    if tx.is_closed() {
                        return;
                    }
                    if bookmarks {
                        let bm = bookmark(&ctx, last_rv, false);
                        if tx.send(Ok(encode("BOOKMARK", &bm))).await.is_err() {
                            return;
                        }
                    }
                }
                ev = events.recv() => match ev {
                    Ok(e) => {
                        last_rv = e.rv;
                        if !matches(&e.key, &resource, namespace.as_deref()) {
                            continue;
                        }
                        let Some(kind) = visible_as(&filter, &e) else { continue };
                        let obj = as_version(&e.object, &ctx.ty);
                        if tx.send(Ok(encode(kind, &obj))).await.is_err() {
                            return;
                        }
                    }
                    // Too slow a reader: end the watch; the client resumes from its last
                    // resourceVersion, which the history still holds.
                    Err(broadcast::error::RecvError::Lagged(_)) => return,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        }
    });
    let mut resp = Response::new(Body::from_stream(ReceiverStream::new(rx)));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    Ok(resp)
}

/// How an event looks through a selector: an object that starts matching is ADDED, one
/// that stops matching is DELETED, as the real server reports them.
fn visible_as(filter: &Filter, e: &Event) -> Option<&'static str> {
    let now = filter.matches(&e.object);
    match e.kind {
        EventKind::Modified => {
            let before = e.previous.as_ref().is_none_or(|p| filter.matches(p));
            match (before, now) {
                (true, true) => Some("MODIFIED"),
                (false, true) => Some("ADDED"),
                (true, false) => Some("DELETED"),
                (false, false) => None,
            }
        }
        kind => now.then(|| kind.as_str()),
    }
}

fn bookmark(ctx: &Ctx, rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": ctx.ty.kind, "apiVersion": ctx.ty.api_version(), "metadata": meta})
}
