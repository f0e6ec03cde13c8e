//! Where Application status lives: the Application's `.status` in the cluster (cluster
//! mode) or a JSON file per Application in the state directory (standalone mode).

use std::path::PathBuf;

use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::{ApiResource, GroupVersionKind};
use plumb_cluster::ObjectKey;
use plumb_model::{Application, ApplicationStatus};
use serde_json::json;

/// Persists Application status.
#[async_trait::async_trait]
pub trait StatusStore: Send + Sync {
    /// The last stored status (for the inventory after a restart).
    async fn load(&self, app: &Application) -> Option<ApplicationStatus>;
    /// Stores the status.
    async fn save(&self, app: &Application, status: &ApplicationStatus);
}

/// The inventory (prune candidates) recorded in a status.
pub fn inventory_of(status: &ApplicationStatus) -> Vec<ObjectKey> {
    status
        .resources
        .iter()
        .map(|r| ObjectKey {
            api_version: if r.group.is_empty() {
                r.version.clone()
            } else {
                format!("{}/{}", r.group, r.version)
            },
            kind: r.kind.clone(),
            namespace: (!r.namespace.is_empty()).then(|| r.namespace.clone()),
            name: r.name.clone(),
        })
        .collect()
}

/// Status in `<dir>/<app>.json`.
pub struct FileStore {
    pub dir: PathBuf,
}

#[async_trait::async_trait]
impl StatusStore for FileStore {
    async fn load(&self, app: &Application) -> Option<ApplicationStatus> {
        let path = self.dir.join(format!("{}.json", app.metadata.name));
        let data = tokio::fs::read(&path).await.ok()?;
        serde_json::from_slice(&data).ok()
    }

    async fn save(&self, app: &Application, status: &ApplicationStatus) {
        let path = self.dir.join(format!("{}.json", app.metadata.name));
        let tmp = path.with_extension("json.tmp");
        let Ok(data) = serde_json::to_vec_pretty(status) else {
            return;
        };
        let written = async {
            tokio::fs::create_dir_all(&self.dir).await?;
            tokio::fs::write(&tmp, data).await?;
            tokio::fs::rename(&tmp, &path).await
        };
        if let Err(e) = written.await {
            tracing::warn!(app = %app.metadata.name, error = %e, "status not saved");
        }
    }
}

/// Status in the Application objects of the cluster (`status` subresource).
pub struct ClusterStore {
    pub client: kube::Client,
}

fn applications(client: &kube::Client, namespace: &str) -> Api<DynamicObject> {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Application"),
        "applications",
    );
    Api::namespaced_with(client.clone(), namespace, &ar)
}

#[async_trait::async_trait]
impl StatusStore for ClusterStore {
    async fn load(&self, app: &Application) -> Option<ApplicationStatus> {
        app.status.clone()
    }

    async fn save(&self, app: &Application, status: &ApplicationStatus) {
        let ns = app.metadata.namespace.as_deref().unwrap_or("default");
        let api = applications(&self.client, ns);
        let patch = json!({"status": status});
        if let Err(e) = api
            .patch_status(
                &app.metadata.name,
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await
        {
            tracing::warn!(app = %app.metadata.name, error = %e, "status not written");
        }
    }
}
