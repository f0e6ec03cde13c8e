//! Kustomize roots: `plumb_kustomize::build` confined to the repository, its output
//! parsed into objects, and Argo CD's `source.kustomize` overrides.

use std::path::Path;

use serde_json::Value;

use crate::confine::Root;
use crate::error::{RenderError, Result};
use crate::{Limits, yaml};

/// Argo CD's `source.kustomize` fields that change what a kustomization builds.
///
/// Until `plumb-kustomize` exposes an overrides API, `images` and `replicas` are applied
/// to the built objects (with kustomize's image matching rules); the other fields are
/// refused with [`RenderError::Override`] rather than silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KustomizeOverrides {
    /// `images`: `name:tag`, `name@digest`, `name=newName`, `name=newName:tag`.
    pub images: Vec<KustomizeImage>,
    /// `namePrefix`.
    pub name_prefix: Option<String>,
    /// `nameSuffix`.
    pub name_suffix: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `commonLabels`.
    pub common_labels: Vec<(String, String)>,
    /// `commonAnnotations`.
    pub common_annotations: Vec<(String, String)>,
    /// `replicas`.
    pub replicas: Vec<KustomizeReplica>,
    /// `patches`, as kustomize patch entries (`{patch, target, path}`).
    pub patches: Vec<Value>,
}

/// One Argo CD `kustomize.images` entry, as written (`myapp:v1.2.0`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeImage(pub String);

/// One Argo CD `kustomize.replicas` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeReplica {
    /// The workload's name.
    pub name: String,
    /// The replica count.
    pub count: i64,
}

pub(crate) fn render(
    root: &Root,
    app_dir: &Path,
    overrides: Option<&KustomizeOverrides>,
    limits: &Limits,
) -> Result<Vec<Value>> {
    let app = root.relative(app_dir);
    if let Some(o) = overrides {
        refuse_unsupported(&app, o)?;
    }
    let opts = plumb_kustomize::Options {
        reorder: plumb_kustomize::Reorder::Legacy,
        load_restrictor: plumb_kustomize::LoadRestrictor::RootOnly,
        repo_root: Some(root.path().to_path_buf()),
    };
    let text = plumb_kustomize::build(app_dir, &opts).map_err(|e| RenderError::Kustomize {
        path: app.clone(),
        message: relative_message(root, &e.to_string()),
    })?;
    let source = format!("{app} (kustomize build output)");
    let mut objects = yaml::parse_manifests(&source, &text, false, limits)?;
    if objects.len() > limits.max_objects {
        return Err(RenderError::TooManyObjects {
            path: app,
            limit: limits.max_objects,
        });
    }
    if let Some(o) = overrides {
        crate::overrides::apply(&app, o, &mut objects)?;
    }
    Ok(objects)
}

fn refuse_unsupported(app: &str, o: &KustomizeOverrides) -> Result<()> {
    let unsupported: [(&'static str, bool); 6] = [
        ("namePrefix", o.name_prefix.is_some()),
        ("nameSuffix", o.name_suffix.is_some()),
        ("namespace", o.namespace.is_some()),
        ("commonLabels", !o.common_labels.is_empty()),
        ("commonAnnotations", !o.common_annotations.is_empty()),
        ("patches", !o.patches.is_empty()),
    ];
    match unsupported.iter().find(|(_, set)| *set) {
        Some((field, _)) => Err(RenderError::Override {
            path: app.to_string(),
            field,
            problem: "not supported yet (only images and replicas are)".to_string(),
        }),
        None => Ok(()),
    }
}

/// Kustomize names files by absolute path; users know them relative to the repository.
fn relative_message(root: &Root, message: &str) -> String {
    let prefix = format!("{}/", root.path().display());
    message
        .replace(&prefix, "")
        .replace(&root.path().display().to_string(), ".")
}
