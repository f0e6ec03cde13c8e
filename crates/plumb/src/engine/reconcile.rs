//! One reconcile: desired state, comparison, automated or manual sync, health, status.

use plumb_cluster::ObjectKey;
use plumb_model::status::{
    HealthInfo, HistoryEntry, OperationPhase, OperationState, ResourceResult, ResourceStatus,
    SyncInfo, SyncResult,
};
use plumb_model::{Application, Condition, HealthStatus, SyncStatus};
use plumb_sync::{Action, RetrySchedule, SyncRequest};
use serde_json::Value;

use super::{AppRuntime, Engine, Trigger, desired};

/// Owned ignore rules of an Application, lent to plumb-diff.
pub struct OwnedDiffOptions {
    rules: Vec<plumb_diff::IgnoreRule>,
}

impl OwnedDiffOptions {
    pub fn as_options(&self) -> plumb_diff::DiffOptions<'_> {
        plumb_diff::DiffOptions {
            ignore: &self.rules,
            manager: plumb_cluster::FIELD_MANAGER,
        }
    }
}

/// The Application's `ignoreDifferences` as diff rules.
pub fn diff_options(app: &Application) -> OwnedDiffOptions {
    let rules = app
        .spec
        .ignore_differences
        .iter()
        .map(|i| plumb_diff::IgnoreRule {
            group: i.group.clone(),
            kind: i.kind.clone(),
            name: i.name.clone(),
            namespace: i.namespace.clone(),
            json_pointers: i.json_pointers.clone(),
            jq_path_expressions: i.jq_path_expressions.clone(),
            managed_fields_managers: i.managed_fields_managers.clone(),
        })
        .collect();
    OwnedDiffOptions { rules }
}

fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn condition(kind: &str, message: impl Into<String>) -> Condition {
    Condition {
        kind: kind.to_string(),
        message: message.into(),
        last_transition_time: Some(now()),
    }
}

/// What the comparison found.
struct Comparison {
    resources: Vec<ResourceStatus>,
    /// One line per drifted object (`deployment.apps/my-app replicas 5 != 3`).
    drift: Vec<String>,
    /// Desired objects whose live state differs (or is missing).
    out_of_sync: Vec<Value>,
    /// Inventory objects Git no longer has that still exist.
    orphans: Vec<ObjectKey>,
    /// Replica changes that a sync will make: kubectl ref → desired replicas.
    scales: Vec<(String, i64)>,
}

