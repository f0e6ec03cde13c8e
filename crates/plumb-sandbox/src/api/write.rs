//! create, update, patch (all four types) and the scale subresource.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::hooks;
use super::read::scale_of;
use super::status::{ApiError, ApiResult};
use super::{AppState, Ctx, as_version, json_response};
use crate::registry::ResourceType;
use crate::store::{Change, Committed, EventKind};

/// How a write changes an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Update,
    Apply { force: bool },
}

/// Options of one write.
pub struct WriteOpts<'a> {
    pub manager: &'a str,
    pub subresource: Option<&'a str>,
    pub dry_run: bool,
}

/// Decodes a request body (JSON or YAML) into an object.
pub fn decode_body(ctx: &Ctx) -> ApiResult<Value> {
    let v = hooks::decode(&ctx.body, ctx.content_type())?;
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "the body of the request is not a JSON or YAML object",
        ));
    }
    Ok(v)
}

/// POST to a collection.
pub fn create(ctx: &Ctx) -> ApiResult<Response> {
    let mut obj = decode_body(ctx)?;
    check_type(&ctx.ty, &mut obj)?;
    let ns = ctx.namespace();
    match obj["metadata"]["namespace"].as_str() {
        Some(n) if !n.is_empty() && n != ns && ctx.ty.namespaced => {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        _ => {}
    }
    let manager = ctx.manager();
    let opts = WriteOpts {
        manager: &manager,
        subresource: None,
        dry_run: ctx.dry_run(),
    };
    let obj = create_object(&ctx.state, &ctx.ty, ns, obj, &opts)?;
    Ok(json_response(
        StatusCode::CREATED,
        &as_version(&obj, &ctx.ty),
    ))
}

/// Checks (and fills in) apiVersion and kind against the resource of the URL.
fn check_type(ty: &ResourceType, obj: &mut Value) -> ApiResult<()> {
    match obj["kind"].as_str() {
        Some(k) if k == ty.kind => {}
        Some("") | None => {
            return Err(ApiError::bad_request(format!(
                "Object 'Kind' is missing in '{}'",
                short(obj)
            )));
        }
        Some(k) => {
            return Err(ApiError::bad_request(format!(
                "the kind in the body ({k}) does not match the kind of the resource ({})",
                ty.kind
            )));
        }
    }
    match obj["apiVersion"].as_str() {
        Some(v) if v == ty.api_version() => Ok(()),
        Some(v) => Err(ApiError::bad_request(format!(
            "the API version in the data ({v}) does not match the expected API version ({})",
            ty.api_version()
        ))),
        None => Err(ApiError::bad_request(format!(
            "Object 'apiVersion' is missing in '{}'",
            short(obj)
        ))),
    }
}

fn short(obj: &Value) -> String {
    let s = obj.to_string();
    if s.len() > 200 {
        format!("{}…", &s[..s.floor_char_boundary(200)])
    } else {
        s
    }
}

const NAME_CHARS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

fn generated_name(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4();
    let suffix: String = id
        .as_bytes()
        .iter()
        .take(5)
        .map(|b| NAME_CHARS[*b as usize % NAME_CHARS.len()] as char)
        .collect();
    format!("{prefix}{suffix}")
}

/// Creates an object in `namespace` (ignored for cluster-scoped kinds).
pub fn create_object(
    state: &Arc<AppState>,
    ty: &Arc<ResourceType>,
    namespace: &str,
    mut obj: Value,
    opts: &WriteOpts,
) -> ApiResult<Arc<Value>> {
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    let meta = &mut obj["metadata"];
    if ty.namespaced {
        meta["namespace"] = json!(namespace);
    } else if let Some(m) = meta.as_object_mut() {
        m.remove("namespace");
    }
    let has_name = meta["name"].as_str().is_some_and(|n| !n.is_empty());
    if !has_name {
        match meta["generateName"].as_str() {
            Some(prefix) if !prefix.is_empty() => {
                meta["name"] = json!(generated_name(prefix));
            }
            _ => {
                return Err(invalid_name(
                    ty,
                    "",
                    "metadata.name: Required value: name or generateName is required",
                ));
            }
        }
    }
    let name = meta["name"].as_str().unwrap_or("").to_string();
    if ty.namespaced {
        require_namespace(state, namespace)?;
    }
    let ts = state.clock.rfc3339();
    if let Some(m) = obj["metadata"].as_object_mut() {
        m.remove("resourceVersion");
        m.remove("deletionTimestamp");
        m.remove("deletionGracePeriodSeconds");
        m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
        m.insert("creationTimestamp".into(), json!(ts));
        if ty.generation {
            m.insert("generation".into(), json!(1));
        } else {
            m.remove("generation");
        }
    }
    if ty.status_subresource || !ty.custom {
        match hooks::initial_status(ty, &obj) {
            Some(status) => obj["status"] = status,
            None if ty.status_subresource => {
                if let Some(m) = obj.as_object_mut() {
                    m.remove("status");
                }
            }
            None => {}
        }
    }
    hooks::defaults(state, ty, None, &mut obj);
    hooks::validate(ty, None, &obj)?;
    if ty.kind == "CustomResourceDefinition" && !ty.custom {
        hooks::crd_status(&mut obj, &ts);
    }
    if obj["metadata"].get("managedFields").is_none() {
        obj = hooks::track_update(None, &obj, ty, opts.manager, opts.subresource, &ts)?;
    }
    if opts.dry_run {
        if state
            .store
            .get(&ty.storage_key(), namespace_of(ty, namespace), &name)
            .is_some()
        {
            return Err(ApiError::already_exists(&ty.group_resource(), &name));
        }
        return Ok(Arc::new(obj));
    }
    let gr = ty.group_resource();
    let committed = state
        .store
        .mutate(
            &ty.storage_key(),
            namespace_of(ty, namespace),
            &name,
            |cur, _| {
                if cur.is_some() {
                    return Err(ApiError::already_exists(&gr, &name));
                }
                Ok(Change::Put(obj))
            },
        )?
        .ok_or_else(|| ApiError::internal("create committed nothing"))?;
    after_commit(state, ty, &committed);
    Ok(committed.object)
}

fn namespace_of<'a>(ty: &ResourceType, namespace: &'a str) -> &'a str {
    if ty.namespaced { namespace } else { "" }
}

