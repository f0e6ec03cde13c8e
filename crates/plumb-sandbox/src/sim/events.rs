//! Events the controllers, the scheduler and the kubelets record (core/v1 Events, as
//! `kubectl describe` and `kubectl get events` read them). A repeated event (same
//! object, reason and message) is counted on one object, as the event recorder
//! aggregates it; events older than an hour (simulated) are removed, as the API server's
//! TTL does.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Sim, SimError, now, pass_now};
use crate::api::status::ApiError;
use crate::store::Change;

const EVENTS: &str = "/events";
/// How long an event is kept (the API server's default `--event-ttl`).
const TTL_SECS: i64 = 3600;
/// How often expired events are looked for (real time).
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Who records an event.
pub(super) struct Source<'a> {
    pub component: &'a str,
    /// The node, for kubelet events.
    pub host: Option<&'a str>,
}

pub(super) const DEPLOYMENT_CONTROLLER: Source<'static> = Source {
    component: "deployment-controller",
    host: None,
};
pub(super) const REPLICASET_CONTROLLER: Source<'static> = Source {
    component: "replicaset-controller",
    host: None,
};
pub(super) const SCHEDULER: Source<'static> = Source {
    component: "default-scheduler",
    host: None,
};

impl Sim {
    /// Records an event about `obj` (a `Normal` one unless `warning`).
    pub(super) fn event(
        &self,
        obj: &Value,
        warning: bool,
        reason: &str,
        message: &str,
        source: &Source<'_>,
    ) {
        self.event_at(obj, None, warning, reason, message, source);
    }

    /// Records an event about one container of a Pod (`fieldPath: spec.containers{name}`).
    pub(super) fn container_event(
        &self,
        pod: &Value,
        container: &str,
        warning: bool,
        reason: &str,
        message: &str,
    ) {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or("");
        let source = Source {
            component: "kubelet",
            host: Some(node),
        };
        let path = format!("spec.containers{{{container}}}");
        self.event_at(pod, Some(&path), warning, reason, message, &source);
    }

    fn event_at(
        &self,
        obj: &Value,
        field_path: Option<&str>,
        warning: bool,
        reason: &str,
        message: &str,
        source: &Source<'_>,
    ) {
        if !self.opts.events {
            return;
        }
        let meta = &obj["metadata"];
        let ns = meta["namespace"].as_str().unwrap_or("default");
        let uid = meta["uid"].as_str().unwrap_or("");
        // One object per (object, reason, message): repeats count up.
        let key = format!("{uid}/{}/{reason}/{message}", field_path.unwrap_or(""));
        let name = format!(
            "{}.{:016x}",
            meta["name"].as_str().unwrap_or(""),
            fnv64(key.as_bytes())
        );
        let ts = now();
        let result = self
            .state
            .store
            .mutate::<ApiError>(EVENTS, ns, &name, |cur, _| {
                let Some(cur) = cur else {
                    return Ok(Change::Nothing);
                };
                let mut next = (**cur).clone();
                next["count"] = json!(cur["count"].as_i64().unwrap_or(1) + 1);
                next["lastTimestamp"] = json!(ts);
                Ok(Change::Put(next))
            });
        if matches!(result, Ok(Some(_))) {
            return;
        }
        let mut involved = json!({
            "apiVersion": obj["apiVersion"],
            "kind": obj["kind"],
            "name": meta["name"],
            "namespace": ns,
            "uid": uid,
            "resourceVersion": meta["resourceVersion"],
        });
        if let Some(p) = field_path {
            involved["fieldPath"] = json!(p);
        }
        let mut source_v = json!({"component": source.component});
        if let Some(h) = source.host {
            source_v["host"] = json!(h);
        }
        let event = json!({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": name, "namespace": ns},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source_v,
            "firstTimestamp": ts,
            "lastTimestamp": ts,
            "count": 1,
            "type": if warning { "Warning" } else { "Normal" },
            "eventTime": null,
            "reportingComponent": source.component,
            "reportingInstance": source.host.unwrap_or(""),
        });
        if let Err(e) = self.create("", "events", ns, event) {
            tracing::debug!(error = %e, "event not recorded");
        }
    }

    /// Removes events whose last occurrence is older than the TTL (at most every
    /// [`SWEEP_EVERY`]).
    pub(super) fn sweep_events(&self) -> Result<(), SimError> {
        {
            let mut last = self.last_sweep.lock().unwrap_or_else(|e| e.into_inner());
            if last.is_some_and(|t| t.elapsed() < SWEEP_EVERY) {
                return Ok(());
            }
            *last = Some(Instant::now());
        }
        let now_s = pass_now().as_second();
        let (events, _) = self.state.store.list(EVENTS, None);
        for e in events {
            let last = e["lastTimestamp"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| t.as_second());
            if last.is_some_and(|l| now_s - l > TTL_SECS) {
                let meta = &e["metadata"];
                self.remove(
                    EVENTS,
                    meta["namespace"].as_str().unwrap_or(""),
                    meta["name"].as_str().unwrap_or(""),
                    meta["uid"].as_str().unwrap_or(""),
                )?;
            }
        }
        Ok(())
    }
}

fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
