//! What is never compared: status, metadata the API server sets, annotations written by
//! tools (`last-applied-configuration`, plumb's tracking id). Desired Secret
//! `stringData` is folded into `data` (base64), as the API server stores it.

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::TRACKING_ANNOTATION;

/// Metadata fields set by the API server.
const SERVER_METADATA: [&str; 9] = [
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generateName",
];

/// Annotations written by tools, not by users.
const TOOL_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    TRACKING_ANNOTATION,
];

/// The desired object as compared.
pub(crate) fn desired(obj: &Value) -> Value {
    let mut v = common(obj);
    drop_cluster_scoped_namespace(&mut v);
    if crate::redact::is_secret(&v) {
        fold_string_data(&mut v);
    }
    v
}

/// The live object as compared (`stringData` is write-only and never read back, but a
/// caller comparing two desired objects gets it folded the same way).
pub(crate) fn live(obj: &Value) -> Value {
    let mut v = common(obj);
    if crate::redact::is_secret(&v) {
        fold_string_data(&mut v);
    }
    v
}

fn common(obj: &Value) -> Value {
    let mut v = obj.clone();
    let Some(map) = v.as_object_mut() else {
        return v;
    };
    map.shift_remove("status");
    if let Some(Value::Object(meta)) = map.get_mut("metadata") {
        for f in SERVER_METADATA {
            meta.shift_remove(f);
        }
        if let Some(Value::Object(ann)) = meta.get_mut("annotations") {
            for a in TOOL_ANNOTATIONS {
                ann.shift_remove(a);
            }
            if ann.is_empty() {
                meta.shift_remove("annotations");
            }
        }
    }
    v
}

/// A namespace on a cluster-scoped object (a `Namespace`, a `ClusterRole`) is ignored by
/// the API server; live never has one.
fn drop_cluster_scoped_namespace(v: &mut Value) {
    let api_version = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
    if plumb_schema::builtin().namespaced(api_version, kind) == Some(false)
        && let Some(Value::Object(meta)) = v.get_mut("metadata")
    {
        meta.shift_remove("namespace");
    }
}

/// `stringData` wins over `data` for the same key, as the API server merges them.
fn fold_string_data(v: &mut Value) {
    let Some(map) = v.as_object_mut() else {
        return;
    };
    let Some(Value::Object(string_data)) = map.shift_remove("stringData") else {
        return;
    };
    let data = map
        .entry("data")
        .or_insert_with(|| Value::Object(Map::new()));
    if !data.is_object() {
        *data = Value::Object(Map::new());
    }
    if let Value::Object(data) = data {
        for (k, v) in string_data {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
            data.insert(k, Value::String(encoded));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_fields_status_and_tool_annotations_are_dropped() {
        let live = json!({"metadata": {"name": "a", "uid": "u", "resourceVersion": "1",
            "annotations": {"plumb.dev/tracking-id": "x",
                            "kubectl.kubernetes.io/last-applied-configuration": "{}"}},
            "status": {"replicas": 1}});
        assert_eq!(super::live(&live), json!({"metadata": {"name": "a"}}));
    }

    #[test]
    fn a_namespace_on_a_cluster_scoped_object_is_dropped() {
        let ns = json!({"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": "prod", "namespace": "argocd"}});
        assert_eq!(desired(&ns)["metadata"], json!({"name": "prod"}));
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "prod"}});
        assert_eq!(desired(&cm)["metadata"]["namespace"], "prod");
    }

    #[test]
    fn secret_string_data_becomes_base64_data() {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"a": "eA==", "b": "eQ=="}, "stringData": {"b": "z"}});
        assert_eq!(desired(&s)["data"], json!({"a": "eA==", "b": "eg=="}));
    }
}
