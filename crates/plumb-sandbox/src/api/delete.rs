//! delete, deletecollection, and what follows a deletion: garbage collection of
//! dependents, a namespace's content, a CRD's resources.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::hooks::{self, Filter};
use super::status::{ApiError, ApiResult};
use super::{AppState, Ctx, as_version, json_response};
use crate::registry::ResourceType;
use crate::store::{Change, EventKind};

/// How dependents are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

struct DeleteOptions {
    propagation: Propagation,
    precondition_uid: Option<String>,
    precondition_rv: Option<String>,
    dry_run: bool,
    /// `gracePeriodSeconds` (body or query): how long a Pod may take to shut down.
    grace: Option<i64>,
}

fn options(ctx: &Ctx) -> ApiResult<DeleteOptions> {
    let body = if ctx.body.is_empty() {
        json!({})
    } else {
        hooks::decode(&ctx.body, "application/json")?
    };
    let policy = body["propagationPolicy"]
        .as_str()
        .or_else(|| ctx.q("propagationPolicy"))
        .map(str::to_string);
    let orphan = body["orphanDependents"]
        .as_bool()
        .or_else(|| ctx.q("orphanDependents").map(|v| v == "true"));
    let propagation = match (policy.as_deref(), orphan) {
        (Some("Foreground"), _) => Propagation::Foreground,
        (Some("Orphan"), _) | (None, Some(true)) => Propagation::Orphan,
        (Some("Background") | None, _) => Propagation::Background,
        (Some(other), _) => {
            return Err(ApiError::invalid(format!(
                "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"{other}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
            )));
        }
    };
    let dry_run = ctx.dry_run()
        || body["dryRun"]
            .as_array()
            .is_some_and(|a| a.iter().any(|v| v == "All"));
    Ok(DeleteOptions {
        propagation,
        precondition_uid: body["preconditions"]["uid"].as_str().map(str::to_string),
        precondition_rv: body["preconditions"]["resourceVersion"]
            .as_str()
            .map(str::to_string),
        dry_run,
        grace: body["gracePeriodSeconds"]
            .as_i64()
            .or_else(|| ctx.q("gracePeriodSeconds").and_then(|g| g.parse().ok())),
    })
}

/// Deletes one object as a controller does: background propagation, the object's own
/// grace period, only if it still has `uid`.
pub fn delete_as_controller(
    state: &Arc<AppState>,
    ty: &Arc<ResourceType>,
    namespace: &str,
    name: &str,
    uid: &str,
) -> ApiResult<Arc<Value>> {
    let opts = DeleteOptions {
        propagation: Propagation::Background,
        precondition_uid: Some(uid.to_string()),
        precondition_rv: None,
        dry_run: false,
        grace: None,
    };
    delete_object(state, ty, namespace, name, &opts)
}

/// DELETE one object.
pub fn delete(ctx: &Ctx) -> ApiResult<Response> {
    let opts = options(ctx)?;
    let obj = delete_object(&ctx.state, &ctx.ty, ctx.namespace(), ctx.name(), &opts)?;
    Ok(json_response(StatusCode::OK, &as_version(&obj, &ctx.ty)))
}

