//! Revisions: validation of what an Application asks for, the refs a remote
//! advertised, and the resolved commit reported Flux-style (`main@sha1:<hex>`).

use std::collections::BTreeMap;

use gix::ObjectId;

use crate::error::{Error, Result};

/// Refuse revisions that could be taken for options or revision syntax.
///
/// Refused: empty names, a leading `-` (`--upload-pack=…`), `..`, `@{`,
/// control characters, whitespace and any of `~^:?*[\`. The error names the
/// revision (control characters escaped).
pub fn validate_revision(revision: &str) -> Result<()> {
    let refuse = |reason: &'static str| {
        Err(Error::InvalidRevision {
            revision: revision.escape_debug().to_string(),
            reason,
        })
    };
    if revision.is_empty() {
        return refuse("empty");
    }
    if revision.starts_with('-') {
        return refuse("must not start with `-`");
    }
    if revision.contains("..") {
        return refuse("must not contain `..`");
    }
    if revision.contains("@{") {
        return refuse("must not contain `@{`");
    }
    if revision.chars().any(char::is_control) {
        return refuse("must not contain control characters");
    }
    if revision.chars().any(char::is_whitespace) {
        return refuse("must not contain whitespace");
    }
    if revision.contains(['~', '^', ':', '?', '*', '[', '\\']) {
        return refuse("must not contain any of `~^:?*[\\`");
    }
    if revision.starts_with('/') || revision.ends_with('/') || revision.ends_with(".lock") {
        return refuse("is not a valid ref name");
    }
    Ok(())
}

/// The refs a remote advertised at the last fetch: branches, tags (peeled to
/// the object they tag) and the default branch behind `HEAD`.
#[derive(Debug, Clone, Default)]
pub struct RemoteRefs {
    /// Full ref name → commit (tags already peeled).
    pub(crate) refs: BTreeMap<String, ObjectId>,
    /// `HEAD`: the branch it points to (if symbolic) and its commit.
    pub(crate) head: Option<(Option<String>, ObjectId)>,
}

impl RemoteRefs {
    /// Branch names (without `refs/heads/`) and their commits in hex.
    pub fn branches(&self) -> impl Iterator<Item = (&str, String)> + '_ {
        self.with_prefix("refs/heads/")
    }

    /// Tag names (without `refs/tags/`) and the commits they point to, in hex.
    pub fn tags(&self) -> impl Iterator<Item = (&str, String)> + '_ {
        self.with_prefix("refs/tags/")
    }

    /// The remote's default branch (like `refs/heads/main`), if it advertised one.
    pub fn default_branch(&self) -> Option<&str> {
        self.head.as_ref().and_then(|(name, _)| name.as_deref())
    }

    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, String)> + 'a {
        self.refs.iter().filter_map(move |(name, id)| {
            Some((name.strip_prefix(prefix)?, id.to_hex().to_string()))
        })
    }

    /// Resolve a ref-like revision: `HEAD`, a full ref name, or a short name
    /// tried as `refs/tags/<name>` then `refs/heads/<name>` (git's order).
    ///
    /// Returns the name to report and the commit, or `None` if no ref matches.
    pub(crate) fn lookup(&self, revision: &str) -> Option<(String, ObjectId)> {
        if revision == "HEAD" {
            let (branch, id) = self.head.as_ref()?;
            let name = branch
                .as_deref()
                .map_or("HEAD", |b| b.strip_prefix("refs/heads/").unwrap_or(b));
            return Some((name.to_owned(), *id));
        }
        if revision.starts_with("refs/") {
            let id = self.refs.get(revision)?;
            let short = revision
                .strip_prefix("refs/heads/")
                .or_else(|| revision.strip_prefix("refs/tags/"))
                .unwrap_or(revision);
            return Some((short.to_owned(), *id));
        }
        ["refs/tags/", "refs/heads/"]
            .iter()
            .find_map(|prefix| self.refs.get(&format!("{prefix}{revision}")))
            .map(|id| (revision.to_owned(), *id))
    }
}

/// A revision resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResolvedRevision {
    /// The branch or tag name the commit was found by (`HEAD` is reported as
    /// the default branch's name); `None` when the revision was a SHA.
    pub name: Option<String>,
    /// The commit's full SHA-1 in lowercase hex.
    pub commit: String,
}

impl std::fmt::Display for ResolvedRevision {
    /// Flux style: `main@sha1:<hex>`, or `sha1:<hex>` for a bare SHA.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name}@sha1:{}", self.commit),
            None => write!(f, "sha1:{}", self.commit),
        }
    }
}

/// Whether `revision` looks like a full or abbreviated SHA-1 (4 to 40 hex digits).
pub(crate) fn looks_like_sha(revision: &str) -> bool {
    (4..=40).contains(&revision.len()) && revision.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_like_and_revision_syntax_names_are_refused() {
        for bad in [
            "--upload-pack=touch /tmp/x",
            "-x",
            "main..dev",
            "main~1",
            "main^",
            "a:b",
            "a?",
            "a*",
            "a[",
            "a\\b",
            "a b",
            "a\nb",
            "a\u{7f}",
            "main@{1}",
            "",
        ] {
            let err = validate_revision(bad).expect_err(bad);
            assert!(matches!(err, Error::InvalidRevision { .. }), "{bad}");
            assert!(!err.is_transient());
        }
        let err = validate_revision("--upload-pack=touch /tmp/x").expect_err("option");
        assert!(
            err.to_string().contains("--upload-pack=touch /tmp/x"),
            "{err}"
        );
    }

    #[test]
    fn ordinary_names_are_accepted() {
        for ok in [
            "main",
            "refs/heads/main",
            "v1.2.3",
            "release/2024-11",
            "HEAD",
            "abc1234",
            "feature_x",
        ] {
            validate_revision(ok).expect(ok);
        }
    }

    #[test]
    fn revisions_are_reported_flux_style() {
        let r = ResolvedRevision {
            name: Some("main".into()),
            commit: "0123456789abcdef0123456789abcdef01234567".into(),
        };
        assert_eq!(
            r.to_string(),
            "main@sha1:0123456789abcdef0123456789abcdef01234567"
        );
        let r = ResolvedRevision { name: None, ..r };
        assert_eq!(
            r.to_string(),
            "sha1:0123456789abcdef0123456789abcdef01234567"
        );
    }

    #[test]
    fn tags_win_over_branches_of_the_same_name_as_in_git() {
        let a = ObjectId::from_hex(b"1111111111111111111111111111111111111111").expect("hex");
        let b = ObjectId::from_hex(b"2222222222222222222222222222222222222222").expect("hex");
        let mut refs = RemoteRefs::default();
        refs.refs.insert("refs/heads/v1".into(), a);
        refs.refs.insert("refs/tags/v1".into(), b);
        assert_eq!(refs.lookup("v1").map(|(_, id)| id), Some(b));
        assert_eq!(refs.lookup("refs/heads/v1").map(|(_, id)| id), Some(a));
        assert!(refs.lookup("HEAD").is_none());
    }
}
