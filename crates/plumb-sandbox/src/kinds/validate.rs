//! What the apiserver rejects with `422 Unprocessable Entity` for the built-in kinds our users
//! touch (`pkg/apis/*/validation`): object metadata, names per kind, workloads and their pod
//! templates, Services, ConfigMaps and Secrets, RBAC, HPAs, Ingresses and CRDs.
//!
//! Run after [`super::defaults::apply_defaults`], as the apiserver does.

use std::fmt;

use serde_json::{Map, Value, json};

use super::field::{FieldError, FieldValue, aggregate, child, index, key};
use super::names;
use super::validate_pod::{validate_pod_spec, validate_workload};

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
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let mut errs = Vec::new();
    validate_object_meta(group, kind, obj, &mut errs);
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    match (group, kind) {
        ("", "Pod") => validate_pod_spec(spec, "spec", true, &mut errs),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet")
        | ("batch", "Job" | "CronJob")
        | ("", "ReplicationController") => validate_workload(kind, obj, &mut errs),
        ("", "Service") => validate_service(spec, &mut errs),
        ("", "ConfigMap") => validate_data_keys(obj, &mut errs),
        ("", "Secret") => {
            validate_data_keys(obj, &mut errs);
            validate_secret_type(obj, &mut errs);
        }
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => validate_rules(obj, &mut errs),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            validate_binding(kind, obj, &mut errs);
        }
        ("autoscaling", "HorizontalPodAutoscaler") => validate_hpa(spec, &mut errs),
        ("networking.k8s.io", "Ingress") => validate_ingress(spec, &mut errs),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => validate_crd(obj, &mut errs),
        _ => {}
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(Invalid {
        group: group.to_owned(),
        kind: kind.to_owned(),
        name: str_at(obj, &["metadata", "name"]).to_owned(),
        causes: errs,
    })
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

