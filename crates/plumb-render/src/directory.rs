//! Plain directories (Argo CD's directory source): `*.yaml`, `*.yml` and `*.json` files,
//! sorted by path, recursing only when asked, filtered by `include` / `exclude` globs
//! matched against the path relative to the application directory.
//!
//! As in Argo CD, symlinks are followed for files; symlinked directories are checked
//! but not descended into. Anything resolving outside the repository is an error;
//! dangling links are skipped. `.git` directories are never read.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::confine::{Root, slash_path};
use crate::error::{RenderError, Result};
use crate::glob::Glob;
use crate::{DirectoryOptions, Limits, Origin, yaml};

/// A manifest file to read: where it is and how users name it.
struct Manifest {
    real: PathBuf,
    repo_relative: String,
    json: bool,
    /// A kustomization found below the application path: an error when read.
    kustomization: bool,
}

pub(crate) fn render(
    root: &Root,
    app_dir: &Path,
    opts: &DirectoryOptions,
    limits: &Limits,
) -> Result<Vec<(Value, Origin)>> {
    let include = compile("include", opts.include.as_deref())?;
    let exclude = compile("exclude", opts.exclude.as_deref())?;
    let mut files = Vec::new();
    walk(root, app_dir, app_dir, opts.recurse, &mut files)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));

    let mut objects = Vec::new();
    let mut total: u64 = 0;
    for (app_relative, manifest) in files {
        if exclude.as_ref().is_some_and(|g| g.matches(&app_relative)) {
            continue;
        }
        if include.as_ref().is_some_and(|g| !g.matches(&app_relative)) {
            continue;
        }
        if manifest.kustomization {
            return Err(RenderError::UnsupportedSource {
                path: manifest.repo_relative,
                problem: "a kustomization below the application path: directory \
                          applications read plain manifests only (point the path at it, \
                          or exclude it)"
                    .to_string(),
            });
        }
        let text = read(&manifest, limits, &mut total)?;
        let parsed = yaml::parse_manifests(&manifest.repo_relative, &text, manifest.json, limits)?;
        objects.extend(parsed);
        if objects.len() > limits.max_objects {
            return Err(RenderError::TooManyObjects {
                path: root.relative(app_dir),
                limit: limits.max_objects,
            });
        }
    }
    Ok(objects)
}

fn compile(field: &'static str, pattern: Option<&str>) -> Result<Option<Glob>> {
    match pattern.filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => Glob::new(p).map(Some).map_err(|problem| RenderError::Glob {
            field,
            pattern: p.to_string(),
            problem,
        }),
    }
}

/// Collects manifest files as `(path relative to the app dir, manifest)`.
fn walk(
    root: &Root,
    app_dir: &Path,
    dir: &Path,
    recurse: bool,
    out: &mut Vec<(String, Manifest)>,
) -> Result<()> {
    let io = |path: &Path, source| RenderError::Io {
        path: root.relative(path),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| io(&path, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if file_type.is_symlink() {
            let Some(target) = root.resolve_link(&path)? else {
                tracing::debug!(file = %root.relative(&path), "skipping dangling symlink");
                continue;
            };
            if target.is_dir() {
                continue;
            }
            push_manifest(root, app_dir, path, target, &name, out);
        } else if file_type.is_dir() {
            if recurse && name != ".git" {
                walk(root, app_dir, &path, recurse, out)?;
            }
        } else if file_type.is_file() {
            push_manifest(root, app_dir, path.clone(), path, &name, out);
        }
    }
    Ok(())
}

fn push_manifest(
    root: &Root,
    app_dir: &Path,
    path: PathBuf,
    real: PathBuf,
    name: &str,
    out: &mut Vec<(String, Manifest)>,
) {
    let json = name.ends_with(".json");
    if !(json || name.ends_with(".yaml") || name.ends_with(".yml")) {
        return;
    }
    // Argo CD fails on these too: a directory application reads plain manifests only.
    let kustomization = name == "kustomization.yaml" || name == "kustomization.yml";
    let app_relative = path
        .strip_prefix(app_dir)
        .map(slash_path)
        .unwrap_or_else(|_| name.to_string());
    out.push((
        app_relative,
        Manifest {
            real,
            repo_relative: root.relative(&path),
            json,
            kustomization,
        },
    ));
}

fn read(m: &Manifest, limits: &Limits, total: &mut u64) -> Result<String> {
    let io = |source| RenderError::Io {
        path: m.repo_relative.clone(),
        source,
    };
    let size = std::fs::metadata(&m.real).map_err(io)?.len();
    if size > limits.max_file_bytes {
        return Err(RenderError::TooLarge {
            path: m.repo_relative.clone(),
            size,
            limit: limits.max_file_bytes,
        });
    }
    *total += size;
    if *total > limits.max_total_bytes {
        return Err(RenderError::TooLarge {
            path: m.repo_relative.clone(),
            size: *total,
            limit: limits.max_total_bytes,
        });
    }
    let bytes = std::fs::read(&m.real).map_err(io)?;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(RenderError::TooLarge {
            path: m.repo_relative.clone(),
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    String::from_utf8(bytes).map_err(|_| RenderError::NotUtf8 {
        path: m.repo_relative.clone(),
    })
}
