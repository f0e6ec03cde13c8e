//! The DaemonSet controller, after kube-controller-manager's `pkg/controller/daemon`: one
//! Pod per node the template fits (nodeSelector, taints), pinned to its node by a
//! `metadata.name` matchFields node affinity the scheduler honours, RollingUpdate within
//! maxUnavailable, and the status `kubectl get daemonset` and `kubectl rollout status`
//! read.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::replicaset::{is_available, is_ready};
use super::statefulset::{REVISION_HASH, name_of, uid_of};
use super::template::pod_template_hash;
use super::{DAEMONSETS, PODS, Sim, SimError, owner_ref, terminating};

const NODES: &str = "/nodes";
/// The events' source.
const COMPONENT: &str = "daemonset-controller";
const TEMPLATE_GENERATION: &str = "pod-template-generation";

impl Sim {
    /// Reconciles one DaemonSet: a Pod on each node it should run on, none elsewhere.
    pub(super) fn sync_daemonset(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(ds) = self.state.store.get(DAEMONSETS, ns, name) else {
            return Ok(());
        };
        if terminating(&ds) {
            return Ok(());
        }
        let uid = uid_of(&ds);
        self.adopt(PODS, &ds, "DaemonSet")?;
        let hash = pod_template_hash(
            &ds["spec"]["template"],
            ds["status"]["collisionCount"].as_i64().filter(|c| *c > 0),
        );
        let revs = self.sync_revision(&ds, "DaemonSet", &format!("{name}-{hash}"), &hash)?;
        // The simulated nodes (as the kubelets registered them, with their labels and
        // taints).
        let nodes: Vec<Value> = super::kubelet::node_names(self.opts.nodes)
            .into_iter()
            .map(|n| match self.state.store.get(NODES, "", &n) {
                Some(node) => (*node).clone(),
                None => json!({"metadata": {"name": n, "labels": {"kubernetes.io/hostname": n}}}),
            })
            .collect();
        let min_ready = ds["spec"]["minReadySeconds"].as_i64().unwrap_or(0);

        // Pods by the node they are on (or pinned to).
        let mut by_node: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
        for p in self.owned_by(PODS, ns, &uid) {
            if let Some(n) = target_node(&p) {
                by_node.entry(n).or_default().push(p);
            }
        }
        for pods in by_node.values_mut() {
            pods.sort_by_key(|p| {
                (
                    p["metadata"]["creationTimestamp"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    name_of(p),
                )
            });
        }

        let mut should_run = Vec::new();
        for node in &nodes {
            let node_name = name_of(node);
            let runs = fits(&ds["spec"]["template"], node);
            let pods = by_node.remove(&node_name).unwrap_or_default();
            if runs {
                should_run.push(node_name.clone());
                // Failed Pods are replaced; extra Pods go, the oldest stays.
                let mut alive = Vec::new();
                let leaving = pods.iter().any(|p| terminating(p));
                for p in pods.into_iter().filter(|p| !terminating(p)) {
                    if p["status"]["phase"] == "Failed" {
                        self.ds_delete_pod(&ds, &p)?;
                    } else {
                        alive.push(p);
                    }
                }
                for p in alive.iter().skip(1) {
                    self.ds_delete_pod(&ds, p)?;
                }
                // A replacement waits until the Pod it replaces is gone (host ports).
                if alive.is_empty() && !leaving {
                    let pod = self.create("", "pods", ns, daemon_pod(&ds, &hash, &node_name))?;
                    let msg = format!("Created pod: {}", name_of(&pod));
                    self.controller_event(&ds, COMPONENT, false, "SuccessfulCreate", &msg);
                }
            } else {
                for p in pods.into_iter().filter(|p| !terminating(p)) {
                    self.ds_delete_pod(&ds, &p)?;
                }
            }
        }
        // Pods of nodes that are gone.
        for p in by_node.into_values().flatten().filter(|p| !terminating(p)) {
            self.ds_delete_pod(&ds, &p)?;
        }

        let strategy = &ds["spec"]["updateStrategy"];
        let desired = should_run.len() as i64;
        if strategy["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate" {
            let max_unavailable =
                scaled(&strategy["rollingUpdate"]["maxUnavailable"], desired, 1).max(1);
            self.roll(&ds, &should_run, &hash, max_unavailable, min_ready)?;
        }

        // Status.
        let mut by_node: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
        for p in self.owned_by(PODS, ns, &uid) {
            if let Some(n) = target_node(&p) {
                by_node.entry(n).or_default().push(p);
            }
        }
        let (mut current, mut ready, mut available, mut updated, mut misscheduled) =
            (0, 0, 0, 0, 0);
        for (node, pods) in &by_node {
            let scheduled: Vec<&Arc<Value>> = pods
                .iter()
                .filter(|p| {
                    p["spec"]["nodeName"]
                        .as_str()
                        .is_some_and(|n| !n.is_empty())
                })
                .collect();
            if !should_run.contains(node) {
                if !scheduled.is_empty() {
                    misscheduled += 1;
                }
                continue;
            }
            if scheduled.is_empty() {
                continue;
            }
            current += 1;
            let newest = scheduled
                .iter()
                .find(|p| !terminating(p))
                .unwrap_or(&scheduled[0]);
            if is_ready(newest) {
                ready += 1;
                if is_available(newest, min_ready) {
                    available += 1;
                }
            }
            if scheduled.iter().any(|p| pod_hash(p) == hash) {
                updated += 1;
            }
        }
        let mut status = json!({
            "currentNumberScheduled": current,
            "desiredNumberScheduled": desired,
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
        });
        for (k, v) in [
            (
                "observedGeneration",
                ds["metadata"]["generation"].as_i64().unwrap_or(0),
            ),
            ("updatedNumberScheduled", updated),
            ("numberAvailable", available),
            ("numberUnavailable", (desired - available).max(0)),
            (
                "collisionCount",
                ds["status"]["collisionCount"].as_i64().unwrap_or(0),
            ),
        ] {
            if v != 0 {
                status[k] = json!(v);
            }
        }
        if let Some(c) = ds["status"].get("conditions") {
            status["conditions"] = c.clone();
        }
        let live: Vec<String> = by_node.values().flatten().map(|p| pod_hash(p)).collect();
        self.cleanup_revisions(&ds, &revs, &[&format!("{name}-{hash}")], &live)?;
        self.write_status(DAEMONSETS, ns, name, &uid, status)
    }

    /// Deletes one of the DaemonSet's Pods and says so.
    fn ds_delete_pod(&self, ds: &Value, pod: &Value) -> Result<(), SimError> {
        let ns = ds["metadata"]["namespace"].as_str().unwrap_or("");
        self.delete_pod(ns, &name_of(pod), &uid_of(pod))?;
        let msg = format!("Deleted pod: {}", name_of(pod));
        self.controller_event(ds, COMPONENT, false, "SuccessfulDelete", &msg);
        Ok(())
    }

    /// `rollingUpdate`: old Pods that are unavailable go at once; available ones while
    /// fewer than maxUnavailable nodes lack an available Pod.
    fn roll(
        &self,
        ds: &Value,
        nodes: &[String],
        hash: &str,
        max_unavailable: i64,
        min_ready: i64,
    ) -> Result<(), SimError> {
        let ns = ds["metadata"]["namespace"].as_str().unwrap_or("");
        let mut by_node: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
        for p in self.owned_by(PODS, ns, &uid_of(ds)) {
            if let Some(n) = target_node(&p) {
                by_node.entry(n).or_default().push(p);
            }
        }
        let mut unavailable = 0;
        let mut old_available = Vec::new();
        for node in nodes {
            let pods = by_node.get(node).cloned().unwrap_or_default();
            let live: Vec<&Arc<Value>> = pods.iter().filter(|p| !terminating(p)).collect();
            let ok = live.iter().any(|p| is_available(p, min_ready));
            if !ok {
                unavailable += 1;
            }
            for p in live {
                if pod_hash(p) == hash {
                    continue;
                }
                if is_available(p, min_ready) {
                    old_available.push(p.clone());
                } else {
                    self.ds_delete_pod(ds, p)?;
                }
            }
        }
        for p in old_available {
            if unavailable >= max_unavailable {
                break;
            }
            self.ds_delete_pod(ds, &p)?;
            unavailable += 1;
        }
        Ok(())
    }
}

/// `GetScaledValueFromIntOrPercent` of an int-or-percent against `total`, rounding up.
fn scaled(v: &Value, total: i64, default: i64) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(default),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) => (p * total + 99) / 100,
            None => s.parse().unwrap_or(default),
        },
        _ => default,
    }
}

