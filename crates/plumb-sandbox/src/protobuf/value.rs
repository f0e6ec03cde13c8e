//! Message bytes to JSON, driven by the message table.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::error::{ProtoError, Result};
use super::format;
use super::schema::{self, Field, Message, Shape, Special};
use super::wire::{Fields, WireError, WireValue};

/// How deep messages may nest (`JSONSchemaProps` is recursive).
pub(super) const MAX_DEPTH: usize = 100;

/// The JSON value of one message of type `msg`.
pub(super) fn message_value(msg: &'static Message, bytes: &[u8], depth: usize) -> Result<Value> {
    if depth > MAX_DEPTH {
        return Err(ProtoError::TooDeep(MAX_DEPTH));
    }
    match msg.special {
        None => Ok(Value::Object(object(msg, bytes, depth)?)),
        Some(Special::RawJson) => raw_json(msg, bytes, depth),
        Some(special) => special_value(msg, special, slots(msg, bytes, depth)?),
    }
}

/// The fields of `msg` as a JSON object, in tag order; embedded structs merge in.
pub(super) fn object(
    msg: &'static Message,
    bytes: &[u8],
    depth: usize,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (field, value) in msg.fields.iter().zip(slots(msg, bytes, depth)?) {
        match value {
            None if field.null_if_absent => {
                out.insert(field.json.to_owned(), Value::Null);
            }
            None => {}
            Some(Value::Object(inner)) if field.json.is_empty() => out.extend(inner),
            Some(value) => {
                out.insert(field.json.to_owned(), value);
            }
        }
    }
    Ok(out)
}

/// One slot per field of `msg` (same order): its value when it was on the wire.
/// Repeated fields collect into arrays, maps into objects sorted by key (as Go writes them);
/// a singular field seen twice keeps the last value. Unknown field numbers are skipped.
fn slots(msg: &'static Message, bytes: &[u8], depth: usize) -> Result<Vec<Option<Value>>> {
    let mut slots: Vec<Option<Value>> = vec![None; msg.fields.len()];
    let mut arrays: Vec<Option<Vec<Value>>> = vec![None; msg.fields.len()];
    let mut maps: Vec<Option<BTreeMap<String, Value>>> = vec![None; msg.fields.len()];
    for item in Fields::new(bytes) {
        let (tag, wire) = item.map_err(|e| wire_error(msg, e))?;
        let Ok(i) = msg.fields.binary_search_by_key(&tag, |f| f.tag) else {
            tracing::trace!(
                message = msg.name,
                field = tag,
                "unknown protobuf field skipped"
            );
            continue;
        };
        let field = &msg.fields[i];
        match field.shape {
            Shape::MapString | Shape::MapBytes | Shape::MapMessage(_) => {
                let (key, value) = map_entry(msg, field, wire, depth)?;
                maps[i].get_or_insert_default().insert(key, value);
            }
            _ if field.repeated => {
                push_repeated(msg, field, wire, depth, arrays[i].get_or_insert_default())?;
            }
            _ => {
                let value = scalar(msg, field, field.shape, wire, depth)?;
                slots[i] = Some(value).filter(|v| !(field.omit_empty && is_empty_scalar(v)));
            }
        }
    }
    for ((slot, array), map) in slots.iter_mut().zip(arrays).zip(maps) {
        if let Some(array) = array {
            *slot = Some(Value::Array(array));
        }
        if let Some(map) = map {
            *slot = Some(Value::Object(map.into_iter().collect()));
        }
    }
    Ok(slots)
}

