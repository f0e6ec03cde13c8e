//! The sync operation: put what Git declares into the cluster. Objects are applied
//! server-side as `plumb` in a deterministic order (wave, then kind, then name); objects
//! this Application created earlier and Git no longer has are pruned (after everything
//! else with `PruneLast`), never anything plumb does not track for this Application.

mod order;
mod retry;
pub mod tracking;

use std::time::Duration;

use plumb_cluster::{Cluster, ObjectKey};
use plumb_model::SyncOptions;
use serde_json::{Value, json};

pub use order::{kind_rank, sync_wave};
pub use retry::RetrySchedule;

/// What a sync does with one object (Flux's words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Configured,
    Unchanged,
    Deleted,
    /// Not deleted because `Prune=false` or pruning is off.
    Skipped,
    Failed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Configured => "configured",
            Action::Unchanged => "unchanged",
            Action::Deleted => "deleted",
            Action::Skipped => "skipped",
            Action::Failed => "failed",
        }
    }
}

/// One object's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub key: ObjectKey,
    pub action: Action,
    pub message: String,
    /// The live object after the action (for applies).
    pub live: Option<Value>,
}

/// Everything a sync needs.
#[derive(Debug, Clone)]
pub struct SyncRequest<'a> {
    /// The Application's name (for tracking).
    pub app: &'a str,
    /// Desired objects, namespaces filled in, tracking annotations set.
    pub desired: Vec<Value>,
    /// Apply only these of the desired objects (those out of sync); `None` applies all.
    /// Prune decisions always use the whole desired state.
    pub only: Option<Vec<ObjectKey>>,
    /// Objects this Application synced before (its inventory): prune candidates.
    pub inventory: Vec<ObjectKey>,
    pub options: SyncOptions,
    /// Delete what Git no longer has (automated `prune` or a manual `--prune`).
    pub prune: bool,
    /// `allowEmpty`: a sync to zero objects is allowed (and prunes everything).
    pub allow_empty: bool,
    /// The destination namespace, created first with `CreateNamespace=true`.
    pub namespace: Option<&'a str>,
    pub dry_run: bool,
}

/// Why a sync did not run at all (per-object failures are [`Outcome`]s).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The render produced nothing and `allowEmpty` is false: nothing is applied or
    /// pruned, so a broken render never deletes an application.
    #[error("the desired state is empty and allowEmpty is false: nothing was applied or pruned")]
    EmptyNotAllowed,
    /// The destination namespace could not be created.
    #[error("creating namespace {namespace}")]
    Namespace {
        namespace: String,
        #[source]
        source: plumb_cluster::Error,
    },
}

/// The result of a sync.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub outcomes: Vec<Outcome>,
}

impl SyncReport {
    /// Whether any object failed.
    pub fn failed(&self) -> bool {
        self.outcomes.iter().any(|o| o.action == Action::Failed)
    }

    /// Whether every failure is worth retrying.
    pub fn transient(&self) -> bool {
        self.outcomes
            .iter()
            .filter(|o| o.action == Action::Failed)
            .all(|o| o.message.starts_with(TRANSIENT))
    }

