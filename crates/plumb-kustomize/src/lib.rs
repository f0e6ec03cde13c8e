//! Native Kustomize: `build` produces what `kustomize build` (v5.5) produces, byte for
//! byte, without a subprocess.
//!
//! ```no_run
//! let out = plumb_kustomize::build(
//!     std::path::Path::new("overlays/prod"),
//!     &plumb_kustomize::Options::default(),
//! )?;
//! print!("{out}");
//! # Ok::<(), plumb_kustomize::Error>(())
//! ```

mod crds;
pub mod edit;
mod error;
mod fieldspec;
mod generate;
mod hash;
mod kustomization;
mod loader;
mod output;
pub mod overrides;
mod patch;
mod plugins;
mod replacements;
mod resource;
mod sort;
mod target;
mod transform;
mod vars;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use error::Error;
pub use overrides::{Overrides, build_with_overrides};

/// How the output is ordered (`kubectl kustomize --reorder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reorder {
    /// kustomize's legacy kind order (Namespaces first, webhooks last).
    #[default]
    Legacy,
    /// Input order.
    None,
}

/// Which files a kustomization may read (`--load-restrictor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadRestrictor {
    /// Files under the kustomization's own directory only.
    #[default]
    RootOnly,
    /// Any file (still inside `repo_root` when set).
    None,
}

/// Build options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub reorder: Reorder,
    pub load_restrictor: LoadRestrictor,
    /// Nothing outside this directory is read, symlinks included. `None`: no limit
    /// beyond the load restrictor.
    pub repo_root: Option<PathBuf>,
}

/// Builds the kustomization at `path` and returns what `kubectl kustomize` prints.
pub fn build(path: &Path, opts: &Options) -> Result<String, Error> {
    let resources = build_resources(path, opts)?;
    output::render(resources)
}

/// Builds the kustomization at `path` into its final objects.
fn build_resources(path: &Path, opts: &Options) -> Result<Vec<resource::Resource>, Error> {
    build_resources_edited(path, opts, &mut |_| Ok(()))
}

/// Builds after editing the top kustomization in memory.
pub(crate) fn build_edited(
    path: &Path,
    opts: &Options,
    edit: &mut dyn FnMut(&mut yaml::Mapping) -> Result<(), Error>,
) -> Result<String, Error> {
    let resources = build_resources_edited(path, opts, edit)?;
    output::render(resources)
}

fn build_resources_edited(
    path: &Path,
    opts: &Options,
    edit: &mut dyn FnMut(&mut yaml::Mapping) -> Result<(), Error>,
) -> Result<Vec<resource::Resource>, Error> {
    let loader = loader::Loader::new(opts.load_restrictor, opts.repo_root.as_deref())?;
    // A custom `openapi` schema lasts for this build only.
    let _schema = patch::schema::install(None);
    let root = loader::join_clean(path, "");
    let mut ctx = target::Ctx {
        loader: &loader,
        stack: Vec::new(),
        openapi: None,
        root: root.clone(),
        track: false,
    };
    // Transformations are recorded only when the top kustomization asks for them.
    if let Ok(top) = ctx.load_kustomization(path) {
        ctx.track = top
            .strings("buildMetadata")
            .unwrap_or_default()
            .iter()
            .any(|o| o == "transformerAnnotations");
    }
    let mut acc = target::Accumulated {
        config: fieldspec::TransformerConfig::builtin(),
        ..Default::default()
    };
    let k = ctx.accumulate_edited(path, &mut acc, edit)?;
    finish(&k, acc, opts).map_err(|e| e.in_file(&k.file))
}

fn finish(
    k: &kustomization::Kustomization,
    mut acc: target::Accumulated,
    opts: &Options,
) -> Result<Vec<resource::Resource>, Error> {
    for r in acc.resources.iter_mut().filter(|r| r.needs_hash) {
        let h = hash::name_hash(r);
        let name = format!("{}-{h}", r.name());
        r.set_name(&name);
    }
    transform::nameref::fix(&mut acc.resources, &acc.config.name_reference)?;
    vars::resolve(&mut acc.resources, &acc.vars, &acc.config.var_reference)?;
    acc.resources.retain(|r| {
        r.node.str_at(&[
            "metadata",
            "annotations",
            "config.kubernetes.io/local-config",
        ]) != Some("true")
    });
    sort::apply(&mut acc.resources, k, opts.reorder)?;
    output::build_metadata(&mut acc.resources, k)?;
    Ok(acc.resources)
}

/// Whether `dir` holds a kustomization file.
pub fn has_kustomization(dir: &Path) -> bool {
    loader::KUSTOMIZATION_FILES
        .iter()
        .any(|f| dir.join(f).is_file())
}

/// Prints the objects of a plain directory of YAML files (`*.yaml`, `*.yml`, `*.json`,
/// in name order, not recursive) the way kustomize prints a kustomization listing them.
pub fn render_plain_dir(dir: &Path) -> Result<String, Error> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::msg(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|x| x.to_str())
                    .is_some_and(|x| matches!(x, "yaml" | "yml" | "json"))
        })
        .collect();
    files.sort();
    let loader = loader::Loader::new(LoadRestrictor::RootOnly, Some(dir))?;
    let mut all = Vec::new();
    for f in files {
        let text = loader
            .read_file(dir, &f, false)
            .map_err(|e| e.in_file(&f))?;
        for r in target::resources_from_text(&text).map_err(|e| e.in_file(&f))? {
            target::append_unique(&mut all, r).map_err(|e| e.in_file(&f))?;
        }
    }
    output::render(all)
}
