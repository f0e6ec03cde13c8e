//! What the apiserver fills in on the way in: the scheme's defaulting functions
//! (`pkg/apis/*/v1/defaults.go`), the allocations and generated fields of the registry
//! strategies (Service cluster IPs and node ports, Job selectors, Namespace finalizers), and
//! the zero values Go serialises for embedded structs (`status: {}`, `resources: {}`,
//! `creationTimestamp: null` in templates) — everything that shows up in a diff between
//! what a user applied and what the cluster returns.
//!
//! Call [`apply_defaults`] on create and update, after `metadata.name` and `metadata.uid`
//! are set. On update of a Service, call [`carry_over_allocations`] first so that an
//! update omitting `clusterIP` or `nodePort` keeps the allocated values.

use serde_json::{Map, Value, json};

use super::defaults_core;
pub use super::defaults_core::{base64, carry_over_allocations};
use super::defaults_pod::{
    canonicalize_requirements, canonicalize_resource_list, default_pod_only, default_pod_spec,
    default_pod_template, default_str, default_template_metadata, default_val, each_obj,
    existing_obj, obj_mut,
};

/// What defaulting needs from the server: allocations and identifiers.
pub trait DefaultsContext {
    /// A free IPv4 address from the service CIDR, as `10.96.0.12`.
    fn allocate_cluster_ip(&mut self) -> String;
    /// A free port from the node-port range (30000–32767).
    fn allocate_node_port(&mut self) -> i64;
    /// A fresh UID, used only when an object that needs one (a Job's selector) has none.
    fn new_uid(&mut self) -> String;
}

/// Label the Job controller and the generated selector use.
pub const JOB_CONTROLLER_UID_LABEL: &str = "batch.kubernetes.io/controller-uid";
/// Label carrying the Job name on its pods.
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";

/// Fills in the defaults of a built-in kind in place; unknown kinds are left untouched.
pub fn apply_defaults(
    api_version: &str,
    kind: &str,
    obj: &mut Value,
    ctx: &mut dyn DefaultsContext,
) {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let version = api_version.rsplit_once('/').map_or(api_version, |(_, v)| v);
    let Some(root) = obj.as_object_mut() else {
        return;
    };
    match (group, kind) {
        ("", "Pod") => {
            if let Some(spec) = obj_mut(root, "spec") {
                default_pod_spec(spec);
                default_pod_only(spec);
            }
        }
        ("", "PodTemplate") => {
            if let Some(t) = obj_mut(root, "template") {
                default_pod_template(t);
            }
        }
        ("", "ReplicationController") => replication_controller(root),
        ("", "Service") => defaults_core::service(root, ctx),
        ("", "Secret") => defaults_core::secret(root),
        ("", "Namespace") => defaults_core::namespace(root),
        ("", "PersistentVolumeClaim") => {
            if let Some(spec) = obj_mut(root, "spec") {
                default_str(spec, "volumeMode", "Filesystem");
                canonicalize_requirements(existing_obj(spec, "resources"));
            }
            if let Some(status) = existing_obj(root, "status") {
                canonicalize_resource_list(status.get_mut("capacity"));
            }
            if let Some(status) = obj_mut(root, "status") {
                default_str(status, "phase", "Pending");
            }
        }
        ("", "PersistentVolume") => {
            if let Some(spec) = obj_mut(root, "spec") {
                default_str(spec, "persistentVolumeReclaimPolicy", "Retain");
                default_str(spec, "volumeMode", "Filesystem");
                canonicalize_resource_list(spec.get_mut("capacity"));
            }
            if let Some(status) = obj_mut(root, "status") {
                default_str(status, "phase", "Pending");
            }
        }
        ("", "Endpoints") => {
            for subset in each_obj(root, "subsets") {
                for p in each_obj(subset, "ports") {
                    default_str(p, "protocol", "TCP");
                }
            }
        }
        ("discovery.k8s.io", "EndpointSlice") => {
            for p in each_obj(root, "ports") {
                default_val(p, "name", json!(""));
                default_val(p, "protocol", json!("TCP"));
            }
        }
        ("", "ResourceQuota") => {
            if let Some(spec) = existing_obj(root, "spec") {
                canonicalize_resource_list(spec.get_mut("hard"));
            }
        }
        ("", "LimitRange") => {
            defaults_core::limit_range(root);
            if let Some(spec) = existing_obj(root, "spec") {
                for item in each_obj(spec, "limits") {
                    for k in [
                        "max",
                        "min",
                        "default",
                        "defaultRequest",
                        "maxLimitRequestRatio",
                    ] {
                        canonicalize_resource_list(item.get_mut(k));
                    }
                }
            }
        }
        ("", "Node") => {
            if let Some(status) = existing_obj(root, "status") {
                canonicalize_resource_list(status.get_mut("capacity"));
                canonicalize_resource_list(status.get_mut("allocatable"));
            }
        }
        ("networking.k8s.io", "IngressClass") => defaults_core::ingress_class(root),
        ("storage.k8s.io", "StorageClass") => defaults_core::storage_class(root),
        ("scheduling.k8s.io", "PriorityClass") => defaults_core::priority_class(root),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration") => {
            defaults_core::webhooks(root, false);
        }
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration") => {
            defaults_core::webhooks(root, true);
        }
        ("apps", "Deployment") => deployment(root),
        ("apps", "ReplicaSet") => {
            if let Some(spec) = obj_mut(root, "spec") {
                default_val(spec, "replicas", json!(1));
                template(spec);
            }
            default_val(root, "status", json!({"replicas": 0}));
        }
        ("apps", "StatefulSet") => stateful_set(root),
        ("apps", "DaemonSet") => daemon_set(root),
        ("batch", "Job") => job(root, ctx),
        ("batch", "CronJob") => cron_job(root),
        ("autoscaling", "HorizontalPodAutoscaler") => defaults_core::hpa(root, version),
        ("networking.k8s.io", "NetworkPolicy") => defaults_core::network_policy(root),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            defaults_core::role_binding(root)
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => defaults_core::crd(root),
        _ => {}
    }
}

