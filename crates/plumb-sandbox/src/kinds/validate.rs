//! What the apiserver rejects with `422 Unprocessable Entity` for the built-in kinds our users
//! touch (`pkg/apis/*/validation`): object metadata, names per kind, workloads and their pod
//! templates, Services, ConfigMaps and Secrets, RBAC, HPAs, Ingresses and CRDs.
//!
//! Run after [`super::defaults::apply_defaults`], as the apiserver does.

use std::fmt;

use serde_json::{Map, Value, json};

use super::field::{FieldError, FieldValue, aggregate};
use super::names;
use super::validate_pod::{validate_pod_spec, validate_workload};
use super::{validate_cluster, validate_core, validate_volume};

/// An object the apiserver would refuse, with every field error found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct Invalid {
    /// API group of the object, `""` for core.
    pub group: String,
    /// Kind of the object.
    pub kind: String,
    /// `metadata.name` (may be empty when only `generateName` was given).
    pub name: String,
    /// The field errors, in the order the apiserver reports them.
    pub causes: Vec<FieldError>,
}

impl fmt::Display for Invalid {
    /// `Deployment.apps "web" is invalid: <error>` or `…: [<error>, <error>]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let qualified = if self.group.is_empty() {
            self.kind.clone()
        } else {
            format!("{}.{}", self.kind, self.group)
        };
        write!(
            f,
            "{qualified} {} is invalid",
            super::field::go_quote(&self.name)
        )?;
        if !self.causes.is_empty() {
            write!(f, ": {}", aggregate(&self.causes))?;
        }
        Ok(())
    }
}

impl Invalid {
    /// The `details` of the 422 `Status`: name, group, kind and one cause per field error.
    pub fn to_status_details(&self) -> Value {
        let mut d = Map::new();
        d.insert("name".to_owned(), json!(self.name));
        if !self.group.is_empty() {
            d.insert("group".to_owned(), json!(self.group));
        }
        d.insert("kind".to_owned(), json!(self.kind));
        let causes: Vec<Value> = self
            .causes
            .iter()
            .map(
                |c| json!({"reason": c.error_type.reason(), "message": c.body(), "field": c.field}),
            )
            .collect();
        d.insert("causes".to_owned(), Value::Array(causes));
        Value::Object(d)
    }

    /// The whole `Status` object the apiserver answers with.
    pub fn to_status(&self) -> Value {
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.to_string(),
            "reason": "Invalid",
            "details": self.to_status_details(),
            "code": 422
        })
    }
}

/// Validates a (defaulted) object of a built-in kind; other kinds only get metadata checks.
pub fn validate(api_version: &str, kind: &str, obj: &Value) -> Result<(), Invalid> {
    let errs = validate_errors(api_version, kind, obj);
    if errs.is_empty() {
        return Ok(());
    }
    Err(Invalid {
        group: api_version
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_owned(),
        kind: kind.to_owned(),
        name: str_at(obj, &["metadata", "name"]).to_owned(),
        causes: errs,
    })
}

/// The field errors of [`validate`], in the apiserver's order.
pub(crate) fn validate_errors(api_version: &str, kind: &str, obj: &Value) -> Vec<FieldError> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let mut errs = Vec::new();
    validate_object_meta(group, kind, obj, &mut errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    match (group, kind) {
        ("", "Pod") => validate_pod_spec(spec, "spec", &[], &mut errs),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch", "Job" | "CronJob")
        | ("", "ReplicationController") => validate_workload(kind, obj, &mut errs),
        ("", "Service") => validate_core::validate_service(spec, &mut errs),
        ("", "PersistentVolumeClaim") => {
            validate_volume::validate_pvc_spec(spec, "spec", &mut errs)
        }
        ("policy", "PodDisruptionBudget") => {
            let set = |k: &str| spec.get(k).is_some_and(|v| !v.is_null());
            if set("minAvailable") && set("maxUnavailable") {
                errs.push(FieldError::invalid(
                    "spec",
                    FieldValue::Raw("policy.PodDisruptionBudgetSpec{...}".to_owned()),
                    "minAvailable and maxUnavailable cannot be both set",
                ));
            }
        }
        ("", "ConfigMap") => validate_core::validate_data_keys(obj, &mut errs),
        ("", "Secret") => {
            validate_core::validate_data_keys(obj, &mut errs);
            validate_core::validate_secret_type(obj, &mut errs);
        }
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => {
            validate_cluster::validate_rules(obj, &mut errs)
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            validate_cluster::validate_binding(kind, obj, &mut errs);
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            validate_cluster::validate_hpa(spec, &mut errs)
        }
        ("networking.k8s.io", "Ingress") => validate_cluster::validate_ingress(spec, &mut errs),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            validate_cluster::validate_crd(obj, &mut errs)
        }
        _ => {}
    }
    errs
}

/// A string at a path, `""` when absent.
pub(crate) fn str_at<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// An integer at `key`, `None` when absent.
pub(crate) fn int_at(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(Value::as_i64)
}