fn invalid_name(ty: &ResourceType, name: &str, detail: &str) -> ApiError {
    let group = if ty.group.is_empty() {
        String::new()
    } else {
        format!(".{}", ty.group)
    };
    ApiError::invalid(format!(
        "{}{group} \"{name}\" is invalid: {detail}",
        ty.kind
    ))
}

fn require_namespace(state: &AppState, namespace: &str) -> ApiResult<()> {
    match state.store.get("/namespaces", "", namespace) {
        None => Err(ApiError::not_found("namespaces", namespace)),
        Some(ns) if ns["status"]["phase"] == "Terminating" => Err(ApiError::new(
            403,
            "Forbidden",
            format!(
                "unable to create new content in namespace {namespace} because it is being terminated"
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Effects of a committed write on the server itself (CRDs register their resources).
pub fn after_commit(state: &Arc<AppState>, ty: &ResourceType, c: &Committed) {
    if ty.group == "apiextensions.k8s.io" && ty.kind == "CustomResourceDefinition" {
        match c.kind {
            EventKind::Deleted => {}
            _ => {
                if let Err(e) = state.registry.register_crd(&c.object) {
                    tracing::warn!(crd = %c.object["metadata"]["name"], error = %e, "CRD not registered");
                }
            }
        }
    }
}

/// PUT an object (or its status / finalize subresource).
pub fn update(ctx: &Ctx) -> ApiResult<Response> {
    let mut new = decode_body(ctx)?;
    check_type(&ctx.ty, &mut new)?;
    let manager = ctx.manager();
    let opts = WriteOpts {
        manager: &manager,
        subresource: ctx.path.subresource.as_deref(),
        dry_run: ctx.dry_run(),
    };
    let obj = update_object(ctx, &opts, Op::Update, |_| Ok(new))?;
    Ok(json_response(StatusCode::OK, &as_version(&obj, &ctx.ty)))
}

/// PATCH: JSON patch, merge patch, strategic merge patch or server-side apply.
pub fn patch(ctx: &Ctx) -> ApiResult<Response> {
    let patch_type = ctx.content_type().to_string();
    let manager = ctx.manager();
    let opts = WriteOpts {
        manager: &manager,
        subresource: ctx.path.subresource.as_deref(),
        dry_run: ctx.dry_run(),
    };
    if patch_type == "application/apply-patch+yaml" {
        if ctx.q("fieldManager").is_none() {
            return Err(ApiError::invalid(
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
            ));
        }
        let force = ctx.flag("force");
        let mut config = decode_body(ctx)?;
        check_type(&ctx.ty, &mut config)?;
        if config["metadata"]["name"]
            .as_str()
            .is_some_and(|n| n != ctx.name())
        {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({}) does not match the name on the URL ({})",
                config["metadata"]["name"].as_str().unwrap_or(""),
                ctx.name()
            )));
        }
        let exists = ctx
            .state
            .store
            .get(&ctx.storage_key(), ctx.namespace(), ctx.name())
            .is_some();
        if !exists && ctx.path.subresource.is_none() {
            let ts = ctx.state.clock.rfc3339();
            let mut obj = hooks::track_apply(None, &config, &ctx.ty, &manager, None, force, &ts)?;
            obj["metadata"]["name"] = json!(ctx.name());
            match create_object(&ctx.state, &ctx.ty, ctx.namespace(), obj, &opts) {
                Ok(obj) => {
                    return Ok(json_response(
                        StatusCode::CREATED,
                        &as_version(&obj, &ctx.ty),
                    ));
                }
                // Someone created it meanwhile: apply to theirs.
                Err(e) if e.reason == "AlreadyExists" => {}
                Err(e) => return Err(e),
            }
        }
        let obj = update_object(ctx, &opts, Op::Apply { force }, |cur| {
            hooks::track_apply(
                Some(cur),
                &config,
                &ctx.ty,
                &manager,
                ctx.path.subresource.as_deref(),
                force,
                &ctx.state.clock.rfc3339(),
            )
        })?;
        return Ok(json_response(StatusCode::OK, &as_version(&obj, &ctx.ty)));
    }
    let patch = hooks::decode(&ctx.body, "application/json")?;
    let obj = update_object(ctx, &opts, Op::Update, |cur| {
        hooks::apply_patch(&ctx.ty, &patch_type, cur, &patch)
    })?;
    Ok(json_response(StatusCode::OK, &as_version(&obj, &ctx.ty)))
}

/// Reads the current object, computes the new one with `f`, and commits it with the
/// rules of an update: preconditions, immutable metadata, status handling, defaults,
/// validation, generation and managed fields. A no-op write changes nothing.
pub fn update_object(
    ctx: &Ctx,
    opts: &WriteOpts,
    op: Op,
    f: impl FnOnce(&Value) -> ApiResult<Value>,
) -> ApiResult<Arc<Value>> {
    let gr = ctx.gr();
    let name = ctx.name().to_string();
    let ty = ctx.ty.clone();
    let state = ctx.state.clone();
    let dry_run = opts.dry_run;
    let mut dry_result = None;
    let committed = ctx.state.store.mutate::<ApiError>(
        &ctx.storage_key(),
        ctx.namespace(),
        &name,
        |cur, _next| {
            let cur = cur.ok_or_else(|| ApiError::not_found(&gr, &name))?;
            let old = as_version(cur, &ty);
            let candidate = f(&old)?;
            let new = finish_update(&state, &ty, &old, candidate, opts, op, &name)?;
            if same_object(&old, &new) {
                dry_result = Some(Arc::new(old));
                return Ok(Change::Nothing);
            }
            if dry_run {
                let mut new = new;
                new["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"].clone();
                dry_result = Some(Arc::new(new));
                return Ok(Change::Nothing);
            }
            if is_finalized(&new) {
                return Ok(Change::Delete);
            }
            Ok(Change::Put(new))
        },
    )?;
    if let Some(obj) = dry_result {
        return Ok(obj);
    }
    let committed = committed.ok_or_else(|| ApiError::not_found(&gr, &name))?;
    after_commit(&ctx.state, &ctx.ty, &committed);
    if committed.kind == EventKind::Deleted {
        super::delete::after_delete(&ctx.state, &ctx.ty, &committed.object);
    }
    Ok(committed.object)
}

/// An object marked for deletion whose finalizers are all gone.
fn is_finalized(obj: &Value) -> bool {
    obj["metadata"]
        .get("deletionTimestamp")
        .is_some_and(|t| !t.is_null())
        && obj["metadata"]["finalizers"]
            .as_array()
            .is_none_or(|f| f.is_empty())
}

fn finish_update(
    state: &Arc<AppState>,
    ty: &Arc<ResourceType>,
    old: &Value,
    mut new: Value,
    opts: &WriteOpts,
    op: Op,
    name: &str,
) -> ApiResult<Value> {
    if !new.is_object() {
        return Err(ApiError::bad_request("the patched object is not an object"));
    }
    check_type(ty, &mut new)?;
    let gr = ty.group_resource();
    match new["metadata"]["name"].as_str() {
        Some(n) if n == name => {}
        Some(n) => {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({n}) does not match the name on the URL ({name})"
            )));
        }
        None => {
            new["metadata"]["name"] = json!(name);
        }
    }
    if let Some(rv) = new["metadata"]["resourceVersion"].as_str()
        && !rv.is_empty()
        && Some(rv) != old["metadata"]["resourceVersion"].as_str()
    {
        return Err(ApiError::stale(&gr, name));
    }
    if let Some(uid) = new["metadata"]["uid"].as_str()
        && !uid.is_empty()
        && Some(uid) != old["metadata"]["uid"].as_str()
    {
        return Err(ApiError::conflict(
            &gr,
            name,
            &format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                old["metadata"]["uid"].as_str().unwrap_or("")
            ),
        ));
    }
    match opts.subresource {
        Some("status") => {
            // The status subresource changes status only.
            let mut merged = old.clone();
            merged["status"] = new.get("status").cloned().unwrap_or(json!({}));
            if let Some(mf) = new["metadata"].get("managedFields") {
                merged["metadata"]["managedFields"] = mf.clone();
            }
            new = merged;
        }
        _ if ty.status_subresource => match old.get("status") {
            Some(s) => new["status"] = s.clone(),
            None => {
                if let Some(m) = new.as_object_mut() {
                    m.remove("status");
                }
            }
        },
        _ => {}
    }
    // Metadata only the server sets.
    for key in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "namespace",
        "generation",
    ] {
        match old["metadata"].get(key) {
            Some(v) => new["metadata"][key] = v.clone(),
            None => {
                if let Some(m) = new["metadata"].as_object_mut() {
                    m.remove(key);
                }
            }
        }
    }
    if let Some(m) = new["metadata"].as_object_mut() {
        m.remove("resourceVersion");
    }
    // A deleted object may only lose finalizers.
    hooks::defaults(state, ty, Some(old), &mut new);
    hooks::validate(ty, Some(old), &new)?;
    if ty.generation && spec_changed(old, &new) {
        let g = old["metadata"]["generation"].as_i64().unwrap_or(0);
        new["metadata"]["generation"] = json!(g + 1);
    }
    if op == Op::Update {
        new = hooks::track_update(
            Some(old),
            &new,
            ty,
            opts.manager,
            opts.subresource,
            &state.clock.rfc3339(),
        )?;
    }
    if new["metadata"]["managedFields"]
        .as_array()
        .is_some_and(|a| a.is_empty())
        && let Some(m) = new["metadata"].as_object_mut()
    {
        m.remove("managedFields");
    }
    Ok(new)
}