    /// A one-line summary: `3 configured, 1 deleted, 1 failed`.
    pub fn summary(&self) -> String {
        let mut counts: Vec<(Action, usize)> = Vec::new();
        for o in &self.outcomes {
            match counts.iter_mut().find(|(a, _)| *a == o.action) {
                Some((_, n)) => *n += 1,
                None => counts.push((o.action, 1)),
            }
        }
        counts
            .iter()
            .map(|(a, n)| format!("{n} {}", a.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Prefix of failure messages that are worth retrying.
const TRANSIENT: &str = "(transient) ";

/// Runs one sync.
pub async fn sync(cluster: &Cluster, req: SyncRequest<'_>) -> Result<SyncReport, SyncError> {
    if req.desired.is_empty() && !req.allow_empty {
        return Err(SyncError::EmptyNotAllowed);
    }
    let mut report = SyncReport::default();
    if req.options.create_namespace
        && let Some(ns) = req.namespace
    {
        ensure_namespace(cluster, ns, req.dry_run)
            .await
            .map_err(|source| SyncError::Namespace {
                namespace: ns.to_string(),
                source,
            })?;
    }
    let mut desired = req.desired.clone();
    order::sort(&mut desired);
    let desired_keys: Vec<(String, String, String, String)> = desired
        .iter()
        .map(|o| ObjectKey::of(o).group_kind_key())
        .collect();
    let mut prunes: Vec<ObjectKey> = req
        .inventory
        .iter()
        .filter(|k| !desired_keys.contains(&k.group_kind_key()))
        .cloned()
        .collect();
    prunes.sort_by(|a, b| {
        (std::cmp::Reverse(kind_rank(&a.kind)), &a.name)
            .cmp(&(std::cmp::Reverse(kind_rank(&b.kind)), &b.name))
    });
    for obj in &desired {
        if let Some(only) = &req.only
            && !only.contains(&ObjectKey::of(obj))
        {
            continue;
        }
        report.outcomes.push(apply_one(cluster, obj, &req).await);
    }
    for key in prunes {
        report.outcomes.push(prune_one(cluster, &key, &req).await);
    }
    Ok(report)
}

async fn ensure_namespace(cluster: &Cluster, ns: &str, dry_run: bool) -> plumb_cluster::Result<()> {
    let key = ObjectKey {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        namespace: None,
        name: ns.to_string(),
    };
    if cluster.get(&key).await?.is_some() {
        return Ok(());
    }
    let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
    cluster.apply(&obj, dry_run).await?;
    tracing::info!(namespace = ns, "created namespace");
    Ok(())
}

fn failed(key: ObjectKey, e: &plumb_cluster::Error) -> Outcome {
    let message = if e.is_transient() {
        format!("{TRANSIENT}{e}")
    } else {
        e.to_string()
    };
    Outcome {
        key,
        action: Action::Failed,
        message,
        live: None,
    }
}

async fn apply_one(cluster: &Cluster, obj: &Value, req: &SyncRequest<'_>) -> Outcome {
    let key = ObjectKey::of(obj);
    let before = match cluster.get(&key).await {
        Ok(b) => b,
        Err(e) => return failed(key, &e),
    };
    match cluster.apply(obj, req.dry_run).await {
        Ok(live) => {
            let action = match &before {
                None => Action::Created,
                Some(b)
                    if b["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"] =>
                {
                    Action::Unchanged
                }
                Some(_) => Action::Configured,
            };
            if key.kind == "CustomResourceDefinition" && !req.dry_run {
                wait_established(cluster, &key).await;
            }
            Outcome {
                key,
                action,
                message: String::new(),
                live: Some(live),
            }
        }
        Err(e) => failed(key, &e),
    }
}

/// Waits (bounded) until a CRD is Established, so its custom resources can follow.
async fn wait_established(cluster: &Cluster, key: &ObjectKey) {
    for _ in 0..150 {
        if let Ok(Some(crd)) = cluster.get(key).await {
            let established = crd["status"]["conditions"].as_array().is_some_and(|cs| {
                cs.iter()
                    .any(|c| c["type"] == "Established" && c["status"] == "True")
            });
            if established {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn prune_one(cluster: &Cluster, key: &ObjectKey, req: &SyncRequest<'_>) -> Outcome {
    let skipped = |message: &str| Outcome {
        key: key.clone(),
        action: Action::Skipped,
        message: message.to_string(),
        live: None,
    };
    let live = match cluster.get(key).await {
        Ok(Some(l)) => l,
        Ok(None) => {
            return Outcome {
                key: key.clone(),
                action: Action::Deleted,
                message: "already gone".into(),
                live: None,
            };
        }
        Err(e) => return failed(key.clone(), &e),
    };
    if !tracking::is_tracked_by(&live, req.app) {
        return skipped("not tracked by this application");
    }
    let annotation = live["metadata"]["annotations"][tracking::SYNC_OPTIONS_ANNOTATION]
        .as_str()
        .unwrap_or("");
    let opts = req.options.with_annotation(annotation);
    if !opts.prune {
        return skipped("Prune=false");
    }
    if !req.prune {
        return skipped("pruning is disabled");
    }
    if req.dry_run {
        return Outcome {
            key: key.clone(),
            action: Action::Deleted,
            message: "dry run".into(),
            live: None,
        };
    }
    match cluster.delete(key).await {
        Ok(()) => Outcome {
            key: key.clone(),
            action: Action::Deleted,
            message: String::new(),
            live: None,
        },
        Err(e) => failed(key.clone(), &e),
    }
}
