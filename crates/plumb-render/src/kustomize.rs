//! Kustomize roots: `plumb_kustomize::build` confined to the repository (load
//! restrictor `RootOnly`, legacy order, as Argo CD's defaults), with Argo CD's
//! `source.kustomize` overrides applied by `plumb_kustomize::build_with_overrides` (the
//! same edits `kustomize edit` makes, in memory), its output parsed into objects.

use std::path::Path;

use serde_json::Value;

use crate::confine::Root;
use crate::error::{RenderError, Result};
use crate::{KustomizeOverrides, Limits, Origin, yaml};

pub(crate) fn render(
    root: &Root,
    app_dir: &Path,
    overrides: Option<&KustomizeOverrides>,
    limits: &Limits,
) -> Result<Vec<(Value, Origin)>> {
    let app = root.relative(app_dir);
    let opts = plumb_kustomize::Options {
        reorder: plumb_kustomize::Reorder::Legacy,
        load_restrictor: plumb_kustomize::LoadRestrictor::RootOnly,
        repo_root: Some(root.path().to_path_buf()),
    };
    let built = match overrides {
        Some(o) => plumb_kustomize::build_with_overrides(app_dir, o, &opts),
        None => plumb_kustomize::build(app_dir, &opts),
    };
    let text = built.map_err(|e| RenderError::Kustomize {
        path: app.clone(),
        message: relative_message(root, &e.to_string()),
    })?;
    let source = format!("{app} (kustomize build output)");
    let objects = yaml::parse_manifests(&source, &text, false, limits)?;
    if objects.len() > limits.max_objects {
        return Err(RenderError::TooManyObjects {
            path: app,
            limit: limits.max_objects,
        });
    }
    Ok(objects)
}

/// Kustomize names files by absolute path; users know them relative to the repository.
fn relative_message(root: &Root, message: &str) -> String {
    let prefix = format!("{}/", root.path().display());
    message
        .replace(&prefix, "")
        .replace(&root.path().display().to_string(), ".")
}
