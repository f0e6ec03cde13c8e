//! The Endpoints controller: a Service with a selector gets an Endpoints object of the
//! same name listing its pods' addresses, ready ones under `addresses` and the others
//! under `notReadyAddresses`, with the Service's ports resolved against each pod's
//! container ports.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{PODS, Sim, SimError, terminating};

/// Storage keys.
pub(super) const SERVICES: &str = "/services";
const ENDPOINTS: &str = "/endpoints";

impl Sim {
    /// Writes the Endpoints of a Service (removes them when the Service is gone).
    pub(super) fn sync_service(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let existing = self.state.store.get(ENDPOINTS, ns, name);
        let Some(svc) = self.state.store.get(SERVICES, ns, name) else {
            if let Some(ep) = existing {
                let uid = ep["metadata"]["uid"].as_str().unwrap_or("").to_string();
                self.remove(ENDPOINTS, ns, name, &uid)?;
            }
            return Ok(());
        };
        let Some(selector) = svc["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            return Ok(());
        };
        let pods = self.pods_selected(ns, selector);
        let publish_unready = svc["spec"]["publishNotReadyAddresses"] == true;
        // Pods grouped by their resolved port list (pods with different named ports
        // land in different subsets, as the real controller repacks them).
        let mut subsets: BTreeMap<String, (Vec<Value>, Vec<Value>, Value)> = BTreeMap::new();
        for pod in pods.iter() {
            let Some(ip) = pod["status"]["podIP"].as_str().filter(|ip| !ip.is_empty()) else {
                continue;
            };
            if terminating(pod) && !publish_unready {
                continue;
            }
            if matches!(
                pod["status"]["phase"].as_str(),
                Some("Succeeded" | "Failed")
            ) {
                continue;
            }
            let ready = publish_unready
                || pod["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
            let ports = endpoint_ports(&svc, pod);
            let Some(ports) = ports else { continue };
            let address = json!({
                "ip": ip,
                "nodeName": pod["spec"]["nodeName"],
                "targetRef": {
                    "kind": "Pod",
                    "name": pod["metadata"]["name"],
                    "namespace": ns,
                    "uid": pod["metadata"]["uid"],
                },
            });
            let entry = subsets
                .entry(ports.to_string())
                .or_insert_with(|| (Vec::new(), Vec::new(), ports));
            if ready {
                entry.0.push(address);
            } else {
                entry.1.push(address);
            }
        }
        let by_ip = |a: &Value, b: &Value| a["ip"].as_str().cmp(&b["ip"].as_str());
        let subsets: Vec<Value> = subsets
            .into_values()
            .map(|(mut ready, mut unready, ports)| {
                ready.sort_by(by_ip);
                unready.sort_by(by_ip);
                let mut s = json!({"ports": ports});
                if !ready.is_empty() {
                    s["addresses"] = json!(ready);
                }
                if !unready.is_empty() {
                    s["notReadyAddresses"] = json!(unready);
                }
                s
            })
            .collect();
        let labels = svc["metadata"]["labels"].clone();
        match existing {
            None => {
                let mut obj = json!({
                    "apiVersion": "v1",
                    "kind": "Endpoints",
                    "metadata": {"name": name, "namespace": ns},
                });
                if labels.is_object() {
                    obj["metadata"]["labels"] = labels;
                }
                if !subsets.is_empty() {
                    obj["subsets"] = json!(subsets);
                }
                match self.create("", "endpoints", ns, obj) {
                    Err(SimError::Api(e)) if e.reason == "AlreadyExists" => Ok(()),
                    r => r.map(|_| ()),
                }
            }
            Some(ep) => {
                let uid = ep["metadata"]["uid"].as_str().unwrap_or("").to_string();
                self.modify(ENDPOINTS, ns, name, &uid, |cur| {
                    let mut next = cur.clone();
                    if subsets.is_empty() {
                        next.as_object_mut()?.remove("subsets");
                    } else {
                        next["subsets"] = json!(subsets);
                    }
                    match next["metadata"].as_object_mut() {
                        Some(m) if labels.is_object() => {
                            m.insert("labels".into(), labels.clone());
                        }
                        Some(m) => {
                            m.remove("labels");
                        }
                        None => {}
                    }
                    Some(next)
                })
            }
        }
    }
}

impl Sim {
    /// The Pods of `ns` matching a (non-empty) selector, from this pass's label index.
    fn pods_selected(&self, ns: &str, selector: &Map<String, Value>) -> Vec<Arc<Value>> {
        let mut index = self.pods_by_label.lock().unwrap_or_else(|e| e.into_inner());
        let by_label = index.entry(ns.to_string()).or_insert_with(|| {
            let (pods, _) = self.state.store.list(PODS, Some(ns));
            let mut m: HashMap<(String, String), Vec<Arc<Value>>> = HashMap::new();
            for pod in pods {
                for (k, v) in pod["metadata"]["labels"].as_object().into_iter().flatten() {
                    if let Some(v) = v.as_str() {
                        m.entry((k.clone(), v.to_string()))
                            .or_default()
                            .push(pod.clone());
                    }
                }
            }
            m
        });
        let Some((k, v)) = selector.iter().next() else {
            return Vec::new();
        };
        let first = (k.clone(), v.as_str().unwrap_or("").to_string());
        by_label
            .get(&first)
            .into_iter()
            .flatten()
            .filter(|p| selects(selector, &p["metadata"]["labels"]))
            .cloned()
            .collect()
    }
}

/// Pods by namespace, then by (label, value).
pub(super) type PodIndex = HashMap<String, HashMap<(String, String), Vec<Arc<Value>>>>;

/// Whether a Service selector matches a set of labels.
fn selects(selector: &Map<String, Value>, labels: &Value) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| &labels[k] == v)
}

