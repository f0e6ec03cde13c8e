//! The kubelet of the one simulated node: binds Pods to `sandbox-node`, then after the
//! configured delay reports their containers running and ready.

use std::sync::atomic::Ordering;
use std::time::Instant;

use serde_json::{Value, json};

use super::{PODS, Sim, SimError, now, terminating};

/// The simulated node.
pub const NODE_NAME: &str = "sandbox-node";
/// The node's address.
const HOST_IP: &str = "172.18.0.2";

impl Sim {
    /// Moves a Pod along Pending (scheduled, containers creating) → Running and Ready.
    pub(super) fn sync_pod(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(pod) = self.state.store.get(PODS, ns, name) else {
            return Ok(());
        };
        if terminating(&pod) {
            return Ok(());
        }
        let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let bound = pod["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty());
        if !bound {
            let due = Instant::now() + self.opts.pod_ready_delay;
            self.lock_ready_at().insert(uid.clone(), due);
            let timers = self.timers.clone();
            let key = (PODS.to_string(), ns.to_string(), name.to_string());
            let delay = self.opts.pod_ready_delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = timers.send(key);
            });
            return self.modify(PODS, ns, name, &uid, |cur| {
                let mut next = cur.clone();
                next["spec"]["nodeName"] = json!(NODE_NAME);
                next["status"] = pending_status(cur);
                Some(next)
            });
        }
        if pod["status"]["phase"] != "Pending" {
            return Ok(());
        }
        let due = self.lock_ready_at().get(&uid).copied();
        if due.is_some_and(|d| d > Instant::now()) {
            return Ok(());
        }
        self.lock_ready_at().remove(&uid);
        let n = self.next_pod_ip.fetch_add(1, Ordering::Relaxed);
        let ip = format!("10.244.{}.{}", (n >> 8) & 0xff, n & 0xff);
        self.modify(PODS, ns, name, &uid, |cur| {
            let mut next = cur.clone();
            next["status"] = running_status(cur, &ip);
            Some(next)
        })
    }

    fn lock_ready_at(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Instant>> {
        self.ready_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn condition(kind: &str, ok: bool, ts: &str, reason: Option<(&str, String)>) -> Value {
    let mut c = json!({
        "type": kind,
        "status": if ok { "True" } else { "False" },
        "lastProbeTime": null,
        "lastTransitionTime": ts,
    });
    if let Some((reason, message)) = reason {
        c["reason"] = json!(reason);
        c["message"] = json!(message);
    }
    c
}

fn container_names(pod: &Value) -> Vec<String> {
    pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// Scheduled, containers being created.
fn pending_status(pod: &Value) -> Value {
    let ts = now();
    let names = container_names(pod);
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            json!({
                "image": c["image"], "imageID": "", "lastState": {}, "name": c["name"],
                "ready": false, "restartCount": 0, "started": false,
                "state": {"waiting": {"reason": "ContainerCreating"}},
            })
        })
        .collect();
    json!({
        "phase": "Pending",
        "conditions": [
            condition("PodReadyToStartContainers", false, &ts, None),
            condition("Initialized", true, &ts, None),
            condition("Ready", false, &ts, Some(("ContainersNotReady", unready.clone()))),
            condition("ContainersReady", false, &ts, Some(("ContainersNotReady", unready))),
            condition("PodScheduled", true, &ts, None),
        ],
        "containerStatuses": statuses,
        "hostIP": HOST_IP,
        "hostIPs": [{"ip": HOST_IP}],
        "qosClass": pod["status"]["qosClass"],
        "startTime": ts,
    })
}

/// Every container running and ready.
fn running_status(pod: &Value, ip: &str) -> Value {
    let ts = now();
    let mut status = pod["status"].clone();
    let running = |c: &Value| -> Value {
        let image = c["image"].as_str().unwrap_or("");
        let id = uuid::Uuid::new_v4().simple().to_string();
        json!({
            "containerID": format!("containerd://{id}{id}"),
            "image": image,
            "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or(image), digest(image)),
            "lastState": {},
            "name": c["name"],
            "ready": true,
            "restartCount": 0,
            "started": true,
            "state": {"running": {"startedAt": ts}},
        })
    };
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(running)
        .collect();
    status["phase"] = json!("Running");
    status["conditions"] = json!([
        condition("PodReadyToStartContainers", true, &ts, None),
        condition("Initialized", true, &ts, None),
        condition("Ready", true, &ts, None),
        condition("ContainersReady", true, &ts, None),
        condition(
            "PodScheduled",
            true,
            status["startTime"].as_str().unwrap_or(&ts),
            None
        ),
    ]);
    status["containerStatuses"] = json!(statuses);
    status["podIP"] = json!(ip);
    status["podIPs"] = json!([{"ip": ip}]);
    status
}

/// A stable 64-hex-digit stand-in for an image digest.
fn digest(image: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    (0..4)
        .map(|i| {
            for b in image.bytes().chain(std::iter::once(i)) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            format!("{h:016x}")
        })
        .collect()
}