fn delete_object(
    state: &Arc<AppState>,
    ty: &Arc<ResourceType>,
    namespace: &str,
    name: &str,
    opts: &DeleteOptions,
) -> ApiResult<Arc<Value>> {
    let gr = ty.group_resource();
    let is_namespace = ty.group.is_empty() && ty.plural == "namespaces";
    let mut dry = None;
    let committed = state
        .store
        .mutate(&ty.storage_key(), namespace, name, |cur, _| {
            let cur = cur.ok_or_else(|| ApiError::not_found(&gr, name))?;
            let meta = &cur["metadata"];
            if let Some(uid) = &opts.precondition_uid
                && meta["uid"].as_str() != Some(uid.as_str())
            {
                return Err(ApiError::conflict(
                    &gr,
                    name,
                    &format!(
                        "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        meta["uid"].as_str().unwrap_or("")
                    ),
                ));
            }
            if let Some(rv) = &opts.precondition_rv
                && meta["resourceVersion"].as_str() != Some(rv.as_str())
            {
                return Err(ApiError::conflict(
                    &gr,
                    name,
                    &format!(
                        "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                        meta["resourceVersion"].as_str().unwrap_or("")
                    ),
                ));
            }
            let mut finalizers: Vec<Value> = meta["finalizers"].as_array().cloned().unwrap_or_default();
            if opts.propagation == Propagation::Foreground
                && !finalizers.iter().any(|f| f == "foregroundDeletion")
            {
                finalizers.push(json!("foregroundDeletion"));
            }
            if opts.propagation == Propagation::Orphan
                && !finalizers.iter().any(|f| f == "orphan")
                && !is_namespace
            {
                finalizers.push(json!("orphan"));
            }
            // A Pod running on a node shuts down gracefully (the kubelet removes it once its
            // containers stop); unscheduled and finished Pods go at once.
            let pod_grace = pod_grace_period(state, ty, cur, opts.grace);
            let graceful = !finalizers.is_empty() || is_namespace || pod_grace > 0;
            if opts.dry_run {
                dry = Some((**cur).clone());
                return Ok(Change::Nothing);
            }
            if !graceful {
                return Ok(Change::Delete);
            }
            let marked = meta.get("deletionTimestamp").is_some_and(|t| !t.is_null());
            let shorter = meta["deletionGracePeriodSeconds"]
                .as_i64()
                .is_some_and(|g| pod_grace < g);
            if marked && !shorter {
                return Ok(Change::Nothing);
            }
            if marked && pod_grace == 0 && finalizers.is_empty() {
                return Ok(Change::Delete);
            }
            let mut next = (**cur).clone();
            let at = state
                .clock
                .now()
                .checked_add(jiff::SignedDuration::from_secs(pod_grace))
                .unwrap_or_else(|_| state.clock.now());
            next["metadata"]["deletionTimestamp"] = json!(crate::clock::format_ts(at));
            next["metadata"]["deletionGracePeriodSeconds"] = json!(pod_grace);
            if !finalizers.is_empty() {
                next["metadata"]["finalizers"] = json!(finalizers);
            }
            if is_namespace {
                next["status"]["phase"] = json!("Terminating");
            }
            Ok(Change::Put(next))
        })?;
    if let Some(obj) = dry {
        return Ok(Arc::new(obj));
    }
    let committed = committed.ok_or_else(|| ApiError::not_found(&gr, name))?;
    let obj = committed.object.clone();
    if committed.kind == EventKind::Deleted {
        after_delete(state, ty, &obj);
    } else {
        // Marked for deletion: the garbage collector (or namespace controller) finishes.
        let state = state.clone();
        let ty = ty.clone();
        let marked = obj.clone();
        tokio::spawn(async move { finish_graceful(&state, &ty, &marked).await });
    }
    Ok(obj)
}

/// The grace period a Pod's deletion waits for: 0 unless a kubelet runs the Pod (it is
/// bound to a node and the simulator's kubelets are on) and it has not finished.
fn pod_grace_period(state: &AppState, ty: &ResourceType, pod: &Value, asked: Option<i64>) -> i64 {
    let is_pod = ty.group.is_empty() && ty.plural == "pods";
    if !(is_pod && state.kubelets.load(std::sync::atomic::Ordering::Relaxed)) {
        return 0;
    }
    let bound = pod["spec"]["nodeName"]
        .as_str()
        .is_some_and(|n| !n.is_empty());
    let finished = matches!(
        pod["status"]["phase"].as_str(),
        Some("Succeeded" | "Failed")
    );
    if !bound || finished {
        return 0;
    }
    asked
        .or_else(|| pod["spec"]["terminationGracePeriodSeconds"].as_i64())
        .unwrap_or(30)
        .max(0)
}

