//! Defaults of Services (with their allocations), Secrets, Namespaces, HPAs,
//! NetworkPolicies, RBAC bindings and CRDs.

use serde_json::{Map, Value, json};

use super::defaults::{DefaultsContext, ptr};
use super::defaults_pod::{default_str, default_val, each_obj, existing_obj, obj_mut};

/// Copies server-allocated Service fields (`clusterIP`, `clusterIPs`, `ipFamilies`,
/// `ipFamilyPolicy`, node ports) from the stored object into an update that omits them,
/// as the Service registry does before validating an update.
pub fn carry_over_allocations(kind: &str, old: &Value, new: &mut Value) {
    if kind != "Service" {
        return;
    }
    let (Some(old_spec), Some(new_spec)) = (
        old.get("spec").and_then(Value::as_object),
        new.get_mut("spec").and_then(Value::as_object_mut),
    ) else {
        return;
    };
    let same_type = old_spec.get("type") == new_spec.get("type")
        || new_spec
            .get("type")
            .is_none_or(|t| t.is_null() || t.as_str() == Some(""));
    if !same_type {
        return;
    }
    for k in ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
        let missing = new_spec
            .get(k)
            .is_none_or(|v| v.is_null() || v.as_str() == Some(""));
        if missing && let Some(v) = old_spec.get(k) {
            new_spec.insert(k.to_owned(), v.clone());
        }
    }
    let old_ports: Vec<&Value> = old_spec
        .get("ports")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    for p in each_obj(new_spec, "ports") {
        if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) != 0 {
            continue;
        }
        let same = old_ports.iter().find(|op| {
            op.get("port") == p.get("port")
                && op.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                    == p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
        });
        if let Some(np) = same.and_then(|op| op.get("nodePort")) {
            p.insert("nodePort".to_owned(), np.clone());
        }
    }
}

/// `type: Opaque`, and `stringData` merged into `data` (base64) as the v1 → internal
/// conversion does; `stringData` itself is never stored.
pub(crate) fn secret(root: &mut Map<String, Value>) {
    default_str(root, "type", "Opaque");
    let Some(Value::Object(string_data)) = root.remove("stringData") else {
        return;
    };
    if string_data.is_empty() {
        return;
    }
    if let Some(data) = obj_mut(root, "data") {
        for (k, v) in string_data {
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            data.insert(k, Value::String(base64(text.as_bytes())));
        }
    }
}

