//! The controller: Applications in, a reconcile queue, and the triggers that feed it
//! (poll, webhook, watches of tracked objects, spec changes, manual syncs).
//!
//! One reconcile per Application at a time; different Applications run concurrently.
//! Self-heal is driven by the shared watch cache: a change to an object tracked by an
//! Application re-diffs it against the last rendered desired state at once (no Git
//! fetch on that path) and re-syncs when `selfHeal` is on.

pub mod clusters;
mod desired;
mod reconcile;
pub mod store;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use plumb_cluster::ObjectKey;
use plumb_model::{Application, ApplicationStatus};
use plumb_source::Source;
use serde_json::Value;
use tokio::sync::mpsc;

pub use clusters::Clusters;
pub use desired::Desired;
pub use store::StatusStore;

/// Why an Application is reconciled.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Fetch Git, render, compare, sync when automated.
    Refresh,
    /// A tracked object changed: compare with the last desired state; self-heal.
    Drift,
    /// `plumb app sync`.
    Sync(ManualSync),
}

/// A manual sync request.
#[derive(Debug, Clone, PartialEq, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualSync {
    #[serde(default)]
    pub revision: Option<String>,
    #[serde(default)]
    pub prune: bool,
    #[serde(default)]
    pub dry_run: bool,
}

/// Engine settings.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub poll_interval: Duration,
    /// Reconciles running at once.
    pub workers: usize,
}

/// The per-Application state the engine keeps between reconciles.
#[derive(Debug, Default)]
pub struct AppRuntime {
    pub status: ApplicationStatus,
    /// The last rendered desired state.
    pub desired: Option<Desired>,
    /// Objects this Application synced (prune candidates).
    pub inventory: Vec<ObjectKey>,
    /// The last revision an automated sync was attempted for.
    pub last_synced_revision: Option<String>,
    /// Retries spent on the current failure.
    pub retries: u32,
}

/// One Application known to the engine.
pub struct AppEntry {
    pub app: Application,
    pub raw: Value,
    pub runtime: tokio::sync::Mutex<AppRuntime>,
}

struct Inner {
    clusters: Clusters,
    source: Source,
    store: Arc<dyn StatusStore>,
    apps: Mutex<BTreeMap<String, Arc<AppEntry>>>,
    pending: Mutex<HashSet<String>>,
    queue: mpsc::UnboundedSender<(String, Trigger)>,
    opts: EngineOptions,
}

