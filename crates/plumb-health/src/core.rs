//! Pods, Services, PersistentVolumeClaims, Ingresses and Namespaces.

use plumb_model::HealthStatus::{Degraded, Healthy, Progressing};
use serde_json::Value;

use crate::Health;

const BAD_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "InvalidImageName",
    "CreateContainerError",
];

/// Argo CD's Pod health.
pub fn pod(obj: &Value) -> Health {
    let status = &obj["status"];
    let statuses = status["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for c in statuses.iter().chain(
        status["initContainerStatuses"]
            .as_array()
            .into_iter()
            .flatten(),
    ) {
        if let Some(reason) = c["state"]["waiting"]["reason"].as_str()
            && BAD_WAITING.contains(&reason)
        {
            let msg = c["state"]["waiting"]["message"].as_str().unwrap_or(reason);
            return Health::new(Degraded, msg);
        }
    }
    match status["phase"].as_str().unwrap_or("") {
        "Succeeded" => Health::new(Healthy, status["message"].as_str().unwrap_or("")),
        "Failed" => Health::new(Degraded, status["message"].as_str().unwrap_or("pod failed")),
        "Running" => {
            if obj["spec"]["restartPolicy"] != "Always" && obj["spec"]["restartPolicy"].is_string()
            {
                return Health::new(Progressing, "");
            }
            let ready = crate::condition(obj, "Ready").is_some_and(|c| c["status"] == "True");
            if ready {
                Health::healthy()
            } else {
                Health::new(Progressing, "")
            }
        }
        _ => Health::new(Progressing, status["message"].as_str().unwrap_or("")),
    }
}

/// A LoadBalancer Service is healthy once it has an ingress point.
pub fn service(obj: &Value) -> Health {
    if obj["spec"]["type"] == "LoadBalancer" {
        let has = obj["status"]["loadBalancer"]["ingress"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        if !has {
            return Health::new(Progressing, "");
        }
    }
    Health::healthy()
}

pub fn pvc(obj: &Value) -> Health {
    match obj["status"]["phase"].as_str() {
        Some("Lost") => Health::new(Degraded, ""),
        Some("Pending") => Health::new(Progressing, ""),
        _ => Health::healthy(),
    }
}

pub fn ingress(obj: &Value) -> Health {
    let has = obj["status"]["loadBalancer"]["ingress"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    if has {
        Health::healthy()
    } else {
        Health::new(Progressing, "")
    }
}

pub fn namespace(obj: &Value) -> Health {
    if obj["status"]["phase"] == "Terminating" {
        Health::new(Progressing, "namespace is terminating")
    } else {
        Health::healthy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_crash_looping_pod_is_degraded() {
        let p = json!({"status": {"phase": "Running", "containerStatuses": [
            {"state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}}}]}});
        let h = pod(&p);
        assert_eq!(h.status, Degraded);
        assert_eq!(h.message, "back-off 40s restarting failed container");
    }

    #[test]
    fn a_ready_running_pod_is_healthy() {
        let p = json!({"spec": {"restartPolicy": "Always"}, "status": {"phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(pod(&p).status, Healthy);
    }
}
