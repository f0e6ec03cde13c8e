//! The Deployment controller, after kube-controller-manager's
//! `pkg/controller/deployment`: one ReplicaSet per pod template, rolling updates within
//! maxSurge/maxUnavailable, Recreate, scaling, history cleanup, status and conditions.

use std::sync::Arc;

use serde_json::{Value, json};

use super::conditions::{
    condition, new_condition, progressing, remove_condition, set_condition, set_paused_condition,
};
use super::events::DEPLOYMENT_CONTROLLER;
use super::replicaset::{replicas, status_count};
use super::template::{HASH_LABEL, pod_template_hash, same_template};
use super::{DEPLOYMENTS, REPLICASETS, Sim, SimError, age_secs, owner_ref, terminating};

const REVISION: &str = "deployment.kubernetes.io/revision";
pub(super) const DESIRED: &str = "deployment.kubernetes.io/desired-replicas";
pub(super) const MAX: &str = "deployment.kubernetes.io/max-replicas";
/// Deployment annotations not copied to its ReplicaSets.
const SKIP_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    DESIRED,
    MAX,
    "deprecated.deployment.rollback.to",
];

/// A Deployment's rollout parameters.
pub(super) struct Plan {
    pub(super) replicas: i64,
    pub(super) surge: i64,
    pub(super) unavailable: i64,
    pub(super) recreate: bool,
}

