//! OpenAPI v3 discovery, as far as clients need it: kubectl checks here that the server
//! supports server-side field validation (`fieldValidation` on PATCH) before it sends
//! objects without validating them itself.
//!
//! The per-group documents list each resource's paths with the query parameters the
//! server honours. They carry no schemas and no strategic-merge request bodies, so
//! kubectl computes client-side apply patches from its compiled-in types, exactly as it
//! does for the same types against a real cluster.

use serde_json::{Map, Value, json};

use crate::registry::Registry;

/// `/openapi/v3`: one entry per served group version.
pub fn root(reg: &Registry) -> Value {
    let mut paths = Map::new();
    for (group, versions) in reg.groups() {
        for v in versions {
            let key = if group.is_empty() {
                format!("api/{v}")
            } else {
                format!("apis/{group}/{v}")
            };
            let url = format!("/openapi/v3/{key}?hash={}", hash_of(reg, &group, &v));
            paths.insert(key, json!({"serverRelativeURL": url}));
        }
    }
    json!({"paths": paths})
}

/// A hash of a group version's resources, so clients cache documents correctly.
fn hash_of(reg: &Registry, group: &str, version: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in reg.all() {
        if t.group == group && t.version == version {
            for b in t.plural.bytes().chain(t.kind.bytes()) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    format!("{h:016X}")
}

/// `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`.
pub fn group_version(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let mut paths = Map::new();
    let prefix = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    let params: Vec<Value> = [
        "dryRun",
        "fieldManager",
        "fieldValidation",
        "force",
        "pretty",
    ]
    .iter()
    .map(|n| json!({"name": n, "in": "query", "schema": {"type": "string", "uniqueItems": true}}))
    .collect();
    for t in reg.all() {
        if t.group != group || t.version != version {
            continue;
        }
        let gvk = json!({"group": t.group, "version": t.version, "kind": t.kind});
        let item = if t.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}/{{name}}", t.plural)
        } else {
            format!("{prefix}/{}/{{name}}", t.plural)
        };
        let op = |verb: &str| {
            json!({
                "operationId": format!("{verb}{}", t.kind),
                "x-kubernetes-action": verb,
                "x-kubernetes-group-version-kind": gvk,
                "parameters": params,
                "responses": {"200": {"description": "OK"}},
            })
        };
        paths.insert(
            item,
            json!({"get": op("get"), "put": op("put"), "patch": op("patch"), "delete": op("delete")}),
        );
    }
    if paths.is_empty() {
        return None;
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}