/// Pushes one `Invalid value` per message.
pub(crate) fn push_invalid(errs: &mut Vec<FieldError>, path: &str, value: &str, msgs: Vec<String>) {
    for m in msgs {
        errs.push(FieldError::invalid(
            path,
            FieldValue::Str(value.to_owned()),
            m,
        ));
    }
}

/// Whether instances of a built-in kind live in a namespace; `None` for kinds unknown here.
pub fn namespaced(group: &str, kind: &str) -> Option<bool> {
    Some(match (group, kind) {
        ("", "Namespace" | "Node" | "PersistentVolume" | "ComponentStatus")
        | ("rbac.authorization.k8s.io", "ClusterRole" | "ClusterRoleBinding")
        | ("apiextensions.k8s.io", "CustomResourceDefinition")
        | ("storage.k8s.io", "StorageClass" | "CSIDriver" | "CSINode" | "VolumeAttachment")
        | ("scheduling.k8s.io", "PriorityClass")
        | ("networking.k8s.io", "IngressClass")
        | ("apiregistration.k8s.io", "APIService")
        | (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
        ) => false,
        (
            "",
            "Pod"
            | "Service"
            | "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "PersistentVolumeClaim"
            | "Endpoints"
            | "Event"
            | "ReplicationController"
            | "PodTemplate"
            | "LimitRange"
            | "ResourceQuota",
        )
        | (
            "apps",
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "ControllerRevision",
        )
        | ("batch", "Job" | "CronJob")
        | ("autoscaling", "HorizontalPodAutoscaler")
        | ("networking.k8s.io", "Ingress" | "NetworkPolicy")
        | ("rbac.authorization.k8s.io", "Role" | "RoleBinding")
        | ("coordination.k8s.io", "Lease")
        | ("policy", "PodDisruptionBudget")
        | ("discovery.k8s.io", "EndpointSlice")
        | ("events.k8s.io", "Event") => true,
        _ => return None,
    })
}

/// The name rule of a kind, as its `ValidateObjectMeta` name function.
fn name_errors(group: &str, kind: &str, name: &str) -> Vec<String> {
    match (group, kind) {
        ("", "Namespace") => names::dns1123_label(name),
        ("", "Service") => names::dns1035_label(name),
        ("rbac.authorization.k8s.io", _) => names::path_segment_name(name),
        ("batch", "CronJob") => {
            let mut e = names::dns1123_subdomain(name);
            if name.len() > 52 {
                e.push("must be no more than 52 characters".to_owned());
            }
            e
        }
        _ => names::dns1123_subdomain(name),
    }
}

fn validate_object_meta(group: &str, kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    let meta = obj.get("metadata").unwrap_or(&Value::Null);
    let name = str_at(meta, &["name"]);
    let generate_name = str_at(meta, &["generateName"]);
    if !generate_name.is_empty() {
        // As a prefix, a trailing dash is allowed (`maskTrailingDash`).
        let masked = match generate_name.strip_suffix('-') {
            Some(head) if !head.is_empty() => format!("{head}a"),
            _ => generate_name.to_owned(),
        };
        push_invalid(
            errs,
            "metadata.generateName",
            generate_name,
            name_errors(group, kind, &masked),
        );
    }
    if name.is_empty() {
        if generate_name.is_empty() {
            errs.push(FieldError::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        push_invalid(errs, "metadata.name", name, name_errors(group, kind, name));
    }
    let ns = str_at(meta, &["namespace"]);
    match namespaced(group, kind) {
        Some(true) if ns.is_empty() => errs.push(FieldError::required("metadata.namespace", "")),
        _ if !ns.is_empty() => {
            push_invalid(errs, "metadata.namespace", ns, names::dns1123_label(ns));
        }
        _ => {}
    }
    if let Some(labels) = meta.get("labels").and_then(Value::as_object) {
        validate_labels(labels, "metadata.labels", errs);
    }
    if let Some(ann) = meta.get("annotations").and_then(Value::as_object) {
        let mut total = 0;
        for (k, v) in ann {
            push_invalid(
                errs,
                "metadata.annotations",
                k,
                names::qualified_name(&k.to_lowercase()),
            );
            total += k.len() + v.as_str().map_or(0, str::len);
        }
        if total > 256 * 1024 {
            errs.push(FieldError::new(
                super::field::ErrorType::TooLong,
                "metadata.annotations",
                FieldValue::Null,
                "must have at most 262144 bytes",
            ));
        }
    }
}

/// `ValidateLabels`: keys as qualified names, values as label values, both reported on
/// the map's path.
pub(crate) fn validate_labels(labels: &Map<String, Value>, path: &str, errs: &mut Vec<FieldError>) {
    for (k, v) in labels {
        push_invalid(errs, path, k, names::qualified_name(k));
        let v = v.as_str().unwrap_or("");
        push_invalid(errs, path, v, names::label_value(v));
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
