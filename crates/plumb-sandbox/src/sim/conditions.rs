//! Deployment conditions: `NewDeploymentCondition`, `SetDeploymentCondition` and the
//! paused/resumed Progressing reasons.

use serde_json::{Value, json};

use super::now;

/// A condition stamped now.
pub(super) fn new_condition(kind: &str, status: &str, reason: &str, message: String) -> Value {
    let ts = now();
    json!({"type": kind, "status": status, "lastUpdateTime": ts, "lastTransitionTime": ts,
           "reason": reason, "message": message})
}

/// A Progressing condition.
pub(super) fn progressing(ok: bool, reason: &str, message: String) -> Value {
    new_condition(
        "Progressing",
        if ok { "True" } else { "False" },
        reason,
        message,
    )
}

/// The condition of a type.
pub(super) fn condition<'a>(status: &'a Value, kind: &str) -> Option<&'a Value> {
    status["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

/// Drops the condition of a type.
pub(super) fn remove_condition(status: &mut Value, kind: &str) {
    if let Some(cs) = status["conditions"].as_array_mut() {
        cs.retain(|c| c["type"] != kind);
    }
}

/// `checkPausedConditions`: Progressing is Unknown while paused, and says so on resume.
pub(super) fn set_paused_condition(status: &mut Value, paused: bool) {
    let reason = condition(status, "Progressing").map(|c| c["reason"].clone());
    if reason
        .as_ref()
        .is_some_and(|r| r == "ProgressDeadlineExceeded")
    {
        return;
    }
    let paused_now = reason.is_some_and(|r| r == "DeploymentPaused");
    if paused && !paused_now {
        let c = new_condition(
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
        );
        set_condition(status, c);
    } else if !paused && paused_now {
        let c = new_condition(
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed".into(),
        );
        set_condition(status, c);
    }
}

/// `SetDeploymentCondition`: no change for the same status and reason; the transition
/// time is kept while the status stays; the condition moves to the end.
pub(super) fn set_condition(status: &mut Value, mut c: Value) {
    if let Some(cur) = condition(status, c["type"].as_str().unwrap_or("")) {
        if cur["status"] == c["status"] && cur["reason"] == c["reason"] {
            return;
        }
        if cur["status"] == c["status"] {
            c["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
    }
    remove_condition(status, c["type"].as_str().unwrap_or(""));
    if !status["conditions"].is_array() {
        status["conditions"] = json!([]);
    }
    if let Some(cs) = status["conditions"].as_array_mut() {
        cs.push(c);
    }
}
