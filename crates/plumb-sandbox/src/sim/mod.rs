//! The workload simulator: plays kube-controller-manager (Deployment and ReplicaSet
//! controllers) and the kubelets of its nodes (`sandbox-node`, …) against the sandbox's own
//! store. Every write goes through the store, so watches see it.
//!
//! The simulator is event-driven: it subscribes to the store's events and reconciles
//! the objects they touch. A resync every second drives what depends on time (pods
//! becoming ready, `minReadySeconds`, `progressDeadlineSeconds`).

mod conditions;
mod cronjob;
mod daemonset;
mod deployment;
mod endpoints;
mod events;
mod istio;
mod job;
mod kubelet;
pub(crate) mod metrics;
mod namespaces;
pub mod otlp;
pub mod profiles;
mod replicaset;
mod scale;
mod statefulset;
mod template;
mod traffic;

pub use template::pod_template_hash;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use crate::api::AppState;
use crate::api::status::ApiError;
use crate::api::write::{WriteOpts, create_object};
use crate::kinds::selector::LabelSelector;
use crate::store::{Change, Key};

/// The field manager of the simulator's writes.
const MANAGER: &str = "kube-controller-manager";
/// Storage keys of the kinds the simulator drives.
const DEPLOYMENTS: &str = "apps/deployments";
const REPLICASETS: &str = "apps/replicasets";
const PODS: &str = "/pods";
const STATEFULSETS: &str = "apps/statefulsets";
const DAEMONSETS: &str = "apps/daemonsets";
const JOBS: &str = "batch/jobs";
const CRONJOBS: &str = "batch/cronjobs";

/// A controller's reconcile function for one object (namespace, name).
type SyncFn = fn(&Sim, &str, &str) -> Result<(), SimError>;

/// The controllers, in the order a pass runs them: the kubelet first, then the
/// controllers from the bottom of the ownership chain up, so each sees the writes of
/// those before it in the same pass.
const CONTROLLERS: &[(&str, SyncFn)] = &[
    (namespaces::NAMESPACES, Sim::sync_namespace),
    (PODS, Sim::sync_pod),
    (REPLICASETS, Sim::sync_replicaset),
    (DEPLOYMENTS, Sim::sync_deployment),
    (STATEFULSETS, Sim::sync_statefulset),
    (DAEMONSETS, Sim::sync_daemonset),
    (JOBS, Sim::sync_job),
    (CRONJOBS, Sim::sync_cronjob),
    // Last: Endpoints list the pods as the passes before left them.
    (endpoints::SERVICES, Sim::sync_service),
];

/// Owner kinds whose controller reconciles when an object they control changes:
/// (apiVersion, kind, storage key).
const OWNERS: &[(&str, &str, &str)] = &[
    ("apps/v1", "ReplicaSet", REPLICASETS),
    ("apps/v1", "Deployment", DEPLOYMENTS),
    ("apps/v1", "StatefulSet", STATEFULSETS),
    ("apps/v1", "DaemonSet", DAEMONSETS),
    ("batch/v1", "Job", JOBS),
    ("batch/v1", "CronJob", CRONJOBS),
];

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// How long a Pod takes from scheduled to running and ready.
    pub pod_ready_delay: Duration,
    /// How often every object is reconciled regardless of events (real time).
    pub resync: Duration,
    /// How many nodes the cluster has (`sandbox-node`, `sandbox-node-2`, …).
    pub nodes: usize,
    /// Image behaviour profiles (crash loops, OOM kills, error rates, readiness delays).
    pub profiles: Arc<profiles::Profiles>,
    /// Seed of the simulator's random choices (traffic, errors, latencies).
    pub seed: u64,
    /// Record Events (scaling, pod creation, scheduling, container starts, back-offs).
    pub events: bool,
    /// Synthetic requests per simulated second to each Service with ready endpoints
    /// (a Service's `plumb.dev/traffic-rps` annotation overrides it; 0 turns it off).
    pub traffic_rps: f64,
    /// Also push the traffic's metrics over OTLP/HTTP.
    pub otlp: Option<otlp::OtlpOptions>,
}

