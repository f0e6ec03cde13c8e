//! Reading files under kustomize's load restrictions: a kustomization reads files under
//! its own directory only (unless `LoadRestrictionsNone`), and nothing outside the
//! repository root is read at all. Paths are resolved through symlinks before checking.

use std::path::{Component, Path, PathBuf};

use crate::LoadRestrictor;
use crate::error::{Error, Result, bail};

/// Largest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 32 << 20;

/// The kustomization file names kustomize recognises, in its order of preference.
pub const KUSTOMIZATION_FILES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Filesystem access for one build.
#[derive(Debug)]
pub struct Loader {
    pub restrictor: LoadRestrictor,
    /// Canonical repository root, when confined.
    pub repo_root: Option<PathBuf>,
    /// Canonical forms of kustomization directories already resolved.
    dirs: std::cell::RefCell<std::collections::HashMap<PathBuf, PathBuf>>,
}

impl Loader {
    pub fn new(restrictor: LoadRestrictor, repo_root: Option<&Path>) -> Result<Loader> {
        let repo_root = match repo_root {
            Some(r) => Some(
                r.canonicalize()
                    .map_err(|e| Error::msg(format!("repository root {}: {e}", r.display())))?,
            ),
            None => None,
        };
        Ok(Loader {
            restrictor,
            repo_root,
            dirs: Default::default(),
        })
    }

    /// Resolves `path` (through symlinks) and checks it is inside the repository.
    pub fn resolve(&self, path: &Path) -> Result<PathBuf> {
        refuse_remote(&path.to_string_lossy())?;
        let canon = path.canonicalize().map_err(|e| {
            Error::msg(format!(
                "evalsymlink failure on '{}' : {}",
                path.display(),
                io_text(&e)
            ))
        })?;
        if let Some(root) = &self.repo_root
            && !canon.starts_with(root)
        {
            bail!(
                "security; file '{}' is not in or below the repository root '{}'",
                canon.display(),
                root.display()
            );
        }
        Ok(canon)
    }

    /// [`Loader::resolve`] for a kustomization directory, remembered.
    fn resolve_dir(&self, dir: &Path) -> Result<PathBuf> {
        if let Some(c) = self.dirs.borrow().get(dir) {
            return Ok(c.clone());
        }
        let c = self.resolve(dir)?;
        self.dirs.borrow_mut().insert(dir.to_path_buf(), c.clone());
        Ok(c)
    }

    /// Reads a file that a kustomization at `kust_dir` names, with the root-only rule
    /// applied unless `allow_outside` (entries of `resources`).
    pub fn read_file(&self, kust_dir: &Path, path: &Path, allow_outside: bool) -> Result<String> {
        self.read_file_with(kust_dir, path, allow_outside, None)
    }

    /// [`Loader::read_file`] with the file's `symlink_metadata` when the caller has it.
    pub fn read_file_with(
        &self,
        kust_dir: &Path,
        path: &Path,
        allow_outside: bool,
        meta: Option<std::fs::Metadata>,
    ) -> Result<String> {
        // Fast path: a regular file (not a symlink) directly in the kustomization's
        // directory is inside whatever that directory is inside.
        if path.parent() == Some(kust_dir)
            && let Some(meta) = meta.or_else(|| std::fs::symlink_metadata(path).ok())
            && meta.file_type().is_file()
        {
            // Confirms the directory is inside the repository.
            self.resolve_dir(kust_dir)?;
            if meta.len() > MAX_FILE_BYTES {
                bail!(
                    "file '{}' is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
                    path.display(),
                    meta.len()
                );
            }
            // The size is known: read without `fs::read`'s second metadata call.
            let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
            std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
                .map_err(|e| Error::msg(io_text(&e)))?;
            return String::from_utf8(bytes)
                .map_err(|_| Error::msg(format!("file '{}' is not UTF-8", path.display())));
        }
        let canon = self.resolve(path)?;
        if !allow_outside && self.restrictor == LoadRestrictor::RootOnly {
            let root = self.resolve_dir(kust_dir)?;
            if !canon.starts_with(&root) {
                bail!(
                    "security; file '{}' is not in or below '{}'",
                    canon.display(),
                    root.display()
                );
            }
        }
        if canon.is_dir() {
            bail!("'{}' is a directory", path.display());
        }
        let meta = std::fs::metadata(&canon).map_err(|e| Error::msg(io_text(&e)))?;
        if meta.len() > MAX_FILE_BYTES {
            bail!(
                "file '{}' is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
                path.display(),
                meta.len()
            );
        }
        let bytes = std::fs::read(&canon).map_err(|e| Error::msg(io_text(&e)))?;
        String::from_utf8(bytes)
            .map_err(|_| Error::msg(format!("file '{}' is not UTF-8", path.display())))
    }

    /// Reads raw bytes (generator file sources), root-only rule applied.
    pub fn read_bytes(&self, kust_dir: &Path, path: &Path) -> Result<Vec<u8>> {
        let canon = self.resolve(path)?;
        if self.restrictor == LoadRestrictor::RootOnly {
            let root = self.resolve_dir(kust_dir)?;
            if !canon.starts_with(&root) {
                bail!(
                    "security; file '{}' is not in or below '{}'",
                    canon.display(),
                    root.display()
                );
            }
        }
        let meta = std::fs::metadata(&canon).map_err(|e| Error::msg(io_text(&e)))?;
        if meta.len() > MAX_FILE_BYTES {
            bail!("file '{}' is over the size limit", path.display());
        }
        std::fs::read(&canon).map_err(|e| Error::msg(io_text(&e)))
    }

    /// The kustomization file of a directory, if there is one. More than one is an error.
    pub fn find_kustomization(&self, dir: &Path) -> Result<Option<PathBuf>> {
        let mut found = Vec::new();
        for name in KUSTOMIZATION_FILES {
            let p = dir.join(name);
            if p.is_file() {
                found.push(p);
            }
        }
        if found.len() > 1 {
            bail!(
                "Found multiple kustomization files under: {}",
                dir.display()
            );
        }
        Ok(found.pop())
    }
}

/// Refuses URLs: plumb builds from the checked-out tree only.
pub fn refuse_remote(entry: &str) -> Result<()> {
    for scheme in ["https:/", "http:/", "git::", "ssh:/", "git@", "file:/"] {
        if let Some(i) = entry.find(scheme) {
            let url = entry[i..].replacen(":/", "://", 1).replace(":///", "://");
            bail!("remote resources are not supported by plumb's native kustomize: {url}");
        }
    }
    Ok(())
}

/// Joins a relative entry to a directory and normalises `.` and `..` lexically.
pub fn join_clean(dir: &Path, entry: &str) -> PathBuf {
    let joined = dir.join(entry);
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn io_text(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
