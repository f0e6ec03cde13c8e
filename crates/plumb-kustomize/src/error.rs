//! The one error type of a build: it names the kustomization file and the entry that
//! failed, so a user can find the line to fix.

use std::fmt;
use std::path::{Path, PathBuf};

/// A failed build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The kustomization file (or input file) being processed.
    pub file: Option<PathBuf>,
    /// The entry of that file that failed (`resources: ../x`, `patches[0]`, …).
    pub entry: Option<String>,
    /// What went wrong.
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn msg(message: impl Into<String>) -> Self {
        Error {
            file: None,
            entry: None,
            message: message.into(),
        }
    }

    /// Adds the file when none is recorded yet (the innermost file wins).
    pub fn in_file(mut self, file: &Path) -> Self {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }

    /// Adds the entry when none is recorded yet.
    pub fn at_entry(mut self, entry: impl Into<String>) -> Self {
        if self.entry.is_none() {
            self.entry = Some(entry.into());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}: ", file.display())?;
        }
        if let Some(entry) = &self.entry {
            write!(f, "{entry}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for `Err(Error::msg(format!(...)))`.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::msg(format!($($arg)*)))
    };
}
pub(crate) use bail;
