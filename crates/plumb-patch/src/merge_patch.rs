//! JSON merge patch (RFC 7386) as the API server applies it: `evanphx/json-patch.v4`'s
//! `MergePatch`.
//!
//! `null` deletes a member; an object merges into an object; anything else replaces. Like
//! v4, nulls are pruned from values that are copied in, except where a non-object patch
//! value replaces an object (v4 copies it as it is).

use serde_json::{Map, Value};

use crate::error::{PatchError, Result};

const ERR_BAD_JSON_PATCH: &str = "Invalid JSON Patch";
const ERR_BAD_JSON_DOC: &str = "Invalid JSON Document";

/// Applies a JSON merge patch to `doc`.
pub(crate) fn apply(doc: &Value, patch: &Value) -> Result<Value> {
    match (doc, patch) {
        (Value::Null, _) => Err(PatchError::merge(ERR_BAD_JSON_DOC)),
        (_, Value::Null) => Err(PatchError::invalid(ERR_BAD_JSON_PATCH)),
        (Value::Object(doc), Value::Object(patch)) => {
            let mut doc = doc.clone();
            merge_docs(&mut doc, patch);
            Ok(Value::Object(doc))
        }
        // A document that is not an object becomes the patch.
        (_, Value::Object(patch)) => {
            let mut patch = Value::Object(patch.clone());
            prune_nulls(&mut patch);
            Ok(patch)
        }
        (_, Value::Array(items)) => {
            let mut patch = Value::Array(items.clone());
            prune_nulls(&mut patch);
            Ok(patch)
        }
        _ => Err(PatchError::invalid(ERR_BAD_JSON_PATCH)),
    }
}

fn merge_docs(doc: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (k, v) in patch {
        if v.is_null() {
            doc.shift_remove(k);
            continue;
        }
        match doc.get_mut(k) {
            Some(current) if !current.is_null() => merge(current, v),
            _ => {
                let mut v = v.clone();
                prune_nulls(&mut v);
                doc.insert(k.clone(), v);
            }
        }
    }
}

fn merge(current: &mut Value, patch: &Value) {
    match (current, patch) {
        (Value::Object(current), Value::Object(patch)) => merge_docs(current, patch),
        // v4 takes a non-object patch value over an object as it is, nulls and all.
        (current @ Value::Object(_), patch) => *current = patch.clone(),
        (current, patch) => {
            let mut patch = patch.clone();
            prune_nulls(&mut patch);
            *current = patch;
        }
    }
}

/// Removes `null` members of objects at any depth; `null` list elements stay.
fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}