impl Engine {
    pub(crate) async fn reconcile(&self, name: &str, trigger: Trigger) {
        let Some(entry) = self.entry(name) else {
            return;
        };
        let mut rt = entry.runtime.lock().await;
        let app = &entry.app;
        let started = std::time::Instant::now();
        let mut conditions: Vec<Condition> =
            plumb_model::Application::unsupported_fields(&entry.raw)
                .into_iter()
                .map(|f| {
                    condition(
                        "UnsupportedField",
                        format!("{f} is not supported by plumb yet and was ignored"),
                    )
                })
                .collect();
        let options = app.sync_options();
        for o in &options.unknown {
            conditions.push(condition(
                "UnsupportedField",
                format!("syncOptions: {o} is not supported by plumb yet"),
            ));
        }
        let cluster = match self.clusters().resolve(&app.spec.destination) {
            Ok(c) => c.clone(),
            Err(message) => {
                conditions.push(condition("InvalidSpecError", message));
                rt.status.conditions = conditions;
                rt.status.sync.status = SyncStatus::Unknown;
                self.save(app, &mut rt).await;
                return;
            }
        };
        let manual = match &trigger {
            Trigger::Sync(m) => Some(m.clone()),
            _ => None,
        };
        let needs_render = rt.desired.is_none()
            || matches!(trigger, Trigger::Refresh)
            || manual.as_ref().is_some_and(|m| m.revision.is_some());
        if needs_render {
            let revision = manual.as_ref().and_then(|m| m.revision.as_deref());
            match desired::render(self.source(), &cluster, app, revision).await {
                Ok(d) => rt.desired = Some(d),
                Err(e) => {
                    let message = format!("{e:#}");
                    tracing::error!(app = name, error = %message, "comparison failed; nothing applied or pruned");
                    conditions.push(condition("ComparisonError", message));
                    rt.status.conditions = conditions;
                    rt.status.sync.status = SyncStatus::Unknown;
                    self.save(app, &mut rt).await;
                    return;
                }
            }
        }
        let Some(desired) = rt.desired.clone() else {
            return;
        };
        for obj in &desired.objects {
            let k = ObjectKey::of(obj);
            if let Err(e) = cluster.watch_kind(&k.api_version, &k.kind).await {
                tracing::debug!(app = name, kind = %k.kind, error = %e, "kind not watchable yet");
            }
        }
        let mut cmp = compare(&cluster, app, &desired.objects, &rt.inventory).await;
        let automated = app.automated().cloned();
        let out_of_sync = !cmp.out_of_sync.is_empty() || !cmp.orphans.is_empty();
        let new_revision = rt.last_synced_revision.as_deref() != Some(desired.revision.as_str());
        let auto_sync = automated.as_ref().is_some_and(|a| {
            out_of_sync && (new_revision || a.self_heal || !matches!(trigger, Trigger::Drift))
        });
        let mut sync_state = None;
        if manual.is_some() || auto_sync {
            if matches!(trigger, Trigger::Drift) && !cmp.drift.is_empty() {
                for line in &cmp.drift {
                    tracing::info!("Detected drift: {line}");
                }
                tracing::info!("Auto-healing: syncing application {name}");
            }
            let prune = manual
                .as_ref()
                .map_or_else(|| automated.as_ref().is_some_and(|a| a.prune), |m| m.prune);
            let dry_run = manual.as_ref().is_some_and(|m| m.dry_run);
            let started_at = now();
            // Automated syncs apply what is out of sync (progress accumulates across
            // retries); a manual sync applies everything, as Argo CD does.
            let only = manual
                .is_none()
                .then(|| cmp.out_of_sync.iter().map(ObjectKey::of).collect());
            let req = SyncRequest {
                app: name,
                desired: desired.objects.clone(),
                only,
                inventory: rt.inventory.clone(),
                options: options.clone(),
                prune,
                allow_empty: automated.as_ref().is_some_and(|a| a.allow_empty),
                namespace: app.spec.destination.namespace.as_deref(),
                dry_run,
            };
            let result = plumb_sync::sync(&cluster, req).await;
            rt.last_synced_revision = Some(desired.revision.clone());
            let (phase, message, results) = match result {
                Ok(report) => {
                    if !dry_run {
                        // Everything desired (it may exist now, even after a partial
                        // failure) and what was kept; minus what was deleted.
                        let mut inventory = rt.inventory.clone();
                        for k in desired.objects.iter().map(ObjectKey::of) {
                            if !inventory.contains(&k) {
                                inventory.push(k);
                            }
                        }
                        inventory.retain(|k| {
                            !report
                                .outcomes
                                .iter()
                                .any(|o| o.action == Action::Deleted && &o.key == k)
                        });
                        rt.inventory = inventory;
                    }
                    let results: Vec<ResourceResult> = report
                        .outcomes
                        .iter()
                        .map(|o| ResourceResult {
                            group: o.key.group().to_string(),
                            version: o.key.version().to_string(),
                            kind: o.key.kind.clone(),
                            namespace: o.key.namespace.clone().unwrap_or_default(),
                            name: o.key.name.clone(),
                            status: match o.action {
                                Action::Failed => "SyncFailed",
                                Action::Deleted => "Pruned",
                                Action::Skipped => "PruneSkipped",
                                _ => "Synced",
                            }
                            .to_string(),
                            message: if o.message.is_empty() {
                                o.action.as_str().to_string()
                            } else {
                                o.message.clone()
                            },
                            sync_phase: "Sync".into(),
                        })
                        .collect();
                    if report.failed() {
                        let failures: Vec<String> = report
                            .outcomes
                            .iter()
                            .filter(|o| o.action == Action::Failed)
                            .map(|o| format!("{}: {}", o.key.kubectl_ref(), o.message))
                            .collect();
                        (OperationPhase::Failed, failures.join("; "), results)
                    } else {
                        for o in &report.outcomes {
                            let r = o.key.kubectl_ref();
                            let what = match (o.action, cmp.scales.iter().find(|(k, _)| *k == r)) {
                                (Action::Configured, Some((_, n))) => format!("scaled to {n}"),
                                (a, _) => a.as_str().to_string(),
                            };
                            if o.action != Action::Unchanged {
                                tracing::info!("Sync successful: {r} {what}");
                            }
                        }
                        (
                            OperationPhase::Succeeded,
                            format!("successfully synced ({})", report.summary()),
                            results,
                        )
                    }
                }
                Err(e) => {
                    tracing::error!(app = name, error = %e, "sync refused");
                    (OperationPhase::Failed, e.to_string(), Vec::new())
                }
            };
            let failed = phase != OperationPhase::Succeeded;
            if failed {
                rt.retries += 1;
                conditions.push(condition("SyncError", message.clone()));
                self.schedule_retry(app, &mut rt);
            } else {
                rt.retries = 0;
                if !dry_run {
                    let id = rt.status.history.last().map_or(0, |h| h.id + 1);
                    rt.status.history.push(HistoryEntry {
                        id,
                        revision: desired.commit.clone(),
                        deployed_at: now(),
                        deploy_started_at: Some(started_at.clone()),
                    });
                    let limit = app.spec.revision_history_limit.unwrap_or(10).max(1) as usize;
                    let excess = rt.status.history.len().saturating_sub(limit);
                    rt.status.history.drain(..excess);
                }
            }
            sync_state = Some(OperationState {
                phase,
                message,
                started_at,
                finished_at: Some(now()),
                retry_count: i64::from(rt.retries),
                sync_result: Some(SyncResult {
                    revision: desired.commit.clone(),
                    resources: results,
                }),
            });
            cmp = compare(&cluster, app, &desired.objects, &rt.inventory).await;
        }
        let health = health_of(&cmp.resources);
        let status = &mut rt.status;
        status.sync = SyncInfo {
            status: if cmp.out_of_sync.is_empty() && cmp.orphans.is_empty() {
                SyncStatus::Synced
            } else {
                SyncStatus::OutOfSync
            },
            revision: Some(desired.commit.clone()),
            compared_to: Some(serde_json::json!({
                "source": app.spec.source, "destination": app.spec.destination,
            })),
        };
        status.health = health;
        status.resources = cmp.resources;
        status.source_type = Some(desired.source_type.to_string());
        if let Some(op) = sync_state {
            status.operation_state = Some(op);
        }
        status.conditions = conditions;
        status.reconciled_at = Some(now());
        status.observed_generation = app.metadata.generation;
        tracing::debug!(
            app = name,
            duration_ms = started.elapsed().as_millis() as u64,
            "reconciled"
        );
        self.save(app, &mut rt).await;
    }

