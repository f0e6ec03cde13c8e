//! Commit trees on disk: `<cache>/trees/<sha>/`, written once, read-only,
//! shared by every Application at that commit; plus path confinement.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use gix::ObjectId;
use gix::objs::tree::EntryKind;

use crate::error::{Error, Result};
use crate::mirror::Mirror;

/// Symlink hops followed before a path is declared a loop.
const MAX_SYMLINK_HOPS: usize = 40;

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Write the tree of `commit` to `<trees_dir>/<sha>` unless it is there already.
///
/// The tree is written to a temporary directory, checked for symlinks
/// escaping it, made read-only and renamed into place, so a visible
/// `<sha>` directory is always complete.
pub(crate) fn materialize(
    mirror: &Mirror,
    repo: &gix::Repository,
    commit: ObjectId,
    trees_dir: &Path,
) -> Result<PathBuf> {
    let hex = commit.to_hex().to_string();
    let dest = trees_dir.join(&hex);
    if dest.is_dir() {
        return Ok(dest);
    }
    std::fs::create_dir_all(trees_dir).map_err(|e| Error::io("creating", trees_dir, e))?;
    let tmp = trees_dir.join(format!(
        ".tmp-{hex}-{}-{}",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = write_checked(mirror, repo, commit, &tmp);
    if let Err(e) = result {
        remove_tree(&tmp);
        return Err(e);
    }
    match std::fs::rename(&tmp, &dest) {
        Ok(()) => Ok(dest),
        // Someone else finished the same commit first: theirs is as good as ours.
        Err(_) if dest.is_dir() => {
            remove_tree(&tmp);
            Ok(dest)
        }
        Err(e) => {
            remove_tree(&tmp);
            Err(Error::io("renaming", &tmp, e))
        }
    }
}

fn write_checked(
    mirror: &Mirror,
    repo: &gix::Repository,
    commit: ObjectId,
    root: &Path,
) -> Result<()> {
    let mirror_failed = |e: &dyn std::fmt::Display| Error::MirrorFailed {
        url: mirror.url.display.clone(),
        message: e.to_string(),
    };
    let tree_id = repo
        .find_commit(commit)
        .map_err(|e| mirror_failed(&e))?
        .tree_id()
        .map_err(|e| mirror_failed(&e))?
        .detach();
    std::fs::create_dir(root).map_err(|e| Error::io("creating", root, e))?;
    let mut symlinks = Vec::new();
    let mut pending = vec![(tree_id, PathBuf::new())];
    while let Some((id, rel)) = pending.pop() {
        let tree = repo.find_tree(id).map_err(|e| mirror_failed(&e))?;
        let decoded = tree.decode().map_err(|e| mirror_failed(&e))?;
        for entry in &decoded.entries {
            let name: &[u8] = entry.filename.as_ref();
            let child_rel = rel.join(std::ffi::OsStr::from_bytes(name));
            if name.is_empty()
                || name == b"."
                || name == b".."
                || name.contains(&b'/')
                || name.contains(&0)
                || name.eq_ignore_ascii_case(b".git")
            {
                return Err(Error::UnsafeTreeEntry {
                    file: child_rel.to_string_lossy().escape_debug().to_string(),
                });
            }
            let path = root.join(&child_rel);
            match entry.mode.kind() {
                EntryKind::Tree => {
                    std::fs::create_dir(&path).map_err(|e| Error::io("creating", &path, e))?;
                    pending.push((entry.oid.to_owned(), child_rel));
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    let blob = repo.find_blob(entry.oid).map_err(|e| mirror_failed(&e))?;
                    std::fs::write(&path, &blob.data)
                        .map_err(|e| Error::io("writing", &path, e))?;
                    let mode = if entry.mode.kind() == EntryKind::BlobExecutable {
                        0o555
                    } else {
                        0o444
                    };
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                        .map_err(|e| Error::io("setting permissions of", &path, e))?;
                }
                EntryKind::Link => {
                    let blob = repo.find_blob(entry.oid).map_err(|e| mirror_failed(&e))?;
                    let target = std::ffi::OsStr::from_bytes(&blob.data);
                    std::os::unix::fs::symlink(target, &path)
                        .map_err(|e| Error::io("creating symlink", &path, e))?;
                    symlinks.push(child_rel);
                }
                // Submodules are not fetched: an empty directory, as `git clone` leaves it.
                EntryKind::Commit => {
                    std::fs::create_dir(&path).map_err(|e| Error::io("creating", &path, e))?;
                }
            }
        }
    }
    for link in symlinks {
        if resolve_in_tree(root, &link)? == Resolved::Escapes {
            return Err(Error::SymlinkEscapes {
                file: link.to_string_lossy().into_owned(),
            });
        }
    }
    set_dirs_read_only(root, true)
}

/// Where a path inside a tree leads, symlinks followed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// The symlink-free path relative to the root (it may not exist).
    Inside(PathBuf),
    /// It leaves the root (absolute symlink target or `..` past the root).
    Escapes,
    /// Too many symlink hops.
    Loop,
}

/// Resolve `rel` under `root` component by component, following symlinks
/// without ever touching anything outside of `root`.
pub(crate) fn resolve_in_tree(root: &Path, rel: &Path) -> Result<Resolved> {
    let mut queue: VecDeque<OsString> = VecDeque::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => queue.push_back(n.to_owned()),
            Component::ParentDir => queue.push_back("..".into()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Ok(Resolved::Escapes),
        }
    }
    let mut stack: Vec<OsString> = Vec::new();
    let mut hops = 0;
    while let Some(name) = queue.pop_front() {
        if name == ".." {
            if stack.pop().is_none() {
                return Ok(Resolved::Escapes);
            }
            continue;
        }
        let candidate: PathBuf = root.join(stack.iter().collect::<PathBuf>()).join(&name);
        match std::fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_symlink() => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Ok(Resolved::Loop);
                }
                let target = std::fs::read_link(&candidate)
                    .map_err(|e| Error::io("reading symlink", &candidate, e))?;
                let mut front = Vec::new();
                for c in target.components() {
                    match c {
                        Component::Normal(n) => front.push(n.to_owned()),
                        Component::ParentDir => front.push("..".into()),
                        Component::CurDir => {}
                        Component::RootDir | Component::Prefix(_) => return Ok(Resolved::Escapes),
                    }
                }
                for n in front.into_iter().rev() {
                    queue.push_front(n);
                }
            }
            Ok(_) => stack.push(name),
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    || e.kind() == std::io::ErrorKind::NotADirectory =>
            {
                stack.push(name)
            }
            Err(e) => return Err(Error::io("inspecting", &candidate, e)),
        }
    }
    Ok(Resolved::Inside(stack.iter().collect()))
}