/// Standard base64 with padding, as Go's `encoding/json` writes `[]byte`.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub(crate) fn service(root: &mut Map<String, Value>, ctx: &mut dyn DefaultsContext) {
    let Some(spec) = obj_mut(root, "spec") else {
        return;
    };
    default_str(spec, "sessionAffinity", "None");
    match spec.get("sessionAffinity").and_then(Value::as_str) {
        Some("None") => {
            spec.remove("sessionAffinityConfig");
        }
        Some("ClientIP") => {
            let has_timeout = ptr(spec, "/sessionAffinityConfig/clientIP/timeoutSeconds")
                .is_some_and(|v| !v.is_null());
            if !has_timeout {
                spec.insert(
                    "sessionAffinityConfig".to_owned(),
                    json!({"clientIP": {"timeoutSeconds": 10800}}),
                );
            }
        }
        _ => {}
    }
    default_str(spec, "type", "ClusterIP");
    let ty = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("ClusterIP")
        .to_owned();
    for p in each_obj(spec, "ports") {
        default_str(p, "protocol", "TCP");
        let zero = match p.get("targetPort") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => n.as_i64() == Some(0),
            Some(Value::String(s)) => s.is_empty(),
            Some(_) => false,
        };
        if zero && let Some(port) = p.get("port").cloned() {
            p.insert("targetPort".to_owned(), port);
        }
    }
    let has_external_ips = spec
        .get("externalIPs")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let externally_accessible =
        ty == "LoadBalancer" || ty == "NodePort" || (ty == "ClusterIP" && has_external_ips);
    if externally_accessible {
        default_str(spec, "externalTrafficPolicy", "Cluster");
    }
    if matches!(ty.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        default_val(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if ty == "LoadBalancer" {
        default_val(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    if ty != "ExternalName" {
        allocate_service(spec, &ty, ctx);
    }
    default_val(root, "status", json!({"loadBalancer": {}}));
}

/// The Service registry's allocations: cluster IP, IP families, node ports.
fn allocate_service(spec: &mut Map<String, Value>, ty: &str, ctx: &mut dyn DefaultsContext) {
    let first_ip = spec
        .get("clusterIPs")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .map(str::to_owned);
    let ip = match spec.get("clusterIP").and_then(Value::as_str) {
        Some(ip) if !ip.is_empty() => ip.to_owned(),
        _ => first_ip.unwrap_or_else(|| ctx.allocate_cluster_ip()),
    };
    let headless = ip == "None";
    spec.insert("clusterIP".to_owned(), json!(ip));
    default_val(spec, "clusterIPs", json!([ip]));
    let no_selector = spec
        .get("selector")
        .and_then(Value::as_object)
        .is_none_or(Map::is_empty);
    let policy = if headless && no_selector {
        "RequireDualStack"
    } else {
        "SingleStack"
    };
    default_val(spec, "ipFamilies", json!(["IPv4"]));
    default_val(spec, "ipFamilyPolicy", json!(policy));
    let wants_node_ports = ty == "NodePort"
        || (ty == "LoadBalancer"
            && spec
                .get("allocateLoadBalancerNodePorts")
                .and_then(Value::as_bool)
                != Some(false));
    if wants_node_ports {
        for p in each_obj(spec, "ports") {
            if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) == 0 {
                p.insert("nodePort".to_owned(), json!(ctx.allocate_node_port()));
            }
        }
    }
}

pub(crate) fn namespace(root: &mut Map<String, Value>) {
    let name = ptr(root, "/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if !name.is_empty()
        && let Some(labels) = obj_mut(root, "metadata").and_then(|m| obj_mut(m, "labels"))
    {
        labels.insert("kubernetes.io/metadata.name".to_owned(), json!(name));
    }
    if let Some(spec) = obj_mut(root, "spec") {
        default_val(spec, "finalizers", json!(["kubernetes"]));
    }
    if let Some(status) = obj_mut(root, "status") {
        default_str(status, "phase", "Active");
    }
}

pub(crate) fn hpa(root: &mut Map<String, Value>, version: &str) {
    let status = if version == "v1" {
        json!({"currentReplicas": 0, "desiredReplicas": 0})
    } else {
        json!({"desiredReplicas": 0})
    };
    default_val(root, "status", status);
    let Some(spec) = obj_mut(root, "spec") else {
        return;
    };
    default_val(spec, "minReplicas", json!(1));
    if version == "v1" {
        return;
    }
    if spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        spec.insert(
            "metrics".to_owned(),
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]),
        );
    }
    if let Some(b) = existing_obj(spec, "behavior") {
        if let Some(up) = obj_mut(b, "scaleUp") {
            default_val(up, "stabilizationWindowSeconds", json!(0));
            default_val(up, "selectPolicy", json!("Max"));
            default_val(
                up,
                "policies",
                json!([{"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]),
            );
        }
        if let Some(down) = obj_mut(b, "scaleDown") {
            default_val(down, "selectPolicy", json!("Max"));
            default_val(
                down,
                "policies",
                json!([{"type": "Percent", "value": 100, "periodSeconds": 15}]),
            );
        }
    }
}

pub(crate) fn network_policy(root: &mut Map<String, Value>) {
    let Some(spec) = obj_mut(root, "spec") else {
        return;
    };
    for dir in ["ingress", "egress"] {
        for rule in each_obj(spec, dir) {
            for p in each_obj(rule, "ports") {
                default_str(p, "protocol", "TCP");
            }
        }
    }
    if spec
        .get("policyTypes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        let mut types = vec![json!("Ingress")];
        if spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".to_owned(), Value::Array(types));
    }
}

pub(crate) fn role_binding(root: &mut Map<String, Value>) {
    const RBAC: &str = "rbac.authorization.k8s.io";
    if let Some(rr) = obj_mut(root, "roleRef") {
        default_str(rr, "apiGroup", RBAC);
    }
    for s in each_obj(root, "subjects") {
        if let Some("User" | "Group") = s.get("kind").and_then(Value::as_str) {
            default_str(s, "apiGroup", RBAC)
        }
    }
}

pub(crate) fn crd(root: &mut Map<String, Value>) {
    let Some(spec) = obj_mut(root, "spec") else {
        return;
    };
    if let Some(names) = obj_mut(spec, "names") {
        let kind = names
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        default_str(names, "singular", &kind.to_lowercase());
        if !kind.is_empty() {
            default_str(names, "listKind", &format!("{kind}List"));
        }
    }
    default_val(spec, "conversion", json!({"strategy": "None"}));
}

/// `SetDefaults_IngressClass`: parameters are cluster-scoped unless said otherwise.
pub(crate) fn ingress_class(root: &mut Map<String, Value>) {
    if let Some(p) = existing_obj(root, "spec").and_then(|s| existing_obj(s, "parameters")) {
        default_val(p, "scope", json!("Cluster"));
    }
}

/// `SetDefaults_StorageClass`: `Delete` reclaim, `Immediate` binding.
pub(crate) fn storage_class(root: &mut Map<String, Value>) {
    default_val(root, "reclaimPolicy", json!("Delete"));
    default_val(root, "volumeBindingMode", json!("Immediate"));
}

/// `SetDefaults_PriorityClass`.
pub(crate) fn priority_class(root: &mut Map<String, Value>) {
    default_val(root, "preemptionPolicy", json!("PreemptLowerPriority"));
}

/// Admission webhooks: failure and match policies, selectors, timeout, rule scope, service
/// port, and (mutating) reinvocation policy.
pub(crate) fn webhooks(root: &mut Map<String, Value>, mutating: bool) {
    for w in each_obj(root, "webhooks") {
        default_val(w, "failurePolicy", json!("Fail"));
        default_val(w, "matchPolicy", json!("Equivalent"));
        default_val(w, "namespaceSelector", json!({}));
        default_val(w, "objectSelector", json!({}));
        default_val(w, "timeoutSeconds", json!(10));
        if mutating {
            default_val(w, "reinvocationPolicy", json!("Never"));
        }
        for r in each_obj(w, "rules") {
            default_val(r, "scope", json!("*"));
        }
        if let Some(svc) = existing_obj(w, "clientConfig").and_then(|c| existing_obj(c, "service"))
        {
            default_val(svc, "port", json!(443));
        }
    }
}

/// `SetDefaults_LimitRangeItem`: container limits default to `max`, requests to the
/// default limit, then to `min`.
pub(crate) fn limit_range(root: &mut Map<String, Value>) {
    let Some(spec) = existing_obj(root, "spec") else {
        return;
    };
    for item in each_obj(spec, "limits") {
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        let max = item
            .get("max")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let min = item
            .get("min")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(default) = obj_mut(item, "default") {
            for (k, v) in max {
                default.entry(k).or_insert(v);
            }
        }
        let default = item
            .get("default")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(request) = obj_mut(item, "defaultRequest") {
            for (k, v) in default.into_iter().chain(min) {
                request.entry(k).or_insert(v);
            }
        }
    }
}