    async fn save(&self, app: &Application, rt: &mut AppRuntime) {
        self.inner.store.save(app, &rt.status).await;
    }

    fn schedule_retry(&self, app: &Application, rt: &mut AppRuntime) {
        let Some(retry) = app.spec.sync_policy.as_ref().and_then(|p| p.retry.as_ref()) else {
            return;
        };
        let Ok(schedule) = RetrySchedule::from_spec(retry) else {
            return;
        };
        let Some(delay) = schedule.delay(rt.retries) else {
            tracing::error!(app = %app.metadata.name, retries = rt.retries - 1, "sync failed; retry limit reached");
            return;
        };
        tracing::warn!(app = %app.metadata.name, retry = rt.retries, delay_ms = delay.as_millis() as u64, "sync failed; retrying");
        let engine = self.clone();
        let name = app.metadata.name.clone();
        // A retry re-runs the sync of the same revision (not a new automated decision).
        rt.last_synced_revision = None;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            engine.enqueue(&name, Trigger::Refresh);
        });
    }
}

/// Compares desired objects with the watch cache; what looks drifted is read again
/// from the API server before it counts (the cache may lag a write by a moment).
async fn compare(
    cluster: &plumb_cluster::Cluster,
    app: &Application,
    desired: &[Value],
    inventory: &[ObjectKey],
) -> Comparison {
    {
        let opts = diff_options(app);
        let mut cmp = Comparison {
            resources: Vec::new(),
            drift: Vec::new(),
            out_of_sync: Vec::new(),
            orphans: Vec::new(),
            scales: Vec::new(),
        };
        for obj in desired {
            let key = ObjectKey::of(obj);
            let mut live = cluster.cache().get(&key);
            let mut d = plumb_diff::diff(obj, live.as_deref(), &opts.as_options());
            if !d.in_sync()
                && let Ok(fresh) = cluster.get(&key).await
            {
                live = fresh.map(std::sync::Arc::new);
                d = plumb_diff::diff(obj, live.as_deref(), &opts.as_options());
            }
            let in_sync = d.in_sync();
            if !in_sync {
                let r = key.kubectl_ref();
                cmp.drift.push(d.summary(&r));
                if let Some(replicas) = d
                    .changes
                    .iter()
                    .find(|c| c.dotted_path() == "spec.replicas")
                    .and_then(|c| c.desired.as_ref()?.as_i64())
                {
                    cmp.scales.push((r, replicas));
                }
                cmp.out_of_sync.push(obj.clone());
            }
            let health = live
                .as_deref()
                .and_then(plumb_health::assess)
                .map(|h| HealthInfo {
                    status: h.status,
                    message: (!h.message.is_empty()).then_some(h.message),
                });
            cmp.resources.push(ResourceStatus {
                group: key.group().to_string(),
                version: key.version().to_string(),
                kind: key.kind.clone(),
                namespace: key.namespace.clone().unwrap_or_default(),
                name: key.name.clone(),
                status: if in_sync {
                    SyncStatus::Synced
                } else {
                    SyncStatus::OutOfSync
                },
                health: if live.is_none() {
                    Some(HealthInfo {
                        status: HealthStatus::Missing,
                        message: None,
                    })
                } else {
                    health
                },
                sync_wave: Some(plumb_sync::sync_wave(obj)),
            });
        }
        let desired_keys: Vec<_> = desired
            .iter()
            .map(|o| ObjectKey::of(o).group_kind_key())
            .collect();
        for key in inventory {
            if desired_keys.contains(&key.group_kind_key()) {
                continue;
            }
            let live = match cluster.cache().get(key) {
                Some(l) => Some(l),
                None => cluster
                    .get(key)
                    .await
                    .ok()
                    .flatten()
                    .map(std::sync::Arc::new),
            };
            if let Some(live) = live
                && plumb_sync::tracking::is_tracked_by(&live, &app.metadata.name)
            {
                cmp.drift
                    .push(format!("{} requires pruning", key.kubectl_ref()));
                cmp.orphans.push(key.clone());
            }
        }
        cmp
    }
}

/// The Application's health: the worst of its resources'.
fn health_of(resources: &[ResourceStatus]) -> HealthInfo {
    resources
        .iter()
        .filter_map(|r| r.health.clone())
        .max_by_key(|h| h.status)
        .unwrap_or_default()
}
