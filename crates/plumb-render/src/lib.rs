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
    /// Where each object comes from, index for index with `objects`.
    pub origins: Vec<Origin>,
    /// How they were produced.
    pub source: SourceKind,
}

/// Where an object was read: for messages that point users at the line to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file relative to the repository (for Kustomize, the application path and
    /// ` (kustomize build output)`).
    pub file: String,
    /// 1-based line where the object's document starts.
    pub line: u64,
    /// 1-based index of the document in the file.
    pub document: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} (document {})",
            self.file, self.line, self.document
        )
    }
}

/// Renders an application path with the default [`Limits`].
pub fn render(req: &RenderRequest) -> Result<Rendered> {
    render_with_limits(req, &Limits::default())
}

/// Renders an application path.
#[tracing::instrument(name = "render", level = "debug", skip_all, fields(path = req.path))]
pub fn render_with_limits(req: &RenderRequest, limits: &Limits) -> Result<Rendered> {
    let root = confine::Root::new(req.repo_root)?;
    let app_dir = root.app_dir(req.path)?;
    if app_dir.join("Chart.yaml").is_file() {
        return Err(RenderError::UnsupportedSource {
            path: root.relative(&app_dir),
            problem: "a Helm chart (Chart.yaml): Helm sources are not supported".to_string(),
        });
    }
    let (found, source) = if plumb_kustomize::has_kustomization(&app_dir) {
        let found = kustomize::render(&root, &app_dir, req.kustomize, limits)?;
        (found, SourceKind::Kustomize)
    } else {
        let found = directory::render(&root, &app_dir, &req.directory, limits)?;
        (found, SourceKind::Directory)
    };
    refuse_duplicates(&found)?;
    let (objects, origins): (Vec<Value>, Vec<Origin>) = found.into_iter().unzip();
    tracing::debug!(objects = objects.len(), ?source, "rendered");
    Ok(Rendered {
        objects,
        origins,
        source,
    })
}

/// The same object (group, kind, namespace, name) declared twice is ambiguous desired
/// state: refused, naming both places.
fn refuse_duplicates(found: &[(Value, Origin)]) -> Result<()> {
    let mut seen: std::collections::HashMap<[&str; 4], &Origin> = std::collections::HashMap::new();
    for (obj, origin) in found {
        let text = |p: &str| obj.pointer(p).and_then(Value::as_str).unwrap_or("");
        let group = text("/apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
        let id = [
            group,
            text("/kind"),
            text("/metadata/namespace"),
            text("/metadata/name"),
        ];
        if let Some(first) = seen.insert(id, origin) {
            return Err(RenderError::Duplicate {
                path: origin.file.clone(),
                line: origin.line,
                index: origin.document,
                object: format!("{}/{}", id[1], id[3]),
                first: first.to_string(),
            });
        }
    }
    Ok(())
}
