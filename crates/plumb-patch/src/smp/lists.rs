//! Merging a list field: by merge key for lists of maps (with `$patch` elements), as a
//! union for lists of scalars, replacement otherwise (apimachinery's `mergeSlice`).

use serde_json::Value;

use super::directives::{discard_null_values, strip_directive_keys};
use super::meta::PatchMeta;
use super::order::{
    normalize_element_order, partition_maps_by_present_in_list,
    partition_primitives_by_present_in_list,
};
use super::values::{self, Kind, go_eq, slice_element_type};
use super::{
    DELETE_DIRECTIVE, DIRECTIVE_MARKER, MERGE_DIRECTIVE, REPLACE_DIRECTIVE, err_bad_arg_type,
    err_bad_patch_type, err_no_merge_key, merge_map,
};
use crate::error::{PatchError, Result};

/// Merges a list field by its strategy: `merge` (and every `$deleteFromPrimitiveList`)
/// merges, anything else replaces.
pub(super) fn merge_slice_handler<S: PatchMeta>(
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
        Ok(patch.into_iter().map(strip_directive_keys).collect())
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
        let replaced = without_special
            .into_iter()
            .map(strip_directive_keys)
            .collect();
        return Ok((replaced, Vec::new()));
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
                // Upstream appends the element as it is; what the API server stores is its
                // typed decoding, which keeps neither nulls nor directive keys.
                let mut new_element = strip_directive_keys(v.clone());
                discard_null_values(&mut new_element);
                original.push(new_element);
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
