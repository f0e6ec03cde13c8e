//! Strategic merge patch, applied the way `k8s.io/apimachinery/pkg/util/strategicpatch`
//! applies it on the server (`StrategicMergeMapPatch`: parallel lists merged, unmatched
//! nulls ignored).
//!
//! The walk mirrors apimachinery's `mergeMap` / `mergeSlice` so that every decision — which
//! list merges, where a new element lands, which directive is an error — is the same. The
//! ordering rules live in [`order`], the directive clean-up of copied patch content in
//! [`directives`].

mod directives;
#[cfg(test)]
mod fake_schema;
pub(crate) mod meta;
mod order;
#[cfg(test)]
mod tests;
mod values;

use serde_json::{Map, Value};

use crate::error::{PatchError, Result};
use crate::gofmt::{go_s, go_type, go_v};
use directives::{discard_null_values, strip_directives, strip_list};
use meta::{PatchMeta, lookup};
use order::{
    normalize_element_order, partition_maps_by_present_in_list,
    partition_primitives_by_present_in_list,
};
use values::{Kind, go_eq, kind, slice_element_type};

pub(crate) const DIRECTIVE_MARKER: &str = "$patch";
const DELETE_DIRECTIVE: &str = "delete";
const REPLACE_DIRECTIVE: &str = "replace";
const MERGE_DIRECTIVE: &str = "merge";
pub(crate) const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
pub(crate) const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";
pub(crate) const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";

type Object = Map<String, Value>;

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
fn merge_map<S: PatchMeta>(
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

fn strip_map(map: Object) -> Object {
    match strip_directives(Value::Object(map)) {
        Some(Value::Object(map)) => map,
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

/// `$setElementOrder/<field>`: merges the field's patch list (if any) into the original
/// list and orders the result — `$setElementOrder` first, then the patch, then the live
/// order for server-only items (apimachinery's `mergePatchIntoOriginal`).
fn merge_patch_into_original<S: PatchMeta>(
    original: &mut Object,
    patch: &mut Object,
    schema: Option<S>,
) -> Result<()> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER_PREFIX))
        .cloned()
        .collect();
    for key in keys {
        let Some(set_order) = patch.shift_remove(&key) else {
            continue;
        };
        let Value::Array(set_order) = set_order else {
            return Err(err_bad_arg_type("[]interface {}", &set_order));
        };
        let original_key = extract_key(&key, SET_ELEMENT_ORDER_PREFIX)?;
        let original_list = match original.get(&original_key) {
            None => None,
            Some(Value::Array(list)) => Some(list.clone()),
            Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
        };
        let patch_list = match patch.get(&original_key) {
            None => None,
            Some(Value::Array(list)) => Some(list.clone()),
            Some(other) => return Err(err_bad_arg_type("[]interface {}", other)),
        };
        let field = lookup(schema, &original_key)?;
        let merge_key = field.merge_key.as_str();
        validate_patch_with_set_order_list(
            patch_list.as_deref().unwrap_or_default(),
            &set_order,
            merge_key,
        )?;

        let original_field_value = original_list.clone().unwrap_or_default();
        let patch_field_value = patch_list.clone().unwrap_or_default();
        // The live order the result is normalised against. apimachinery reads it from the
        // slice it has just merged in place; see `order::live_order_after_merge`.
        let live_order = if field.strategy == MERGE_DIRECTIVE
            && !merge_key.is_empty()
            && original_list.is_some()
            && patch_list.is_some()
        {
            order::live_order_after_merge(&original_field_value, &patch_field_value, merge_key)
        } else {
            original_field_value.clone()
        };
        let merged = match (original_list, patch_list) {
            (Some(original_list), None) => original_list,
            (None, Some(patch_list)) => strip_list(patch_list),
            (Some(original_list), Some(patch_list)) => merge_slice_handler(
                original_list,
                patch_list,
                field.items(),
                &field.strategy,
                merge_key,
                false,
            )?,
            (None, None) => continue,
        };

        let (patch_items, server_only) = if merge_key.is_empty() {
            partition_primitives_by_present_in_list(merged, &set_order)
        } else {
            partition_maps_by_present_in_list(merged, &set_order, merge_key)?
        };
        let element_kind = slice_element_type(&[&original_field_value, &patch_field_value])?;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &set_order,
            &live_order,
            merge_key,
            element_kind,
        )?;
        original.insert(original_key.clone(), Value::Array(both));
        patch.shift_remove(&original_key);
    }
    Ok(())
}

