//! The rollout arithmetic and the status conditions of the Deployment controller.

use serde_json::{Value, json};

use super::*;

fn deployment(replicas: i64, strategy: Value) -> Value {
    json!({"metadata": {"name": "d", "generation": 2},
           "spec": {"replicas": replicas, "strategy": strategy, "progressDeadlineSeconds": 60}})
}

#[test]
fn surge_rounds_up_and_unavailable_rounds_down() {
    let p = plan(&deployment(10, json!({"type": "RollingUpdate"})));
    assert_eq!((p.surge, p.unavailable), (3, 2));
    let p = plan(&deployment(
        3,
        json!({"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}),
    ));
    assert_eq!(
        (p.surge, p.unavailable),
        (0, 1),
        "both zero: one unavailable"
    );
    let p = plan(&deployment(3, json!({"type": "Recreate"})));
    assert_eq!(max_unavailable(&p), 0);
    // NewRSNewReplicas: 3 old + 0 new with surge 1 grows the new set by one.
    let p = plan(&deployment(3, json!({})));
    assert_eq!(new_rs_replicas(&p, 3, 0), 1);
    assert_eq!(new_rs_replicas(&p, 4, 1), 1);
    assert_eq!(new_rs_replicas(&p, 2, 1), 3);
}

fn rs(name: &str, replicas: i64, ready: i64) -> Value {
    json!({"metadata": {"name": name}, "spec": {"replicas": replicas},
           "status": {"replicas": replicas, "readyReplicas": ready, "availableReplicas": ready}})
}

fn cond<'a>(status: &'a Value, kind: &str) -> &'a Value {
    condition(status, kind).expect("the condition")
}

#[test]
fn a_rollout_without_progress_past_its_deadline_times_out() {
    let d = deployment(3, json!({}));
    let p = plan(&d);
    let stale = json!({"replicas": 3, "updatedReplicas": 3, "observedGeneration": 2,
        "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                        "lastUpdateTime": "2020-01-01T00:00:00Z",
                        "lastTransitionTime": "2020-01-01T00:00:00Z", "message": ""}]});
    let mut d = d;
    d["status"] = stale.clone();
    let out = rollout_status(&d, &p, &[rs("d-1", 3, 0)], Some(0), stale, true);
    let c = cond(&out, "Progressing");
    assert_eq!(c["status"], "False");
    assert_eq!(c["reason"], "ProgressDeadlineExceeded");
    assert_eq!(
        c["message"],
        "ReplicaSet \"d-1\" has timed out progressing."
    );
    let a = cond(&out, "Available");
    assert_eq!(a["reason"], "MinimumReplicasUnavailable");
    assert_eq!(out["unavailableReplicas"], 3);
}

#[test]
fn progress_refreshes_the_update_time_and_completion_is_reported() {
    let mut d = deployment(3, json!({}));
    let old = json!({"replicas": 3, "updatedReplicas": 3, "observedGeneration": 2,
        "conditions": [{"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                        "lastUpdateTime": "2020-01-01T00:00:00Z",
                        "lastTransitionTime": "2020-01-01T00:00:00Z", "message": ""}]});
    d["status"] = old.clone();
    let out = rollout_status(
        &d,
        &plan(&d),
        &[rs("d-1", 3, 1)],
        Some(0),
        old.clone(),
        true,
    );
    let c = cond(&out, "Progressing");
    assert_eq!(c["reason"], "ReplicaSetUpdated");
    assert_eq!(c["lastTransitionTime"], "2020-01-01T00:00:00Z");
    assert_ne!(c["lastUpdateTime"], "2020-01-01T00:00:00Z");
    let out = rollout_status(&d, &plan(&d), &[rs("d-1", 3, 3)], Some(0), old, true);
    let c = cond(&out, "Progressing");
    assert_eq!(c["reason"], "NewReplicaSetAvailable");
    assert_eq!(
        c["message"],
        "ReplicaSet \"d-1\" has successfully progressed."
    );
    assert_eq!(
        cond(&out, "Available")["reason"],
        "MinimumReplicasAvailable"
    );
    assert!(out.get("unavailableReplicas").is_none());
}
