//! The one error type of this crate, shaped after how the API server answers a failed PATCH.

/// Why a patch could not be applied.
///
/// `Display` is the error text of the library the API server uses (apimachinery's
/// `strategicpatch`, `evanphx/json-patch.v4`), word for word. The `Status` the API server
/// answers with is [`PatchError::http_status`], [`PatchError::status_reason`] and
/// [`PatchError::status_message`] (which differs from `Display` for 422 and 413).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PatchError {
    /// The patch document itself is malformed for its patch type: not a JSON array of
    /// operations, not an object, or a directive in the wrong format. The API server
    /// answers `400 Bad Request`.
    #[error("{message}")]
    InvalidPatch {
        /// The library's message.
        message: String,
    },
    /// A JSON patch operation could not be applied: a missing path, an index out of
    /// range, an unknown `op`. The API server answers `422 Unprocessable Entity`.
    #[error("{message}")]
    OperationFailed {
        /// The library's message.
        message: String,
    },
    /// A JSON patch `test` operation found a different value. The API server answers
    /// `422 Unprocessable Entity`.
    #[error("{message}")]
    TestFailed {
        /// The JSON pointer that was tested.
        path: String,
        /// The library's message.
        message: String,
    },
    /// A JSON patch with more operations than the API server accepts
    /// ([`crate::MAX_JSON_PATCH_OPERATIONS`]). The API server answers
    /// `413 Request Entity Too Large`.
    #[error("The allowed maximum operations in a JSON patch is {max}, got {count}", max = crate::MAX_JSON_PATCH_OPERATIONS)]
    TooManyOperations {
        /// How many operations the patch has.
        count: usize,
    },
    /// A strategic merge patch that is well-formed JSON could not be merged into the
    /// object (a missing merge key, a `$setElementOrder` list that contradicts the patch,
    /// mixed list element types). The API server passes these through uncategorised, so
    /// it answers `500 Internal Server Error`, except for lists of lists (`422`);
    /// [`PatchError::http_status`] knows which.
    #[error("{message}")]
    MergeFailed {
        /// The library's message.
        message: String,
        /// The HTTP status the API server answers with.
        status: u16,
    },
}

/// `Result` with [`PatchError`] as the error.
pub type Result<T, E = PatchError> = std::result::Result<T, E>;

impl PatchError {
    /// Whether the patch document is malformed (`400 Bad Request`), as opposed to a
    /// well-formed patch that does not apply to this object.
    pub fn is_invalid_patch(&self) -> bool {
        matches!(self, PatchError::InvalidPatch { .. })
    }

    /// Whether a JSON patch `test` operation failed.
    pub fn is_test_failed(&self) -> bool {
        matches!(self, PatchError::TestFailed { .. })
    }

    /// The HTTP status code the Kubernetes API server answers this failure with.
    pub fn http_status(&self) -> u16 {
        match self {
            PatchError::InvalidPatch { .. } => 400,
            PatchError::OperationFailed { .. } | PatchError::TestFailed { .. } => 422,
            PatchError::TooManyOperations { .. } => 413,
            PatchError::MergeFailed { status, .. } => *status,
        }
    }

    /// The `reason` of the `Status` the API server answers with (`""` is
    /// `StatusReasonUnknown`).
    pub fn status_reason(&self) -> &'static str {
        match self {
            PatchError::InvalidPatch { .. } => "BadRequest",
            PatchError::OperationFailed { .. } | PatchError::TestFailed { .. } => "Invalid",
            PatchError::TooManyOperations { .. } => "RequestEntityTooLarge",
            PatchError::MergeFailed { status: 422, .. } => "Invalid",
            PatchError::MergeFailed { .. } => "",
        }
    }

    /// The `message` of the `Status` the API server answers with, which is not always
    /// this error's text: a `422` is built with `NewGenericServerResponse`, which replaces
    /// the library's text with a fixed sentence (so `kubectl` prints "The request is
    /// invalid: the server rejected our request due to an error in our request"), and a
    /// `413` is prefixed with "Request entity too large: ".
    pub fn status_message(&self) -> String {
        match self.http_status() {
            422 => "the server rejected our request due to an error in our request".to_string(),
            413 => format!("Request entity too large: {self}"),
            _ => self.to_string(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        PatchError::InvalidPatch {
            message: message.into(),
        }
    }

    pub(crate) fn failed(message: impl Into<String>) -> Self {
        PatchError::OperationFailed {
            message: message.into(),
        }
    }

    /// A strategic-merge failure the API server does not categorise (HTTP 500).
    pub(crate) fn merge(message: impl Into<String>) -> Self {
        PatchError::MergeFailed {
            message: message.into(),
            status: 500,
        }
    }

    /// A strategic-merge failure the API server reports as unprocessable (HTTP 422).
    pub(crate) fn merge_unprocessable(message: impl Into<String>) -> Self {
        PatchError::MergeFailed {
            message: message.into(),
            status: 422,
        }
    }
}