/// Checks that the patch list names its items in the order `$setElementOrder` does, and
/// only items it names (deletions aside).
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    set_order: &[Value],
    merge_key: &str,
) -> Result<()> {
    if set_order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<Value> = if merge_key.is_empty() {
        patch_list.to_vec()
    } else {
        order::extract_to_delete_items(patch_list.to_vec())?.0
    };
    let (mut patch_index, mut set_order_index) = (0, 0);
    while patch_index < non_delete.len() && set_order_index < set_order.len() {
        if contains_directive_marker(&non_delete[patch_index]) {
            patch_index += 1;
            continue;
        }
        if merge_key_value_equal(
            &non_delete[patch_index],
            &set_order[set_order_index],
            merge_key,
        )? {
            patch_index += 1;
        }
        set_order_index += 1;
    }
    if patch_index < non_delete.len() && set_order_index >= set_order.len() {
        return Err(PatchError::merge(format!(
            "the order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER_PREFIX} list:\n{}",
            go_v(&Value::Array(patch_list.to_vec())),
            go_v(&Value::Array(set_order.to_vec())),
        )));
    }
    Ok(())
}

fn contains_directive_marker(item: &Value) -> bool {
    item.as_object()
        .is_some_and(|m| m.contains_key(DIRECTIVE_MARKER))
}

fn merge_key_value_equal(left: &Value, right: &Value, merge_key: &str) -> Result<bool> {
    if merge_key.is_empty() {
        return Ok(go_eq(left, right));
    }
    let Value::Object(left) = left else {
        return Err(err_bad_arg_type("map[string]interface {}", left));
    };
    let Value::Object(right) = right else {
        return Err(err_bad_arg_type("map[string]interface {}", right));
    };
    let left_key = left
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(left, merge_key))?;
    let right_key = right
        .get(merge_key)
        .ok_or_else(|| err_no_merge_key(right, merge_key))?;
    Ok(go_eq(left_key, right_key))
}

/// Splits `<prefix>/<field>` into `<field>`.
fn extract_key(s: &str, prefix: &str) -> Result<String> {
    match s.split_once('/') {
        Some((head, field)) if head == prefix => Ok(field.to_string()),
        _ => Err(PatchError::invalid(match prefix {
            DELETE_FROM_PRIMITIVE_LIST_PREFIX => ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
            _ => ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
        })),
    }
}

/// Merges a list field by its strategy: `merge` (and every `$deleteFromPrimitiveList`)
/// merges, anything else replaces.
fn merge_slice_handler<S: PatchMeta>(
    original: Vec<Value>,
    patch: Vec<Value>,
    items: Option<S>,
    strategy: &str,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    if strategy == MERGE_DIRECTIVE || is_delete_list {
        merge_slice(original, patch, items, merge_key, is_delete_list)
    } else {
        Ok(strip_list(patch))
    }
}

/// Merges two lists (apimachinery's `mergeSlice`): lists of maps by merge key with
/// `$patch` elements honoured, lists of scalars as a union; then orders the result.
fn merge_slice<S: PatchMeta>(
    original: Vec<Value>,
    patch: Vec<Value>,
    items: Option<S>,
    merge_key: &str,
    is_delete_list: bool,
) -> Result<Vec<Value>> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let element_kind = slice_element_type(&[&original, &patch])?;

    let (merged, original, patch) = if element_kind != Kind::Map {
        if is_delete_list {
            return Ok(delete_from_slice(original, &patch));
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (values::deduplicate_scalars(both), original, patch)
    } else {
        if merge_key.is_empty() {
            return Err(PatchError::merge(format!(
                "cannot merge lists without merge key for {}",
                items.map(|s| s.name()).unwrap_or_default()
            )));
        }
        let (original, patch) = merge_slice_with_special_elements(original, patch, merge_key)?;
        let merged =
            merge_slice_without_special_elements(original.clone(), &patch, merge_key, items)?;
        (merged, original, patch)
    };

    let (patch_items, server_only) = if merge_key.is_empty() {
        partition_primitives_by_present_in_list(merged, &patch)
    } else {
        partition_maps_by_present_in_list(merged, &patch, merge_key)?
    };
    normalize_element_order(
        patch_items,
        server_only,
        &patch,
        &original,
        merge_key,
        element_kind,
    )
}