/// `""`, `0` or `false`: what Go's `omitempty` drops.
fn is_empty_scalar(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// Appends one wire value of a repeated field; numbers may also arrive packed.
fn push_repeated(
    msg: &'static Message,
    field: &Field,
    wire: WireValue<'_>,
    depth: usize,
    items: &mut Vec<Value>,
) -> Result<()> {
    let packable = matches!(
        field.shape,
        Shape::Bool | Shape::Int32 | Shape::Int64 | Shape::Double
    );
    match wire {
        WireValue::Bytes(packed) if packable => {
            let mut buf = packed;
            while !buf.is_empty() {
                let wire = if matches!(field.shape, Shape::Double) {
                    let (head, rest) =
                        buf.split_first_chunk::<8>().ok_or(ProtoError::Truncated {
                            message: msg.name,
                            field: field.tag,
                        })?;
                    buf = rest;
                    WireValue::Fixed64(u64::from_le_bytes(*head))
                } else {
                    WireValue::Varint(
                        super::wire::read_varint(&mut buf)
                            .map_err(|e| wire_error(msg, relabel(e, field.tag)))?,
                    )
                };
                items.push(scalar(msg, field, field.shape, wire, depth)?);
            }
        }
        wire => items.push(scalar(msg, field, field.shape, wire, depth)?),
    }
    Ok(())
}

/// One `key = 1, value = 2` entry of a map field.
fn map_entry(
    msg: &'static Message,
    field: &Field,
    wire: WireValue<'_>,
    depth: usize,
) -> Result<(String, Value)> {
    let entry = expect_bytes(msg, field, wire)?;
    let value_shape = match field.shape {
        Shape::MapBytes => Shape::Bytes,
        Shape::MapMessage(m) => Shape::Message(m),
        _ => Shape::String,
    };
    let mut key = String::new();
    let mut value = None;
    for item in Fields::new(entry) {
        let (tag, wire) = item.map_err(|e| wire_error(msg, relabel(e, field.tag)))?;
        match tag {
            1 => key = string(msg, field, expect_bytes(msg, field, wire)?)?.to_owned(),
            2 => value = Some(scalar(msg, field, value_shape, wire, depth)?),
            _ => {}
        }
    }
    // A missing value is the zero value of its type.
    let value = match (value, value_shape) {
        (Some(v), _) => v,
        (None, Shape::Message(m)) => message_value(schema::message(m), &[], depth + 1)?,
        (None, _) => Value::String(String::new()),
    };
    Ok((key, value))
}

/// A single value of shape `shape` (the field's, or a map entry's value).
fn scalar(
    msg: &'static Message,
    field: &Field,
    shape: Shape,
    wire: WireValue<'_>,
    depth: usize,
) -> Result<Value> {
    let mismatch = |expected| ProtoError::WireType {
        message: msg.name,
        field: field.tag,
        found: wire.wire_type(),
        expected,
    };
    Ok(match (shape, wire) {
        (Shape::String, _) => {
            Value::String(string(msg, field, expect_bytes(msg, field, wire)?)?.to_owned())
        }
        (Shape::Bytes, _) => Value::String(format::base64(expect_bytes(msg, field, wire)?)),
        (Shape::Message(m), _) => message_value(
            schema::message(m),
            expect_bytes(msg, field, wire)?,
            depth + 1,
        )?,
        (Shape::Bool, WireValue::Varint(v)) => Value::Bool(v != 0),
        // int32 travels sign-extended to 64 bits; truncation recovers it.
        (Shape::Int32, WireValue::Varint(v)) => Value::from(v as i64 as i32),
        (Shape::Int64, WireValue::Varint(v)) => Value::from(v as i64),
        (Shape::Double, WireValue::Fixed64(bits)) => double(msg, field, f64::from_bits(bits))?,
        (Shape::Double, _) => return Err(mismatch(1)),
        (Shape::Bool | Shape::Int32 | Shape::Int64, _) => return Err(mismatch(0)),
        (Shape::MapString | Shape::MapBytes | Shape::MapMessage(_), _) => return Err(mismatch(2)),
    })
}

/// A `double` as Go's `encoding/json` writes it: whole numbers without a fraction.
fn double(msg: &'static Message, field: &Field, v: f64) -> Result<Value> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if v.fract() == 0.0 && v.abs() < EXACT {
        return Ok(Value::from(v as i64));
    }
    Number::from_f64(v)
        .map(Value::Number)
        .ok_or(ProtoError::Unrepresentable {
            message: msg.name,
            field: field.tag,
        })
}

fn expect_bytes<'a>(msg: &'static Message, field: &Field, wire: WireValue<'a>) -> Result<&'a [u8]> {
    match wire {
        WireValue::Bytes(b) => Ok(b),
        other => Err(ProtoError::WireType {
            message: msg.name,
            field: field.tag,
            found: other.wire_type(),
            expected: 2,
        }),
    }
}

fn string<'a>(msg: &'static Message, field: &Field, bytes: &'a [u8]) -> Result<&'a str> {
    std::str::from_utf8(bytes).map_err(|_| ProtoError::InvalidUtf8 {
        message: msg.name,
        field: field.tag,
    })
}

