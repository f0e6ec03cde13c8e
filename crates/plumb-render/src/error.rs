//! The one error type of a render. Every variant names the file or path involved,
//! relative to the repository root, so a user can find what to fix.

/// Why a render failed. Paths are relative to the repository root.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The repository root cannot be resolved.
    #[error("repository root {root}: cannot be resolved")]
    RepoRoot {
        /// The root as given.
        root: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The application path is absolute.
    #[error("{path}: the application path must be relative to the repository root")]
    AbsolutePath {
        /// The path as given.
        path: String,
    },
    /// The application path (or a file or directory below it) resolves outside the
    /// repository, through `..` or a symlink.
    #[error("{path}: resolves outside the repository")]
    OutsideRepo {
        /// The offending path.
        path: String,
    },
    /// The application path does not exist or is not a directory.
    #[error("{path}: no such directory in the repository")]
    NotADirectory {
        /// The path as given.
        path: String,
    },
    /// A file or directory cannot be read.
    #[error("{path}: cannot be read")]
    Io {
        /// The file or directory.
        path: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than [`crate::Limits::max_file_bytes`], or all files together are
    /// larger than [`crate::Limits::max_total_bytes`].
    #[error("{path}: {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size (or the running total).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file is not UTF-8.
    #[error("{path}: not UTF-8 text")]
    NotUtf8 {
        /// The file.
        path: String,
    },
    /// A document cannot be parsed.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// 1-based line in the file.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What the parser reported.
        message: String,
    },
    /// A document parses but is not a usable Kubernetes object.
    #[error("{path}:{line}: document {index}: {problem}")]
    InvalidObject {
        /// The file.
        path: String,
        /// 1-based line where the document starts.
        line: u64,
        /// 1-based index of the document in the file (empty documents count).
        index: usize,
        /// What is wrong (`no kind`, `no metadata.name`, ...).
        problem: String,
    },
    /// The same object is declared twice.
    #[error("{path}:{line}: document {index}: {object} is already declared at {first}")]
    Duplicate {
        /// The file of the second declaration.
        path: String,
        /// Its line.
        line: u64,
        /// Its document index.
        index: usize,
        /// `Kind/name`.
        object: String,
        /// Where it was declared first.
        first: String,
    },
    /// The path is a kind of source plumb does not render (a Helm chart), or a plain
    /// directory holds a kustomization below its root.
    #[error("{path}: {problem}")]
    UnsupportedSource {
        /// The path or file.
        path: String,
        /// What is unsupported.
        problem: String,
    },
    /// The render produced more than [`crate::Limits::max_objects`] objects.
    #[error("{path}: more than {limit} objects")]
    TooManyObjects {
        /// The application path.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// An `include` or `exclude` pattern is not a valid glob.
    #[error("directory.{field} {pattern:?}: {problem}")]
    Glob {
        /// `include` or `exclude`.
        field: &'static str,
        /// The pattern.
        pattern: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `kustomize build` failed.
    #[error("{path}: kustomize build: {message}")]
    Kustomize {
        /// The application path.
        path: String,
        /// Kustomize's message, with repository paths made relative.
        message: String,
    },
}

/// `Result` with [`RenderError`].
pub type Result<T, E = RenderError> = std::result::Result<T, E>;