impl Sim {
    /// Reconciles one Deployment: its ReplicaSets, then its status.
    pub(super) fn sync_deployment(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(d) = self.state.store.get(DEPLOYMENTS, ns, name) else {
            return Ok(());
        };
        if terminating(&d) {
            return Ok(());
        }
        let uid = d["metadata"]["uid"].as_str().unwrap_or("").to_string();
        self.adopt(REPLICASETS, &d, "Deployment")?;
        let plan = plan(&d);
        let mut status = d["status"].clone();
        let mut rss: Vec<Value> = self
            .owned_by(REPLICASETS, ns, &uid)
            .iter()
            .filter(|rs| !terminating(rs))
            .map(|rs| (**rs).clone())
            .collect();
        rss.sort_by_key(|rs| {
            let t = rs["metadata"]["creationTimestamp"].as_str().unwrap_or("");
            (
                t.to_string(),
                rs["metadata"]["name"].as_str().unwrap_or("").to_string(),
            )
        });
        let template = &d["spec"]["template"];
        let new_idx = rss
            .iter()
            .position(|rs| same_template(&rs["spec"]["template"], template));
        let max_old_revision = rss
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new_idx)
            .map(|(_, rs)| revision(rs))
            .max()
            .unwrap_or(0);
        let new_revision = max_old_revision + 1;
        let paused = d["spec"]["paused"].as_bool() == Some(true);
        let old_active = rss
            .iter()
            .enumerate()
            .any(|(i, rs)| Some(i) != new_idx && replicas(rs) > 0);
        let old_pods = rss
            .iter()
            .enumerate()
            .any(|(i, rs)| Some(i) != new_idx && status_count(rs, "replicas") > 0);
        set_paused_condition(&mut status, paused);
        if paused || super::scale::is_scaling_event(&plan, &rss) {
            self.scale_deployment(&plan, &mut rss, new_idx)?;
            let status = rollout_status(&d, &plan, &rss, new_idx, status, false);
            return self.write_status(DEPLOYMENTS, ns, name, &uid, status);
        }
        let new_idx = match new_idx {
            Some(i) => {
                let rs = &rss[i];
                if revision(rs) < new_revision {
                    let (n, u) = (rs["metadata"]["name"].as_str().unwrap_or(""), uid_of(rs));
                    self.modify(REPLICASETS, ns, n, &u, |cur| {
                        let mut next = cur.clone();
                        next["metadata"]["annotations"][REVISION] = json!(new_revision.to_string());
                        Some(next)
                    })?;
                }
                if condition(&status, "Progressing").is_none() {
                    let msg = format!(
                        "Found new replica set {:?}",
                        rs["metadata"]["name"].as_str().unwrap_or("")
                    );
                    set_condition(&mut status, progressing(true, "FoundNewReplicaSet", msg));
                }
                Some(i)
            }
            None if paused || (plan.recreate && (old_active || old_pods)) => None,
            None => {
                let all: i64 = rss.iter().map(replicas).sum();
                let count = if plan.recreate {
                    plan.replicas
                } else {
                    new_rs_replicas(&plan, all, 0)
                };
                let rs = match self.create_replicaset(&d, &plan, count, new_revision) {
                    Ok(rs) => rs,
                    // A ReplicaSet of another template holds the name: the next hash
                    // includes a bumped collisionCount.
                    Err(SimError::Api(e)) if e.reason == "AlreadyExists" => {
                        let n = status["collisionCount"].as_i64().unwrap_or(0);
                        status["collisionCount"] = json!(n + 1);
                        return self.write_status(DEPLOYMENTS, ns, name, &uid, status);
                    }
                    Err(e) => return Err(e),
                };
                let msg = format!(
                    "Created new replica set {:?}",
                    rs["metadata"]["name"].as_str().unwrap_or("")
                );
                set_condition(&mut status, progressing(true, "NewReplicaSetCreated", msg));
                rss.push((*rs).clone());
                Some(rss.len() - 1)
            }
        };
        if d["metadata"]["annotations"][REVISION].as_str() != Some(&new_revision.to_string())
            && new_idx.is_some()
        {
            self.modify(DEPLOYMENTS, ns, name, &uid, |cur| {
                let mut next = cur.clone();
                next["metadata"]["annotations"][REVISION] = json!(new_revision.to_string());
                Some(next)
            })?;
        }
        if !paused {
            self.rollout(&plan, &mut rss, new_idx, old_pods)?;
        }
        let complete_before = complete(&d, &d["status"], plan.replicas);
        if complete_before && !paused {
            self.cleanup(&d, &rss, new_idx)?;
        }
        let status = rollout_status(&d, &plan, &rss, new_idx, status, true);
        self.write_status(DEPLOYMENTS, ns, name, &uid, status)
    }

    /// Scales the new and old ReplicaSets one step of the strategy.
    fn rollout(
        &self,
        plan: &Plan,
        rss: &mut [Value],
        new_idx: Option<usize>,
        old_pods: bool,
    ) -> Result<(), SimError> {
        let olds: Vec<usize> = (0..rss.len()).filter(|i| Some(*i) != new_idx).collect();
        if plan.recreate {
            for &i in &olds {
                if replicas(&rss[i]) > 0 {
                    self.scale(plan, &mut rss[i], 0)?;
                }
            }
            if let Some(n) = new_idx
                && !old_pods
                && replicas(&rss[n]) != plan.replicas
            {
                self.scale(plan, &mut rss[n], plan.replicas)?;
            }
            return Ok(());
        }
        // reconcileNewReplicaSet
        if let Some(n) = new_idx {
            let cur = replicas(&rss[n]);
            if cur > plan.replicas {
                self.scale(plan, &mut rss[n], plan.replicas)?;
            } else if cur < plan.replicas {
                let all: i64 = rss.iter().map(replicas).sum();
                let want = new_rs_replicas(plan, all, cur);
                if want != cur {
                    self.scale(plan, &mut rss[n], want)?;
                }
            }
        }
        // reconcileOldReplicaSets
        let old_count: i64 = olds.iter().map(|&i| replicas(&rss[i])).sum();
        if old_count == 0 {
            return Ok(());
        }
        let all: i64 = rss.iter().map(replicas).sum();
        let min_available = plan.replicas - max_unavailable(plan);
        let new_unavailable = new_idx
            .map(|n| replicas(&rss[n]) - status_count(&rss[n], "availableReplicas"))
            .unwrap_or(0);
        let max_scaled_down = all - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return Ok(());
        }
        // cleanupUnhealthyReplicas
        let mut done = 0;
        for &i in &olds {
            if done >= max_scaled_down {
                break;
            }
            let cur = replicas(&rss[i]);
            let unhealthy = cur - status_count(&rss[i], "availableReplicas");
            if cur == 0 || unhealthy <= 0 {
                continue;
            }
            let down = unhealthy.min(max_scaled_down - done);
            self.scale(plan, &mut rss[i], cur - down)?;
            done += down;
        }
        // scaleDownOldReplicaSetsForRollingUpdate
        let available: i64 = rss
            .iter()
            .map(|rs| status_count(rs, "availableReplicas"))
            .sum();
        if available <= min_available {
            return Ok(());
        }
        let total = available - min_available;
        let mut done = 0;
        for &i in &olds {
            if done >= total {
                break;
            }
            let cur = replicas(&rss[i]);
            if cur == 0 {
                continue;
            }
            let down = cur.min(total - done);
            self.scale(plan, &mut rss[i], cur - down)?;
            done += down;
        }
        Ok(())
    }

    /// Sets a ReplicaSet's replicas and the desired/max annotations.
    pub(super) fn scale(&self, plan: &Plan, rs: &mut Value, to: i64) -> Result<(), SimError> {
        let (ns, name) = (
            rs["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            rs["metadata"]["name"].as_str().unwrap_or("").to_string(),
        );
        let from = rs["spec"]["replicas"].as_i64().unwrap_or(0);
        if from != to
            && let Some(owner) = super::controller_ref(rs)
            && let Some(d) =
                self.state
                    .store
                    .get(DEPLOYMENTS, &ns, owner["name"].as_str().unwrap_or(""))
        {
            let way = if to > from { "up" } else { "down" };
            let msg = format!("Scaled {way} replica set {name} from {from} to {to}");
            self.event(&d, false, "ScalingReplicaSet", &msg, &DEPLOYMENT_CONTROLLER);
        }
        rs["spec"]["replicas"] = json!(to);
        rs["metadata"]["annotations"][DESIRED] = json!(plan.replicas.to_string());
        rs["metadata"]["annotations"][MAX] = json!((plan.replicas + plan.surge).to_string());
        let (spec, annotations) = (
            rs["spec"]["replicas"].clone(),
            rs["metadata"]["annotations"].clone(),
        );
        self.modify(REPLICASETS, &ns, &name, &uid_of(rs), |cur| {
            let mut next = cur.clone();
            next["spec"]["replicas"] = spec;
            for (k, v) in annotations.as_object().into_iter().flatten() {
                if k == DESIRED || k == MAX {
                    next["metadata"]["annotations"][k] = v.clone();
                }
            }
            Some(next)
        })
    }

    fn create_replicaset(
        &self,
        d: &Value,
        plan: &Plan,
        count: i64,
        revision: i64,
    ) -> Result<Arc<Value>, SimError> {
        let hash = pod_template_hash(
            &d["spec"]["template"],
            d["status"]["collisionCount"].as_i64(),
        );
        let name = format!("{}-{hash}", d["metadata"]["name"].as_str().unwrap_or(""));
        let mut template = d["spec"]["template"].clone();
        template["metadata"]["labels"][HASH_LABEL] = json!(hash);
        let mut selector = d["spec"]["selector"].clone();
        selector["matchLabels"][HASH_LABEL] = json!(hash);
        let mut annotations = serde_json::Map::new();
        for (k, v) in d["metadata"]["annotations"]
            .as_object()
            .into_iter()
            .flatten()
        {
            if !SKIP_ANNOTATIONS.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
        annotations.insert(DESIRED.into(), json!(plan.replicas.to_string()));
        annotations.insert(MAX.into(), json!((plan.replicas + plan.surge).to_string()));
        annotations.insert(REVISION.into(), json!(revision.to_string()));
        let mut spec = json!({"replicas": count, "selector": selector, "template": template});
        if let Some(m) = d["spec"].get("minReadySeconds") {
            spec["minReadySeconds"] = m.clone();
        }
        let rs = json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "labels": template["metadata"]["labels"],
                "annotations": annotations,
                "ownerReferences": [owner_ref(d, "Deployment")],
            },
            "spec": spec,
        });
        let ns = d["metadata"]["namespace"].as_str().unwrap_or("");
        let created = self.create("apps", "replicasets", ns, rs)?;
        if count > 0 {
            let msg = format!("Scaled up replica set {name} from 0 to {count}");
            self.event(d, false, "ScalingReplicaSet", &msg, &DEPLOYMENT_CONTROLLER);
        }
        Ok(created)
    }

    /// Deletes old, empty ReplicaSets beyond `revisionHistoryLimit` (oldest revision first).
    fn cleanup(&self, d: &Value, rss: &[Value], new_idx: Option<usize>) -> Result<(), SimError> {
        let limit = d["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10);
        let mut olds: Vec<&Value> = rss
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != new_idx)
            .map(|(_, rs)| rs)
            .collect();
        let excess = i64::try_from(olds.len()).unwrap_or(0) - limit;
        if excess <= 0 {
            return Ok(());
        }
        olds.sort_by_key(|rs| revision(rs));
        for rs in olds.into_iter().take(usize::try_from(excess).unwrap_or(0)) {
            if replicas(rs) != 0 || status_count(rs, "replicas") != 0 {
                continue;
            }
            let ns = rs["metadata"]["namespace"].as_str().unwrap_or("");
            let name = rs["metadata"]["name"].as_str().unwrap_or("");
            self.remove(REPLICASETS, ns, name, &uid_of(rs))?;
        }
        Ok(())
    }
}

