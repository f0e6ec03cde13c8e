//! The Job controller, after kube-controller-manager's `pkg/controller/job`: Pods up to
//! `parallelism` until `completions` succeed (NonIndexed, or Indexed with one success per
//! completion index), retries with exponential back-off up to `backoffLimit`,
//! `activeDeadlineSeconds`, `suspend`, and the status and conditions (`SuccessCriteriaMet`
//! then `Complete`, `FailureTarget` then `Failed`) that `kubectl get job` and
//! `kubectl wait --for=condition=complete` read.
//!
//! The simulated containers of a Job's Pods run to completion: a Pod whose containers have
//! been running for the simulator's pod readiness delay exits 0 (Succeeded). Containers of
//! crash-looping or OOM-killed images are the kubelet's: it fails the Pod
//! (`restartPolicy: Never`) or restarts them (`OnFailure`, where restarts count against
//! `backoffLimit`).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::replicaset::is_ready;
use super::statefulset::{name_of, uid_of};
use super::{JOBS, PODS, Sim, SimError, age_secs, int, now, pass_now, terminating};

/// The annotation and label holding an Indexed Job Pod's completion index.
pub(super) const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The events' source.
const COMPONENT: &str = "job-controller";
/// The first retry waits this long; each further failure doubles it, up to six minutes.
const BACKOFF_BASE: i64 = 10;
const BACKOFF_MAX: i64 = 360;

/// When each Job Pod (by uid) was first seen running, in simulated time.
static RUNNING_SINCE: Mutex<Option<HashMap<String, Timestamp>>> = Mutex::new(None);

