//! Deterministic order: sync wave, then kind (namespaces, CRDs and RBAC before the
//! config and workloads that need them), then namespace and name — Argo CD's order.

use serde_json::Value;

/// Argo CD's kind order (gitops-engine `kindOrder`); other kinds come after these.
const KIND_ORDER: &[&str] = &[
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// The position of a kind in the apply order.
pub fn kind_rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

/// The `argocd.argoproj.io/sync-wave` of an object (0 when absent or not a number).
pub fn sync_wave(obj: &Value) -> i64 {
    obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        .as_str()
        .and_then(|w| w.trim().parse().ok())
        .unwrap_or(0)
}

/// Sorts objects into apply order.
pub fn sort(objects: &mut [Value]) {
    objects.sort_by_cached_key(|o| {
        (
            sync_wave(o),
            kind_rank(o["kind"].as_str().unwrap_or("")),
            o["kind"].as_str().unwrap_or("").to_string(),
            o["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            o["metadata"]["name"].as_str().unwrap_or("").to_string(),
        )
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn waves_come_first_then_kinds_then_names() {
        let mut objs = vec![
            json!({"kind": "Deployment", "metadata": {"name": "b"}}),
            json!({"kind": "Widget", "metadata": {"name": "w"}}),
            json!({"kind": "Deployment", "metadata": {"name": "a"}}),
            json!({"kind": "ConfigMap", "metadata": {"name": "late", "annotations": {"argocd.argoproj.io/sync-wave": "1"}}}),
            json!({"kind": "CustomResourceDefinition", "metadata": {"name": "crd"}}),
            json!({"kind": "Namespace", "metadata": {"name": "ns"}}),
            json!({"kind": "Service", "metadata": {"name": "svc", "annotations": {"argocd.argoproj.io/sync-wave": "-1"}}}),
        ];
        sort(&mut objs);
        let names: Vec<&str> = objs
            .iter()
            .map(|o| o["metadata"]["name"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(names, ["svc", "ns", "crd", "a", "b", "w", "late"]);
    }
}
