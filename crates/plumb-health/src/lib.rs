//! Health of one live object: a pure function of the object, one module per kind group,
//! following Argo CD's gitops-engine rules. Results combine by "worst wins"
//! ([`HealthStatus`] is ordered).

mod core;
mod workloads;

pub use plumb_model::HealthStatus;
use serde_json::Value;

/// The health of an object and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub status: HealthStatus,
    pub message: String,
}

impl Health {
    pub fn new(status: HealthStatus, message: impl Into<String>) -> Health {
        Health {
            status,
            message: message.into(),
        }
    }

    pub fn healthy() -> Health {
        Health::new(HealthStatus::Healthy, "")
    }
}

/// The health of a live object; `None` for kinds that have no health of their own
/// (ConfigMaps, RBAC, …), which count as healthy.
pub fn assess(obj: &Value) -> Option<Health> {
    let api_version = obj["apiVersion"].as_str().unwrap_or("");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = obj["kind"].as_str().unwrap_or("");
    match (group, kind) {
        ("apps", "Deployment") => Some(workloads::deployment(obj)),
        ("apps", "StatefulSet") => Some(workloads::statefulset(obj)),
        ("apps", "DaemonSet") => Some(workloads::daemonset(obj)),
        ("apps", "ReplicaSet") => Some(workloads::replicaset(obj)),
        ("batch", "Job") => Some(workloads::job(obj)),
        ("", "Pod") => Some(core::pod(obj)),
        ("", "Service") => Some(core::service(obj)),
        ("", "PersistentVolumeClaim") => Some(core::pvc(obj)),
        ("networking.k8s.io" | "extensions", "Ingress") => Some(core::ingress(obj)),
        ("", "Namespace") => Some(core::namespace(obj)),
        _ => None,
    }
}

/// The combined health of several objects: the worst wins; missing objects are
/// `Missing`.
pub fn combine<'a>(items: impl IntoIterator<Item = &'a Health>) -> Health {
    items
        .into_iter()
        .max_by_key(|h| h.status)
        .cloned()
        .unwrap_or_else(Health::healthy)
}

pub(crate) fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

/// A condition of `status.conditions` by type.
pub(crate) fn condition<'a>(obj: &'a Value, ty: &str) -> Option<&'a Value> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == ty)
}
