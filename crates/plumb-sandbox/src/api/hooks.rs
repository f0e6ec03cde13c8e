//! The server's calls into per-kind behaviour (`crate::kinds`), patching (`plumb-patch`)
//! and field management (`plumb-apply`), adapted to API errors.

use serde_json::{Value, json};

use super::status::{ApiError, ApiResult};
use super::{AppState, Ctx};
use crate::kinds::{FieldLabels, FieldSelector, LabelSelector};
use crate::registry::ResourceType;

/// Decodes a body as JSON, or as YAML for YAML media types (apply patches, `kubectl
/// create` with YAML).
pub fn decode(body: &[u8], content_type: &str) -> ApiResult<Value> {
    if body.is_empty() {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    if content_type == crate::protobuf::CONTENT_TYPE {
        return crate::protobuf::decode(body).map_err(|e| {
            ApiError::bad_request(format!(
                "the protobuf body of the request could not be decoded: {e}"
            ))
        });
    }
    if content_type.contains("protobuf") || content_type.contains("cbor") {
        return Err(ApiError::unsupported_media(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {content_type})"
        )));
    }
    let yaml = content_type.contains("yaml");
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Ok(v),
        Err(e) if !yaml => Err(ApiError::bad_request(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml; error: {e}"
        ))),
        Err(_) => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("the YAML body is not UTF-8"))?;
            serde_saphyr::from_str::<Value>(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))
        }
    }
}

/// labelSelector and fieldSelector of a list, watch or deletecollection.
pub struct Filter {
    labels: Option<LabelSelector>,
    fields: Option<FieldSelector>,
}

impl Filter {
    pub fn from_query(ctx: &Ctx) -> ApiResult<Filter> {
        let labels = match ctx.q("labelSelector") {
            Some(s) => Some(LabelSelector::parse(s).map_err(|e| {
                ApiError::bad_request(format!("unable to parse requirement: {}", e.0))
            })?),
            None => None,
        };
        let fields = match ctx.q("fieldSelector") {
            Some(s) => {
                let f = FieldSelector::parse(s).map_err(|e| ApiError::bad_request(e.0))?;
                let labels = if ctx.ty.custom {
                    FieldLabels::Custom {
                        cluster_scoped: !ctx.ty.namespaced,
                        selectable: &[],
                    }
                } else {
                    FieldLabels::Builtin {
                        group: &ctx.ty.group,
                        kind: &ctx.ty.kind,
                    }
                };
                f.check_supported(labels)
                    .map_err(|e| ApiError::bad_request(e.0))?;
                Some(f)
            }
            None => None,
        };
        Ok(Filter { labels, fields })
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.labels.as_ref().is_none_or(|l| l.matches_object(obj))
            && self.fields.as_ref().is_none_or(|f| f.matches(obj))
    }
}

/// A `PartialObjectMetadata` of an object.
pub fn partial_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    })
}

/// A Table of objects for `kubectl get`.
pub fn table(ctx: &Ctx, objects: &[Value], rv: &str, next: Option<&str>) -> Value {
    let null = Value::Null;
    let spec = if ctx.ty.custom {
        crate::kinds::TableSpec::Custom {
            printer_columns: ctx.ty.printer_columns.as_ref().unwrap_or(&null),
        }
    } else {
        crate::kinds::TableSpec::Builtin {
            group: &ctx.ty.group,
            kind: &ctx.ty.kind,
        }
    };
    let meta = crate::kinds::TableMeta {
        resource_version: rv.to_string(),
        continue_token: next.unwrap_or("").to_string(),
        remaining_item_count: None,
        no_headers: false,
    };
    let include = crate::kinds::IncludeObject::from_query(ctx.q("includeObject"));
    crate::kinds::table(&spec, objects, include, &meta, ctx.state.clock.now())
}

/// The status an object starts with (the real server resets status on create).
pub fn initial_status(ty: &ResourceType, obj: &Value) -> Option<Value> {
    if ty.custom {
        return None;
    }
    crate::kinds::initial_status(&ty.api_version(), &ty.kind, obj)
}

/// Defaults the API server sets. `old` is the stored object on updates: allocations
/// (a Service's cluster IP) carry over from it.
pub fn defaults(state: &AppState, ty: &ResourceType, old: Option<&Value>, obj: &mut Value) {
    if ty.custom {
        // Custom resources: unknown fields pruned, schema defaults applied, as the
        // apiextensions server does with a structural schema.
        if let Some(schema) = &ty.schema {
            crate::kinds::schema::prune_unknown_fields(schema, obj);
            crate::kinds::schema::apply_schema_defaults(schema, obj);
        }
        return;
    }
    if let Some(old) = old {
        crate::kinds::carry_over_allocations(&ty.kind, old, obj);
    }
    let mut ctx = Allocator { state };
    crate::kinds::apply_defaults(&ty.api_version(), &ty.kind, obj, &mut ctx);
}

struct Allocator<'a> {
    state: &'a AppState,
}