/// The directory of an Application `path` inside a materialized tree.
///
/// Refused with [`Error::PathEscapes`]: absolute paths, `..` climbing out,
/// symlinks leading out. A path that does not exist is [`Error::PathNotFound`].
pub(crate) fn confine(root: &Path, app_path: &str) -> Result<PathBuf> {
    let escapes = || Error::PathEscapes {
        path: app_path.escape_debug().to_string(),
    };
    if app_path.starts_with('/') || app_path.contains('\0') {
        return Err(escapes());
    }
    match resolve_in_tree(root, Path::new(app_path))? {
        Resolved::Escapes => Err(escapes()),
        Resolved::Loop => Err(Error::PathNotFound {
            path: app_path.to_owned(),
        }),
        Resolved::Inside(rel) => {
            let full = root.join(rel);
            if full.exists() {
                Ok(full)
            } else {
                Err(Error::PathNotFound {
                    path: app_path.to_owned(),
                })
            }
        }
    }
}

/// Make every directory under `root` (and `root`) read-only, or writable again.
fn set_dirs_read_only(root: &Path, read_only: bool) -> Result<()> {
    let mode = if read_only { 0o555 } else { 0o755 };
    let mut dirs = vec![root.to_path_buf()];
    let mut all = Vec::new();
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| Error::io("reading", &dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io("reading", &dir, e))?;
            let ft = entry
                .file_type()
                .map_err(|e| Error::io("reading", &entry.path(), e))?;
            if ft.is_dir() {
                dirs.push(entry.path());
            }
        }
        all.push(dir);
    }
    // Children before parents when locking, parents before children when unlocking.
    if read_only {
        all.reverse();
    }
    for dir in all {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io("setting permissions of", &dir, e))?;
    }
    Ok(())
}

/// Delete a (possibly read-only) tree, ignoring errors: used for cleanup and eviction.
pub(crate) fn remove_tree(path: &Path) {
    if std::fs::symlink_metadata(path).is_err() {
        return;
    }
    // Unlocking top-down needs the parent writable first; do it level by level.
    let _ = unlock_recursive(path);
    if let Err(e) = std::fs::remove_dir_all(path) {
        tracing::warn!(path = %path.display(), error = %e, "removing a cached tree failed");
    }
}

fn unlock_recursive(dir: &Path) -> std::io::Result<()> {
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            unlock_recursive(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("a/b")).expect("mkdir");
        symlink("a/b", dir.path().join("deep")).expect("symlink");
        symlink(".", dir.path().join("here")).expect("symlink");
        symlink("loop2", dir.path().join("loop1")).expect("symlink");
        symlink("loop1", dir.path().join("loop2")).expect("symlink");
        dir
    }

    #[test]
    fn symlinks_inside_the_tree_resolve_to_symlink_free_paths() {
        let t = tree();
        let r = |p: &str| resolve_in_tree(t.path(), Path::new(p)).expect("resolves");
        assert_eq!(r("deep"), Resolved::Inside("a/b".into()));
        assert_eq!(
            r("deep/../b"),
            Resolved::Inside("a/b".into()),
            "`..` after a symlink is physical"
        );
        assert_eq!(r("here/a"), Resolved::Inside("a".into()));
        assert_eq!(r("missing/x"), Resolved::Inside("missing/x".into()));
    }

    #[test]
    fn climbing_out_lexically_or_through_symlinks_escapes() {
        let t = tree();
        let r = |p: &str| resolve_in_tree(t.path(), Path::new(p)).expect("resolves");
        assert_eq!(r(".."), Resolved::Escapes);
        assert_eq!(r("here/.."), Resolved::Escapes);
        assert_eq!(r("deep/../../.."), Resolved::Escapes);
        assert_eq!(r("missing/../.."), Resolved::Escapes);
        assert_eq!(r("/etc"), Resolved::Escapes);
    }

    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let t = tree();
        assert_eq!(
            resolve_in_tree(t.path(), Path::new("loop1")).expect("resolves"),
            Resolved::Loop
        );
        assert!(matches!(
            confine(t.path(), "loop1"),
            Err(Error::PathNotFound { .. })
        ));
    }
}
