//! The StatefulSet controller, after kube-controller-manager's `pkg/controller/statefulset`:
//! Pods `<name>-<ordinal>` created in order (OrderedReady) or all at once (Parallel),
//! removed from the highest ordinal down, PersistentVolumeClaims from
//! `volumeClaimTemplates`, ControllerRevisions of the pod template, RollingUpdate from the
//! highest ordinal down to the partition, and the status `kubectl rollout status` reads.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::events::Source;
use super::replicaset::{is_available, is_ready};
use super::template::pod_template_hash;
use super::{PODS, STATEFULSETS, Sim, SimError, owner_ref, terminating};

/// The events' source.
const COMPONENT: &str = "statefulset-controller";
/// Storage key of ControllerRevisions.
pub(super) const REVISIONS: &str = "apps/controllerrevisions";
/// Storage key of PersistentVolumeClaims.
const CLAIMS: &str = "/persistentvolumeclaims";
/// Storage key of PersistentVolumes.
const VOLUMES: &str = "/persistentvolumes";
/// The label naming a Pod's ControllerRevision.
pub(super) const REVISION_HASH: &str = "controller-revision-hash";
const POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
const POD_INDEX: &str = "apps.kubernetes.io/pod-index";

impl Sim {
    /// Reconciles one StatefulSet: revisions, claims, Pods, then the status.
    pub(super) fn sync_statefulset(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(set) = self.state.store.get(STATEFULSETS, ns, name) else {
            return Ok(());
        };
        if terminating(&set) {
            return Ok(());
        }
        let uid = uid_of(&set);
        self.adopt(PODS, &set, "StatefulSet")?;
        let template = &set["spec"]["template"];
        let collisions = set["status"]["collisionCount"].as_i64().filter(|c| *c > 0);
        let hash = pod_template_hash(template, collisions);
        let update_name = format!("{name}-{hash}");
        let revisions = self.sync_revision(&set, "StatefulSet", &update_name, &update_name)?;
        let current_name = set["status"]["currentRevision"]
            .as_str()
            .filter(|r| revisions.iter().any(|cr| cr["metadata"]["name"] == *r))
            .unwrap_or(&update_name)
            .to_string();
        let current_template = revisions
            .iter()
            .find(|cr| cr["metadata"]["name"] == current_name.as_str())
            .map(|cr| revision_template(cr))
            .unwrap_or_else(|| template.clone());

        let replicas = set["spec"]["replicas"].as_i64().unwrap_or(1).max(0);
        let start = set["spec"]["ordinals"]["start"]
            .as_i64()
            .unwrap_or(0)
            .max(0);
        let parallel = set["spec"]["podManagementPolicy"] == "Parallel";
        let strategy = &set["spec"]["updateStrategy"];
        let rolling = strategy["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate";
        let partition = strategy["rollingUpdate"]["partition"].as_i64().unwrap_or(0);
        let min_ready = set["spec"]["minReadySeconds"].as_i64().unwrap_or(0);

        let pods = self.set_pods(&set);
        let (mut wanted, condemned): (BTreeMap<i64, Arc<Value>>, BTreeMap<i64, Arc<Value>>) = pods
            .into_iter()
            .partition(|(ord, _)| *ord >= start && *ord < start + replicas);

        // Replace finished Pods; create the missing ones in order.
        let mut blocked = false;
        for ord in start..start + replicas {
            if let Some(p) = wanted.get(&ord)
                && matches!(p["status"]["phase"].as_str(), Some("Failed" | "Succeeded"))
                && !terminating(p)
            {
                self.set_delete_pod(&set, p)?;
                wanted.remove(&ord);
            }
            match wanted.get(&ord) {
                None => {
                    // Below the partition a Pod comes back at the current revision;
                    // OnDelete recreates deleted Pods at the update revision.
                    let (tmpl, rev) = if rolling && ord < start + partition {
                        (&current_template, current_name.as_str())
                    } else {
                        (template, update_name.as_str())
                    };
                    self.create_claims(&set, ord)?;
                    let pod = self.create("", "pods", ns, set_pod(&set, tmpl, rev, ord))?;
                    let msg = format!(
                        "create Pod {} in StatefulSet {name} successful",
                        name_of(&pod)
                    );
                    self.controller_event(&set, COMPONENT, false, "SuccessfulCreate", &msg);
                    wanted.insert(ord, pod);
                    if !parallel {
                        blocked = true;
                    }
                }
                Some(p) => {
                    if !parallel && (terminating(p) || !running_ready(p)) {
                        blocked = true;
                    }
                }
            }
            if blocked && !parallel {
                break;
            }
        }

        // Condemned Pods go from the highest ordinal down; OrderedReady one at a time
        // and only while the others are healthy.
        let healthy = wanted.values().all(|p| running_ready(p) && !terminating(p))
            && wanted.len() as i64 == replicas;
        let delete_claims =
            set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] == "Delete";
        for (ord, p) in condemned.iter().rev() {
            if terminating(p) {
                if !parallel {
                    break;
                }
                continue;
            }
            if !parallel && !healthy && running_ready(p) {
                break;
            }
            self.set_delete_pod(&set, p)?;
            if delete_claims {
                self.delete_claims(&set, *ord)?;
            }
            if !parallel {
                break;
            }
        }

        // RollingUpdate: the highest ordinal not at the update revision is deleted (and
        // recreated at it by a later sync), once every Pod is running and ready.
        if rolling && !blocked && condemned.is_empty() && wanted.len() as i64 == replicas {
            for (ord, p) in wanted.iter().rev() {
                if *ord < start + partition {
                    break;
                }
                if revision_of(p) != update_name && !terminating(p) {
                    self.set_delete_pod(&set, p)?;
                    break;
                }
                if terminating(p) || !running_ready(p) {
                    break;
                }
            }
        }

        let pods = self.set_pods(&set);
        let mut status = json!({
            "observedGeneration": set["metadata"]["generation"],
            "replicas": 0,
            "availableReplicas": 0,
            "currentRevision": current_name,
            "updateRevision": update_name,
            "collisionCount": collisions.unwrap_or(0),
        });
        let (mut count, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
        for p in pods.values() {
            count += 1;
            if running_ready(p) {
                ready += 1;
                if is_available(p, min_ready) {
                    available += 1;
                }
            }
            if !terminating(p) {
                if revision_of(p) == current_name {
                    current += 1;
                }
                if revision_of(p) == update_name {
                    updated += 1;
                }
            }
        }
        // completeRollingUpdate: every Pod updated and ready makes the update current.
        if rolling && updated == count && ready == count && count == replicas {
            status["currentRevision"] = json!(update_name);
            current = updated;
        }
        status["replicas"] = json!(count);
        status["availableReplicas"] = json!(available);
        for (k, v) in [
            ("readyReplicas", ready),
            ("currentReplicas", current),
            ("updatedReplicas", updated),
        ] {
            if v > 0 {
                status[k] = json!(v);
            }
        }
        if let Some(c) = set["status"].get("conditions") {
            status["conditions"] = c.clone();
        }
        let live: Vec<String> = pods.values().map(|p| revision_of(p)).collect();
        self.cleanup_revisions(&set, &revisions, &[&current_name, &update_name], &live)?;
        self.write_status(STATEFULSETS, ns, name, &uid, status)
    }

    /// Deletes one of the StatefulSet's Pods and says so.
    fn set_delete_pod(&self, set: &Value, pod: &Value) -> Result<(), SimError> {
        let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
        self.delete_pod(ns, &name_of(pod), &uid_of(pod))?;
        let msg = format!(
            "delete Pod {} in StatefulSet {} successful",
            name_of(pod),
            name_of(set)
        );
        self.controller_event(set, COMPONENT, false, "SuccessfulDelete", &msg);
        Ok(())
    }

    /// Records an event of a controller (`component`) about `obj`.
    pub(super) fn controller_event(
        &self,
        obj: &Value,
        component: &str,
        warning: bool,
        reason: &str,
        message: &str,
    ) {
        let source = Source {
            component,
            host: None,
        };
        self.event(obj, warning, reason, message, &source);
    }

    /// The StatefulSet's Pods by ordinal (Pods it owns whose name has an ordinal).
    fn set_pods(&self, set: &Value) -> BTreeMap<i64, Arc<Value>> {
        let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
        let prefix = format!("{}-", name_of(set));
        self.owned_by(PODS, ns, &uid_of(set))
            .into_iter()
            .filter_map(|p| {
                let ord = name_of(&p).strip_prefix(&prefix)?.parse::<i64>().ok()?;
                Some((ord, p))
            })
            .collect()
    }

    /// Creates the claims of one ordinal that do not exist, each Bound to a new volume.
    fn create_claims(&self, set: &Value, ord: i64) -> Result<(), SimError> {
        let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
        for tmpl in set["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let claim = claim_name(tmpl, set, ord);
            if self.state.store.get(CLAIMS, ns, &claim).is_some() {
                continue;
            }
            let mut labels = tmpl["metadata"]["labels"].clone();
            if !labels.is_object() {
                labels = json!({});
            }
            for (k, v) in set["spec"]["selector"]["matchLabels"]
                .as_object()
                .into_iter()
                .flatten()
            {
                labels[k] = v.clone();
            }
            let mut spec = tmpl["spec"].clone();
            if spec.get("storageClassName").is_none_or(Value::is_null) {
                spec["storageClassName"] = json!("standard");
            }
            let mut meta = json!({"name": claim, "labels": labels});
            if let Some(a) = tmpl["metadata"].get("annotations") {
                meta["annotations"] = a.clone();
            }
            if set["spec"]["persistentVolumeClaimRetentionPolicy"]["whenDeleted"] == "Delete" {
                meta["ownerReferences"] = json!([owner_ref(set, "StatefulSet")]);
            }
            let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "metadata": meta, "spec": spec});
            let pvc = self.create("", "persistentvolumeclaims", ns, pvc)?;
            let msg = format!(
                "create Claim {claim} Pod {}-{ord} in StatefulSet {} success",
                name_of(set),
                name_of(set)
            );
            self.controller_event(set, COMPONENT, false, "SuccessfulCreate", &msg);
            self.bind_claim(&pvc)?;
        }
        Ok(())
    }

    /// Deletes the claims of a removed ordinal and their volumes (`whenScaled: Delete`,
    /// the volumes' reclaim policy Delete).
    fn delete_claims(&self, set: &Value, ord: i64) -> Result<(), SimError> {
        let ns = set["metadata"]["namespace"].as_str().unwrap_or("");
        for tmpl in set["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let claim = claim_name(tmpl, set, ord);
            let Some(pvc) = self.state.store.get(CLAIMS, ns, &claim) else {
                continue;
            };
            self.remove(CLAIMS, ns, &claim, &uid_of(&pvc))?;
            if let Some(volume) = pvc["spec"]["volumeName"].as_str()
                && let Some(pv) = self.state.store.get(VOLUMES, "", volume)
            {
                self.remove(VOLUMES, "", volume, &uid_of(&pv))?;
            }
        }
        Ok(())
    }

    /// Provisions a PersistentVolume for a claim and binds the two, as a dynamic
    /// provisioner and the volume binder do.
    fn bind_claim(&self, pvc: &Value) -> Result<(), SimError> {
        let ns = pvc["metadata"]["namespace"].as_str().unwrap_or("");
        let pv_name = format!("pvc-{}", uid_of(pvc));
        let storage = pvc["spec"]["resources"]["requests"]["storage"].clone();
        let modes = pvc["spec"]["accessModes"].clone();
        let class = pvc["spec"]["storageClassName"].clone();
        let pv = json!({
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": pv_name, "annotations": {
                "pv.kubernetes.io/provisioned-by": "rancher.io/local-path"}},
            "spec": {
                "accessModes": modes,
                "capacity": {"storage": storage},
                "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "name": pvc["metadata"]["name"], "namespace": ns,
                             "uid": pvc["metadata"]["uid"]},
                "hostPath": {"path": format!("/var/local-path-provisioner/{pv_name}_{ns}_{}",
                                             name_of(pvc)), "type": "DirectoryOrCreate"},
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": class,
                "volumeMode": pvc["spec"]["volumeMode"],
            },
        });
        if let Ok(pv) = self.create("", "persistentvolumes", "", pv) {
            let _ = self.write_status(
                VOLUMES,
                "",
                &pv_name,
                &uid_of(&pv),
                json!({"phase": "Bound"}),
            );
        }
        let status = json!({"phase": "Bound", "accessModes": modes,
                            "capacity": {"storage": storage}});
        self.modify(CLAIMS, ns, &name_of(pvc), &uid_of(pvc), |cur| {
            let mut next = cur.clone();
            next["spec"]["volumeName"] = json!(pv_name);
            for (k, v) in [
                ("pv.kubernetes.io/bind-completed", "yes"),
                ("pv.kubernetes.io/bound-by-controller", "yes"),
                (
                    "volume.beta.kubernetes.io/storage-provisioner",
                    "rancher.io/local-path",
                ),
                (
                    "volume.kubernetes.io/storage-provisioner",
                    "rancher.io/local-path",
                ),
            ] {
                next["metadata"]["annotations"][k] = json!(v);
            }
            next["status"] = status;
            Some(next)
        })
    }

    /// Makes sure a ControllerRevision named `rev_name` exists for the owner's current
    /// template and holds the highest revision number; returns the owner's revisions.
    pub(super) fn sync_revision(
        &self,
        owner: &Value,
        kind: &str,
        rev_name: &str,
        hash_label: &str,
    ) -> Result<Vec<Arc<Value>>, SimError> {
        let ns = owner["metadata"]["namespace"].as_str().unwrap_or("");
        let mut revs = self.owned_by(REVISIONS, ns, &uid_of(owner));
        revs.sort_by_key(|r| r["revision"].as_i64().unwrap_or(0));
        let max = revs
            .last()
            .and_then(|r| r["revision"].as_i64())
            .unwrap_or(0);
        match revs.iter().find(|r| r["metadata"]["name"] == rev_name) {
            Some(r) if r["revision"].as_i64().unwrap_or(0) < max => {
                self.modify(REVISIONS, ns, rev_name, &uid_of(r), |cur| {
                    let mut next = cur.clone();
                    next["revision"] = json!(max + 1);
                    Some(next)
                })?;
            }
            Some(_) => return Ok(revs),
            None => {
                let mut tmpl = owner["spec"]["template"].clone();
                tmpl["$patch"] = json!("replace");
                let mut labels = owner["spec"]["template"]["metadata"]["labels"].clone();
                if !labels.is_object() {
                    labels = json!({});
                }
                labels[REVISION_HASH] = json!(hash_label);
                let cr = json!({
                    "apiVersion": "apps/v1", "kind": "ControllerRevision",
                    "metadata": {"name": rev_name, "labels": labels,
                                 "ownerReferences": [owner_ref(owner, kind)]},
                    "data": {"spec": {"template": tmpl}},
                    "revision": max + 1,
                });
                match self.create("apps", "controllerrevisions", ns, cr) {
                    Ok(_) => {}
                    Err(SimError::Api(e)) if e.reason == "AlreadyExists" => {}
                    Err(e) => return Err(e),
                }
            }
        }
        let mut revs = self.owned_by(REVISIONS, ns, &uid_of(owner));
        revs.sort_by_key(|r| r["revision"].as_i64().unwrap_or(0));
        Ok(revs)
    }

    /// Deletes the oldest revisions beyond `revisionHistoryLimit` that no Pod runs and
    /// that are neither `keep`.
    pub(super) fn cleanup_revisions(
        &self,
        owner: &Value,
        revs: &[Arc<Value>],
        keep: &[&str],
        live_hashes: &[String],
    ) -> Result<(), SimError> {
        let limit = owner["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10);
        let ns = owner["metadata"]["namespace"].as_str().unwrap_or("");
        let old: Vec<&Arc<Value>> = revs
            .iter()
            .filter(|r| {
                let n = name_of(r);
                let h = r["metadata"]["labels"][REVISION_HASH]
                    .as_str()
                    .unwrap_or("");
                !keep.contains(&n.as_str()) && !live_hashes.iter().any(|l| l == &n || l == h)
            })
            .collect();
        let excess = old.len() as i64 - limit;
        for r in old.into_iter().take(usize::try_from(excess).unwrap_or(0)) {
            self.remove(REVISIONS, ns, &name_of(r), &uid_of(r))?;
        }
        Ok(())
    }
}

