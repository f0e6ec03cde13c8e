//! The scheduler and the kubelets of the simulated nodes. A Pod is bound to a node (the
//! one its DaemonSet-style node affinity names, else one matching its nodeSelector, round
//! robin), its containers are created, and after the image profile's `readyAfter` they
//! run. What they do then follows their image's profile: healthy containers turn ready;
//! crash-looping or OOM-killed ones exit a second after each start and are restarted
//! with the kubelet's back-off (10 s doubling to 5 min), showing `CrashLoopBackOff`. A
//! Pod being deleted stops its containers and is removed after its grace period, or
//! sooner when its containers exit on SIGTERM (the profile's `shutdownAfter`).

use std::sync::atomic::Ordering;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use super::events::SCHEDULER;
use super::profiles::Behaviour;
use super::{PODS, Sim, SimError, now, pass_now, terminating};

/// The first simulated node.
pub const NODE_NAME: &str = "sandbox-node";
/// How long a crashing container runs before it exits.
const CRASH_AFTER: Duration = Duration::from_secs(1);
/// The kubelet's crash-loop back-off: 10 s, doubling, at most 5 min.
const BACKOFF_BASE: Duration = Duration::from_secs(10);
const BACKOFF_MAX: Duration = Duration::from_secs(300);

/// The names of `count` nodes: `sandbox-node`, `sandbox-node-2`, ….
pub(super) fn node_names(count: usize) -> Vec<String> {
    (0..count.max(1))
        .map(|i| {
            if i == 0 {
                NODE_NAME.to_string()
            } else {
                format!("{NODE_NAME}-{}", i + 1)
            }
        })
        .collect()
}

/// The node's address.
fn host_ip(node: &str) -> String {
    let i = node_names(256).iter().position(|n| n == node).unwrap_or(0);
    format!("172.18.0.{}", 2 + i)
}

fn ts_of(v: &Value) -> Option<Timestamp> {
    v.as_str()?.parse().ok()
}

