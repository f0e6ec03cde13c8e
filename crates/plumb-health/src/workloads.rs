//! Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs.

use plumb_model::HealthStatus::{Degraded, Progressing, Suspended};
use serde_json::Value;

use crate::{Health, condition, int};

fn observed(obj: &Value) -> bool {
    let generation = int(&obj["metadata"]["generation"]);
    obj["status"]
        .get("observedGeneration")
        .is_some_and(|g| generation <= int(g))
}

/// Argo CD's Deployment health.
pub fn deployment(obj: &Value) -> Health {
    let spec = &obj["spec"];
    let status = &obj["status"];
    if spec["paused"] == true {
        return Health::new(Suspended, "Deployment is paused");
    }
    if !observed(obj) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: observed deployment generation less than desired generation",
        );
    }
    if condition(obj, "Progressing").is_some_and(|c| c["reason"] == "ProgressDeadlineExceeded") {
        let name = obj["metadata"]["name"].as_str().unwrap_or("");
        return Health::new(
            Degraded,
            format!("Deployment \"{name}\" exceeded its progress deadline"),
        );
    }
    let desired = spec.get("replicas").map_or(1, int);
    let updated = int(&status["updatedReplicas"]);
    let replicas = int(&status["replicas"]);
    let available = int(&status["availableReplicas"]);
    if updated < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {updated} out of {desired} new replicas have been updated..."
            ),
        );
    }
    if replicas > updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {} old replicas are pending termination...",
                replicas - updated
            ),
        );
    }
    if available < updated {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} of {updated} updated replicas are available..."
            ),
        );
    }
    Health::healthy()
}

/// Argo CD's StatefulSet health (rolling updates).
pub fn statefulset(obj: &Value) -> Health {
    let spec = &obj["spec"];
    let status = &obj["status"];
    if !observed(obj) {
        return Health::new(
            Progressing,
            "Waiting for statefulset spec update to be observed...",
        );
    }
    let desired = spec.get("replicas").map_or(1, int);
    let ready = int(&status["readyReplicas"]);
    if ready < desired {
        return Health::new(
            Progressing,
            format!("Waiting for {} pods to be ready...", desired - ready),
        );
    }
    if spec["updateStrategy"]["type"] == "OnDelete" {
        return Health::new(
            plumb_model::HealthStatus::Healthy,
            "statefulset has OnDelete update strategy",
        );
    }
    let updated = int(&status["updatedReplicas"]);
    if status["updateRevision"] != status["currentRevision"] && updated < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rolling update to complete {updated} pods at revision {}...",
                status["updateRevision"].as_str().unwrap_or("")
            ),
        );
    }
    Health::new(
        plumb_model::HealthStatus::Healthy,
        format!(
            "statefulset rolling update complete {desired} pods at revision {}...",
            status["currentRevision"].as_str().unwrap_or("")
        ),
    )
}

/// Argo CD's DaemonSet health.
pub fn daemonset(obj: &Value) -> Health {
    let status = &obj["status"];
    if !observed(obj) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: observed daemon set generation less than desired generation",
        );
    }
    let desired = int(&status["desiredNumberScheduled"]);
    let updated = int(&status["updatedNumberScheduled"]);
    let available = int(&status["numberAvailable"]);
    if obj["spec"]["updateStrategy"]["type"] == "OnDelete" {
        return Health::new(
            plumb_model::HealthStatus::Healthy,
            "daemon set has OnDelete update strategy",
        );
    }
    if updated < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for daemon set rollout to finish: {updated} out of {desired} new pods have been updated..."
            ),
        );
    }
    if available < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for daemon set rollout to finish: {available} of {desired} updated pods are available..."
            ),
        );
    }
    Health::healthy()
}

/// Argo CD's ReplicaSet health.
pub fn replicaset(obj: &Value) -> Health {
    if !observed(obj) {
        return Health::new(
            Progressing,
            "Waiting for rollout to finish: observed replica set generation less than desired generation",
        );
    }
    if condition(obj, "ReplicaFailure").is_some_and(|c| c["status"] == "True") {
        let msg = condition(obj, "ReplicaFailure")
            .and_then(|c| c["message"].as_str())
            .unwrap_or("");
        return Health::new(Degraded, msg);
    }
    let desired = obj["spec"].get("replicas").map_or(1, int);
    let available = int(&obj["status"]["availableReplicas"]);
    if available < desired {
        return Health::new(
            Progressing,
            format!(
                "Waiting for rollout to finish: {available} out of {desired} new replicas are available..."
            ),
        );
    }
    Health::healthy()
}

/// Argo CD's Job health.
pub fn job(obj: &Value) -> Health {
    if obj["spec"]["suspend"] == true {
        return Health::new(Suspended, "job is suspended");
    }
    if let Some(c) = condition(obj, "Failed").filter(|c| c["status"] == "True") {
        return Health::new(Degraded, c["message"].as_str().unwrap_or("job failed"));
    }
    if condition(obj, "Complete").is_some_and(|c| c["status"] == "True") {
        return Health::new(plumb_model::HealthStatus::Healthy, "job completed");
    }
    Health::new(Progressing, "job is running")
}

#[cfg(test)]
mod tests {
    use super::*;
    use plumb_model::HealthStatus::Healthy;
    use serde_json::json;

    #[test]
    fn a_rolled_out_deployment_is_healthy_and_an_unobserved_one_progresses() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "generation": 2},
            "spec": {"replicas": 3},
            "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 3}});
        assert_eq!(deployment(&d).status, Healthy);
        d["status"]["observedGeneration"] = json!(1);
        assert_eq!(deployment(&d).status, Progressing);
    }

    #[test]
    fn a_deployment_past_its_progress_deadline_is_degraded() {
        let d = json!({"metadata": {"name": "web", "generation": 1}, "spec": {"replicas": 3},
            "status": {"observedGeneration": 1, "conditions": [
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}});
        let h = deployment(&d);
        assert_eq!(h.status, Degraded);
        assert_eq!(
            h.message,
            "Deployment \"web\" exceeded its progress deadline"
        );
    }
}