/// A Service's name and selector.
type Selecting<'a> = (&'a str, &'a Map<String, Value>);

/// Services by (namespace, one of their selector's labels, its value).
pub(super) struct ServiceIndex<'a> {
    by_label: HashMap<(&'a str, &'a str, &'a str), Vec<Selecting<'a>>>,
}

impl<'a> ServiceIndex<'a> {
    pub(super) fn new(services: &'a [Arc<Value>]) -> Self {
        let mut by_label: HashMap<_, Vec<_>> = HashMap::new();
        for svc in services {
            let meta = &svc["metadata"];
            let (Some(ns), Some(name), Some(sel)) = (
                meta["namespace"].as_str(),
                meta["name"].as_str(),
                svc["spec"]["selector"].as_object(),
            ) else {
                continue;
            };
            // Every label of a selector must match: indexing by one of them suffices.
            if let Some((k, v)) = sel.iter().next() {
                by_label
                    .entry((ns, k.as_str(), v.as_str().unwrap_or("")))
                    .or_default()
                    .push((name, sel));
            }
        }
        ServiceIndex { by_label }
    }

    /// The names of the Services in `ns` whose selector matches `labels`.
    pub(super) fn selecting(&self, ns: &str, labels: &Value) -> Vec<&'a str> {
        let mut out = Vec::new();
        for (k, v) in labels.as_object().into_iter().flatten() {
            let Some(v) = v.as_str() else { continue };
            for (name, sel) in self
                .by_label
                .get(&(ns, k.as_str(), v))
                .into_iter()
                .flatten()
            {
                if selects(sel, labels) {
                    out.push(*name);
                }
            }
        }
        out
    }
}

/// The Service's ports as this pod serves them; `None` when a named target port is not
/// among the pod's container ports.
fn endpoint_ports(svc: &Value, pod: &Value) -> Option<Value> {
    let mut out = Vec::new();
    for p in svc["spec"]["ports"].as_array().into_iter().flatten() {
        let protocol = p["protocol"].as_str().unwrap_or("TCP");
        let port = match &p["targetPort"] {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => match s.parse::<i64>() {
                Ok(n) => n,
                Err(_) => container_port(pod, s, protocol)?,
            },
            _ => p["port"].as_i64()?,
        };
        let mut e = json!({"port": port, "protocol": protocol});
        if let Some(name) = p["name"].as_str().filter(|n| !n.is_empty()) {
            e["name"] = json!(name);
        }
        if let Some(app) = p["appProtocol"].as_str() {
            e["appProtocol"] = json!(app);
        }
        out.push(e);
    }
    Some(json!(out))
}

fn container_port(pod: &Value, name: &str, protocol: &str) -> Option<i64> {
    pod["spec"]["containers"]
        .as_array()?
        .iter()
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .find(|p| p["name"] == name && p["protocol"].as_str().unwrap_or("TCP") == protocol)
        .and_then(|p| p["containerPort"].as_i64())
}
