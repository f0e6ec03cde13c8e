//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) decoded into the
//! JSON object the same request would carry as `application/json`.
//!
//! kubectl's typed-client commands (`create namespace`, `create deployment`, `create token`, …)
//! send protobuf and do not fall back to JSON. A body is the magic `k8s\0` followed by a
//! `runtime.Unknown` envelope: `typeMeta {apiVersion = 1, kind = 2}`, `raw = 2` (the message
//! bytes), `contentEncoding = 3`, `contentType = 4`.
//!
//! Decoding is generic, driven by a table of every message type of the Kubernetes API (field
//! number → JSON name and shape) that `scripts/gen-protobuf-table.py` generates into `table.rs`.
//! Types with hand-written JSON forms (`Quantity`, `IntOrString`, `Time`, `MicroTime`,
//! `Duration`, `RawExtension`, `FieldsV1`, apiextensions `JSON` and `JSONSchemaPropsOr*`,
//! `ExtraValue`) decode to those forms; `bytes` become base64 strings.
//!
//! Presence follows Go's JSON encoder where that is known and the wire otherwise. Go's
//! protobuf encoder writes every non-pointer field, even empty, where `json:",omitempty"` drops
//! it; fields the table marks `omit_empty` (learned from real kubectl bodies, see the script)
//! are dropped when `""`, `0` or `false`. Other fields on the wire stay, even empty (so a
//! message type kubectl was not seen sending may show `"field": ""` that a JSON client would
//! omit); fields not on the wire are absent, and so are empty repeated fields and maps.
//! Keys follow field-number order; map keys are sorted as Go sorts them.
//!
//! ```
//! // kubectl create namespace x
//! let body = b"k8s\0\n\x0f\n\x02v1\x12\tNamespace\x12\x05\n\x03\n\x01x";
//! let json = plumb_sandbox::protobuf::decode(body)?;
//! assert_eq!(json, serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}));
//! # Ok::<(), plumb_sandbox::protobuf::ProtoError>(())
//! ```

mod error;
mod format;
mod schema;
#[rustfmt::skip]
mod table;
mod value;
mod wire;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

pub use error::{ProtoError, Result};
use wire::{Fields, WireValue};

/// The prefix of every Kubernetes protobuf body.
pub const MAGIC: &[u8] = b"k8s\0";

/// The `Content-Type` of Kubernetes protobuf bodies.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Decodes a `application/vnd.kubernetes.protobuf` body (the `k8s\0` magic and a
/// `runtime.Unknown` envelope) into the JSON object, `apiVersion` and `kind` first.
pub fn decode(body: &[u8]) -> Result<Value> {
    decode_at(body, 0)
}

/// [`decode`] for a body nested `depth` messages deep (a `RawExtension` holding protobuf).
fn decode_at(body: &[u8], depth: usize) -> Result<Value> {
    let envelope = body.strip_prefix(MAGIC).ok_or(ProtoError::MissingMagic)?;
    let unknown = Envelope::parse(envelope)?;
    if !unknown.content_encoding.is_empty() {
        let value = unknown.content_encoding.to_owned();
        return Err(ProtoError::UnsupportedEnvelope {
            what: "contentEncoding",
            value,
        });
    }
    if !matches!(unknown.content_type, "" | CONTENT_TYPE) {
        let value = unknown.content_type.to_owned();
        return Err(ProtoError::UnsupportedEnvelope {
            what: "contentType",
            value,
        });
    }
    let api_version = unknown
        .api_version
        .ok_or(ProtoError::MissingTypeMeta("apiVersion"))?;
    let kind = unknown.kind.ok_or(ProtoError::MissingTypeMeta("kind"))?;
    let msg = schema::resolve(api_version, kind).ok_or_else(|| ProtoError::UnknownKind {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
    })?;
    let mut out = Map::new();
    out.insert("apiVersion".to_owned(), Value::from(api_version));
    out.insert("kind".to_owned(), Value::from(kind));
    match value::message_value(msg, unknown.raw, depth)? {
        Value::Object(fields) => out.extend(fields),
        other => return Ok(other),
    }
    Ok(Value::Object(out))
}

/// The `runtime.Unknown` envelope.
#[derive(Default)]
struct Envelope<'a> {
    api_version: Option<&'a str>,
    kind: Option<&'a str>,
    raw: &'a [u8],
    content_encoding: &'a str,
    content_type: &'a str,
}

impl<'a> Envelope<'a> {
    const NAME: &'static str = "runtime.Unknown";
    const TYPE_META: &'static str = "runtime.TypeMeta";

    fn parse(bytes: &'a [u8]) -> Result<Self> {
        let mut out = Envelope::default();
        for (tag, bytes) in Self::byte_fields(Self::NAME, bytes)? {
            match tag {
                1 => {
                    for (tag, bytes) in Self::byte_fields(Self::TYPE_META, bytes)? {
                        let text = Self::text(Self::TYPE_META, tag, bytes)?;
                        match tag {
                            1 => out.api_version = Some(text).filter(|t| !t.is_empty()),
                            2 => out.kind = Some(text).filter(|t| !t.is_empty()),
                            _ => {}
                        }
                    }
                }
                2 => out.raw = bytes,
                3 => out.content_encoding = Self::text(Self::NAME, tag, bytes)?,
                4 => out.content_type = Self::text(Self::NAME, tag, bytes)?,
                _ => {}
            }
        }
        Ok(out)
    }

    /// The length-delimited fields of `bytes` (every envelope field is one).
    fn byte_fields(message: &'static str, bytes: &'a [u8]) -> Result<Vec<(u32, &'a [u8])>> {
        let mut out = Vec::new();
        for item in Fields::new(bytes) {
            let (tag, wire) = item.map_err(|e| value::wire_error_in(message, e))?;
            match wire {
                WireValue::Bytes(b) => out.push((tag, b)),
                other => {
                    return Err(ProtoError::WireType {
                        message,
                        field: tag,
                        found: other.wire_type(),
                        expected: 2,
                    });
                }
            }
        }
        Ok(out)
    }

    fn text(message: &'static str, field: u32, bytes: &'a [u8]) -> Result<&'a str> {
        std::str::from_utf8(bytes).map_err(|_| ProtoError::InvalidUtf8 { message, field })
    }
}