/// `Value::pointer` for a map.
pub(crate) fn ptr<'a>(m: &'a Map<String, Value>, pointer: &str) -> Option<&'a Value> {
    let mut segs = pointer.trim_start_matches('/').split('/');
    let first = m.get(segs.next()?)?;
    segs.try_fold(first, |v, s| v.get(s))
}

fn template(spec: &mut Map<String, Value>) {
    if let Some(t) = obj_mut(spec, "template") {
        default_pod_template(t);
    }
}

fn replication_controller(root: &mut Map<String, Value>) {
    let labels = ptr(root, "/spec/template/metadata/labels").cloned();
    if let Some(labels) = labels {
        if let Some(spec) = obj_mut(root, "spec")
            && spec
                .get("selector")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty)
        {
            spec.insert("selector".to_owned(), labels.clone());
        }
        if let Some(meta) = obj_mut(root, "metadata")
            && meta
                .get("labels")
                .and_then(Value::as_object)
                .is_none_or(Map::is_empty)
        {
            meta.insert("labels".to_owned(), labels);
        }
    }
    if let Some(spec) = obj_mut(root, "spec") {
        default_val(spec, "replicas", json!(1));
        template(spec);
    }
    default_val(root, "status", json!({"replicas": 0}));
}

fn deployment(root: &mut Map<String, Value>) {
    if let Some(spec) = obj_mut(root, "spec") {
        default_val(spec, "replicas", json!(1));
        if let Some(strategy) = obj_mut(spec, "strategy") {
            default_str(strategy, "type", "RollingUpdate");
            if strategy.get("type").and_then(Value::as_str) == Some("RollingUpdate")
                && let Some(ru) = obj_mut(strategy, "rollingUpdate")
            {
                default_val(ru, "maxUnavailable", json!("25%"));
                default_val(ru, "maxSurge", json!("25%"));
            }
        }
        default_val(spec, "revisionHistoryLimit", json!(10));
        default_val(spec, "progressDeadlineSeconds", json!(600));
        template(spec);
    }
    default_val(root, "status", json!({}));
}

fn stateful_set(root: &mut Map<String, Value>) {
    if let Some(spec) = obj_mut(root, "spec") {
        default_str(spec, "podManagementPolicy", "OrderedReady");
        if let Some(us) = obj_mut(spec, "updateStrategy") {
            if us
                .get("type")
                .is_none_or(|t| t.is_null() || t.as_str() == Some(""))
            {
                us.insert("type".to_owned(), json!("RollingUpdate"));
                default_val(us, "rollingUpdate", json!({}));
            }
            if us.get("type").and_then(Value::as_str) == Some("RollingUpdate")
                && let Some(ru) = existing_obj(us, "rollingUpdate")
            {
                default_val(ru, "partition", json!(0));
            }
        }
        if let Some(p) = obj_mut(spec, "persistentVolumeClaimRetentionPolicy") {
            default_str(p, "whenDeleted", "Retain");
            default_str(p, "whenScaled", "Retain");
        }
        default_val(spec, "replicas", json!(1));
        default_val(spec, "revisionHistoryLimit", json!(10));
        template(spec);
        for pvc in each_obj(spec, "volumeClaimTemplates") {
            default_str(pvc, "apiVersion", "v1");
            default_str(pvc, "kind", "PersistentVolumeClaim");
            default_template_metadata(pvc);
            if let Some(s) = obj_mut(pvc, "spec") {
                default_str(s, "volumeMode", "Filesystem");
                canonicalize_requirements(existing_obj(s, "resources"));
            }
            if let Some(s) = obj_mut(pvc, "status") {
                default_str(s, "phase", "Pending");
            }
        }
    }
    default_val(
        root,
        "status",
        json!({"replicas": 0, "availableReplicas": 0}),
    );
}