fn running_since() -> std::sync::MutexGuard<'static, Option<HashMap<String, Timestamp>>> {
    RUNNING_SINCE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Sim {
    /// Reconciles one Job: its Pods' completion, new and surplus Pods, then the status.
    pub(super) fn sync_job(&self, ns: &str, name: &str) -> Result<(), SimError> {
        let Some(job) = self.state.store.get(JOBS, ns, name) else {
            return Ok(());
        };
        if terminating(&job) {
            return Ok(());
        }
        let uid = uid_of(&job);
        self.finish_job_pods(&job)?;
        let pods = self.owned_by(PODS, ns, &uid);
        let finished =
            has_condition(&job["status"], "Complete") || has_condition(&job["status"], "Failed");
        let active: Vec<&Arc<Value>> = pods.iter().filter(|p| is_active(p)).collect();
        if finished {
            for p in active {
                self.job_delete_pod(&job, p)?;
            }
            return Ok(());
        }
        let spec = &job["spec"];
        let indexed = spec["completionMode"] == "Indexed";
        let completions = spec["completions"].as_i64();
        let parallelism = spec["parallelism"].as_i64().unwrap_or(1).max(0);
        let backoff_limit = spec["backoffLimit"].as_i64().unwrap_or(6);
        let suspended = spec["suspend"].as_bool() == Some(true);

        let succeeded_pods: Vec<&Arc<Value>> = pods
            .iter()
            .filter(|p| p["status"]["phase"] == "Succeeded")
            .collect();
        // Counts never go down: finished Pods someone deleted stay counted (the real
        // controller's tracking finalizers make sure of it).
        let mut failed = (pods
            .iter()
            .filter(|p| p["status"]["phase"] == "Failed")
            .count() as i64)
            .max(int(&job["status"]["failed"]));
        let done_indexes: BTreeSet<i64> = succeeded_pods
            .iter()
            .filter_map(|p| index_of(p))
            .filter(|i| completions.is_none_or(|c| *i < c))
            .collect();
        let succeeded = if indexed {
            done_indexes.len() as i64
        } else {
            (succeeded_pods.len() as i64).max(int(&job["status"]["succeeded"]))
        };

        let mut status = job["status"].clone();
        if !status.is_object() {
            status = json!({});
        }
        let ts = now();
        // Suspension and resumption.
        if suspended {
            if !has_condition(&status, "Suspended") {
                self.controller_event(&job, COMPONENT, false, "Suspended", "Job suspended");
                set_condition(
                    &mut status,
                    "Suspended",
                    "True",
                    "JobSuspended",
                    "Job suspended",
                    &ts,
                );
            }
        } else {
            if has_condition(&status, "Suspended") {
                self.controller_event(&job, COMPONENT, false, "Resumed", "Job resumed");
                set_condition(
                    &mut status,
                    "Suspended",
                    "False",
                    "JobResumed",
                    "Job resumed",
                    &ts,
                );
                status["startTime"] = json!(ts);
            }
            if status["startTime"].is_null() {
                status["startTime"] = json!(ts);
            }
        }

        let deadline = spec["activeDeadlineSeconds"].as_i64();
        let past_deadline =
            !suspended && deadline.is_some_and(|d| age_secs(status["startTime"].as_str()) >= d);
        // With restartPolicy OnFailure the containers' restarts count as failures.
        let restarts: i64 = if spec["template"]["spec"]["restartPolicy"] == "OnFailure" {
            active
                .iter()
                .flat_map(|p| {
                    p["status"]["containerStatuses"]
                        .as_array()
                        .into_iter()
                        .flatten()
                })
                .map(|c| c["restartCount"].as_i64().unwrap_or(0))
                .sum()
        } else {
            0
        };
        // A Job that met its failure or success criteria stays on that course while its
        // Pods terminate.
        let target = status["conditions"].as_array().and_then(|cs| {
            cs.iter()
                .find(|c| c["type"] == "FailureTarget" && c["status"] == "True")
                .map(|c| {
                    (
                        c["reason"].as_str().unwrap_or("").to_string(),
                        c["message"].as_str().unwrap_or("").to_string(),
                    )
                })
        });
        let failure = if let Some((reason, message)) = &target {
            Some((reason.as_str(), message.as_str()))
        } else if failed + restarts > backoff_limit {
            Some((
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            ))
        } else if past_deadline {
            Some((
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            ))
        } else {
            None
        };
        let complete = has_condition(&status, "SuccessCriteriaMet")
            || match completions {
                Some(c) => succeeded >= c,
                None => succeeded > 0 && active.is_empty(),
            };

        let mut active_count = active.len() as i64;
        if let Some((reason, message)) = failure {
            // The Pods stopped for it fail too.
            if target.is_none() {
                failed += active.len() as i64;
            }
            for p in &active {
                self.job_delete_pod(&job, p)?;
            }
            active_count = 0;
            // The terminal condition waits for the Pods to be gone.
            set_condition(&mut status, "FailureTarget", "True", reason, message, &ts);
            if !self.pods_terminating(ns, &uid) {
                set_condition(&mut status, "Failed", "True", reason, message, &ts);
                self.controller_event(&job, COMPONENT, true, reason, message);
            }
        } else if complete {
            for p in &active {
                self.job_delete_pod(&job, p)?;
            }
            active_count = 0;
            let message = "Reached expected number of succeeded pods";
            set_condition(
                &mut status,
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                message,
                &ts,
            );
            if !self.pods_terminating(ns, &uid) {
                set_condition(
                    &mut status,
                    "Complete",
                    "True",
                    "CompletionsReached",
                    message,
                    &ts,
                );
                status["completionTime"] = json!(ts);
                self.controller_event(&job, COMPONENT, false, "Completed", "Job completed");
            }
        } else {
            let want = if suspended {
                0
            } else {
                match completions {
                    Some(c) => parallelism.min(c - succeeded).max(0),
                    None if succeeded > 0 => 0,
                    None => parallelism,
                }
            };
            if active_count < want {
                // Within the back-off after a failure the resync comes back later.
                if backoff_wait(&pods, failed) == 0 {
                    let busy: BTreeSet<i64> = active.iter().filter_map(|p| index_of(p)).collect();
                    let mut free = (0..completions.unwrap_or(0))
                        .filter(|i| !done_indexes.contains(i) && !busy.contains(i));
                    let missing = want - active_count;
                    for _ in 0..missing {
                        let index = if indexed {
                            match free.next() {
                                Some(i) => Some(i),
                                None => break,
                            }
                        } else {
                            None
                        };
                        let pod = self.create("", "pods", ns, job_pod(&job, index))?;
                        let msg = format!("Created pod: {}", name_of(&pod));
                        self.controller_event(&job, COMPONENT, false, "SuccessfulCreate", &msg);
                        active_count += 1;
                    }
                }
            } else if active_count > want {
                let mut surplus = active.clone();
                // Not yet running first, then the newest.
                surplus.sort_by_key(|p| {
                    (
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
                for p in surplus
                    .iter()
                    .take(usize::try_from(active_count - want).unwrap_or(0))
                {
                    self.job_delete_pod(&job, p)?;
                }
                active_count = want;
            }
        }

        let ready = self
            .owned_by(PODS, ns, &uid)
            .iter()
            .filter(|p| is_active(p) && is_ready(p))
            .count();
        let terminating_count = self
            .owned_by(PODS, ns, &uid)
            .iter()
            .filter(|p| terminating(p) && is_active_phase(p))
            .count();
        for (k, v) in [
            ("active", active_count),
            ("succeeded", succeeded),
            ("failed", failed),
        ] {
            if v > 0 {
                status[k] = json!(v);
            } else if let Some(m) = status.as_object_mut() {
                m.remove(k);
            }
        }
        status["ready"] = json!(ready);
        status["terminating"] = json!(terminating_count);
        status["uncountedTerminatedPods"] = json!({});
        if indexed {
            let s = index_ranges(&done_indexes);
            if s.is_empty() {
                if let Some(m) = status.as_object_mut() {
                    m.remove("completedIndexes");
                }
            } else {
                status["completedIndexes"] = json!(s);
            }
        }
        self.write_status(JOBS, ns, name, &uid, status)
    }

    /// Ends the containers of the Job's Pods that have run for the pod readiness delay:
    /// they exit 0.
    pub(super) fn finish_job_pods(&self, job: &Value) -> Result<(), SimError> {
        let ns = job["metadata"]["namespace"].as_str().unwrap_or("");
        let run_for = self.state.clock.to_sim(self.opts.pod_ready_delay);
        for pod in self.owned_by(PODS, ns, &uid_of(job)) {
            if terminating(&pod) || !is_active_phase(&pod) {
                continue;
            }
            // Crashing containers are the kubelet's: it fails the Pod (restartPolicy
            // Never) or restarts them (OnFailure).
            let behaviour = self.state.profiles.for_pod(&pod);
            if behaviour.crash_loop || behaviour.oom_kill || pod["status"]["phase"] != "Running" {
                continue;
            }
            let pod_uid = uid_of(&pod);
            let (since, first) = {
                let mut guard = running_since();
                let map = guard.get_or_insert_with(HashMap::new);
                match map.get(&pod_uid) {
                    Some(t) => (*t, false),
                    None => {
                        map.insert(pod_uid.clone(), pass_now());
                        (pass_now(), true)
                    }
                }
            };
            let ran = pass_now().duration_since(since);
            let due = jiff::SignedDuration::try_from(run_for).unwrap_or_default();
            if ran < due {
                if first {
                    self.wake_job_later(job, run_for);
                }
                continue;
            }
            if let Some(m) = running_since().as_mut() {
                m.remove(&pod_uid);
            }
            let started_at = crate::clock::format_ts(since);
            self.modify(PODS, ns, &name_of(&pod), &pod_uid, |cur| {
                let mut next = cur.clone();
                next["status"] = terminated_status(cur, None, &started_at);
                Some(next)
            })?;
        }
        Ok(())
    }

    /// Deletes one of the Job's Pods and says so.
    fn job_delete_pod(&self, job: &Value, pod: &Value) -> Result<(), SimError> {
        let ns = job["metadata"]["namespace"].as_str().unwrap_or("");
        self.delete_pod(ns, &name_of(pod), &uid_of(pod))?;
        let msg = format!("Deleted pod: {}", name_of(pod));
        self.controller_event(job, COMPONENT, false, "SuccessfulDelete", &msg);
        Ok(())
    }

    /// Whether any of the Job's Pods is being deleted.
    fn pods_terminating(&self, ns: &str, uid: &str) -> bool {
        self.owned_by(PODS, ns, uid)
            .iter()
            .any(|p| terminating(p) && is_active_phase(p))
    }

    /// Reconciles the Job again after `after` simulated time.
    fn wake_job_later(&self, job: &Value, after: Duration) {
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let key = (
            JOBS.to_string(),
            job["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            name_of(job),
        );
        let timers = self.timers.clone();
        let state = self.state.clone();
        rt.spawn(async move {
            state.clock.sleep(after).await;
            let _ = timers.send(key);
        });
    }
}

/// How many more simulated seconds the next Pod waits after `failed` failures: 10 s,
/// 20 s, 40 s… from the last failure, at most six minutes.
fn backoff_wait(pods: &[Arc<Value>], failed: i64) -> i64 {
    if failed == 0 {
        return 0;
    }
    let shift = u32::try_from(failed - 1).unwrap_or(u32::MAX).min(6);
    let delay = (BACKOFF_BASE << shift).min(BACKOFF_MAX);
    let last = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Failed")
        .filter_map(|p| {
            p["status"]["containerStatuses"]
                .as_array()?
                .iter()
                .filter_map(|c| c["state"]["terminated"]["finishedAt"].as_str())
                .max()
                .map(str::to_string)
        })
        .max();
    match last {
        Some(t) => (delay - age_secs(Some(&t))).max(0),
        None => 0,
    }
}

/// Not finished and not being deleted.
fn is_active(p: &Value) -> bool {
    !terminating(p) && is_active_phase(p)
}

fn is_active_phase(p: &Value) -> bool {
    !matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

fn index_of(p: &Value) -> Option<i64> {
    p["metadata"]["annotations"][COMPLETION_INDEX]
        .as_str()?
        .parse()
        .ok()
}

/// `0-2,4`: the compressed form of `completedIndexes`.
fn index_ranges(set: &BTreeSet<i64>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = set.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last = iter.next().unwrap_or(last);
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
    }
    parts.join(",")
}

pub(super) fn has_condition(status: &Value, kind: &str) -> bool {
    status["conditions"].as_array().is_some_and(|cs| {
        cs.iter()
            .any(|c| c["type"] == kind && c["status"] == "True")
    })
}

/// Sets a Job condition; the transition time is kept while the status stays.
fn set_condition(status: &mut Value, kind: &str, st: &str, reason: &str, message: &str, ts: &str) {
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    let Some(cs) = status["conditions"].as_array_mut() else {
        return;
    };
    let c = json!({"type": kind, "status": st, "lastProbeTime": ts,
                   "lastTransitionTime": ts, "reason": reason, "message": message});
    match cs.iter_mut().find(|c| c["type"] == kind) {
        Some(cur) if cur["status"] == st && cur["reason"] == reason => {}
        Some(cur) => *cur = c,
        None => cs.push(c),
    }
}

/// An ownerReference naming a batch/v1 object as controller.
pub(super) fn batch_owner_ref(owner: &Value, kind: &str) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": kind,
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// A new Pod of the Job (of one completion index when Indexed).
fn job_pod(job: &Value, index: Option<i64>) -> Value {
    let tmpl = &job["spec"]["template"];
    let name = name_of(job);
    let mut labels = tmpl["metadata"]["labels"].clone();
    if !labels.is_object() {
        labels = json!({});
    }
    let mut annotations = tmpl["metadata"]["annotations"].clone();
    let mut spec = tmpl["spec"].clone();
    let generate = match index {
        Some(i) => {
            labels[COMPLETION_INDEX] = json!(i.to_string());
            if !annotations.is_object() {
                annotations = json!({});
            }
            annotations[COMPLETION_INDEX] = json!(i.to_string());
            if spec["hostname"].is_null() {
                spec["hostname"] = json!(format!("{name}-{i}"));
            }
            let env = json!({"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
                "fieldPath": format!("metadata.annotations['{COMPLETION_INDEX}']")}}});
            for list in ["initContainers", "containers"] {
                for c in spec[list].as_array_mut().into_iter().flatten() {
                    if !c["env"].is_array() {
                        c["env"] = json!([]);
                    }
                    if let Some(e) = c["env"].as_array_mut() {
                        e.push(env.clone());
                    }
                }
            }
            format!("{name}-{i}-")
        }
        None => format!("{name}-"),
    };
    let mut meta = json!({
        "generateName": generate,
        "labels": labels,
        "ownerReferences": [batch_owner_ref(job, "Job")],
    });
    if annotations.is_object() {
        meta["annotations"] = annotations;
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
}

/// The status of a Pod whose containers exited: 0 (`Completed`) or `exit`.
fn terminated_status(pod: &Value, exit: Option<(i64, &str)>, started_at: &str) -> Value {
    let ts = now();
    let (code, reason) = exit.unwrap_or((0, "Completed"));
    let (phase, pod_reason) = if exit.is_some() {
        ("Failed", "PodFailed")
    } else {
        ("Succeeded", "PodCompleted")
    };
    let mut status = pod["status"].clone();
    let old: Vec<Value> = status["containerStatuses"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let statuses: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            let prev = old.iter().find(|s| s["name"] == c["name"]);
            let image = c["image"].as_str().unwrap_or("");
            let id = prev
                .and_then(|s| s["containerID"].as_str())
                .map(str::to_string)
                .unwrap_or_else(|| {
                    let id = uuid::Uuid::new_v4().simple().to_string();
                    format!("containerd://{id}{id}")
                });
            json!({
                "containerID": id,
                "image": image,
                "imageID": prev.map(|s| s["imageID"].clone()).unwrap_or(json!("")),
                "lastState": {},
                "name": c["name"],
                "ready": false,
                "restartCount": 0,
                "started": false,
                "state": {"terminated": {"containerID": id, "exitCode": code,
                                         "finishedAt": ts, "reason": reason,
                                         "startedAt": started_at}},
            })
        })
        .collect();
    let cond = |kind: &str, ok: bool, reason: Option<&str>| {
        let mut c = json!({"type": kind, "status": if ok { "True" } else { "False" },
                           "lastProbeTime": null, "lastTransitionTime": ts});
        if let Some(r) = reason {
            c["reason"] = json!(r);
        }
        c
    };
    let scheduled_at = status["startTime"].as_str().unwrap_or(&ts).to_string();
    let mut scheduled = cond("PodScheduled", true, None);
    scheduled["lastTransitionTime"] = json!(scheduled_at);
    status["phase"] = json!(phase);
    status["conditions"] = json!([
        cond("PodReadyToStartContainers", false, None),
        cond("Initialized", true, Some(pod_reason)),
        cond("Ready", false, Some(pod_reason)),
        cond("ContainersReady", false, Some(pod_reason)),
        scheduled,
    ]);
    status["containerStatuses"] = json!(statuses);
    status
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn completed_indexes_are_compressed_into_ranges() {
        let s: BTreeSet<i64> = [0, 1, 2, 4, 6, 7].into_iter().collect();
        assert_eq!(index_ranges(&s), "0-2,4,6-7");
        assert_eq!(index_ranges(&BTreeSet::new()), "");
    }

    #[test]
    fn an_indexed_pod_carries_its_index() {
        let job = json!({"metadata": {"name": "pi", "uid": "u"},
            "spec": {"template": {"metadata": {"labels": {"job-name": "pi"}},
                                  "spec": {"containers": [{"name": "c", "image": "perl"}]}}}});
        let p = job_pod(&job, Some(2));
        assert_eq!(p["metadata"]["generateName"], "pi-2-");
        assert_eq!(p["metadata"]["labels"][COMPLETION_INDEX], "2");
        assert_eq!(p["metadata"]["annotations"][COMPLETION_INDEX], "2");
        assert_eq!(p["spec"]["hostname"], "pi-2");
        assert_eq!(
            p["spec"]["containers"][0]["env"][0]["name"],
            "JOB_COMPLETION_INDEX"
        );
        let owner = &p["metadata"]["ownerReferences"][0];
        assert_eq!(owner["apiVersion"], "batch/v1");
        assert_eq!(owner["kind"], "Job");
        let p = job_pod(&job, None);
        assert_eq!(p["metadata"]["generateName"], "pi-");
        assert!(p["metadata"].get("annotations").is_none());
    }

    #[test]
    fn a_finished_container_reports_its_exit() {
        let pod = json!({"spec": {"containers": [{"name": "c", "image": "perl"}]},
                         "status": {"phase": "Running", "startTime": "2024-01-01T00:00:00Z"}});
        let s = terminated_status(&pod, None, "2024-01-01T00:00:01Z");
        assert_eq!(s["phase"], "Succeeded");
        let t = &s["containerStatuses"][0]["state"]["terminated"];
        assert_eq!(t["exitCode"], 0);
        assert_eq!(t["reason"], "Completed");
        let s = terminated_status(&pod, Some((1, "Error")), "2024-01-01T00:00:01Z");
        assert_eq!(s["phase"], "Failed");
        assert_eq!(
            s["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            1
        );
    }

    #[test]
    fn conditions_keep_their_transition_time() {
        let mut s = json!({});
        set_condition(&mut s, "Complete", "True", "CompletionsReached", "m", "t1");
        set_condition(&mut s, "Complete", "True", "CompletionsReached", "m", "t2");
        assert_eq!(s["conditions"][0]["lastTransitionTime"], "t1");
        assert!(has_condition(&s, "Complete"));
    }
}