/// Whether anything outside metadata and status changed (what bumps generation).
fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("metadata");
            m.remove("status");
        }
        v
    };
    strip(old) != strip(new)
}

/// Equal but for managed-field timestamps and the resourceVersion.
fn same_object(old: &Value, new: &Value) -> bool {
    let norm = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(m) = v["metadata"].as_object_mut() {
            m.remove("resourceVersion");
            if let Some(Value::Array(mf)) = m.get_mut("managedFields") {
                for e in mf {
                    if let Some(e) = e.as_object_mut() {
                        e.remove("time");
                    }
                }
            }
        }
        v
    };
    norm(old) == norm(new)
}

/// PUT or PATCH the scale subresource.
pub fn scale(ctx: &Ctx) -> ApiResult<Response> {
    let patch_type = ctx.content_type().to_string();
    let body = hooks::decode(&ctx.body, &patch_type)?;
    let manager = ctx.manager();
    let opts = WriteOpts {
        manager: &manager,
        subresource: Some("scale"),
        dry_run: ctx.dry_run(),
    };
    let paths = ctx
        .ty
        .scale
        .clone()
        .ok_or_else(|| ApiError::not_found(&ctx.gr(), ctx.name()))?;
    let obj = update_object(ctx, &opts, Op::Update, |cur| {
        let old_scale = scale_of(ctx, cur);
        let new_scale = if ctx.method == axum::http::Method::PUT {
            if let Some(rv) = body["metadata"]["resourceVersion"].as_str()
                && !rv.is_empty()
                && Some(rv) != cur["metadata"]["resourceVersion"].as_str()
            {
                return Err(ApiError::stale(&ctx.gr(), ctx.name()));
            }
            body.clone()
        } else {
            hooks::patch_plain(&patch_type, &old_scale, &body)?
        };
        let replicas = new_scale["spec"]["replicas"].as_i64().unwrap_or(0);
        if replicas < 0 {
            return Err(ApiError::invalid(format!(
                "Scale.autoscaling \"{}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0",
                ctx.name()
            )));
        }
        let mut new = cur.clone();
        let mut target = &mut new;
        for k in paths.spec_replicas.split('.') {
            target = &mut target[k];
        }
        *target = json!(replicas);
        Ok(new)
    })?;
    Ok(json_response(StatusCode::OK, &scale_of(ctx, &obj)))
}