fn validate_service(spec: &Value, errs: &mut Vec<FieldError>) {
    let ty = str_at(spec, &["type"]);
    let headless = str_at(spec, &["clusterIP"]) == "None";
    let ports: &[Value] = spec
        .get("ports")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    if ty == "ExternalName" {
        let ext = str_at(spec, &["externalName"]);
        if ext.is_empty() {
            errs.push(FieldError::required("spec.externalName", ""));
        } else {
            let trimmed = ext.strip_suffix('.').unwrap_or(ext);
            push_invalid(
                errs,
                "spec.externalName",
                ext,
                names::dns1123_subdomain(trimmed),
            );
        }
    }
    let mut port_names: Vec<&str> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let path = index("spec.ports", i);
        let name = str_at(p, &["name"]);
        if ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(child(&path, "name"), ""));
        } else if !name.is_empty() {
            push_invalid(
                errs,
                &child(&path, "name"),
                name,
                names::dns1123_label(name),
            );
            if port_names.contains(&name) {
                errs.push(FieldError::duplicate(
                    child(&path, "name"),
                    FieldValue::Str(name.to_owned()),
                ));
            } else {
                port_names.push(name);
            }
        }
        let port = int_at(p, "port").unwrap_or(0);
        for m in names::port_number(port) {
            errs.push(FieldError::invalid(
                child(&path, "port"),
                FieldValue::Int(port),
                m,
            ));
        }
        validate_protocol(p, &child(&path, "protocol"), errs);
        validate_port_num_or_name(p.get("targetPort"), &child(&path, "targetPort"), errs);
        if let Some(np) = int_at(p, "nodePort").filter(|n| *n != 0) {
            if ty == "ClusterIP" {
                errs.push(FieldError::forbidden(
                    child(&path, "nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            } else if !(30000..=32767).contains(&np) {
                errs.push(FieldError::invalid(
                    child(&path, "nodePort"),
                    FieldValue::Int(np),
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
    }
    if let Some(sel) = spec.get("selector").and_then(Value::as_object) {
        validate_labels(sel, "spec.selector", errs);
    }
    let affinity = str_at(spec, &["sessionAffinity"]);
    if !matches!(affinity, "ClientIP" | "None") {
        errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            FieldValue::Str(affinity.to_owned()),
            &["ClientIP", "None"],
        ));
    }
    if !matches!(
        ty,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        errs.push(FieldError::not_supported(
            "spec.type",
            FieldValue::Str(ty.to_owned()),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let mut seen: Vec<(i64, &str)> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let k = (int_at(p, "port").unwrap_or(0), str_at(p, &["protocol"]));
        if seen.contains(&k) {
            errs.push(FieldError::duplicate(
                index("spec.ports", i),
                FieldValue::Raw(format!(
                    "core.ServicePort{{Name:{}, Protocol:{}, Port:{}}}",
                    super::field::go_quote(name_of(p)),
                    super::field::go_quote(k.1),
                    k.0
                )),
            ));
        } else {
            seen.push(k);
        }
    }
}

fn name_of(p: &Value) -> &str {
    str_at(p, &["name"])
}

/// `protocol` must be one of `SCTP`, `TCP`, `UDP`.
pub(crate) fn validate_protocol(p: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let proto = str_at(p, &["protocol"]);
    if proto.is_empty() {
        errs.push(FieldError::required(path, ""));
    } else if !matches!(proto, "SCTP" | "TCP" | "UDP") {
        errs.push(FieldError::not_supported(
            path,
            FieldValue::Str(proto.to_owned()),
            &["SCTP", "TCP", "UDP"],
        ));
    }
}

/// An int-or-string port: a number in range or an IANA port name.
pub(crate) fn validate_port_num_or_name(v: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    match v {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            for m in names::port_number(n) {
                errs.push(FieldError::invalid(path, FieldValue::Int(n), m));
            }
        }
        Some(Value::String(s)) => push_invalid(errs, path, s, names::port_name(s)),
        _ => {}
    }
}

fn validate_data_keys(obj: &Value, errs: &mut Vec<FieldError>) {
    let data = obj.get("data").and_then(Value::as_object);
    let binary = obj.get("binaryData").and_then(Value::as_object);
    for (field, map) in [("data", data), ("binaryData", binary)] {
        for k in map.into_iter().flat_map(|m| m.keys()) {
            let msgs = names::config_map_key(k);
            if !msgs.is_empty() {
                errs.push(FieldError::invalid(
                    key(field, k),
                    FieldValue::Str(k.clone()),
                    msgs.join(";"),
                ));
            }
        }
    }
    if let (Some(d), Some(b)) = (data, binary) {
        for k in d.keys().filter(|k| b.contains_key(*k)) {
            errs.push(FieldError::invalid(
                key("data", k),
                FieldValue::Str(k.clone()),
                "duplicate of key present in binaryData",
            ));
        }
    }
}

fn validate_secret_type(obj: &Value, errs: &mut Vec<FieldError>) {
    let has = |k: &str| obj.get("data").and_then(|d| d.get(k)).is_some();
    let required: &[&str] = match str_at(obj, &["type"]) {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => &["username"],
        "kubernetes.io/service-account-token" => {
            if str_at(
                obj,
                &[
                    "metadata",
                    "annotations",
                    "kubernetes.io/service-account.name",
                ],
            )
            .is_empty()
            {
                errs.push(FieldError::required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                ));
            }
            &[]
        }
        _ => &[],
    };
    for k in required.iter().filter(|k| !has(k)) {
        errs.push(FieldError::required(key("data", k), ""));
    }
}

fn validate_rules(obj: &Value, errs: &mut Vec<FieldError>) {
    for (i, r) in obj
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = index("rules", i);
        let empty = |k: &str| r.get(k).and_then(Value::as_array).is_none_or(Vec::is_empty);
        if empty("verbs") {
            errs.push(FieldError::required(
                child(&path, "verbs"),
                "verbs must contain at least one value",
            ));
        }
        if !empty("nonResourceURLs") {
            if !empty("resources") || !empty("apiGroups") || !empty("resourceNames") {
                errs.push(FieldError::invalid(
                    child(&path, "nonResourceURLs"),
                    FieldValue::from_json(&r["nonResourceURLs"]),
                    "rules cannot apply to both regular resources and non-resource URLs",
                ));
            }
            continue;
        }
        if empty("apiGroups") {
            errs.push(FieldError::required(
                child(&path, "apiGroups"),
                "resource rules must supply at least one api group",
            ));
        }
        if empty("resources") {
            errs.push(FieldError::required(
                child(&path, "resources"),
                "resource rules must supply at least one resource",
            ));
        }
    }
}

fn validate_binding(kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    const RBAC: &str = "rbac.authorization.k8s.io";
    let rr = obj.get("roleRef").unwrap_or(&Value::Null);
    let group = str_at(rr, &["apiGroup"]);
    if group != RBAC {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            FieldValue::Str(group.to_owned()),
            &[RBAC],
        ));
    }
    let rk = str_at(rr, &["kind"]);
    let allowed: &[&str] = if kind == "RoleBinding" {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !allowed.contains(&rk) {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            FieldValue::Str(rk.to_owned()),
            allowed,
        ));
    }
    let rn = str_at(rr, &["name"]);
    if rn.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    } else {
        push_invalid(errs, "roleRef.name", rn, names::path_segment_name(rn));
    }
    for (i, s) in obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = index("subjects", i);
        let name = str_at(s, &["name"]);
        if name.is_empty() {
            errs.push(FieldError::required(child(&path, "name"), ""));
        }
        match str_at(s, &["kind"]) {
            "ServiceAccount" => {
                if !name.is_empty() {
                    push_invalid(
                        errs,
                        &child(&path, "name"),
                        name,
                        names::dns1123_subdomain(name),
                    );
                }
                if kind == "ClusterRoleBinding" && str_at(s, &["namespace"]).is_empty() {
                    errs.push(FieldError::required(child(&path, "namespace"), ""));
                }
            }
            "User" | "Group" => {}
            other => errs.push(FieldError::not_supported(
                child(&path, "kind"),
                FieldValue::Str(other.to_owned()),
                &["ServiceAccount", "User", "Group"],
            )),
        }
    }
}

