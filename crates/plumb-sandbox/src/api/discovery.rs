//! Discovery documents: `/api`, `/apis`, `/apis/<group>`, `/api/v1`, `/apis/<g>/<v>`.

use serde_json::{Value, json};

use super::status::{ApiError, ApiResult};
use crate::registry::Registry;

/// `/api`.
pub fn core_versions(server: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}],
    })
}

fn group_entry(group: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({
        "name": group,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

/// `/apis`.
pub fn groups(reg: &Registry) -> Value {
    let groups: Vec<Value> = reg
        .groups()
        .iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, vs)| group_entry(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`.
pub fn group(reg: &Registry, name: &str) -> ApiResult<Value> {
    let groups = reg.groups();
    let (g, vs) = groups
        .iter()
        .find(|(g, _)| g == name && !g.is_empty())
        .ok_or_else(|| {
            ApiError::new(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        })?;
    let mut e = group_entry(g, vs);
    e["kind"] = json!("APIGroup");
    e["apiVersion"] = json!("v1");
    Ok(e)
}

/// `/api/v1`, `/apis/<group>/<version>`.
pub fn resources(reg: &Registry, group: &str, version: &str) -> ApiResult<Value> {
    let mut list = Vec::new();
    for t in reg.all() {
        if t.group != group || t.version != version {
            continue;
        }
        list.push(t.discovery_entry());
        if t.status_subresource {
            list.push(json!({
                "name": format!("{}/status", t.plural), "singularName": "",
                "namespaced": t.namespaced, "kind": t.kind, "verbs": ["get", "patch", "update"],
            }));
        }
        if t.scale.is_some() {
            list.push(json!({
                "name": format!("{}/scale", t.plural), "singularName": "",
                "namespaced": t.namespaced, "group": "autoscaling", "version": "v1",
                "kind": "Scale", "verbs": ["get", "patch", "update"],
            }));
        }
    }
    if list.is_empty() {
        return Err(ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ));
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Ok(
        json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}),
    )
}