impl Default for SimOptions {
    fn default() -> Self {
        let ready = Duration::from_secs(1);
        SimOptions {
            pod_ready_delay: ready,
            resync: Duration::from_secs(1),
            nodes: 1,
            profiles: Arc::new(profiles::Profiles::empty(ready)),
            seed: 1,
            events: true,
            traffic_rps: 50.0,
            otlp: None,
        }
    }
}

/// A simulator write failed.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The API server refused the write.
    #[error("{}", .0.message)]
    Api(ApiError),
    /// The resource is not registered.
    #[error("resource {0} is not registered")]
    Unregistered(&'static str),
}

impl From<ApiError> for SimError {
    fn from(e: ApiError) -> Self {
        SimError::Api(e)
    }
}

/// The simulator's state shared by its controllers.
struct Sim {
    state: Arc<AppState>,
    opts: SimOptions,
    /// Pods whose readiness timer fired (sent by per-pod sleeps).
    timers: mpsc::UnboundedSender<Key>,
    next_pod_ip: std::sync::atomic::AtomicU32,
    /// The next node a Pod without constraints is bound to (round robin).
    next_node: std::sync::atomic::AtomicUsize,
    /// The next simulated time each Pod (by uid) changes on its own (ready, crash,
    /// restart, shutdown), with a timer armed for it.
    wakeups: std::sync::Mutex<std::collections::HashMap<String, jiff::Timestamp>>,
    /// When expired events were last removed.
    last_sweep: std::sync::Mutex<Option<std::time::Instant>>,
    /// The labels (before and after) of Pods changed since the last pass, by namespace:
    /// the Services selecting them get their Endpoints redone.
    changed_pods: std::sync::Mutex<Vec<(String, Value)>>,
    /// This pass's Pods by namespace and label (built when Endpoints need it).
    pods_by_label: std::sync::Mutex<endpoints::PodIndex>,
    /// The profiles' generation the last full pass saw.
    profiles_seen: std::sync::atomic::AtomicU64,
}

/// Starts the simulator on `state`; it runs until the task is aborted.
pub fn spawn(state: Arc<AppState>, opts: SimOptions) -> JoinHandle<()> {
    let traffic = traffic::start(&state, &opts);
    let otlp = opts
        .otlp
        .as_ref()
        .and_then(|o| match otlp::start(&state, o) {
            Ok(task) => Some(AbortOnDrop(task)),
            Err(e) => {
                tracing::error!(error = %e, "OTLP push is off");
                None
            }
        });
    tokio::spawn(async move {
        // Both stop with the simulator.
        let _traffic = traffic;
        let _otlp = otlp;
        run(state, opts).await
    })
}

