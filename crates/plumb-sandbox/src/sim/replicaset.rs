//! The ReplicaSet controller: keeps `spec.replicas` Pods owned by each ReplicaSet
//! (whoever owns the ReplicaSet) and reports them in its status.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::events::REPLICASET_CONTROLLER;
use super::{PODS, REPLICASETS, Sim, SimError, age_secs, int, owner_ref, terminating};

/// At most this many Pods are created or deleted per sync (`burstReplicas`).
const BURST: usize = 500;

impl Sim {
    /// Creates or deletes Pods towards `spec.replicas` and writes the status.
    pub(super) fn sync_replicaset(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(rs) = self.state.store.get(REPLICASETS, ns, name) else {
            return Ok(());
        };
        if terminating(&rs) {
            return Ok(());
        }
        let uid = rs["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let want = usize::try_from(rs["spec"]["replicas"].as_i64().unwrap_or(1)).unwrap_or(0);
        self.adopt(PODS, &rs, "ReplicaSet")?;
        let mut pods = self.active_pods(ns, &uid);
        if pods.len() < want {
            for _ in 0..(want - pods.len()).min(BURST) {
                let pod = self.create("", "pods", ns, pod_from(&rs))?;
                let msg = format!(
                    "Created pod: {}",
                    pod["metadata"]["name"].as_str().unwrap_or("")
                );
                self.event(&rs, false, "SuccessfulCreate", &msg, &REPLICASET_CONTROLLER);
            }
        } else if pods.len() > want {
            // getPodsToDelete: unscheduled, then pending, then not ready, then the newest.
            pods.sort_by_key(|p| {
                (
                    p["spec"]["nodeName"]
                        .as_str()
                        .is_some_and(|n| !n.is_empty()),
                    p["status"]["phase"] == "Running",
                    is_ready(p),
                    std::cmp::Reverse(
                        p["metadata"]["creationTimestamp"]
                            .as_str()
                            .unwrap_or("")
                            .to_string(),
                    ),
                )
            });
            for p in pods.iter().take((pods.len() - want).min(BURST)) {
                let pname = p["metadata"]["name"].as_str().unwrap_or("");
                let puid = p["metadata"]["uid"].as_str().unwrap_or("");
                self.delete_pod(ns, pname, puid)?;
                let msg = format!("Deleted pod: {pname}");
                self.event(&rs, false, "SuccessfulDelete", &msg, &REPLICASET_CONTROLLER);
            }
        }
        let pods = self.active_pods(ns, &uid);
        let min_ready = rs["spec"]["minReadySeconds"].as_i64().unwrap_or(0);
        let labels = rs["spec"]["template"]["metadata"]["labels"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let fully = pods.iter().filter(|p| has_labels(p, &labels)).count();
        let ready = pods.iter().filter(|p| is_ready(p)).count();
        let available = pods.iter().filter(|p| is_available(p, min_ready)).count();
        let mut status = json!({"replicas": pods.len()});
        if fully > 0 {
            status["fullyLabeledReplicas"] = json!(fully);
        }
        if ready > 0 {
            status["readyReplicas"] = json!(ready);
        }
        if available > 0 {
            status["availableReplicas"] = json!(available);
        }
        if let Some(g) = rs["metadata"]["generation"].as_i64() {
            status["observedGeneration"] = json!(g);
        }
        if let Some(c) = rs["status"].get("conditions") {
            status["conditions"] = c.clone();
        }
        self.write_status(REPLICASETS, ns, name, &uid, status)
    }

    /// Deletes a Pod through the API server, so that it terminates gracefully.
    pub(super) fn delete_pod(&self, ns: &str, name: &str, uid: &str) -> Result<(), SimError> {
        let ty = self
            .state
            .registry
            .get("", "v1", "pods")
            .ok_or(SimError::Unregistered("pods"))?;
        match crate::api::delete::delete_as_controller(&self.state, &ty, ns, name, uid) {
            Err(e) if e.code == 404 || e.code == 409 => Ok(()),
            r => r.map(|_| ()).map_err(SimError::Api),
        }
    }

    /// The live Pods a ReplicaSet controls.
    fn active_pods(&self, ns: &str, uid: &str) -> Vec<Arc<Value>> {
        self.owned_by(PODS, ns, uid)
            .into_iter()
            .filter(|p| {
                !terminating(p)
                    && !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
            })
            .collect()
    }
}

/// A new Pod from a ReplicaSet's template.
fn pod_from(rs: &Value) -> Value {
    let tmpl = &rs["spec"]["template"];
    let mut meta = json!({
        "generateName": format!("{}-", rs["metadata"]["name"].as_str().unwrap_or("")),
        "ownerReferences": [owner_ref(rs, "ReplicaSet")],
    });
    for k in ["labels", "annotations"] {
        if let Some(v) = tmpl["metadata"].get(k) {
            meta[k] = v.clone();
        }
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": tmpl["spec"]})
}

fn has_labels(pod: &Value, labels: &Map<String, Value>) -> bool {
    labels
        .iter()
        .all(|(k, v)| pod["metadata"]["labels"].get(k) == Some(v))
}

fn ready_condition(pod: &Value) -> Option<&Value> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready" && c["status"] == "True")
}

/// The Pod's Ready condition is true.
pub(super) fn is_ready(pod: &Value) -> bool {
    ready_condition(pod).is_some()
}

/// Ready for at least `min_ready` seconds.
pub(super) fn is_available(pod: &Value, min_ready: i64) -> bool {
    ready_condition(pod)
        .is_some_and(|c| min_ready <= 0 || age_secs(c["lastTransitionTime"].as_str()) >= min_ready)
}

/// `spec.replicas` of a ReplicaSet (default 1).
pub(super) fn replicas(rs: &Value) -> i64 {
    rs["spec"]["replicas"].as_i64().unwrap_or(1)
}

/// A status count (0 when absent).
pub(super) fn status_count(obj: &Value, field: &str) -> i64 {
    int(&obj["status"][field])
}