impl crate::kinds::DefaultsContext for Allocator<'_> {
    fn allocate_cluster_ip(&mut self) -> String {
        self.state.allocate_ip()
    }

    fn allocate_node_port(&mut self) -> i64 {
        self.state.allocate_node_port()
    }

    fn new_uid(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// Validation (of an update when `old` is given): 422 with the apiserver's message and
/// causes.
pub fn validate(ty: &ResourceType, old: Option<&Value>, obj: &Value) -> ApiResult<()> {
    let av = ty.api_version();
    let result = match (&ty.schema, old) {
        (Some(schema), _) if ty.custom => {
            crate::kinds::schema::validate_custom_resource(&av, &ty.kind, schema, obj)
        }
        _ if ty.custom => Ok(()),
        (_, Some(old)) => crate::kinds::validate_update(&av, &ty.kind, old, obj),
        (_, None) => crate::kinds::validate(&av, &ty.kind, obj),
    };
    result.map_err(|invalid| {
        ApiError::invalid(invalid.to_string()).with_details(invalid.to_status_details())
    })
}

/// The status a CRD gets when it is accepted: its names and the Established condition.
pub fn crd_status(crd: &mut Value, ts: &str) {
    let names = crd["spec"]["names"].clone();
    let mut accepted = names.clone();
    if accepted["singular"].is_null()
        && let Some(k) = names["kind"].as_str()
    {
        accepted["singular"] = json!(k.to_ascii_lowercase());
    }
    if accepted["listKind"].is_null()
        && let Some(k) = names["kind"].as_str()
    {
        accepted["listKind"] = json!(format!("{k}List"));
    }
    let storage: Vec<Value> = crd["spec"]["versions"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter(|v| v["storage"] == true)
                .map(|v| v["name"].clone())
                .collect()
        })
        .unwrap_or_default();
    crd["status"] = json!({
        "acceptedNames": accepted,
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": ts,
             "reason": "NoConflicts", "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": ts,
             "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"},
        ],
        "storedVersions": storage,
    });
}

/// The type information server-side apply merges with.
fn type_ref(ty: &ResourceType) -> plumb_apply::TypeRef<'_> {
    if let Some(t) = plumb_apply::TypeRef::builtin(&ty.api_version(), &ty.kind) {
        return t;
    }
    match &ty.schema {
        Some(schema) => plumb_apply::TypeRef::crd(schema),
        None => plumb_apply::TypeRef::Deduced,
    }
}

/// Fields an endpoint resets (nobody owns them through it).
fn reset_fields(ty: &ResourceType, subresource: Option<&str>) -> &'static [&'static str] {
    match subresource {
        Some("status") => &["spec", "metadata"],
        None if ty.status_subresource => &["status"],
        _ => &[],
    }
}

fn apply_error(e: plumb_apply::ApplyError) -> ApiError {
    match e {
        plumb_apply::ApplyError::Conflicts(c) => {
            let causes: Vec<Value> = c
                .0
                .iter()
                .map(|x| json!({"reason": "FieldManagerConflict", "message": x.cause_message(), "field": x.path}))
                .collect();
            ApiError::new(409, "Conflict", c.to_string()).with_details(json!({"causes": causes}))
        }
        plumb_apply::ApplyError::Invalid(m) => ApiError::bad_request(m),
    }
}

/// Managed fields after an Update operation by `manager`.
pub fn track_update(
    old: Option<&Value>,
    new: &Value,
    ty: &ResourceType,
    manager: &str,
    subresource: Option<&str>,
    time: &str,
) -> ApiResult<Value> {
    let api_version = ty.api_version();
    let mut mgr = plumb_apply::Manager::new(manager, &api_version, time)
        .with_reset_fields(reset_fields(ty, subresource));
    if let Some(sub) = subresource {
        mgr = mgr.with_subresource(sub);
    }
    plumb_apply::update(old, new, &mgr, type_ref(ty)).map_err(apply_error)
}

/// The object after a server-side apply of `config` by `manager`.
pub fn track_apply(
    live: Option<&Value>,
    config: &Value,
    ty: &ResourceType,
    manager: &str,
    subresource: Option<&str>,
    force: bool,
    time: &str,
) -> ApiResult<Value> {
    let api_version = ty.api_version();
    let mut mgr = plumb_apply::Manager::new(manager, &api_version, time)
        .with_reset_fields(reset_fields(ty, subresource));
    if let Some(sub) = subresource {
        mgr = mgr.with_subresource(sub);
    }
    plumb_apply::apply(live, config, &mgr, force, type_ref(ty)).map_err(apply_error)
}

/// Applies a JSON, merge or strategic merge patch to an object of `ty`.
pub fn apply_patch(
    ty: &ResourceType,
    patch_type: &str,
    cur: &Value,
    patch: &Value,
) -> ApiResult<Value> {
    if patch_type == "application/strategic-merge-patch+json" {
        if ty.custom {
            return Err(ApiError::unsupported_media(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            ));
        }
        let schema = plumb_schema::builtin().root(&ty.api_version(), &ty.kind);
        return plumb_patch::strategic_merge_patch(cur, patch, schema).map_err(patch_error);
    }
    patch_plain(patch_type, cur, patch)
}

fn patch_error(e: plumb_patch::PatchError) -> ApiError {
    ApiError::new(e.http_status(), e.status_reason(), e.status_message())
}

/// Applies a patch without schema knowledge (the scale subresource, custom resources).
pub fn patch_plain(patch_type: &str, cur: &Value, patch: &Value) -> ApiResult<Value> {
    match patch_type {
        "application/json-patch+json" => plumb_patch::json_patch(cur, patch).map_err(patch_error),
        "application/merge-patch+json" => plumb_patch::merge_patch(cur, patch).map_err(patch_error),
        "application/strategic-merge-patch+json" => {
            plumb_patch::strategic_merge_patch(cur, patch, None).map_err(patch_error)
        }
        other => Err(ApiError::unsupported_media(format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {other})"
        ))),
    }
}
