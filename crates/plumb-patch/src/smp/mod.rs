//! Strategic merge patch, applied the way `k8s.io/apimachinery/pkg/util/strategicpatch`
//! applies it on the server (`StrategicMergeMapPatch`: parallel lists merged, unmatched
//! nulls ignored).
//!
//! The walk mirrors apimachinery's so that every decision — which list merges, where a new
//! element lands, which directive is an error — is the same:
//! - this module: maps (`mergeMap`), `$patch` on maps, `$retainKeys`;
//! - [`lists`]: list fields (`mergeSlice`), `$patch` elements, `$deleteFromPrimitiveList`;
//! - [`set_order`]: `$setElementOrder` (`mergePatchIntoOriginal`);
//! - [`order`]: where merged elements end up;
//! - [`directives`]: clean-up of patch content copied into the result;
//! - [`meta`]: patch strategy and merge key lookup in the schema.

mod directives;
#[cfg(test)]
mod fake_schema;
mod gosort;
mod lists;
pub(crate) mod meta;
mod order;
mod set_order;
#[cfg(test)]
mod tests;
mod values;

use serde_json::{Map, Value};

use crate::error::{PatchError, Result};
use crate::gofmt::{go_s, go_type, go_v};
use directives::{discard_null_values, strip_directive_keys, strip_directives};
use lists::merge_slice_handler;
use meta::{PatchMeta, lookup};
use set_order::merge_patch_into_original;
use values::kind;

pub(crate) const DIRECTIVE_MARKER: &str = "$patch";
const DELETE_DIRECTIVE: &str = "delete";
const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
pub(crate) const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
pub(crate) const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
pub(crate) const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

pub(super) type Object = Map<String, Value>;

/// Applies `patch` to `doc` below the schema `schema` (the kind's root).
pub(crate) fn apply<S: PatchMeta>(doc: &Value, patch: &Value, schema: Option<S>) -> Result<Value> {
    let original = match doc {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(PatchError::invalid(ERR_BAD_JSON_DOC)),
    };
    let patch = match patch {
        Value::Object(map) => map.clone(),
        // `null` decodes into a nil map: nothing to merge.
        Value::Null => Map::new(),
        other => {
            return Err(PatchError::invalid(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(other)
            )));
        }
    };
    merge_map(original, patch, schema).map(Value::Object)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Merges the fields of `patch` into `original` (apimachinery's `mergeMap`).
pub(super) fn merge_map<S: PatchMeta>(
    mut original: Object,
    mut patch: Object,
    schema: Option<S>,
) -> Result<Object> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER).cloned() {
        return handle_directive_in_merge_map(&directive, patch);
    }

    apply_retain_keys_directive(&mut original, &mut patch)?;
    merge_patch_into_original(&mut original, &mut patch, schema)?;

    for (key, patch_v) in patch {
        let (key, is_delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
            (extract_key(&key, DELETE_FROM_PRIMITIVE_LIST_PREFIX)?, true)
        } else {
            (key, false)
        };

        // `null` deletes the field; unmatched nulls are ignored on the server.
        if patch_v.is_null() {
            original.shift_remove(&key);
            continue;
        }

        let Some(original_v) = original.get_mut(&key) else {
            if !is_delete_list {
                take_patch_value(&mut original, key, patch_v);
            }
            continue;
        };

        if kind(original_v) != kind(&patch_v) {
            if !is_delete_list {
                take_patch_value(&mut original, key, patch_v);
            }
            continue;
        }

        match (original_v, patch_v) {
            (Value::Object(original_map), Value::Object(patch_map)) => {
                let field = lookup(schema, &key)?;
                let merged = if field.strategy == REPLACE_DIRECTIVE {
                    strip_map(patch_map)
                } else {
                    merge_map(std::mem::take(original_map), patch_map, field.node)?
                };
                *original_map = merged;
            }
            (Value::Array(original_list), Value::Array(patch_list)) => {
                let field = lookup(schema, &key)?;
                let merged = merge_slice_handler(
                    std::mem::take(original_list),
                    patch_list,
                    field.items(),
                    &field.strategy,
                    &field.merge_key,
                    is_delete_list,
                )?;
                *original_list = merged;
            }
            (slot, scalar) => *slot = scalar,
        }
    }
    Ok(original)
}

/// Takes a patch value for a field the original lacks (or holds with another type):
/// nulls are discarded, directives removed, and a value that is itself a directive drops
/// the field.
fn take_patch_value(original: &mut Object, key: String, mut patch_v: Value) {
    discard_null_values(&mut patch_v);
    match strip_directives(patch_v) {
        Some(v) => {
            original.insert(key, v);
        }
        None => {
            original.shift_remove(&key);
        }
    }
}

/// Replaced map content, as the typed decoding leaves it.
fn strip_map(map: Object) -> Object {
    match strip_directive_keys(Value::Object(map)) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `$patch` on a map: `replace` takes the patch as it is, `delete` empties the map.
fn handle_directive_in_merge_map(directive: &Value, mut patch: Object) -> Result<Object> {
    match directive.as_str() {
        Some(REPLACE_DIRECTIVE) => {
            patch.shift_remove(DIRECTIVE_MARKER);
            Ok(strip_map(patch))
        }
        Some(DELETE_DIRECTIVE) => Ok(Map::new()),
        _ => Err(err_bad_patch_type(directive, &patch)),
    }
}

/// `$retainKeys`: clears the fields of `original` the list does not name, after checking
/// that the patch only sets fields it names.
fn apply_retain_keys_directive(original: &mut Object, patch: &mut Object) -> Result<()> {
    let Some(retain_keys) = patch.shift_remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    let Value::Array(retain_keys) = retain_keys else {
        return Err(PatchError::invalid(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS));
    };
    let retained = |k: &str| retain_keys.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            || k.starts_with(SET_ELEMENT_ORDER_PREFIX)
        {
            continue;
        }
        if !retained(k) {
            return Err(PatchError::invalid(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS));
        }
    }
    original.retain(|k, _| retained(k));
    Ok(())
}

/// Splits `<prefix>/<field>` into `<field>`.
pub(super) fn extract_key(s: &str, prefix: &str) -> Result<String> {
    match s.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field.to_string()),
        _ => Err(PatchError::invalid(match prefix {
            DELETE_FROM_PRIMITIVE_LIST_PREFIX => ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
            _ => ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
        })),
    }
}

const ERR_BAD_JSON_DOC: &str = "invalid JSON document";
const ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
const ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
const ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST: &str =
    "invalid patch format of setElementOrder list";
pub(crate) const ERR_NO_LIST_OF_LISTS: &str = "lists of lists are not supported";

pub(crate) fn err_no_merge_key(map: &Object, merge_key: &str) -> PatchError {
    PatchError::merge(format!(
        "map: {} does not contain declared merge key: {merge_key}",
        go_v(&Value::Object(map.clone()))
    ))
}

pub(crate) fn err_bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    PatchError::merge(format!(
        "expected a {expected}, but received a {}",
        go_type(actual)
    ))
}

pub(super) fn err_bad_patch_type(directive: &Value, map: &Object) -> PatchError {
    PatchError::merge(format!(
        "unknown patch type: {} in map: {}",
        go_s(directive),
        go_v(&Value::Object(map.clone()))
    ))
}
