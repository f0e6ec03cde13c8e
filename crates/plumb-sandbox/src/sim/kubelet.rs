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

impl Sim {
    /// Registers the node (once) and reports it Ready, as a kubelet does at start.
    pub(super) fn register_node(&self) -> Result<(), SimError> {
        let node = match self.state.store.get("/nodes", "", NODE_NAME) {
            Some(n) => n,
            None => self.create(
                "",
                "nodes",
                "",
                json!({
                    "apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": NODE_NAME, "labels": {
                        "kubernetes.io/hostname": NODE_NAME,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "beta.kubernetes.io/os": "linux",
                        "beta.kubernetes.io/arch": "amd64",
                        "node-role.kubernetes.io/control-plane": "",
                    }},
                    "spec": {"podCIDR": "10.244.0.0/16", "podCIDRs": ["10.244.0.0/16"]},
                }),
            )?,
        };
        let ts = now();
        let cond = |kind: &str, ok: bool, reason: &str, message: &str| {
            json!({"type": kind, "status": if ok { "True" } else { "False" },
                   "lastHeartbeatTime": ts, "lastTransitionTime": ts,
                   "reason": reason, "message": message})
        };
        let resources = json!({"cpu": "8", "ephemeral-storage": "102400Mi",
                               "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"});
        let status = json!({
            "addresses": [{"type": "InternalIP", "address": HOST_IP},
                          {"type": "Hostname", "address": NODE_NAME}],
            "allocatable": resources,
            "capacity": resources,
            "conditions": [
                cond("MemoryPressure", false, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", true, "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": node["metadata"]["uid"],
                "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "6.1.0", "kubeProxyVersion": "v1.32.0",
                "kubeletVersion": "v1.32.0", "machineID": node["metadata"]["uid"],
                "operatingSystem": "linux", "osImage": "plumb sandbox",
                "systemUUID": node["metadata"]["uid"],
            },
        });
        if node["status"]["conditions"].is_array() {
            return Ok(());
        }
        let uid = node["metadata"]["uid"].as_str().unwrap_or("").to_string();
        self.write_status("/nodes", "", NODE_NAME, &uid, status)
    }
}