/// Aborts a task when dropped.
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn run(state: Arc<AppState>, opts: SimOptions) {
    let (tx, mut timers) = mpsc::unbounded_channel();
    let mut tick = tokio::time::interval(opts.resync);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let sim = Sim {
        state,
        opts,
        timers: tx,
        next_pod_ip: std::sync::atomic::AtomicU32::new(10),
        next_node: std::sync::atomic::AtomicUsize::new(0),
        wakeups: std::sync::Mutex::default(),
        last_sweep: std::sync::Mutex::default(),
        changed_pods: std::sync::Mutex::default(),
        pods_by_label: std::sync::Mutex::default(),
        profiles_seen: std::sync::atomic::AtomicU64::new(0),
    };
    sim.state
        .kubelets
        .store(true, std::sync::atomic::Ordering::Relaxed);
    if let Err(e) = sim.register_nodes() {
        tracing::warn!(error = %e, "the simulated nodes are not registered");
    }
    // Any resource's watch receives every event; the backlog is not needed: the first
    // pass reconciles everything.
    let from = sim.state.store.current_rv();
    let mut events = match sim.state.store.watch(DEPLOYMENTS, None, Some(from)) {
        Ok((_, _, rx)) => rx,
        Err(e) => {
            tracing::error!(error = %e, "the simulator cannot watch the store");
            return;
        }
    };
    // Everything that exists before the first event, by every controller.
    sim.reconcile_all(true, BTreeSet::new());
    loop {
        let mut dirty = BTreeSet::new();
        let mut everything = false;
        let mut lagged = false;
        tokio::select! {
            _ = tick.tick() => everything = true,
            Some(key) = timers.recv() => { dirty.insert(key); }
            ev = events.recv() => match ev {
                Ok(ev) => sim.note_event(&ev, &mut dirty),
                Err(broadcast::error::RecvError::Lagged(_)) => lagged = true,
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
        // Take whatever else is already queued, so a burst is reconciled once.
        loop {
            match events.try_recv() {
                Ok(ev) => sim.note_event(&ev, &mut dirty),
                Err(broadcast::error::TryRecvError::Lagged(_)) => lagged = true,
                Err(_) => break,
            }
        }
        while let Ok(key) = timers.try_recv() {
            dirty.insert(key);
        }
        if everything || lagged {
            // The periodic pass leaves out event-driven objects: keep what just changed.
            sim.reconcile_all(lagged, dirty);
        } else {
            sim.reconcile(dirty);
        }
    }
}

impl Sim {
    /// Marks the controller owner of a changed object (ReplicaSet of a Pod, Deployment of
    /// a ReplicaSet) for reconciliation.
    fn note_owner(&self, obj: &Value, dirty: &mut BTreeSet<Key>) {
        let Some(owner) = controller_ref(obj) else {
            return;
        };
        let ns = obj["metadata"]["namespace"].as_str().unwrap_or("");
        let (Some(api_version), Some(kind)) =
            (owner["apiVersion"].as_str(), owner["kind"].as_str())
        else {
            return;
        };
        let Some(&(_, _, res)) = OWNERS
            .iter()
            .find(|(v, k, _)| *v == api_version && *k == kind)
        else {
            return;
        };
        let name = owner["name"].as_str().unwrap_or("");
        dirty.insert((res.into(), ns.into(), name.into()));
    }

    /// Marks what a store event concerns: the object, its controller, the Services
    /// selecting a changed Pod, the Namespace of a removed default ServiceAccount or root
    /// CA ConfigMap.
    fn note_event(&self, ev: &crate::store::Event, dirty: &mut BTreeSet<Key>) {
        dirty.insert(ev.key.clone());
        self.note_owner(&ev.object, dirty);
        let (res, ns, name) = &ev.key;
        if res == PODS {
            let mut changed = self.changed_pods.lock().unwrap_or_else(|e| e.into_inner());
            let labels = &ev.object["metadata"]["labels"];
            changed.push((ns.clone(), labels.clone()));
            if let Some(before) = ev.previous.as_deref()
                && &before["metadata"]["labels"] != labels
            {
                changed.push((ns.clone(), before["metadata"]["labels"].clone()));
            }
        }
        let cluster_made = (res == "/serviceaccounts" && name == "default")
            || (res == "/configmaps" && name == "kube-root-ca.crt");
        if cluster_made && ev.kind == crate::store::EventKind::Deleted {
            dirty.insert((namespaces::NAMESPACES.into(), String::new(), ns.clone()));
        }
    }

    /// Adds the Services selecting the Pods changed since the last pass (through an
    /// index of the Services' selectors: no scan of every Service per Pod).
    fn note_services(&self, keys: &mut BTreeSet<Key>) {
        let changed =
            std::mem::take(&mut *self.changed_pods.lock().unwrap_or_else(|e| e.into_inner()));
        if changed.is_empty() {
            return;
        }
        let (services, _) = self.state.store.list(endpoints::SERVICES, None);
        let index = endpoints::ServiceIndex::new(&services);
        for (ns, labels) in &changed {
            for name in index.selecting(ns, labels) {
                keys.insert((endpoints::SERVICES.into(), ns.clone(), name.to_string()));
            }
        }
    }

    /// Reconciles `keys` (what changed meanwhile) and every object of the time-driven
    /// controllers (pods get ready, deadlines pass), or of all controllers after missed
    /// events (`lagged`).
    fn reconcile_all(&self, lagged: bool, mut keys: BTreeSet<Key>) {
        if let Err(e) = self.state.profiles.reload_if_changed() {
            tracing::warn!(error = %e, "the profile file is not reloaded; the previous profiles stay");
        }
        // Changed profiles change what running Pods do: every Pod is looked at.
        let generation = self.state.profiles.generation();
        let profiles_changed = self
            .profiles_seen
            .swap(generation, std::sync::atomic::Ordering::Relaxed)
            != generation;
        PASS_NOW.with(|c| c.set(Some(self.state.clock.now())));
        if let Err(e) = self.sweep_events() {
            tracing::debug!(error = %e, "expired events not removed");
        }
        for (res, _) in CONTROLLERS {
            // Endpoints and namespace defaults only change with events; Pods with events
            // and their own timers (readiness, crashes, restarts, shutdown).
            let event_driven = *res == endpoints::SERVICES || *res == namespaces::NAMESPACES;
            let pods = *res == PODS && !profiles_changed;
            if lagged || !(event_driven || pods) {
                keys.extend(self.state.store.keys(res));
            }
        }
        self.reconcile(keys);
    }

    /// One pass over `keys`, controller by controller in [`CONTROLLERS`] order.
    fn reconcile(&self, mut keys: BTreeSet<Key>) {
        PASS_NOW.with(|c| c.set(Some(self.state.clock.now())));
        self.note_services(&mut keys);
        self.pods_by_label
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        for (controller_res, sync) in CONTROLLERS {
            let from = (controller_res.to_string(), String::new(), String::new());
            for (res, ns, name) in keys.range(from..) {
                if res != controller_res {
                    break;
                }
                log(res, name, sync(self, ns, name));
            }
        }
    }

    /// Creates an object through the API server's create pipeline.
    fn create(
        &self,
        group: &str,
        plural: &'static str,
        ns: &str,
        obj: Value,
    ) -> Result<Arc<Value>, SimError> {
        let ty = self
            .state
            .registry
            .get(group, "v1", plural)
            .ok_or(SimError::Unregistered(plural))?;
        let opts = WriteOpts {
            manager: MANAGER,
            subresource: None,
            dry_run: false,
        };
        Ok(create_object(&self.state, &ty, ns, obj, &opts)?)
    }

    /// Rewrites an object with `f` (which returns `None` to leave it as is). The object
    /// must keep its uid; `metadata.generation` is bumped when `spec` changes.
    fn modify(
        &self,
        res: &str,
        ns: &str,
        name: &str,
        uid: &str,
        f: impl FnOnce(&Value) -> Option<Value>,
    ) -> Result<(), SimError> {
        self.state
            .store
            .mutate::<ApiError>(res, ns, name, |cur, _| {
                let Some(cur) = cur else {
                    return Ok(Change::Nothing);
                };
                if cur["metadata"]["uid"].as_str() != Some(uid) {
                    return Ok(Change::Nothing);
                }
                let Some(mut next) = f(cur) else {
                    return Ok(Change::Nothing);
                };
                if next == **cur {
                    return Ok(Change::Nothing);
                }
                if next["spec"] != cur["spec"]
                    && let Some(g) = cur["metadata"]["generation"].as_i64()
                {
                    next["metadata"]["generation"] = json!(g + 1);
                }
                Ok(Change::Put(next))
            })?;
        Ok(())
    }

    /// Replaces `status` only.
    fn write_status(
        &self,
        res: &str,
        ns: &str,
        name: &str,
        uid: &str,
        status: Value,
    ) -> Result<(), SimError> {
        self.modify(res, ns, name, uid, |cur| {
            if cur["status"] == status {
                return None;
            }
            let mut next = cur.clone();
            next["status"] = status;
            Some(next)
        })
    }

    /// Removes an object (no dependents of its own are expected).
    fn remove(&self, res: &str, ns: &str, name: &str, uid: &str) -> Result<(), SimError> {
        self.state
            .store
            .mutate::<ApiError>(res, ns, name, |cur, _| {
                Ok(match cur {
                    Some(c) if c["metadata"]["uid"].as_str() == Some(uid) => Change::Delete,
                    _ => Change::Nothing,
                })
            })?;
        Ok(())
    }

    /// Adopts the objects of `res` in the owner's namespace that have no controller and
    /// match its `spec.selector`, and releases its own that no longer match (the
    /// ControllerRefManager), as controller `kind`.
    fn adopt(&self, res: &str, owner: &Value, kind: &str) -> Result<(), SimError> {
        let Ok(selector) = LabelSelector::from_object(owner["spec"].get("selector")) else {
            return Ok(());
        };
        if selector.is_everything() {
            return Ok(());
        }
        let ns = owner["metadata"]["namespace"].as_str().unwrap_or("");
        let owner_uid = &owner["metadata"]["uid"];
        // Candidates: objects without a controller (to adopt) and our own (to release),
        // both from the store's indexes rather than a scan of the namespace.
        let mut all = self.state.store.without_controller(res, ns);
        all.extend(self.owned_by(res, ns, owner_uid.as_str().unwrap_or("")));
        for o in all {
            let ours = controller_ref(&o).map(|r| &r["uid"] == owner_uid);
            let matching = selector.matches_object(&o);
            let adopt = ours.is_none() && matching;
            let release = ours == Some(true) && !matching;
            if terminating(&o) || !(adopt || release) {
                continue;
            }
            let name = o["metadata"]["name"].as_str().unwrap_or("");
            let uid = o["metadata"]["uid"].as_str().unwrap_or("");
            self.modify(res, ns, name, uid, |cur| {
                let mut next = cur.clone();
                let mut refs = cur["metadata"]["ownerReferences"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                if adopt {
                    refs.push(owner_ref(owner, kind));
                } else {
                    refs.retain(|r| &r["uid"] != owner_uid);
                }
                match next["metadata"].as_object_mut() {
                    Some(m) if refs.is_empty() => {
                        m.remove("ownerReferences");
                    }
                    _ => next["metadata"]["ownerReferences"] = json!(refs),
                }
                Some(next)
            })?;
        }
        Ok(())
    }

    /// The objects of `res` in `ns` whose controller owner has `uid`, in name order
    /// (from the store's owner index: no scan of the namespace).
    fn owned_by(&self, res: &str, ns: &str, uid: &str) -> Vec<Arc<Value>> {
        self.state
            .store
            .dependents(uid)
            .into_iter()
            .filter(|((r, n, _), o)| {
                r == res
                    && n == ns
                    && controller_ref(o).is_some_and(|r| r["uid"].as_str() == Some(uid))
            })
            .map(|(_, o)| o)
            .collect()
    }
}

fn log(res: &str, name: &str, result: Result<(), SimError>) {
    if let Err(e) = result {
        tracing::debug!(resource = res, name, error = %e, "simulator reconcile failed");
    }
}

/// The ownerReference with `controller: true`.
fn controller_ref(obj: &Value) -> Option<&Value> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"].as_bool() == Some(true))
}

/// An ownerReference naming `owner` as controller.
fn owner_ref(owner: &Value, kind: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": kind,
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// Whether the object is being deleted.
fn terminating(obj: &Value) -> bool {
    obj["metadata"]
        .get("deletionTimestamp")
        .is_some_and(|t| !t.is_null())
}

thread_local! {
    /// The simulated time of the reconcile pass running on this thread: a pass is
    /// synchronous, so every object it writes carries the same timestamp.
    static PASS_NOW: std::cell::Cell<Option<jiff::Timestamp>> = const { std::cell::Cell::new(None) };
}

/// The current pass's time (the wall clock outside a pass, as in unit tests).
fn pass_now() -> jiff::Timestamp {
    PASS_NOW
        .with(|c| c.get())
        .unwrap_or_else(jiff::Timestamp::now)
}

/// The current time as the API server writes it.
fn now() -> String {
    crate::clock::format_ts(pass_now())
}

/// Simulated seconds since an RFC 3339 timestamp (0 when it does not parse).
fn age_secs(ts: Option<&str>) -> i64 {
    ts.and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| pass_now().as_second() - t.as_second())
        .unwrap_or(0)
}

fn int(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}
