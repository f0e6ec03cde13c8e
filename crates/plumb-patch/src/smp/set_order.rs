//! `$setElementOrder/<field>`: the parallel list that fixes the order of a merged list
//! (apimachinery's `mergePatchIntoOriginal`).

use serde_json::Value;

use super::directives::strip_list;
use super::lists::merge_slice_handler;
use super::meta::{PatchMeta, lookup};
use super::order::{
    self, normalize_element_order, partition_maps_by_present_in_list,
    partition_primitives_by_present_in_list,
};
use super::values::{go_eq, slice_element_type};
use super::{
    DIRECTIVE_MARKER, MERGE_DIRECTIVE, Object, SET_ELEMENT_ORDER_PREFIX, err_bad_arg_type,
    err_no_merge_key, extract_key,
};
use crate::error::{PatchError, Result};
use crate::gofmt::go_v;

/// `$setElementOrder/<field>`: merges the field's patch list (if any) into the original
/// list and orders the result — `$setElementOrder` first, then the patch, then the live
/// order for server-only items (apimachinery's `mergePatchIntoOriginal`).
pub(super) fn merge_patch_into_original<S: PatchMeta>(
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
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER_PREFIX} list:\n{}\n",
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
