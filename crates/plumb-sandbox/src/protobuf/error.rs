//! What can go wrong decoding a Kubernetes protobuf body.

/// Why a protobuf body could not be decoded. Message names are OpenAPI definition names
/// (`io.k8s.api.core.v1.Pod`), fields are protobuf field numbers.
#[derive(Debug, thiserror::Error)]
pub enum ProtoError {
    /// The body does not start with the `k8s\0` magic of `application/vnd.kubernetes.protobuf`.
    #[error("not a Kubernetes protobuf body: the `k8s\\0` magic prefix is missing")]
    MissingMagic,
    /// The `runtime.Unknown` envelope lacks `typeMeta.apiVersion` or `typeMeta.kind`.
    #[error("the runtime.Unknown envelope has no `{0}`")]
    MissingTypeMeta(&'static str),
    /// The envelope's raw bytes are compressed or in another format.
    #[error("unsupported {what} `{value}` in the runtime.Unknown envelope")]
    UnsupportedEnvelope {
        /// `contentEncoding` or `contentType`.
        what: &'static str,
        /// The value it has.
        value: String,
    },
    /// No built-in message type has this kind in this apiVersion.
    #[error("unknown kind `{kind}` in apiVersion `{api_version}`")]
    UnknownKind {
        /// The envelope's `typeMeta.apiVersion`.
        api_version: String,
        /// The envelope's `typeMeta.kind`.
        kind: String,
    },
    /// The data ends inside a field (field 0: inside a field key).
    #[error("truncated field {field} of {message}")]
    Truncated {
        /// The message being decoded.
        message: &'static str,
        /// The field number.
        field: u32,
    },
    /// A varint runs past ten bytes.
    #[error("malformed varint in field {field} of {message}")]
    MalformedVarint {
        /// The message being decoded.
        message: &'static str,
        /// The field number (0: a field key).
        field: u32,
    },
    /// A field key with number 0 or an unsupported wire type (groups).
    #[error("invalid field key {key:#x} in {message}")]
    InvalidKey {
        /// The message being decoded.
        message: &'static str,
        /// The key varint as read.
        key: u64,
    },
    /// A field arrives with a wire type its declared type cannot have.
    #[error("field {field} of {message} has wire type {found}, expected {expected}")]
    WireType {
        /// The message being decoded.
        message: &'static str,
        /// The field number.
        field: u32,
        /// The wire type on the wire.
        found: u8,
        /// The wire type the field's type uses.
        expected: u8,
    },
    /// A string field is not UTF-8.
    #[error("field {field} of {message} is not valid UTF-8")]
    InvalidUtf8 {
        /// The message being decoded.
        message: &'static str,
        /// The field number.
        field: u32,
    },
    /// A raw JSON field (`RawExtension`, `FieldsV1`, apiextensions `JSON`) is not JSON.
    #[error("field {field} of {message} does not hold valid JSON")]
    EmbeddedJson {
        /// The message being decoded.
        message: &'static str,
        /// The field number.
        field: u32,
        /// What the JSON parser reports.
        #[source]
        source: serde_json::Error,
    },
    /// A value JSON cannot carry: a NaN or infinite `double`, a time outside the calendar.
    #[error("field {field} of {message} holds a value JSON cannot represent")]
    Unrepresentable {
        /// The message being decoded.
        message: &'static str,
        /// The field number.
        field: u32,
    },
    /// Messages nest deeper than the decoder follows.
    #[error("messages nest deeper than {0} levels")]
    TooDeep(usize),
}

/// `Result` with [`ProtoError`].
pub type Result<T, E = ProtoError> = std::result::Result<T, E>;
