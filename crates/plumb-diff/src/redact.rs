//! Secret values never leave the diff: `data` / `stringData` values are replaced by
//! markers before any change or view is stored, with a flag saying whether the value
//! differs from the other side.

use serde_json::{Map, Value};

use crate::FieldChange;
use crate::path::PathSegment;

/// Replaces a Secret value that is the same on both sides (or on one side only).
pub const REDACTED: &str = "++++++++";
/// Replaces a desired Secret value that differs from the live one.
pub const REDACTED_CHANGED: &str = "++++++++ (changed)";

const SECRET_FIELDS: [&str; 2] = ["data", "stringData"];

/// Whether an object is a core `Secret`.
pub(crate) fn is_secret(obj: &Value) -> bool {
    obj.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && obj.get("kind").and_then(Value::as_str) == Some("Secret")
}

/// The desired view of an object: for a Secret, each value becomes [`REDACTED`], or
/// [`REDACTED_CHANGED`] when `live` is given and holds something else for that key.
pub(crate) fn object(desired: &Value, live: Option<&Value>) -> Value {
    let mut v = desired.clone();
    if !is_secret(desired) {
        return v;
    }
    if let Value::Object(map) = &mut v {
        for field in SECRET_FIELDS {
            if let Some(Value::Object(values)) = map.get_mut(field) {
                for (k, val) in values.iter_mut() {
                    let other = live.and_then(|l| l.get(field)).and_then(|d| d.get(k));
                    *val = marker(live.is_some() && other != Some(&*val));
                }
            }
        }
    }
    v
}

fn marker(changed: bool) -> Value {
    Value::String(if changed { REDACTED_CHANGED } else { REDACTED }.to_string())
}

/// Redacts the values of changes that touch Secret data.
pub(crate) fn changes(changes: &mut [FieldChange], desired: &Value, live: &Value) {
    for c in changes.iter_mut() {
        let under = matches!(c.path.first(), Some(PathSegment::Field(f)) if SECRET_FIELDS.contains(&f.as_str()));
        if under && c.path.len() >= 2 {
            let differ = c.desired != c.live;
            if c.desired.is_some() {
                c.desired = Some(marker(differ));
            }
            if c.live.is_some() {
                c.live = Some(marker(false));
            }
            continue;
        }
        if under || c.path.is_empty() {
            // A whole `data` map (or object): redact every value inside it.
            let field_of = |v: &Option<Value>| v.clone();
            let (d, l) = (field_of(&c.desired), field_of(&c.live));
            c.desired = d.map(|v| object_values(&c.path, v, Some(live), true));
            c.live = l.map(|v| object_values(&c.path, v, Some(desired), false));
        }
    }
}

/// Redacts the values of a `data` map (path `[data]`) or of a whole object (path `[]`).
fn object_values(path: &[PathSegment], v: Value, other: Option<&Value>, is_desired: bool) -> Value {
    let redact_map = |field: &str, m: Map<String, Value>| -> Value {
        Value::Object(
            m.into_iter()
                .map(|(k, val)| {
                    let theirs = other.and_then(|o| o.get(field)).and_then(|d| d.get(&k));
                    let changed = is_desired && theirs != Some(&val);
                    (k, marker(changed))
                })
                .collect(),
        )
    };
    match (path.first(), v) {
        (Some(PathSegment::Field(f)), Value::Object(m)) => redact_map(f, m),
        (None, Value::Object(mut obj)) => {
            for field in SECRET_FIELDS {
                if let Some(Value::Object(m)) = obj.shift_remove(field) {
                    obj.insert(field.to_string(), redact_map(field, m));
                }
            }
            Value::Object(obj)
        }
        (_, other_value) => {
            if other_value.is_object() || other_value.is_array() {
                Value::String(REDACTED.to_string())
            } else {
                marker(is_desired)
            }
        }
    }
}
