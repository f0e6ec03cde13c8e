//! The shape of the generated message table and lookups into it.

use super::table::{API_VERSIONS, MESSAGES};

/// One protobuf message type of the Kubernetes API.
#[derive(Debug)]
pub(super) struct Message {
    /// The OpenAPI definition name, e.g. `io.k8s.api.core.v1.Pod`.
    pub name: &'static str,
    /// Set when the JSON form is not an object of the fields.
    pub special: Option<Special>,
    /// The fields, sorted by tag.
    pub fields: &'static [Field],
}

/// One field of a [`Message`].
#[derive(Debug)]
pub(super) struct Field {
    /// The protobuf field number.
    pub tag: u32,
    /// The JSON property name; empty for a Go struct embedded with `json:",inline"`, whose
    /// properties merge into the parent object.
    pub json: &'static str,
    /// What the field holds.
    pub shape: Shape,
    /// A `repeated` field: a JSON array.
    pub repeated: bool,
    /// Go's JSON encoder drops this field when empty (`""`, `0`, `false`): a non-pointer
    /// `omitempty` field, which Go's protobuf encoder writes even when empty.
    pub omit_empty: bool,
    /// Go's JSON encoder writes `null` for this repeated field when it is not on the wire
    /// (a nil slice or map without `omitempty`).
    pub null_if_absent: bool,
}

/// [`Field::new`] flag: a `repeated` field.
pub(super) const REPEATED: u8 = 1;
/// [`Field::new`] flag: [`Field::omit_empty`].
pub(super) const OMIT_EMPTY: u8 = 2;
/// [`Field::new`] flag: [`Field::null_if_absent`].
pub(super) const NULL_IF_ABSENT: u8 = 4;

impl Field {
    /// A field from its table row; `flags` combine [`REPEATED`], [`OMIT_EMPTY`] and
    /// [`NULL_IF_ABSENT`].
    pub(super) const fn new(tag: u32, json: &'static str, shape: Shape, flags: u8) -> Field {
        Field {
            tag,
            json,
            shape,
            repeated: flags & REPEATED != 0,
            omit_empty: flags & OMIT_EMPTY != 0,
            null_if_absent: flags & NULL_IF_ABSENT != 0,
        }
    }
}

/// What a field holds; message types are indexes into the message table.
#[derive(Debug, Clone, Copy)]
pub(super) enum Shape {
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `double`.
    Double,
    /// `bytes`: a base64 string in JSON.
    Bytes,
    /// A message of the given type.
    Message(u16),
    /// `map<string, string>`.
    MapString,
    /// `map<string, bytes>`: base64 values.
    MapBytes,
    /// `map<string, Message>`.
    MapMessage(u16),
}

/// Messages whose Go type marshals to JSON by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Special {
    /// `resource.Quantity`: its canonical string.
    Quantity,
    /// `intstr.IntOrString`: a number or a string.
    IntOrString,
    /// `meta.v1.Time`: RFC 3339 in seconds, `null` when zero.
    Time,
    /// `meta.v1.MicroTime`: RFC 3339 with microseconds, `null` when zero.
    MicroTime,
    /// `meta.v1.Duration`: a Go duration string such as `1m30s`.
    Duration,
    /// `runtime.RawExtension`, `meta.v1.FieldsV1`, apiextensions `JSON`: embedded JSON bytes.
    RawJson,
    /// `JSONSchemaPropsOrArray`: a schema or an array of schemas.
    SchemaOrArray,
    /// `JSONSchemaPropsOrBool`: a schema or a boolean.
    SchemaOrBool,
    /// `JSONSchemaPropsOrStringArray`: a schema or an array of strings.
    SchemaOrStringArray,
    /// `ExtraValue`, `meta.v1.Verbs`: `repeated string items = 1` marshalled as the array.
    StringArray,
}

/// The proto package of `meta.k8s.io/v1`, which holds the kinds every group version serves
/// (`DeleteOptions`, `Status`, `List`, ...).
const META_V1: &str = "io.k8s.apimachinery.pkg.apis.meta.v1";

/// The message at `index` of the table.
pub(super) fn message(index: u16) -> &'static Message {
    &MESSAGES[usize::from(index)]
}

/// The message type of `kind` in `api_version`, falling back to the `meta.k8s.io/v1` kinds.
pub(super) fn resolve(api_version: &str, kind: &str) -> Option<&'static Message> {
    let package = API_VERSIONS
        .binary_search_by(|(av, _)| (*av).cmp(api_version))
        .ok()
        .map(|i| API_VERSIONS[i].1)?;
    find(package, kind).or_else(|| find(META_V1, kind))
}

/// `package.kind`, exactly or, failing that, ignoring ASCII case.
fn find(package: &str, kind: &str) -> Option<&'static Message> {
    let name = format!("{package}.{kind}");
    if let Ok(i) = MESSAGES.binary_search_by(|m| m.name.cmp(&name)) {
        return Some(&MESSAGES[i]);
    }
    MESSAGES.iter().find(|m| m.name.eq_ignore_ascii_case(&name))
}