/// `calculateStatus` and `syncRolloutStatus`.
fn rollout_status(
    d: &Value,
    plan: &Plan,
    rss: &[Value],
    new_idx: Option<usize>,
    mut status: Value,
    estimate_progress: bool,
) -> Value {
    let sum = |f: &str| -> i64 { rss.iter().map(|rs| status_count(rs, f)).sum() };
    let available = sum("availableReplicas");
    let total: i64 = rss.iter().map(replicas).sum();
    let counts = [
        (
            "observedGeneration",
            d["metadata"]["generation"].as_i64().unwrap_or(0),
        ),
        ("replicas", sum("replicas")),
        (
            "updatedReplicas",
            new_idx
                .map(|n| status_count(&rss[n], "replicas"))
                .unwrap_or(0),
        ),
        ("readyReplicas", sum("readyReplicas")),
        ("availableReplicas", available),
        ("unavailableReplicas", (total - available).max(0)),
    ];
    for (k, v) in counts {
        if v == 0 {
            if let Some(m) = status.as_object_mut() {
                m.remove(k);
            }
        } else {
            status[k] = json!(v);
        }
    }
    let cond = if available >= plan.replicas - max_unavailable(plan) {
        (
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
    } else {
        (
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        )
    };
    set_condition(
        &mut status,
        new_condition("Available", cond.0, cond.1, cond.2.to_string()),
    );
    let Some(n) = new_idx.filter(|_| estimate_progress) else {
        return status;
    };
    let rs_name = rss[n]["metadata"]["name"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let current = condition(&status, "Progressing").cloned();
    let is_complete = status_count(&json!({"status": status}), "replicas")
        == status_count(&json!({"status": status}), "updatedReplicas")
        && current
            .as_ref()
            .is_some_and(|c| c["reason"] == "NewReplicaSetAvailable");
    if is_complete {
        return status;
    }
    let deadline = d["spec"]["progressDeadlineSeconds"].as_i64().unwrap_or(600);
    if complete(d, &status, plan.replicas) {
        let msg = format!("ReplicaSet {rs_name:?} has successfully progressed.");
        set_condition(
            &mut status,
            progressing(true, "NewReplicaSetAvailable", msg),
        );
    } else if progressed(&d["status"], &status) {
        let mut c = progressing(
            true,
            "ReplicaSetUpdated",
            format!("ReplicaSet {rs_name:?} is progressing."),
        );
        if let Some(cur) = &current {
            if cur["status"] == "True" {
                c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
            }
            remove_condition(&mut status, "Progressing");
        }
        set_condition(&mut status, c);
    } else if current.as_ref().is_some_and(|c| {
        c["reason"] == "ProgressDeadlineExceeded"
            || age_secs(c["lastUpdateTime"].as_str()) > deadline
    }) {
        let msg = format!("ReplicaSet {rs_name:?} has timed out progressing.");
        set_condition(
            &mut status,
            progressing(false, "ProgressDeadlineExceeded", msg),
        );
    }
    status
}

fn uid_of(obj: &Value) -> String {
    obj["metadata"]["uid"].as_str().unwrap_or("").to_string()
}

fn revision(rs: &Value) -> i64 {
    rs["metadata"]["annotations"][REVISION]
        .as_str()
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

fn plan(d: &Value) -> Plan {
    let replicas = d["spec"]["replicas"].as_i64().unwrap_or(1);
    let strategy = &d["spec"]["strategy"];
    let recreate = strategy["type"] == "Recreate";
    let ru = &strategy["rollingUpdate"];
    let surge = resolve(ru.get("maxSurge"), replicas, true);
    let mut unavailable = resolve(ru.get("maxUnavailable"), replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Plan {
        replicas,
        surge,
        unavailable,
        recreate,
    }
}

/// An int-or-percent of `total` (25 % when absent), rounded up for surge, down otherwise.
fn resolve(v: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => {
            let pct = s.trim_end_matches('%').parse::<i64>().unwrap_or(25);
            if round_up {
                (pct * total + 99) / 100
            } else {
                pct * total / 100
            }
        }
        _ => {
            if round_up {
                (25 * total + 99) / 100
            } else {
                25 * total / 100
            }
        }
    }
}

/// `MaxUnavailable`: 0 for Recreate or no replicas, else at most `replicas`.
fn max_unavailable(plan: &Plan) -> i64 {
    if plan.recreate || plan.replicas == 0 {
        0
    } else {
        plan.unavailable.min(plan.replicas)
    }
}

/// `NewRSNewReplicas` for a rolling update: grow the new ReplicaSet within maxSurge.
fn new_rs_replicas(plan: &Plan, all: i64, new: i64) -> i64 {
    let max_total = plan.replicas + plan.surge;
    if all >= max_total {
        return new;
    }
    (max_total - all).min(plan.replicas - new).max(0) + new
}

/// `DeploymentComplete`.
fn complete(d: &Value, status: &Value, replicas: i64) -> bool {
    let s = json!({"status": status});
    status_count(&s, "updatedReplicas") == replicas
        && status_count(&s, "replicas") == replicas
        && status_count(&s, "availableReplicas") == replicas
        && status_count(&s, "observedGeneration")
            >= d["metadata"]["generation"].as_i64().unwrap_or(0)
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods.
fn progressed(old: &Value, new: &Value) -> bool {
    let g = |s: &Value, f: &str| s[f].as_i64().unwrap_or(0);
    let old_old = g(old, "replicas") - g(old, "updatedReplicas");
    let new_old = g(new, "replicas") - g(new, "updatedReplicas");
    g(new, "updatedReplicas") > g(old, "updatedReplicas")
        || new_old < old_old
        || g(new, "readyReplicas") > g(old, "readyReplicas")
        || g(new, "availableReplicas") > g(old, "availableReplicas")
}

#[cfg(test)]
#[path = "deployment_tests.rs"]
mod tests;