/// Handles `$patch` elements of a merge list: `delete` removes every element with that
/// merge key, `replace` makes the rest of the patch the whole list, `merge` is not
/// supported. Returns the new original and the patch without special elements.
fn merge_slice_with_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut without_special = Vec::with_capacity(patch.len());
    let mut replace = false;
    for v in patch {
        let Value::Object(element) = &v else {
            return Err(err_bad_arg_type("map[string]interface {}", &v));
        };
        let Some(directive) = element.get(DIRECTIVE_MARKER) else {
            without_special.push(v);
            continue;
        };
        match directive.as_str() {
            Some(DELETE_DIRECTIVE) => {
                let merge_value = element
                    .get(merge_key)
                    .ok_or_else(|| err_no_merge_key(element, merge_key))?;
                delete_matching_entries(&mut original, merge_key, merge_value)?;
            }
            // Keep going: the other `$patch` elements are pruned as well.
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some(MERGE_DIRECTIVE) => {
                return Err(PatchError::merge(
                    "merging lists cannot yet be specified in the patch",
                ));
            }
            _ => return Err(err_bad_patch_type(directive, element)),
        }
    }
    if replace {
        return Ok((strip_list(without_special), Vec::new()));
    }
    Ok((original, without_special))
}

fn delete_matching_entries(
    original: &mut Vec<Value>,
    merge_key: &str,
    merge_value: &Value,
) -> Result<()> {
    while let Some(index) = find_map_in_slice(original, merge_key, merge_value)? {
        original.remove(index);
    }
    Ok(())
}

/// The index of the first map in `list` whose `key` equals `value`.
pub(crate) fn find_map_in_slice(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>> {
    for (i, v) in list.iter().enumerate() {
        let Value::Object(map) = v else {
            return Err(PatchError::merge(format!("value for key {i} is not a map")));
        };
        if map
            .get(key)
            .is_some_and(|candidate| go_eq(candidate, value))
        {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// Merges each patch element into the original element with its merge key, appending the
/// ones that are new.
fn merge_slice_without_special_elements<S: PatchMeta>(
    mut original: Vec<Value>,
    patch: &[Value],
    merge_key: &str,
    items: Option<S>,
) -> Result<Vec<Value>> {
    for v in patch {
        let Value::Object(element) = v else {
            return Err(err_bad_arg_type("map[string]interface {}", v));
        };
        let merge_value = element
            .get(merge_key)
            .ok_or_else(|| err_no_merge_key(element, merge_key))?;
        match find_map_in_slice(&original, merge_key, merge_value)? {
            Some(index) => {
                let Value::Object(original_element) = std::mem::take(&mut original[index]) else {
                    return Err(PatchError::merge(format!(
                        "value for key {index} is not a map"
                    )));
                };
                let merged = merge_map(original_element, element.clone(), items)?;
                original[index] = Value::Object(merged);
            }
            None => {
                // What the API server stores for a new element is its typed decoding, which
                // keeps neither nulls nor directives.
                let mut new_element = v.clone();
                discard_null_values(&mut new_element);
                if let Some(new_element) = strip_directives(new_element) {
                    original.push(new_element);
                }
            }
        }
    }
    Ok(original)
}

/// Removes the scalars of `to_delete` from `current` (`$deleteFromPrimitiveList`).
fn delete_from_slice(current: Vec<Value>, to_delete: &[Value]) -> Vec<Value> {
    current
        .into_iter()
        .filter(|v| !to_delete.iter().any(|d| go_eq(d, v)))
        .collect()
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

fn err_bad_patch_type(directive: &Value, map: &Object) -> PatchError {
    PatchError::merge(format!(
        "unknown patch type: {} in map: {}",
        go_s(directive),
        go_v(&Value::Object(map.clone()))
    ))
}
