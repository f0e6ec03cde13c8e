//! The one error type of the read path, with variants named after the stage that failed.

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong on the Git read path.
///
/// URLs carried by variants never contain credentials: they pass through
/// [`crate::redact_url`] before an error is built, and messages of underlying
/// libraries are scrubbed of known secrets.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The repository URL could not be parsed or uses a scheme plumb refuses
    /// (anything but `file`, `git`, `http`, `https`, `ssh`).
    #[error("invalid repository URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, credentials stripped.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// Connecting to or fetching from the remote failed (network, server,
    /// authentication). Retrying may help.
    #[error("fetching `{url}` failed: {message}")]
    FetchFailed {
        /// The URL, credentials stripped.
        url: String,
        /// What went wrong, scrubbed of credentials.
        message: String,
        /// Whether the failure is worth retrying (network, server errors).
        transient: bool,
    },
    /// The revision is syntactically not acceptable (option-like, `..`,
    /// control characters, spaces, or one of `~^:?*[\`).
    #[error("invalid revision `{revision}`: {reason}")]
    InvalidRevision {
        /// The revision as given, with control characters escaped.
        revision: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The remote has no branch, tag or commit by that name.
    #[error("revision `{revision}` not found in `{url}`")]
    RevisionNotFound {
        /// The revision as given.
        revision: String,
        /// The URL, credentials stripped.
        url: String,
    },
    /// An abbreviated SHA matches more than one object.
    #[error("revision `{revision}` is ambiguous in `{url}`")]
    AmbiguousRevision {
        /// The revision as given.
        revision: String,
        /// The URL, credentials stripped.
        url: String,
    },
    /// The revision names an object that is not (and does not peel to) a commit.
    #[error("revision `{revision}` in `{url}` does not name a commit")]
    NotACommit {
        /// The revision as given.
        revision: String,
        /// The URL, credentials stripped.
        url: String,
    },
    /// The Application path is absolute, climbs out of the repository with
    /// `..`, or resolves through a symlink to outside of it.
    #[error("path `{path}` escapes the repository")]
    PathEscapes {
        /// The path as given.
        path: String,
    },
    /// The Application path does not exist at the resolved commit.
    #[error("path `{path}` does not exist in the repository")]
    PathNotFound {
        /// The path as given.
        path: String,
    },
    /// A symlink in the tree points outside of the repository (absolute
    /// target or a `..` chain climbing out).
    #[error("symlink `{file}` points outside of the repository")]
    SymlinkEscapes {
        /// The symlink's path inside the repository.
        file: String,
    },
    /// A tree entry has a name that cannot be written safely (`..`, `/`, NUL, `.git`).
    #[error("tree entry `{file}` has an unsafe name")]
    UnsafeTreeEntry {
        /// The entry's path inside the repository, escaped.
        file: String,
    },
    /// The local mirror could not be read (corrupt object database, missing object).
    #[error("reading the mirror of `{url}` failed: {message}")]
    MirrorFailed {
        /// The URL, credentials stripped.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The credentials file could not be read or parsed.
    #[error("credentials file `{path}` is invalid: {message}")]
    CredentialsFile {
        /// The file's path.
        path: String,
        /// What went wrong (never a secret value).
        message: String,
    },
    /// A filesystem operation in the cache directory failed.
    #[error("{action} `{path}` failed: {message}")]
    Io {
        /// What was being done, like `writing` or `renaming`.
        action: &'static str,
        /// The path concerned.
        path: String,
        /// The OS error.
        message: String,
    },
    /// A background task panicked or was cancelled.
    #[error("background task failed: {0}")]
    Task(String),
}

impl Error {
    /// Whether retrying the same call later may succeed.
    ///
    /// Network and server failures, filesystem trouble and cancelled tasks are
    /// transient; a bad URL, a missing revision, an unsafe path or symlink are
    /// permanent until the Application or the repository changes.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::FetchFailed { transient, .. } => *transient,
            Error::Io { .. } | Error::Task(_) | Error::MirrorFailed { .. } => true,
            Error::InvalidUrl { .. }
            | Error::InvalidRevision { .. }
            | Error::RevisionNotFound { .. }
            | Error::AmbiguousRevision { .. }
            | Error::NotACommit { .. }
            | Error::PathEscapes { .. }
            | Error::PathNotFound { .. }
            | Error::SymlinkEscapes { .. }
            | Error::UnsafeTreeEntry { .. }
            | Error::CredentialsFile { .. } => false,
        }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, err: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.display().to_string(),
            message: err.to_string(),
        }
    }
}
