//! Desired objects from a source tree: a directory of YAML and JSON manifests (Argo CD's
//! `source.directory`) or a Kustomize root (Argo CD's `source.kustomize`), confined to
//! the repository.
//!
//! ```no_run
//! use plumb_render::{DirectoryOptions, RenderRequest, render};
//!
//! let rendered = render(&RenderRequest {
//!     repo_root: std::path::Path::new("/var/cache/plumb/repo"),
//!     path: "manifests/prod",
//!     directory: DirectoryOptions::default(),
//!     kustomize: None,
//! })?;
//! println!("{} objects", rendered.objects.len());
//! # Ok::<(), plumb_render::RenderError>(())
//! ```
//!
//! Nothing is returned partially: any unreadable file, malformed document or object
//! without `apiVersion`, `kind` or `metadata.name` fails the whole render, with the file
//! (relative to the repository), line and column in the message.

mod confine;
mod directory;
mod error;
mod glob;
mod kustomize;
mod yaml;

use std::path::Path;

use serde_json::Value;

pub use error::{RenderError, Result};
pub use glob::Glob;
/// Argo CD's `source.kustomize` overrides (`images`, `namePrefix`, `nameSuffix`,
/// `namespace`, `commonLabels`, `commonAnnotations`, `replicas`, `patches`), applied as
/// `kustomize edit` would before building.
pub use plumb_kustomize::Overrides as KustomizeOverrides;

/// Argo CD's `source.directory` options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryOptions {
    /// Read subdirectories too (`directory.recurse`).
    pub recurse: bool,
    /// Only files whose path relative to the application path matches this glob
    /// (`directory.include`: one glob, or `{a,b}` alternatives; `*` crosses `/`).
    pub include: Option<String>,
    /// Skip files whose relative path matches this glob (`directory.exclude`).
    pub exclude: Option<String>,
}

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderRequest<'a> {
    /// The checked-out repository; nothing outside it is read.
    pub repo_root: &'a Path,
    /// The application path, relative to `repo_root` (`""` or `"."` for the root).
    pub path: &'a str,
    /// Options for plain directories (ignored for Kustomize roots, as Argo CD does).
    pub directory: DirectoryOptions,
    /// Argo CD's `source.kustomize` overrides, for Kustomize roots.
    pub kustomize: Option<&'a KustomizeOverrides>,
}

/// Upper bounds that make a hostile or broken repository fail fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest manifest file, in bytes.
    pub max_file_bytes: u64,
    /// Largest sum of all manifest files read, in bytes.
    pub max_total_bytes: u64,
    /// Largest single YAML document, in bytes.
    pub max_document_bytes: usize,
    /// Most YAML nodes in one document (alias expansions included; parser events are
    /// capped at four times this).
    pub max_nodes: usize,
    /// Deepest nesting of one document.
    pub max_depth: usize,
    /// Most objects in the whole render.
    pub max_objects: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 8 << 20,
            max_total_bytes: 64 << 20,
            max_document_bytes: 4 << 20,
            max_nodes: 250_000,
            max_depth: 128,
            max_objects: 20_000,
        }
    }
}

/// Where the objects came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A directory of YAML and JSON files.
    Directory,
    /// A Kustomize root (`kustomization.yaml`, `kustomization.yml` or `Kustomization`).
    Kustomize,
}

/// The desired objects of an application path.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The objects, in file order (sorted paths, then document order) or in the order
    /// `kustomize build` prints them.
    pub objects: Vec<Value>,
    /// How they were produced.
    pub source: SourceKind,
}

/// Renders an application path with the default [`Limits`].
pub fn render(req: &RenderRequest) -> Result<Rendered> {
    render_with_limits(req, &Limits::default())
}

/// Renders an application path.
#[tracing::instrument(level = "debug", skip_all, fields(path = req.path))]
pub fn render_with_limits(req: &RenderRequest, limits: &Limits) -> Result<Rendered> {
    let root = confine::Root::new(req.repo_root)?;
    let app_dir = root.app_dir(req.path)?;
    if plumb_kustomize::has_kustomization(&app_dir) {
        let objects = kustomize::render(&root, &app_dir, req.kustomize, limits)?;
        tracing::debug!(objects = objects.len(), "rendered kustomization");
        return Ok(Rendered {
            objects,
            source: SourceKind::Kustomize,
        });
    }
    let objects = directory::render(&root, &app_dir, &req.directory, limits)?;
    tracing::debug!(objects = objects.len(), "rendered directory");
    Ok(Rendered {
        objects,
        source: SourceKind::Directory,
    })
}