/// The engine. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl Engine {
    /// Starts the engine's workers, poll timer and watch listener.
    pub fn start(
        clusters: Clusters,
        source: Source,
        store: Arc<dyn StatusStore>,
        opts: EngineOptions,
    ) -> Engine {
        let (tx, rx) = mpsc::unbounded_channel();
        let engine = Engine {
            inner: Arc::new(Inner {
                clusters,
                source,
                store,
                apps: Mutex::default(),
                pending: Mutex::default(),
                queue: tx,
                opts,
            }),
        };
        engine.spawn_workers(rx);
        engine.spawn_poll();
        engine.spawn_watch_listener();
        engine
    }

    /// The destinations.
    pub fn clusters(&self) -> &Clusters {
        &self.inner.clusters
    }

    pub fn source(&self) -> &Source {
        &self.inner.source
    }

    fn apps(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Arc<AppEntry>>> {
        self.inner.apps.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds or replaces an Application (a changed spec is reconciled at once).
    pub async fn upsert(&self, app: Application, raw: Value) {
        let name = app.metadata.name.clone();
        let existing = self.apps().get(&name).cloned();
        if let Some(e) = &existing
            && e.raw["spec"] == raw["spec"]
        {
            return;
        }
        let mut runtime = AppRuntime::default();
        match &existing {
            Some(e) => {
                let old = e.runtime.lock().await;
                runtime.status = old.status.clone();
                runtime.inventory = old.inventory.clone();
            }
            None => {
                if let Some(status) = self.inner.store.load(&app).await {
                    runtime.inventory = store::inventory_of(&status);
                    runtime.last_synced_revision = status
                        .operation_state
                        .as_ref()
                        .and_then(|o| o.sync_result.as_ref())
                        .map(|r| r.revision.clone());
                    runtime.status = status;
                }
            }
        }
        let entry = Arc::new(AppEntry {
            app,
            raw,
            runtime: tokio::sync::Mutex::new(runtime),
        });
        self.apps().insert(name.clone(), entry);
        self.enqueue(&name, Trigger::Refresh);
    }

    /// Forgets an Application (its objects stay, as with Argo CD's non-cascading delete).
    pub fn remove(&self, name: &str) {
        self.apps().remove(name);
    }

    /// Names of the known Applications.
    pub fn names(&self) -> Vec<String> {
        self.apps().keys().cloned().collect()
    }

    /// An Application and its current status.
    pub async fn get(&self, name: &str) -> Option<(Application, ApplicationStatus)> {
        let entry = self.apps().get(name).cloned()?;
        let status = entry.runtime.lock().await.status.clone();
        Some((entry.app.clone(), status))
    }

    pub(crate) fn entry(&self, name: &str) -> Option<Arc<AppEntry>> {
        self.apps().get(name).cloned()
    }

    /// Queues a reconcile; a refresh already queued for the app absorbs a later one.
    pub fn enqueue(&self, name: &str, trigger: Trigger) {
        if !matches!(trigger, Trigger::Sync(_)) {
            let key = format!("{name}\u{0}{trigger:?}");
            let mut pending = self.inner.pending.lock().unwrap_or_else(|e| e.into_inner());
            if !pending.insert(key) {
                return;
            }
        }
        let _ = self.inner.queue.send((name.to_string(), trigger));
    }

    /// Runs a manual sync now and returns the resulting status.
    pub async fn sync_now(&self, name: &str, req: ManualSync) -> Option<ApplicationStatus> {
        self.entry(name)?;
        self.reconcile(name, Trigger::Sync(req)).await;
        self.get(name).await.map(|(_, s)| s)
    }

    /// The unified diff of an Application against the live state.
    pub async fn diff(&self, name: &str) -> Option<String> {
        let entry = self.entry(name)?;
        let rt = entry.runtime.lock().await;
        let desired = rt.desired.as_ref()?;
        let cluster = self
            .inner
            .clusters
            .resolve(&entry.app.spec.destination)
            .ok()?;
        let mut out = String::new();
        for obj in &desired.objects {
            let live = cluster.cache().get(&ObjectKey::of(obj));
            let opts = reconcile::diff_options(&entry.app);
            let d = plumb_diff::diff(obj, live.as_deref(), &opts.as_options());
            if !d.in_sync() {
                out.push_str(&d.unified(&plumb_diff::kind_ref(obj)));
            }
        }
        Some(out)
    }

    fn spawn_workers(&self, mut rx: mpsc::UnboundedReceiver<(String, Trigger)>) {
        let engine = self.clone();
        let workers = Arc::new(tokio::sync::Semaphore::new(self.inner.opts.workers.max(1)));
        tokio::spawn(async move {
            while let Some((name, trigger)) = rx.recv().await {
                let key = format!("{name}\u{0}{trigger:?}");
                let engine = engine.clone();
                let Ok(permit) = workers.clone().acquire_owned().await else {
                    return;
                };
                tokio::spawn(async move {
                    engine
                        .inner
                        .pending
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .remove(&key);
                    engine.reconcile(&name, trigger).await;
                    drop(permit);
                });
            }
        });
    }

    fn spawn_poll(&self) {
        let engine = self.clone();
        let every = self.inner.opts.poll_interval;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                for name in engine.names() {
                    engine.enqueue(&name, Trigger::Refresh);
                }
            }
        });
    }

    fn spawn_watch_listener(&self) {
        for cluster in self.inner.clusters.all() {
            self.listen(cluster.cache().subscribe());
        }
    }

    fn listen(&self, mut changes: tokio::sync::broadcast::Receiver<plumb_cluster::Change>) {
        let engine = self.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(change) => {
                        let obj = change.object.as_ref().or(change.last.as_ref());
                        if let Some(app) = obj.and_then(|o| plumb_sync::tracking::tracked_app(o))
                            && engine.entry(&app).is_some()
                        {
                            engine.enqueue(&app, Trigger::Drift);
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        for name in engine.names() {
                            engine.enqueue(&name, Trigger::Drift);
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }
}