/// Completes a deletion that waits on the server's own finalizers.
async fn finish_graceful(state: &Arc<AppState>, ty: &Arc<ResourceType>, obj: &Value) {
    let uid = obj["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
    let namespace = obj["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let finalizers: Vec<String> = obj["metadata"]["finalizers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if ty.group.is_empty() && ty.plural == "namespaces" {
        empty_namespace(state, &name);
        // The namespace goes once its content is gone and no finalizer of others remains.
        let _ = state
            .store
            .mutate::<ApiError>("/namespaces", "", &name, |cur, _| {
                let Some(cur) = cur else {
                    return Ok(Change::Nothing);
                };
                let others = cur["metadata"]["finalizers"]
                    .as_array()
                    .is_some_and(|f| !f.is_empty());
                Ok(if others {
                    Change::Nothing
                } else {
                    Change::Delete
                })
            });
        return;
    }
    if finalizers.iter().any(|f| f == "foregroundDeletion") {
        delete_dependents(state, &uid, Propagation::Foreground);
        remove_finalizer(state, ty, &namespace, &name, "foregroundDeletion");
    }
    if finalizers.iter().any(|f| f == "orphan") {
        orphan_dependents(state, &uid);
        remove_finalizer(state, ty, &namespace, &name, "orphan");
    }
}

fn remove_finalizer(
    state: &Arc<AppState>,
    ty: &Arc<ResourceType>,
    ns: &str,
    name: &str,
    fin: &str,
) {
    let result = state
        .store
        .mutate::<ApiError>(&ty.storage_key(), ns, name, |cur, _| {
            let Some(cur) = cur else {
                return Ok(Change::Nothing);
            };
            let mut next = (**cur).clone();
            let rest: Vec<Value> = cur["metadata"]["finalizers"]
                .as_array()
                .map(|a| a.iter().filter(|f| *f != fin).cloned().collect())
                .unwrap_or_default();
            if rest.is_empty() {
                return Ok(Change::Delete);
            }
            next["metadata"]["finalizers"] = json!(rest);
            Ok(Change::Put(next))
        });
    if let Ok(Some(c)) = result
        && c.kind == EventKind::Deleted
    {
        after_delete(state, ty, &c.object);
    }
}

/// What follows the removal of an object: dependents are collected, a CRD's objects go.
pub fn after_delete(state: &Arc<AppState>, ty: &Arc<ResourceType>, obj: &Value) {
    let uid = obj["metadata"]["uid"].as_str().unwrap_or("").to_string();
    if ty.group == "apiextensions.k8s.io" && ty.kind == "CustomResourceDefinition" {
        let name = obj["metadata"]["name"].as_str().unwrap_or("");
        let group = obj["spec"]["group"].as_str().unwrap_or("");
        let plural = obj["spec"]["names"]["plural"].as_str().unwrap_or("");
        state.registry.unregister_crd(name);
        let key = format!("{group}/{plural}");
        for (_, ns, n) in state.store.keys(&key) {
            let _ = state
                .store
                .mutate::<ApiError>(&key, &ns, &n, |_, _| Ok(Change::Delete));
        }
    }
    if !uid.is_empty() {
        delete_dependents(state, &uid, Propagation::Background);
    }
}

/// Deletes the objects owned by `uid` (garbage collection).
fn delete_dependents(state: &Arc<AppState>, uid: &str, propagation: Propagation) {
    for ((res, ns, name), obj) in state.store.dependents(uid) {
        let Some((group, plural)) = res.split_once('/') else {
            continue;
        };
        let Some(ty) = state.registry.storage_type(group, plural) else {
            continue;
        };
        // An owner reference to another live owner keeps the object.
        let other_owners = obj["metadata"]["ownerReferences"]
            .as_array()
            .map(|refs| refs.iter().filter(|r| r["uid"] != uid).count())
            .unwrap_or(0);
        if other_owners > 0 {
            strip_owner(state, &res, &ns, &name, uid);
            continue;
        }
        let opts = DeleteOptions {
            propagation,
            precondition_uid: None,
            precondition_rv: None,
            dry_run: false,
            grace: None,
        };
        let _ = delete_object(state, &ty, &ns, &name, &opts);
    }
}

fn strip_owner(state: &Arc<AppState>, res: &str, ns: &str, name: &str, uid: &str) {
    let _ = state.store.mutate::<ApiError>(res, ns, name, |cur, _| {
        let Some(cur) = cur else {
            return Ok(Change::Nothing);
        };
        let mut next = (**cur).clone();
        let refs: Vec<Value> = cur["metadata"]["ownerReferences"]
            .as_array()
            .map(|a| a.iter().filter(|r| r["uid"] != uid).cloned().collect())
            .unwrap_or_default();
        if let Some(m) = next["metadata"].as_object_mut() {
            if refs.is_empty() {
                m.remove("ownerReferences");
            } else {
                m.insert("ownerReferences".into(), json!(refs));
            }
        }
        Ok(Change::Put(next))
    });
}

fn orphan_dependents(state: &Arc<AppState>, uid: &str) {
    for ((res, ns, name), _) in state.store.dependents(uid) {
        strip_owner(state, &res, &ns, &name, uid);
    }
}

/// Deletes everything in a namespace.
fn empty_namespace(state: &Arc<AppState>, namespace: &str) {
    for ty in state.registry.all() {
        if !ty.namespaced || !ty.storage {
            continue;
        }
        let (objects, _) = state.store.list(&ty.storage_key(), Some(namespace));
        for o in objects {
            let name = o["metadata"]["name"].as_str().unwrap_or("").to_string();
            let committed =
                state
                    .store
                    .mutate::<ApiError>(&ty.storage_key(), namespace, &name, |_, _| {
                        Ok(Change::Delete)
                    });
            if let Ok(Some(c)) = committed {
                after_delete(state, &ty, &c.object);
            }
        }
    }
}

/// DELETE a collection (with selectors).
pub fn delete_collection(ctx: &Ctx) -> ApiResult<Response> {
    let filter = Filter::from_query(ctx)?;
    let opts = options(ctx)?;
    let (objects, rv) = ctx
        .state
        .store
        .list(&ctx.storage_key(), ctx.path.namespace.as_deref());
    let mut items = Vec::new();
    for o in objects.iter().filter(|o| filter.matches(o)) {
        let ns = o["metadata"]["namespace"].as_str().unwrap_or("");
        let name = o["metadata"]["name"].as_str().unwrap_or("");
        match delete_object(&ctx.state, &ctx.ty, ns, name, &opts) {
            Ok(obj) => items.push(as_version(&obj, &ctx.ty)),
            Err(e) if e.code == 404 => {}
            Err(e) => return Err(e),
        }
    }
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "apiVersion": ctx.ty.api_version(),
            "kind": format!("{}List", ctx.ty.kind),
            "metadata": {"resourceVersion": rv.to_string()},
            "items": items,
        }),
    ))
}