/// `runtime.RawExtension`, `FieldsV1`, apiextensions `JSON`: `bytes raw = 1` holding JSON, or a
/// nested protobuf object (`k8s\0` magic); absent or empty is `null`.
fn raw_json(msg: &'static Message, bytes: &[u8], depth: usize) -> Result<Value> {
    let mut raw: &[u8] = &[];
    for item in Fields::new(bytes) {
        if let (1, WireValue::Bytes(b)) = item.map_err(|e| wire_error(msg, e))? {
            raw = b;
        }
    }
    if raw.is_empty() {
        return Ok(Value::Null);
    }
    if raw.starts_with(super::MAGIC) {
        return super::decode_at(raw, depth + 1);
    }
    serde_json::from_slice(raw).map_err(|source| ProtoError::EmbeddedJson {
        message: msg.name,
        field: 1,
        source,
    })
}

/// The hand-written JSON forms; `slots` are the generic field values of `msg`.
fn special_value(
    msg: &'static Message,
    special: Special,
    slots: Vec<Option<Value>>,
) -> Result<Value> {
    let mut by_tag: BTreeMap<u32, Value> = msg
        .fields
        .iter()
        .zip(slots)
        .filter_map(|(f, v)| Some((f.tag, v?)))
        .collect();
    let mut take = |tag: u32| by_tag.remove(&tag);
    let int = |v: Option<Value>| v.and_then(|v| v.as_i64()).unwrap_or(0);
    Ok(match special {
        Special::Quantity => take(1).unwrap_or_else(|| Value::String("0".to_owned())),
        Special::IntOrString => {
            let (kind, int_val, str_val) = (int(take(1)), take(2), take(3));
            if kind == 1 {
                str_val.unwrap_or_else(|| Value::String(String::new()))
            } else {
                int_val.unwrap_or_else(|| Value::from(0))
            }
        }
        Special::Time | Special::MicroTime => {
            let (seconds, nanos) = (take(1), take(2));
            if seconds.is_none() && nanos.is_none() {
                return Ok(Value::Null);
            }
            let (seconds, nanos) = (int(seconds), int(nanos));
            let text = if special == Special::Time {
                format::rfc3339(seconds)
            } else {
                i32::try_from(nanos)
                    .ok()
                    .and_then(|n| format::rfc3339_micro(seconds, n))
            };
            text.map(Value::String).ok_or(ProtoError::Unrepresentable {
                message: msg.name,
                field: 1,
            })?
        }
        Special::Duration => Value::String(format::go_duration(int(take(1)))),
        Special::StringArray => take(1).unwrap_or_else(|| Value::Array(Vec::new())),
        Special::SchemaOrArray => match (take(1), take(2)) {
            (_, Some(schemas)) => schemas,
            (schema, None) => schema.unwrap_or(Value::Null),
        },
        Special::SchemaOrBool => match (take(1), take(2)) {
            (_, Some(schema)) => schema,
            (allows, None) => Value::Bool(allows.and_then(|v| v.as_bool()).unwrap_or(false)),
        },
        Special::SchemaOrStringArray => match (take(1), take(2)) {
            (_, Some(property)) => property,
            (schema, None) => schema.unwrap_or(Value::Null),
        },
        // Decoded from the wire by `raw_json`; the generic slot would be base64.
        Special::RawJson => take(1).unwrap_or(Value::Null),
    })
}

/// Gives a wire error inside a nested buffer (packed values, map entries) the outer field.
fn relabel(e: WireError, tag: u32) -> WireError {
    match e {
        WireError::Truncated(_) => WireError::Truncated(tag),
        WireError::MalformedVarint(_) => WireError::MalformedVarint(tag),
        other => other,
    }
}

fn wire_error(msg: &'static Message, e: WireError) -> ProtoError {
    wire_error_in(msg.name, e)
}

/// A [`WireError`] inside the message called `message`.
pub(super) fn wire_error_in(message: &'static str, e: WireError) -> ProtoError {
    match e {
        WireError::Truncated(field) => ProtoError::Truncated { message, field },
        WireError::MalformedVarint(field) => ProtoError::MalformedVarint { message, field },
        WireError::InvalidKey(key) => ProtoError::InvalidKey { message, key },
    }
}
