//! The status an object is stored with on create: the registry strategies reset whatever
//! status the client sent (`PrepareForCreate`), and Go then serialises the zero value of
//! the status struct — `{}` for most kinds, `{replicas: 0}` where a field has no
//! `omitempty`, `{phase: Pending, qosClass: …}` for Pods.

use serde_json::{Value, json};

use super::quantity::Quantity;

/// The status to store for a newly created object, `None` for kinds whose objects have no
/// status (ConfigMaps, Secrets, RBAC…) or keep none on create (custom resources).
pub fn initial_status(api_version: &str, kind: &str, obj: &Value) -> Option<Value> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let version = api_version.rsplit_once('/').map_or(api_version, |(_, v)| v);
    Some(match (group, kind) {
        ("", "Pod") => json!({"phase": "Pending", "qosClass": pod_qos_class(obj)}),
        ("", "Namespace") => json!({"phase": "Active"}),
        ("", "Service") | ("networking.k8s.io", "Ingress") => json!({"loadBalancer": {}}),
        ("", "PersistentVolumeClaim" | "PersistentVolume") => json!({"phase": "Pending"}),
        ("", "ReplicationController") | ("apps", "ReplicaSet") => json!({"replicas": 0}),
        ("apps", "Deployment") | ("batch", "Job" | "CronJob") => json!({}),
        ("apps", "StatefulSet") => json!({"replicas": 0, "availableReplicas": 0}),
        ("apps", "DaemonSet") => json!({
            "currentNumberScheduled": 0, "numberMisscheduled": 0,
            "desiredNumberScheduled": 0, "numberReady": 0
        }),
        ("autoscaling", "HorizontalPodAutoscaler") if version == "v1" => {
            json!({"currentReplicas": 0, "desiredReplicas": 0})
        }
        ("autoscaling", "HorizontalPodAutoscaler") => json!({"desiredReplicas": 0}),
        ("policy", "PodDisruptionBudget") => json!({
            "disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0
        }),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            let stored: Vec<&Value> = obj
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name"))
                .take(1)
                .collect();
            json!({"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": stored})
        }
        _ => return None,
    })
}

/// `GetPodQOS`: `Guaranteed` when every container limits CPU and memory and requests
/// equal limits, `BestEffort` with no CPU or memory requests or limits, else `Burstable`.
/// Expects a defaulted Pod (requests copied from limits).
pub fn pod_qos_class(pod: &Value) -> &'static str {
    let mut requests: Vec<(&str, Quantity)> = Vec::new();
    let mut limits: Vec<(&str, Quantity)> = Vec::new();
    let mut guaranteed = true;
    let zero = Quantity::parse("0").ok();
    let containers = ["/spec/containers", "/spec/initContainers"]
        .into_iter()
        .flat_map(|p| {
            pod.pointer(p)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        });
    for c in containers {
        for (list_name, acc) in [("requests", &mut requests), ("limits", &mut limits)] {
            let mut found: Vec<&str> = Vec::new();
            let entries = c
                .pointer(&format!("/resources/{list_name}"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten();
            for (name, v) in entries {
                let name = name.as_str();
                if name != "cpu" && name != "memory" {
                    continue;
                }
                let text = match v {
                    Value::Number(n) => n.to_string(),
                    other => other.as_str().unwrap_or("").to_owned(),
                };
                let Ok(q) = Quantity::parse(&text) else {
                    continue;
                };
                if zero.is_some_and(|z| q.cmp_value(&z) != std::cmp::Ordering::Greater) {
                    continue;
                }
                found.push(name);
                match acc.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, total)) => *total = total.add(&q),
                    None => acc.push((name, q)),
                }
            }
            if list_name == "limits" && !(found.contains(&"cpu") && found.contains(&"memory")) {
                guaranteed = false;
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed {
        guaranteed = requests.iter().all(|(n, r)| {
            limits
                .iter()
                .find(|(l, _)| l == n)
                .is_some_and(|(_, lim)| lim.cmp_value(r) == std::cmp::Ordering::Equal)
        });
    }
    if guaranteed && requests.len() == limits.len() {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(resources: &[Value]) -> Value {
        let containers: Vec<Value> = resources
            .iter()
            .enumerate()
            .map(|(i, r)| json!({"name": format!("c{i}"), "resources": r}))
            .collect();
        json!({"spec": {"containers": containers}})
    }

    #[test]
    fn pods_without_requests_or_limits_are_best_effort() {
        assert_eq!(pod_qos_class(&pod(&[json!({})])), "BestEffort");
    }

    #[test]
    fn pods_with_equal_cpu_and_memory_limits_are_guaranteed() {
        let r = json!({"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "0.5", "memory": "1024Mi"}});
        assert_eq!(pod_qos_class(&pod(&[r.clone(), r])), "Guaranteed");
    }

    #[test]
    fn pods_missing_a_memory_limit_are_burstable() {
        let r = json!({"limits": {"cpu": "1"}, "requests": {"cpu": "1"}});
        assert_eq!(pod_qos_class(&pod(&[r])), "Burstable");
    }

    #[test]
    fn config_maps_have_no_status_and_replica_sets_start_at_zero() {
        assert_eq!(initial_status("v1", "ConfigMap", &json!({})), None);
        assert_eq!(
            initial_status("apps/v1", "ReplicaSet", &json!({})),
            Some(json!({"replicas": 0}))
        );
        assert_eq!(initial_status("example.com/v1", "Widget", &json!({})), None);
    }

    #[test]
    fn crds_start_with_their_storage_version_recorded() {
        let crd = json!({"spec": {"versions": [{"name": "v1beta1", "storage": false}, {"name": "v1", "storage": true}]}});
        assert_eq!(
            initial_status("apiextensions.k8s.io/v1", "CustomResourceDefinition", &crd),
            Some(json!({"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": ["v1"]}))
        );
    }
}