fn daemon_set(root: &mut Map<String, Value>) {
    if let Some(spec) = obj_mut(root, "spec") {
        if let Some(us) = obj_mut(spec, "updateStrategy") {
            default_str(us, "type", "RollingUpdate");
            if us.get("type").and_then(Value::as_str) == Some("RollingUpdate")
                && let Some(ru) = obj_mut(us, "rollingUpdate")
            {
                default_val(ru, "maxUnavailable", json!(1));
                default_val(ru, "maxSurge", json!(0));
            }
        }
        default_val(spec, "revisionHistoryLimit", json!(10));
        template(spec);
    }
    default_val(
        root,
        "status",
        json!({"currentNumberScheduled": 0, "numberMisscheduled": 0, "desiredNumberScheduled": 0, "numberReady": 0}),
    );
}

fn job(root: &mut Map<String, Value>, ctx: &mut dyn DefaultsContext) {
    let name = ptr(root, "/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let uid = match ptr(root, "/metadata/uid").and_then(Value::as_str) {
        Some(u) if !u.is_empty() => u.to_owned(),
        _ => ctx.new_uid(),
    };
    let Some(spec) = obj_mut(root, "spec") else {
        return;
    };
    let unset = |s: &Map<String, Value>, k: &str| s.get(k).is_none_or(Value::is_null);
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".to_owned(), json!(1));
        spec.insert("parallelism".to_owned(), json!(1));
    }
    default_val(spec, "parallelism", json!(1));
    if unset(spec, "backoffLimit") {
        let limit = if unset(spec, "backoffLimitPerIndex") {
            6
        } else {
            i32::MAX as i64
        };
        spec.insert("backoffLimit".to_owned(), json!(limit));
    }
    default_val(spec, "completionMode", json!("NonIndexed"));
    default_val(spec, "suspend", json!(false));
    let has_failure_policy = !unset(spec, "podFailurePolicy");
    if let Some(pfp) = existing_obj(spec, "podFailurePolicy") {
        for rule in each_obj(pfp, "rules") {
            for pattern in each_obj(rule, "onPodConditions") {
                default_str(pattern, "status", "True");
            }
        }
    }
    let replacement = if has_failure_policy {
        "Failed"
    } else {
        "TerminatingOrFailed"
    };
    default_val(spec, "podReplacementPolicy", json!(replacement));
    default_val(spec, "manualSelector", json!(false));
    if spec.get("manualSelector").and_then(Value::as_bool) != Some(true) {
        generate_job_selector(spec, &name, &uid);
    }
    template(spec);
    let template_labels = ptr(spec, "/template/metadata/labels").cloned();
    if let (Some(labels), Some(meta)) = (template_labels, obj_mut(root, "metadata"))
        && meta
            .get("labels")
            .and_then(Value::as_object)
            .is_none_or(Map::is_empty)
    {
        meta.insert("labels".to_owned(), labels);
    }
    default_val(root, "status", json!({}));
}

/// The Job strategy's `generateSelector`: name and uid labels on the template (legacy and
/// `batch.kubernetes.io/` forms), and a selector on the uid.
fn generate_job_selector(spec: &mut Map<String, Value>, name: &str, uid: &str) {
    if let Some(labels) = obj_mut(spec, "template")
        .and_then(|t| obj_mut(t, "metadata"))
        .and_then(|m| obj_mut(m, "labels"))
    {
        for (k, v) in [
            ("job-name", name),
            (JOB_NAME_LABEL, name),
            ("controller-uid", uid),
            (JOB_CONTROLLER_UID_LABEL, uid),
        ] {
            labels.entry(k).or_insert_with(|| json!(v));
        }
    }
    if let Some(ml) = obj_mut(spec, "selector").and_then(|s| obj_mut(s, "matchLabels")) {
        ml.entry(JOB_CONTROLLER_UID_LABEL)
            .or_insert_with(|| json!(uid));
    }
}

fn cron_job(root: &mut Map<String, Value>) {
    if let Some(spec) = obj_mut(root, "spec") {
        default_str(spec, "concurrencyPolicy", "Allow");
        default_val(spec, "suspend", json!(false));
        default_val(spec, "successfulJobsHistoryLimit", json!(3));
        default_val(spec, "failedJobsHistoryLimit", json!(1));
        if let Some(jt) = obj_mut(spec, "jobTemplate") {
            default_template_metadata(jt);
            if let Some(js) = obj_mut(jt, "spec") {
                template(js);
            }
        }
    }
    default_val(root, "status", json!({}));
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
