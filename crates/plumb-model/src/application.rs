//! The Argo CD `Application` (`argoproj.io/v1alpha1`), accepted as written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::status::ApplicationStatus;
use crate::sync_options::SyncOptions;

pub const API_VERSION: &str = "argoproj.io/v1alpha1";
pub const KIND: &str = "Application";

/// Where Argo CD (and plumb) means "the cluster I run in".
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
pub const IN_CLUSTER_NAME: &str = "in-cluster";

/// An Application as stored in the cluster or in a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Application {
    #[serde(rename = "apiVersion", default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub spec: ApplicationSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ApplicationStatus>,
}

/// The parts of `metadata` plumb uses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ApplicationSource>,
    #[serde(default)]
    pub destination: Destination,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<IgnoreDifference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSource {
    #[serde(rename = "repoURL", default)]
    pub repo_url: String,
    /// Branch, tag, commit SHA or `HEAD` (the default when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_revision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<DirectorySource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<KustomizeSource>,
}

impl ApplicationSource {
    /// The revision to deploy (`HEAD` when unset or empty).
    pub fn revision(&self) -> &str {
        match self.target_revision.as_deref() {
            None | Some("") => "HEAD",
            Some(r) => r,
        }
    }

    /// The path within the repository (`.` when unset).
    pub fn path(&self) -> &str {
        match self.path.as_deref() {
            None | Some("") => ".",
            Some(p) => p,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectorySource {
    #[serde(default)]
    pub recurse: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<String>,
}

/// Argo CD's `source.kustomize` overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KustomizeSource {
    /// `myapp:v1.2.0`, `myapp=registry/other:tag`, `myapp@sha256:...`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_suffix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub common_labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub common_annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replicas: Vec<KustomizeReplica>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patches: Vec<Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KustomizeReplica {
    pub name: String,
    /// An integer or a string holding one, as Argo CD accepts.
    pub count: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<Automated>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_options: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Automated {
    #[serde(default)]
    pub prune: bool,
    #[serde(default)]
    pub self_heal: bool,
    #[serde(default)]
    pub allow_empty: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retry {
    /// Retries after the first attempt; Argo CD treats a negative limit as unlimited.
    #[serde(default)]
    pub limit: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_duration: Option<String>,
}

/// Argo CD's `ignoreDifferences` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreDifference {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jq_path_expressions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_fields_managers: Vec<String>,
}

/// An Application that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InvalidApplication {
    /// Not JSON/YAML of the Application's shape.
    #[error("{name}: {message}")]
    Malformed { name: String, message: String },
    /// A required field is missing.
    #[error("{name}: {field} is required")]
    Missing { name: String, field: &'static str },
}

/// Fields plumb understands; anything else in an Application is reported.
const SUPPORTED: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata.*",
    "status.*",
    "spec.project",
    "spec.info.*",
    "spec.revisionHistoryLimit",
    "spec.source.repoURL",
    "spec.source.targetRevision",
    "spec.source.path",
    "spec.source.directory.recurse",
    "spec.source.directory.include",
    "spec.source.directory.exclude",
    "spec.source.kustomize.images.*",
    "spec.source.kustomize.namePrefix",
    "spec.source.kustomize.nameSuffix",
    "spec.source.kustomize.namespace",
    "spec.source.kustomize.commonLabels.*",
    "spec.source.kustomize.commonAnnotations.*",
    "spec.source.kustomize.replicas.*",
    "spec.source.kustomize.patches.*",
    "spec.destination.server",
    "spec.destination.name",
    "spec.destination.namespace",
    "spec.syncPolicy.automated.prune",
    "spec.syncPolicy.automated.selfHeal",
    "spec.syncPolicy.automated.allowEmpty",
    "spec.syncPolicy.syncOptions.*",
    "spec.syncPolicy.retry.limit",
    "spec.syncPolicy.retry.backoff.duration",
    "spec.syncPolicy.retry.backoff.factor",
    "spec.syncPolicy.retry.backoff.maxDuration",
    "spec.ignoreDifferences.*",
];

impl Application {
    /// Reads an Application from its JSON form (YAML is converted by the caller),
    /// checking the fields plumb cannot run without.
    pub fn from_value(v: &Value) -> Result<Application, InvalidApplication> {
        let name = v["metadata"]["name"].as_str().unwrap_or("").to_string();
        let app: Application =
            serde_json::from_value(v.clone()).map_err(|e| InvalidApplication::Malformed {
                name: if name.is_empty() {
                    "<unnamed>".into()
                } else {
                    name.clone()
                },
                message: e.to_string(),
            })?;
        if app.metadata.name.is_empty() {
            return Err(InvalidApplication::Missing {
                name: "<unnamed>".into(),
                field: "metadata.name",
            });
        }
        let Some(source) = &app.spec.source else {
            return Err(InvalidApplication::Missing {
                name,
                field: "spec.source",
            });
        };
        if source.repo_url.is_empty() {
            return Err(InvalidApplication::Missing {
                name,
                field: "spec.source.repoURL",
            });
        }
        Ok(app)
    }

    /// Dotted paths of fields in `raw` that plumb does not support (yet). The engine
    /// reports them as a condition instead of ignoring them.
    pub fn unsupported_fields(raw: &Value) -> Vec<String> {
        let mut out = Vec::new();
        walk(raw, "", &mut out);
        out
    }

    /// The parsed sync options.
    pub fn sync_options(&self) -> SyncOptions {
        SyncOptions::parse(
            self.spec
                .sync_policy
                .as_ref()
                .map(|p| p.sync_options.as_slice())
                .unwrap_or(&[]),
        )
    }

    /// The automated policy, if any.
    pub fn automated(&self) -> Option<&Automated> {
        self.spec.sync_policy.as_ref()?.automated.as_ref()
    }
}

fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
    let Value::Object(map) = v else { return };
    for (k, child) in map {
        let p = if path.is_empty() {
            k.clone()
        } else {
            format!("{path}.{k}")
        };
        match classify(&p) {
            Support::Whole => {}
            Support::Leaf => {}
            Support::Inner => walk(child, &p, out),
            Support::No => out.push(p),
        }
    }
}

enum Support {
    /// The field and everything below it.
    Whole,
    /// The field itself.
    Leaf,
    /// Some fields below it.
    Inner,
    No,
}

fn classify(path: &str) -> Support {
    let mut inner = false;
    for s in SUPPORTED {
        if let Some(prefix) = s.strip_suffix(".*")
            && (path == prefix || path.starts_with(&format!("{prefix}.")))
        {
            return Support::Whole;
        }
        if *s == path {
            return Support::Leaf;
        }
        if s.starts_with(&format!("{path}.")) {
            inner = true;
        }
    }
    if inner { Support::Inner } else { Support::No }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed() -> Value {
        json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "my-app", "namespace": "argocd"},
            "spec": {
                "source": {"repoURL": "https://github.com/myorg/myapp-config.git", "targetRevision": "main",
                    "path": "manifests/prod", "kustomize": {"images": ["myapp:v1.2.0"]}},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": "production"},
                "syncPolicy": {
                    "automated": {"prune": true, "selfHeal": true, "allowEmpty": false},
                    "syncOptions": ["CreateNamespace=true", "PruneLast=true"],
                    "retry": {"limit": 5, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}}
                }
            }
        })
    }

    #[test]
    fn the_seed_application_parses_with_nothing_unsupported() {
        let raw = seed();
        let app = Application::from_value(&raw).expect("valid");
        assert_eq!(app.metadata.name, "my-app");
        let src = app.spec.source.as_ref().expect("source");
        assert_eq!(src.revision(), "main");
        assert_eq!(
            src.kustomize.as_ref().map(|k| k.images.clone()),
            Some(vec!["myapp:v1.2.0".to_string()])
        );
        let auto = app.automated().expect("automated");
        assert!(auto.prune && auto.self_heal && !auto.allow_empty);
        let opts = app.sync_options();
        assert!(opts.create_namespace && opts.prune_last);
        assert!(Application::unsupported_fields(&raw).is_empty());
    }

    #[test]
    fn unsupported_fields_are_reported_by_path() {
        let mut raw = seed();
        raw["spec"]["source"]["helm"] = json!({"valueFiles": ["v.yaml"]});
        raw["spec"]["syncPolicy"]["managedNamespaceMetadata"] = json!({"labels": {}});
        raw["operation"] = json!({"sync": {}});
        assert_eq!(
            Application::unsupported_fields(&raw),
            [
                "spec.source.helm",
                "spec.syncPolicy.managedNamespaceMetadata",
                "operation"
            ]
        );
    }

    #[test]
    fn a_missing_repo_url_is_named() {
        let mut raw = seed();
        raw["spec"]["source"]
            .as_object_mut()
            .expect("source")
            .remove("repoURL");
        let err = Application::from_value(&raw).expect_err("invalid");
        assert_eq!(err.to_string(), "my-app: spec.source.repoURL is required");
    }
}