/// The pod template a ControllerRevision holds.
pub(super) fn revision_template(cr: &Value) -> Value {
    let mut t = cr["data"]["spec"]["template"].clone();
    if let Some(m) = t.as_object_mut() {
        m.remove("$patch");
    }
    t
}

/// `<claim>-<set>-<ordinal>`.
fn claim_name(tmpl: &Value, set: &Value, ord: i64) -> String {
    format!(
        "{}-{}-{ord}",
        tmpl["metadata"]["name"].as_str().unwrap_or(""),
        name_of(set)
    )
}

/// `newVersionedStatefulSetPod`: the Pod of one ordinal from a template at a revision.
fn set_pod(set: &Value, tmpl: &Value, revision: &str, ord: i64) -> Value {
    let set_name = name_of(set);
    let pod_name = format!("{set_name}-{ord}");
    let mut labels = tmpl["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    labels[REVISION_HASH] = json!(revision);
    labels[POD_NAME] = json!(pod_name);
    labels[POD_INDEX] = json!(ord.to_string());
    let mut meta = json!({
        "name": pod_name,
        "labels": labels,
        "ownerReferences": [owner_ref(set, "StatefulSet")],
    });
    if let Some(a) = tmpl["metadata"].get("annotations") {
        meta["annotations"] = a.clone();
    }
    let mut spec = tmpl["spec"].clone();
    spec["hostname"] = json!(pod_name);
    if let Some(svc) = set["spec"]["serviceName"]
        .as_str()
        .filter(|s| !s.is_empty())
    {
        spec["subdomain"] = json!(svc);
    }
    let claims: Vec<&Value> = set["spec"]["volumeClaimTemplates"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    if !claims.is_empty() {
        let mut volumes: Vec<Value> = spec["volumes"].as_array().cloned().unwrap_or_default();
        for c in claims {
            let vname = c["metadata"]["name"].clone();
            volumes.retain(|v| v["name"] != vname);
            volumes.push(json!({"name": vname, "persistentVolumeClaim": {
                "claimName": claim_name(c, set, ord)}}));
        }
        spec["volumes"] = json!(volumes);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

/// Running with the Ready condition true.
pub(super) fn running_ready(pod: &Value) -> bool {
    pod["status"]["phase"] == "Running" && is_ready(pod)
}

fn revision_of(pod: &Value) -> String {
    pod["metadata"]["labels"][REVISION_HASH]
        .as_str()
        .unwrap_or("")
        .to_string()
}

pub(super) fn name_of(obj: &Value) -> String {
    obj["metadata"]["name"].as_str().unwrap_or("").to_string()
}

pub(super) fn uid_of(obj: &Value) -> String {
    obj["metadata"]["uid"].as_str().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set() -> Value {
        json!({"metadata": {"name": "web", "namespace": "default", "uid": "u1"},
               "spec": {"serviceName": "nginx", "replicas": 3,
                        "selector": {"matchLabels": {"app": "web"}},
                        "volumeClaimTemplates": [{"metadata": {"name": "www"},
                                                  "spec": {"accessModes": ["ReadWriteOnce"]}}],
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}],
                                              "volumes": [{"name": "www", "emptyDir": {}}]}}}})
    }

    #[test]
    fn a_pod_has_its_ordinal_identity_and_claims() {
        let s = set();
        let p = set_pod(&s, &s["spec"]["template"], "web-abc", 2);
        assert_eq!(p["metadata"]["name"], "web-2");
        let l = &p["metadata"]["labels"];
        assert_eq!(l["app"], "web");
        assert_eq!(l[REVISION_HASH], "web-abc");
        assert_eq!(l[POD_NAME], "web-2");
        assert_eq!(l[POD_INDEX], "2");
        assert_eq!(p["spec"]["hostname"], "web-2");
        assert_eq!(p["spec"]["subdomain"], "nginx");
        assert_eq!(
            p["spec"]["volumes"],
            json!([{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-2"}}])
        );
        assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
    }

    #[test]
    fn a_revision_gives_back_its_template() {
        let mut t = json!({"metadata": {"labels": {"a": "b"}}, "spec": {}});
        let plain = t.clone();
        t["$patch"] = json!("replace");
        let cr = json!({"data": {"spec": {"template": t}}});
        assert_eq!(revision_template(&cr), plain);
    }
}
