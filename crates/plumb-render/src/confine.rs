//! Path confinement: the application path and every file read stay inside the
//! repository, whether they get out through an absolute path, `..` or a symlink.

use std::path::{Component, Path, PathBuf};

use crate::error::{RenderError, Result};

/// The canonical repository root, and how to name paths relative to it.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    canon: PathBuf,
}

impl Root {
    pub(crate) fn new(root: &Path) -> Result<Root> {
        let canon = root
            .canonicalize()
            .map_err(|source| RenderError::RepoRoot {
                root: root.display().to_string(),
                source,
            })?;
        Ok(Root { canon })
    }

    /// The canonical root.
    pub(crate) fn path(&self) -> &Path {
        &self.canon
    }

    /// The application directory, checked lexically (no absolute path, no `..` above
    /// the root) and after resolving symlinks.
    pub(crate) fn app_dir(&self, path: &str) -> Result<PathBuf> {
        let rel = Path::new(path);
        let mut depth: usize = 0;
        for c in rel.components() {
            match c {
                Component::Prefix(_) | Component::RootDir => {
                    return Err(RenderError::AbsolutePath { path: path.into() });
                }
                Component::ParentDir => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| RenderError::OutsideRepo { path: path.into() })?;
                }
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
            }
        }
        let joined = self.canon.join(rel);
        let canon = match joined.canonicalize() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RenderError::NotADirectory { path: path.into() });
            }
            Err(source) => {
                return Err(RenderError::Io {
                    path: path.into(),
                    source,
                });
            }
        };
        if !canon.starts_with(&self.canon) {
            return Err(RenderError::OutsideRepo { path: path.into() });
        }
        if !canon.is_dir() {
            return Err(RenderError::NotADirectory { path: path.into() });
        }
        Ok(canon)
    }

    /// Resolves a symlink found while walking; `Ok(None)` for a dangling one (skipped,
    /// as Argo CD does), an error when it resolves outside the repository.
    pub(crate) fn resolve_link(&self, link: &Path) -> Result<Option<PathBuf>> {
        match link.canonicalize() {
            Ok(target) if target.starts_with(&self.canon) => Ok(Some(target)),
            Ok(_) => Err(RenderError::OutsideRepo {
                path: self.relative(link),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(RenderError::Io {
                path: self.relative(link),
                source,
            }),
        }
    }

    /// A path as users name it: relative to the repository root, `/`-separated.
    pub(crate) fn relative(&self, p: &Path) -> String {
        match p.strip_prefix(&self.canon) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_string(),
            Ok(rel) => slash_path(rel),
            Err(_) => p.display().to_string(),
        }
    }
}

/// A relative path with `/` separators.
pub(crate) fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