fn pod_hash(p: &Value) -> String {
    p["metadata"]["labels"][REVISION_HASH]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The node a Pod is bound to, or the one its matchFields affinity pins it to.
fn target_node(pod: &Value) -> Option<String> {
    if let Some(n) = pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
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

/// Whether the template's Pod fits the node: its nodeSelector matches, its required node
/// affinity matches the node's labels, and it tolerates the node's NoSchedule and
/// NoExecute taints.
fn fits(template: &Value, node: &Value) -> bool {
    let empty = Map::new();
    let labels = node["metadata"]["labels"].as_object().unwrap_or(&empty);
    let selector_ok = template["spec"]["nodeSelector"]
        .as_object()
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    if !selector_ok {
        return false;
    }
    let terms = template["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
        .as_array();
    if let Some(terms) = terms
        && !terms.iter().any(|t| term_matches(t, node, labels))
    {
        return false;
    }
    let tolerations: Vec<&Value> = template["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    node["spec"]["taints"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| matches!(t["effect"].as_str(), Some("NoSchedule" | "NoExecute")))
        // The controller adds a toleration of the unschedulable taint itself.
        .filter(|t| t["key"] != "node.kubernetes.io/unschedulable")
        .all(|t| tolerations.iter().any(|tol| tolerates(tol, t)))
}

fn term_matches(term: &Value, node: &Value, labels: &Map<String, Value>) -> bool {
    let exprs = term["matchExpressions"].as_array().into_iter().flatten();
    let fields = term["matchFields"].as_array().into_iter().flatten();
    let mut any = false;
    let ok_exprs = exprs.clone().all(|e| {
        any = true;
        let key = e["key"].as_str().unwrap_or("");
        requirement(e, labels.get(key).and_then(Value::as_str))
    });
    let ok_fields = fields.clone().all(|f| {
        any = true;
        let v = (f["key"] == "metadata.name")
            .then(|| node["metadata"]["name"].as_str())
            .flatten();
        requirement(f, v)
    });
    any && ok_exprs && ok_fields
}

fn requirement(e: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = e["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let num = |s: &str| s.parse::<i64>().ok();
    match e["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => value.is_none_or(|v| !values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((value.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// `ToleratesTaint`.
fn tolerates(tol: &Value, taint: &Value) -> bool {
    if !tol["effect"].as_str().is_none_or(str::is_empty) && tol["effect"] != taint["effect"] {
        return false;
    }
    let key = tol["key"].as_str().unwrap_or("");
    if !key.is_empty() && tol["key"] != taint["key"] {
        return false;
    }
    match tol["operator"].as_str().unwrap_or("Equal") {
        "Exists" => true,
        _ => {
            !key.is_empty()
                && tol["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("")
        }
    }
}

/// `NewPod` plus `ReplaceDaemonSetPodNodeNameNodeAffinity` and the daemon tolerations.
fn daemon_pod(ds: &Value, hash: &str, node: &str) -> Value {
    let tmpl = &ds["spec"]["template"];
    let mut labels = tmpl["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[REVISION_HASH] = json!(hash);
    labels[TEMPLATE_GENERATION] = json!(
        ds["metadata"]["generation"]
            .as_i64()
            .unwrap_or(1)
            .to_string()
    );
    let mut meta = json!({
        "generateName": format!("{}-", name_of(ds)),
        "labels": labels,
        "ownerReferences": [owner_ref(ds, "DaemonSet")],
    });
    if let Some(a) = tmpl["metadata"].get("annotations") {
        meta["annotations"] = a.clone();
    }
    let mut spec = tmpl["spec"].clone();
    let pin =
        json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]});
    // The node pin replaces any required node affinity: the node was chosen by it.
    spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
        json!({"nodeSelectorTerms": [pin]});
    let mut tolerations: Vec<Value> = spec["tolerations"].as_array().cloned().unwrap_or_default();
    let mut add = |key: &str, effect: &str| {
        if !tolerations
            .iter()
            .any(|t| t["key"] == key && t["effect"] == effect && t["operator"] == "Exists")
        {
            tolerations.push(json!({"key": key, "operator": "Exists", "effect": effect}));
        }
    };
    add("node.kubernetes.io/not-ready", "NoExecute");
    add("node.kubernetes.io/unreachable", "NoExecute");
    add("node.kubernetes.io/disk-pressure", "NoSchedule");
    add("node.kubernetes.io/memory-pressure", "NoSchedule");
    add("node.kubernetes.io/pid-pressure", "NoSchedule");
    add("node.kubernetes.io/unschedulable", "NoSchedule");
    if spec["hostNetwork"] == true {
        add("node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    spec["tolerations"] = json!(tolerations);
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(name: &str, labels: Value, taints: Value) -> Value {
        json!({"metadata": {"name": name, "labels": labels}, "spec": {"taints": taints}})
    }

    #[test]
    fn a_daemon_pod_is_pinned_to_its_node_and_tolerates_node_conditions() {
        let ds = json!({"metadata": {"name": "agent", "uid": "u", "generation": 2},
            "spec": {"template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "a", "image": "busybox"}]}}}});
        let p = daemon_pod(&ds, "abc", "sandbox-node-2");
        assert_eq!(p["metadata"]["generateName"], "agent-");
        assert_eq!(p["metadata"]["labels"][REVISION_HASH], "abc");
        assert_eq!(p["metadata"]["labels"][TEMPLATE_GENERATION], "2");
        assert_eq!(target_node(&p).as_deref(), Some("sandbox-node-2"));
        let tols = p["spec"]["tolerations"].as_array().expect("tolerations");
        assert_eq!(tols.len(), 6);
        assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "DaemonSet");
    }

    #[test]
    fn node_selectors_affinity_and_taints_decide_where_daemons_run() {
        let linux = node("a", json!({"kubernetes.io/os": "linux"}), json!(null));
        let tainted = node(
            "b",
            json!({"kubernetes.io/os": "linux"}),
            json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]),
        );
        let t = json!({"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}}});
        assert!(fits(&t, &linux));
        assert!(!fits(&t, &tainted));
        let t = json!({"spec": {"tolerations": [{"key": "dedicated", "operator": "Equal", "value": "db"}]}});
        assert!(fits(&t, &tainted));
        let t = json!({"spec": {"nodeSelector": {"kubernetes.io/os": "windows"}}});
        assert!(!fits(&t, &linux));
        let t = json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
            {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/os", "operator": "NotIn", "values": ["linux"]}]}]}}}}});
        assert!(!fits(&t, &linux));
    }

    #[test]
    fn max_unavailable_scales_percentages_up() {
        assert_eq!(scaled(&json!("25%"), 3, 1), 1);
        assert_eq!(scaled(&json!("50%"), 3, 1), 2);
        assert_eq!(scaled(&json!(2), 3, 1), 2);
        assert_eq!(scaled(&Value::Null, 3, 1), 1);
    }
}