fn validate_hpa(spec: &Value, errs: &mut Vec<FieldError>) {
    let target = spec.get("scaleTargetRef").unwrap_or(&Value::Null);
    for k in ["kind", "name"] {
        if str_at(target, &[k]).is_empty() {
            errs.push(FieldError::required(format!("spec.scaleTargetRef.{k}"), ""));
        }
    }
    let min = int_at(spec, "minReplicas").unwrap_or(1);
    let max = int_at(spec, "maxReplicas").unwrap_or(0);
    if min < 1 {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            FieldValue::Int(min),
            "must be greater than or equal to 1",
        ));
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            FieldValue::Int(max),
            "must be greater than 0",
        ));
    } else if max < min {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            FieldValue::Int(max),
            "must be greater than or equal to `minReplicas`",
        ));
    }
}

fn validate_ingress(spec: &Value, errs: &mut Vec<FieldError>) {
    for (i, rule) in spec
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let paths = rule.pointer("/http/paths").and_then(Value::as_array);
        for (j, p) in paths.into_iter().flatten().enumerate() {
            let path = format!("spec.rules[{i}].http.paths[{j}]");
            let pt = str_at(p, &["pathType"]);
            match pt {
                "" => errs.push(FieldError::required(
                    child(&path, "pathType"),
                    "pathType must be specified",
                )),
                "Exact" | "Prefix" => {
                    let value = str_at(p, &["path"]);
                    if !value.starts_with('/') {
                        errs.push(FieldError::invalid(
                            child(&path, "path"),
                            FieldValue::Str(value.to_owned()),
                            "must be an absolute path",
                        ));
                    }
                }
                "ImplementationSpecific" => {}
                other => errs.push(FieldError::not_supported(
                    child(&path, "pathType"),
                    FieldValue::Str(other.to_owned()),
                    &["Exact", "ImplementationSpecific", "Prefix"],
                )),
            }
        }
    }
}

fn validate_crd(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let group = str_at(spec, &["group"]);
    let plural = str_at(spec, &["names", "plural"]);
    let name = str_at(obj, &["metadata", "name"]);
    if name != format!("{plural}.{group}") {
        errs.push(FieldError::invalid(
            "metadata.name",
            FieldValue::Str(name.to_owned()),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    if group.is_empty() {
        errs.push(FieldError::required("spec.group", ""));
    } else {
        push_invalid(errs, "spec.group", group, names::dns1123_subdomain(group));
        if !group.contains('.') {
            errs.push(FieldError::invalid(
                "spec.group",
                FieldValue::Str(group.to_owned()),
                "should be a domain with at least one dot",
            ));
        }
    }
    let scope = str_at(spec, &["scope"]);
    match scope {
        "" => errs.push(FieldError::required("spec.scope", "")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(FieldError::not_supported(
            "spec.scope",
            FieldValue::Str(other.to_owned()),
            &["Cluster", "Namespaced"],
        )),
    }
    for (field_name, required) in [
        ("plural", true),
        ("singular", false),
        ("kind", true),
        ("listKind", false),
    ] {
        let path = format!("spec.names.{field_name}");
        let v = str_at(spec, &["names", field_name]);
        if v.is_empty() {
            if required {
                errs.push(FieldError::required(path, ""));
            }
            continue;
        }
        let msgs = if field_name.ends_with("ind") {
            names::dns1035_label(&v.to_lowercase())
        } else {
            names::dns1035_label(v)
        };
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                path,
                FieldValue::Str(v.to_owned()),
                msgs.join(","),
            ));
        }
    }
    let versions: &[Value] = spec
        .get("versions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if versions.is_empty() {
        errs.push(FieldError::required(
            "spec.versions",
            "must have at least one version",
        ));
    }
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in versions.iter().enumerate() {
        let vpath = index("spec.versions", i);
        let vname = str_at(v, &["name"]);
        if v.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        if seen.contains(&vname) {
            unique = false;
        }
        seen.push(vname);
        let msgs = names::dns1035_label(vname);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                child(&vpath, "name"),
                FieldValue::Str(vname.to_owned()),
                msgs.join(","),
            ));
        }
        match v.pointer("/schema/openAPIV3Schema") {
            None | Some(Value::Null) => errs.push(FieldError::required(
                child(&vpath, "schema.openAPIV3Schema"),
                "schemas are required",
            )),
            Some(s) if str_at(s, &["type"]).is_empty() => errs.push(FieldError::required(
                child(&vpath, "schema.openAPIV3Schema.type"),
                "must not be empty at the root",
            )),
            Some(_) => {}
        }
    }
    let versions_value = || {
        FieldValue::Raw(format!(
            "[]apiextensions.CustomResourceDefinitionVersion{{{}}}",
            seen.join(", ")
        ))
    };
    if !unique {
        errs.push(FieldError::invalid(
            "spec.versions",
            versions_value(),
            "must contain unique version names",
        ));
    }
    if !versions.is_empty() && storage != 1 {
        errs.push(FieldError::invalid(
            "spec.versions",
            versions_value(),
            "must have exactly one version marked as storage version",
        ));
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