fn add(t: Timestamp, d: Duration) -> Timestamp {
    SignedDuration::try_from(d)
        .ok()
        .and_then(|d| t.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

fn backoff(restarts: i64) -> Duration {
    let doublings = u32::try_from((restarts - 1).clamp(0, 10)).unwrap_or(10);
    (BACKOFF_BASE * 2u32.pow(doublings)).min(BACKOFF_MAX)
}

impl Sim {
    /// Schedules, starts, runs and stops a Pod.
    pub(super) fn sync_pod(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(pod) = self.state.store.get(PODS, ns, name) else {
            return Ok(());
        };
        let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
        let now_t = pass_now();
        if terminating(&pod) {
            return self.stop_pod(&pod, ns, name, &uid, now_t);
        }
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        if node.is_empty() {
            return self.schedule(&pod, ns, name, &uid, now_t);
        }
        if matches!(
            pod["status"]["phase"].as_str(),
            Some("Succeeded" | "Failed")
        ) {
            return Ok(());
        }
        if pod["status"]["phase"] != "Pending" && pod["status"]["phase"] != "Running" {
            return Ok(());
        }
        let behaviour = self.state.profiles.for_pod(&pod);
        if pod["status"]["phase"] == "Pending" {
            let due = self.wakeup_of(&uid).unwrap_or_else(|| {
                add(
                    ts_of(&pod["status"]["startTime"]).unwrap_or(now_t),
                    behaviour.ready_after,
                )
            });
            if due > now_t {
                self.wake(ns, name, &uid, due);
                return Ok(());
            }
            let n = self.next_pod_ip.fetch_add(1, Ordering::Relaxed);
            let ip = format!("10.244.{}.{}", (n >> 8) & 0xff, n & 0xff);
            let next = self.start_pod(&pod, &ip);
            self.forget(&uid);
            return self.put_status(ns, name, &uid, next);
        }
        let (status, wake) = self.run_containers(&pod, now_t);
        if let Some(at) = wake {
            self.wake(ns, name, &uid, at);
        }
        self.put_status(ns, name, &uid, status)
    }

    fn put_status(&self, ns: &str, name: &str, uid: &str, status: Value) -> Result<(), SimError> {
        self.modify(PODS, ns, name, uid, |cur| {
            if cur["status"] == status {
                return None;
            }
            let mut next = cur.clone();
            next["status"] = status;
            Some(next)
        })
    }

    /// Binds the Pod to a node, or reports it unschedulable.
    fn schedule(
        &self,
        pod: &Value,
        ns: &str,
        name: &str,
        uid: &str,
        now_t: Timestamp,
    ) -> Result<(), SimError> {
        let nodes = node_names(self.opts.nodes);
        let wanted = required_node(pod);
        let selector = pod["spec"]["nodeSelector"].as_object();
        let fits = |n: &String| {
            wanted.as_ref().is_none_or(|w| w == n)
                && selector.is_none_or(|sel| {
                    sel.iter()
                        .all(|(k, v)| node_labels(n, 0).get(k).is_some_and(|l| l == v))
                })
        };
        let candidates: Vec<&String> = nodes.iter().filter(|n| fits(n)).collect();
        if candidates.is_empty() {
            let message = format!(
                "0/{} nodes are available: {} node(s) didn't match Pod's node affinity/selector. preemption: 0/{} nodes are available: {} Preemption is not helpful for scheduling.",
                nodes.len(),
                nodes.len(),
                nodes.len(),
                nodes.len()
            );
            let status = json!({
                "phase": "Pending",
                "conditions": [{"type": "PodScheduled", "status": "False", "lastProbeTime": null,
                    "lastTransitionTime": now(), "reason": "Unschedulable", "message": message}],
                "qosClass": pod["status"]["qosClass"],
            });
            if pod["status"]["conditions"][0]["reason"] == "Unschedulable" {
                return Ok(());
            }
            return self.put_status(ns, name, uid, status);
        }
        let i = self.next_node.fetch_add(1, Ordering::Relaxed) % candidates.len();
        let node = candidates[i].clone();
        let due = add(now_t, self.state.profiles.for_pod(pod).ready_after);
        self.wake(ns, name, uid, due);
        let msg = format!("Successfully assigned {ns}/{name} to {node}");
        self.event(pod, false, "Scheduled", &msg, &SCHEDULER);
        self.modify(PODS, ns, name, uid, |cur| {
            let mut next = cur.clone();
            next["spec"]["nodeName"] = json!(node);
            next["status"] = pending_status(cur, &node);
            Some(next)
        })
    }

    /// Arms a timer that reconciles the Pod at `at` (simulated), unless one is armed for
    /// that time already.
    fn wake(&self, ns: &str, name: &str, uid: &str, at: Timestamp) {
        {
            let mut w = self.lock_wakeups();
            if w.get(uid) == Some(&at) {
                return;
            }
            w.insert(uid.to_string(), at);
        }
        let timers = self.timers.clone();
        let state = self.state.clone();
        let key = (PODS.to_string(), ns.to_string(), name.to_string());
        tokio::spawn(async move {
            state.clock.sleep_until(at).await;
            let _ = timers.send(key);
        });
    }

    fn wakeup_of(&self, uid: &str) -> Option<Timestamp> {
        self.lock_wakeups().get(uid).copied()
    }

    fn forget(&self, uid: &str) {
        self.lock_wakeups().remove(uid);
    }

    fn lock_wakeups(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Timestamp>> {
        self.wakeups
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Containers start: healthy ones are ready, crashing ones run (not ready) until they
    /// exit.
    fn start_pod(&self, pod: &Value, ip: &str) -> Value {
        let ts = now();
        let mut status = pod["status"].clone();
        let statuses: Vec<Value> = containers(pod)
            .map(|c| {
                let b = self
                    .state
                    .profiles
                    .for_image(c["image"].as_str().unwrap_or(""));
                self.started_events(pod, c);
                running(c, &ts, !crashes(&b), 0, json!({}))
            })
            .collect();
        status["phase"] = json!("Running");
        status["containerStatuses"] = json!(statuses);
        status["podIP"] = json!(ip);
        status["podIPs"] = json!([{"ip": ip}]);
        set_pod_conditions(&mut status, &ts);
        status
    }

    /// Moves each running container along its profile; returns the new status and when
    /// it changes next.
    fn run_containers(&self, pod: &Value, now_t: Timestamp) -> (Value, Option<Timestamp>) {
        let ts = now();
        let mut status = pod["status"].clone();
        let never = pod["spec"]["restartPolicy"] == "Never";
        let pod_ref = format!(
            "{}_{}({})",
            pod["metadata"]["name"].as_str().unwrap_or(""),
            pod["metadata"]["namespace"].as_str().unwrap_or(""),
            pod["metadata"]["uid"].as_str().unwrap_or("")
        );
        let mut wake: Option<Timestamp> = None;
        let mut soonest = |t: Timestamp| wake = Some(wake.map_or(t, |w| w.min(t)));
        let mut failed = false;
        let specs: Vec<&Value> = containers(pod).collect();
        let mut out = Vec::with_capacity(specs.len());
        for (i, c) in specs.iter().enumerate() {
            let b = self
                .state
                .profiles
                .for_image(c["image"].as_str().unwrap_or(""));
            let cur = status["containerStatuses"][i].clone();
            if cur.is_null() {
                out.push(running(c, &ts, !crashes(&b), 0, json!({})));
                continue;
            }
            let restarts = cur["restartCount"].as_i64().unwrap_or(0);
            let state = &cur["state"];
            if let Some(r) = state.get("running") {
                let started = ts_of(&r["startedAt"]).unwrap_or(now_t);
                if !crashes(&b) {
                    if cur["ready"] == true {
                        out.push(cur.clone());
                    } else {
                        // Fixed at runtime: this run survives and turns ready.
                        out.push(running(
                            c,
                            r["startedAt"].as_str().unwrap_or(&ts),
                            true,
                            restarts,
                            cur["lastState"].clone(),
                        ));
                    }
                    continue;
                }
                let exit_at = add(started, CRASH_AFTER);
                if exit_at > now_t {
                    soonest(exit_at);
                    out.push(cur.clone());
                    continue;
                }
                let terminated = exited(&cur, &b, r["startedAt"].as_str().unwrap_or(&ts), &ts);
                if never {
                    failed = true;
                    let mut s = cur.clone();
                    s["state"] = json!({"terminated": terminated});
                    s["ready"] = json!(false);
                    s["started"] = json!(false);
                    out.push(s);
                } else if restarts == 0 {
                    // The first exit restarts at once; the back-off starts after it.
                    self.started_events(pod, c);
                    out.push(running(c, &ts, false, 1, json!({"terminated": terminated})));
                    soonest(add(now_t, CRASH_AFTER));
                } else {
                    let wait = backoff(restarts);
                    let mut s = cur.clone();
                    s["state"] = json!({"waiting": {
                        "reason": "CrashLoopBackOff",
                        "message": format!("back-off {} restarting failed container={} pod={pod_ref}", go_secs(wait), c["name"].as_str().unwrap_or("")),
                    }});
                    s["lastState"] = json!({"terminated": terminated});
                    s["ready"] = json!(false);
                    s["started"] = json!(false);
                    let cname = c["name"].as_str().unwrap_or("");
                    let msg =
                        format!("Back-off restarting failed container {cname} in pod {pod_ref}");
                    self.container_event(pod, cname, true, "BackOff", &msg);
                    soonest(add(now_t, wait));
                    out.push(s);
                }
                continue;
            }
            if state.get("waiting").is_some() {
                let finished =
                    ts_of(&cur["lastState"]["terminated"]["finishedAt"]).unwrap_or(now_t);
                let restart_at = add(finished, backoff(restarts));
                if restart_at > now_t {
                    soonest(restart_at);
                    out.push(cur.clone());
                    continue;
                }
                let ok = !crashes(&b);
                if !ok {
                    soonest(add(now_t, CRASH_AFTER));
                }
                self.started_events(pod, c);
                out.push(running(c, &ts, ok, restarts + 1, cur["lastState"].clone()));
                continue;
            }
            out.push(cur.clone());
        }
        status["containerStatuses"] = json!(out);
        if failed {
            status["phase"] = json!("Failed");
        }
        set_pod_conditions(&mut status, &ts);
        (status, wake)
    }

    /// A Pod being deleted: containers get SIGTERM; the Pod goes when they have exited
    /// (the profile's `shutdownAfter`) or its grace period ends, whichever is first.
    fn stop_pod(
        &self,
        pod: &Value,
        ns: &str,
        name: &str,
        uid: &str,
        now_t: Timestamp,
    ) -> Result<(), SimError> {
        let has_finalizers = pod["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|f| !f.is_empty());
        let grace = pod["metadata"]["deletionGracePeriodSeconds"]
            .as_i64()
            .unwrap_or(0)
            .max(0);
        let deadline = ts_of(&pod["metadata"]["deletionTimestamp"]).unwrap_or(now_t);
        let marked = deadline
            .checked_sub(SignedDuration::from_secs(grace))
            .unwrap_or(deadline);
        let bound = pod["spec"]["nodeName"]
            .as_str()
            .is_some_and(|n| !n.is_empty());
        let shutdown = self.state.profiles.for_pod(pod).shutdown_after;
        let gone_at = add(marked, shutdown).min(deadline);
        if bound && gone_at > now_t {
            self.wake(ns, name, uid, gone_at);
            // Terminating containers are no longer ready.
            let mut status = pod["status"].clone();
            if let Some(list) = status["containerStatuses"].as_array_mut() {
                for s in list {
                    if s["ready"] == true {
                        let cname = s["name"].as_str().unwrap_or("");
                        let msg = format!("Stopping container {cname}");
                        self.container_event(pod, cname, false, "Killing", &msg);
                    }
                    s["ready"] = json!(false);
                }
            }
            set_pod_conditions(&mut status, &now());
            return self.put_status(ns, name, uid, status);
        }
        if has_finalizers || !bound {
            return Ok(());
        }
        self.forget(uid);
        self.remove(PODS, ns, name, uid)
    }
}

impl Sim {
    /// The kubelet's events for a container it starts.
    fn started_events(&self, pod: &Value, c: &Value) {
        let name = c["name"].as_str().unwrap_or("");
        let image = c["image"].as_str().unwrap_or("");
        let pulled = format!("Container image \"{image}\" already present on machine");
        self.container_event(pod, name, false, "Pulled", &pulled);
        self.container_event(
            pod,
            name,
            false,
            "Created",
            &format!("Created container: {name}"),
        );
        self.container_event(
            pod,
            name,
            false,
            "Started",
            &format!("Started container {name}"),
        );
    }
}

fn crashes(b: &Behaviour) -> bool {
    b.crash_loop || b.oom_kill
}

/// Go's `time.Duration` printing for whole seconds and minutes (`10s`, `5m0s`).
fn go_secs(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

fn containers(pod: &Value) -> impl Iterator<Item = &Value> {
    pod["spec"]["containers"].as_array().into_iter().flatten()
}

/// The node a DaemonSet-style Pod must run on: a `matchFields` term on `metadata.name`.
fn required_node(pod: &Value) -> Option<String> {
    let terms = pod["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        .as_array()?;
    terms.iter().find_map(|t| {
        t["matchFields"].as_array()?.iter().find_map(|f| {
            (f["key"] == "metadata.name" && f["operator"] == "In")
                .then(|| f["values"][0].as_str().map(str::to_string))
                .flatten()
        })
    })
}

/// A running container's status.
fn running(c: &Value, started_at: &str, ready: bool, restarts: i64, last: Value) -> Value {
    let image = c["image"].as_str().unwrap_or("");
    let id = uuid::Uuid::new_v4().simple().to_string();
    json!({
        "containerID": format!("containerd://{id}{id}"),
        "image": image,
        "imageID": format!("{}@sha256:{}", image.split(':').next().unwrap_or(image), digest(image)),
        "lastState": last,
        "name": c["name"],
        "ready": ready,
        "restartCount": restarts,
        "started": true,
        "state": {"running": {"startedAt": started_at}},
    })
}

/// How a crashing container ended.
fn exited(cur: &Value, b: &Behaviour, started_at: &str, finished_at: &str) -> Value {
    let (reason, code) = if b.oom_kill {
        ("OOMKilled", 137)
    } else {
        ("Error", 1)
    };
    json!({
        "containerID": cur["containerID"],
        "exitCode": code,
        "finishedAt": finished_at,
        "reason": reason,
        "startedAt": started_at,
    })
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

/// Sets the Pod's conditions from its container statuses, keeping the transition time
/// of conditions whose status does not change.
fn set_pod_conditions(status: &mut Value, ts: &str) {
    let statuses = status["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let unready: Vec<&str> = statuses
        .iter()
        .filter(|s| s["ready"] != true)
        .filter_map(|s| s["name"].as_str())
        .collect();
    let ready = unready.is_empty() && !statuses.is_empty();
    let started = statuses.iter().any(|s| s["state"].get("waiting").is_none())
        && status["phase"] != "Pending";
    let msg = format!("containers with unready status: [{}]", unready.join(" "));
    let reason = |ok: bool| (!ok).then(|| ("ContainersNotReady", msg.clone()));
    let old = status["conditions"].as_array().cloned().unwrap_or_default();
    let keep = |mut c: Value| {
        if let Some(o) = old.iter().find(|o| o["type"] == c["type"])
            && o["status"] == c["status"]
        {
            c["lastTransitionTime"] = o["lastTransitionTime"].clone();
        }
        c
    };
    let scheduled_at = old
        .iter()
        .find(|o| o["type"] == "PodScheduled")
        .and_then(|o| o["lastTransitionTime"].as_str())
        .unwrap_or(ts)
        .to_string();
    let phase_ready = ready && status["phase"] == "Running";
    status["conditions"] = json!([
        keep(condition(
            "PodReadyToStartContainers",
            started || status["phase"] == "Running",
            ts,
            None
        )),
        keep(condition("Initialized", true, ts, None)),
        keep(condition("Ready", phase_ready, ts, reason(phase_ready))),
        keep(condition(
            "ContainersReady",
            phase_ready,
            ts,
            reason(phase_ready)
        )),
        condition("PodScheduled", true, &scheduled_at, None),
    ]);
    if status["phase"] == "Failed" {
        status["conditions"][2]["reason"] = json!("PodFailed");
        status["conditions"][3]["reason"] = json!("PodFailed");
        for c in [2, 3] {
            if let Some(m) = status["conditions"][c].as_object_mut() {
                m.remove("message");
            }
        }
    }
}

/// Scheduled, containers being created.
fn pending_status(pod: &Value, node: &str) -> Value {
    let ts = now();
    let names: Vec<&str> = containers(pod).filter_map(|c| c["name"].as_str()).collect();
    let unready = format!("containers with unready status: [{}]", names.join(" "));
    let statuses: Vec<Value> = containers(pod)
        .map(|c| {
            json!({
                "image": c["image"], "imageID": "", "lastState": {}, "name": c["name"],
                "ready": false, "restartCount": 0, "started": false,
                "state": {"waiting": {"reason": "ContainerCreating"}},
            })
        })
        .collect();
    let ip = host_ip(node);
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
        "hostIP": ip,
        "hostIPs": [{"ip": ip}],
        "qosClass": pod["status"]["qosClass"],
        "startTime": ts,
    })
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

/// The labels of a node (`index` 0 is the control-plane node).
fn node_labels(name: &str, index: usize) -> serde_json::Map<String, Value> {
    let mut labels = serde_json::Map::new();
    for (k, v) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ] {
        labels.insert(k.into(), json!(v));
    }
    if index == 0 {
        labels.insert("node-role.kubernetes.io/control-plane".into(), json!(""));
    }
    labels
}

impl Sim {
    /// Registers the nodes (once) and reports them Ready, as kubelets do at start.
    pub(super) fn register_nodes(&self) -> Result<(), SimError> {
        for (i, name) in node_names(self.opts.nodes).iter().enumerate() {
            self.register_node(name, i)?;
        }
        Ok(())
    }

    fn register_node(&self, name: &str, index: usize) -> Result<(), SimError> {
        let node = match self.state.store.get("/nodes", "", name) {
            Some(n) => n,
            None => self.create(
                "",
                "nodes",
                "",
                json!({
                    "apiVersion": "v1", "kind": "Node",
                    "metadata": {"name": name, "labels": node_labels(name, index)},
                    "spec": {"podCIDR": format!("10.244.{index}.0/24"),
                             "podCIDRs": [format!("10.244.{index}.0/24")]},
                }),
            )?,
        };
        if node["status"]["conditions"].is_array() {
            return Ok(());
        }
        let ts = self.state.clock.rfc3339();
        let cond = |kind: &str, ok: bool, reason: &str, message: &str| {
            json!({"type": kind, "status": if ok { "True" } else { "False" },
                   "lastHeartbeatTime": ts, "lastTransitionTime": ts,
                   "reason": reason, "message": message})
        };
        let resources = json!({"cpu": "8", "ephemeral-storage": "102400Mi",
                               "hugepages-2Mi": "0", "memory": "16Gi", "pods": "110"});
        let ip = host_ip(name);
        let status = json!({
            "addresses": [{"type": "InternalIP", "address": ip},
                          {"type": "Hostname", "address": name}],
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
        let uid = node["metadata"]["uid"].as_str().unwrap_or("").to_string();
        self.write_status("/nodes", "", name, &uid, status)
    }
}
