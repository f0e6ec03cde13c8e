//! Where merged list elements end up (apimachinery's `normalizeElementOrder` and friends).
//!
//! The rule: items named by the patch (or by `$setElementOrder`) keep the patch's order;
//! items only the server has keep the live order; the two are interleaved by walking both
//! and placing a server-only item before a patch item when the live list has it earlier.
//! See the design note "preserve order in strategic merge patch" in kubernetes/community.

use serde_json::{Map, Value};

use super::gosort;
use super::lists::find_map_in_slice;
use super::values::{Kind, go_eq};
use super::{
    DELETE_DIRECTIVE, DIRECTIVE_MARKER, REPLACE_DIRECTIVE, err_bad_arg_type, err_no_merge_key,
};
use crate::error::Result;

/// Splits `list` into the items present in `partition_by` and the others (scalars).
pub(crate) fn partition_primitives_by_present_in_list(
    list: Vec<Value>,
    partition_by: &[Value],
) -> (Vec<Value>, Vec<Value>) {
    list.into_iter()
        .partition(|v| partition_by.iter().any(|p| go_eq(p, v)))
}

/// Splits `list` into the maps whose merge key appears in `partition_by` and the others.
pub(crate) fn partition_maps_by_present_in_list(
    list: Vec<Value>,
    partition_by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut present = Vec::with_capacity(list.len());
    let mut server_only = Vec::with_capacity(list.len());
    for v in list {
        let Value::Object(map) = &v else {
            return Err(err_bad_arg_type("map[string]interface {}", &v));
        };
        let merge_value = map
            .get(merge_key)
            .ok_or_else(|| err_no_merge_key(map, merge_key))?;
        if find_map_in_slice(partition_by, merge_key, merge_value)?.is_some() {
            present.push(v);
        } else {
            server_only.push(v);
        }
    }
    Ok((present, server_only))
}

/// Sorts `patch` by `patch_order` and `server_only` by `server_order`, then interleaves
/// them, keeping each one's relative order.
pub(crate) fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>> {
    let patch = normalize_slice_order(patch, patch_order, merge_key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, merge_key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        merge_key,
        kind,
    ))
}

/// Sorts `to_sort` by the position of each item in `order`; `$patch: delete` items go last.
fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Result<Vec<Value>> {
    let (mut to_sort, to_delete) = if kind == Kind::Map {
        validate_merge_key_in_lists(merge_key, &[&to_sort, order])?;
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    // apimachinery's comparator: by position in `order`, and "less" whenever either item is
    // missing from it (which happens with a `$setElementOrder` list that leaves items
    // out), so only Go's exact algorithm gives its answer.
    gosort::slice_stable(&mut to_sort, |v, i, j| {
        match index(order, &v[i], merge_key, kind) {
            Some(ii) => match index(order, &v[j], merge_key, kind) {
                Some(ij) => ii < ij,
                None => true,
            },
            None => true,
        }
    });
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// Interleaves two sorted lists: an item of `left` goes before the next item of `right`
/// when both are in `server_order` and `left`'s comes first there.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    merge_key: &str,
    kind: Kind,
) -> Vec<Value> {
    let less = |l: &Value, r: &Value| match (
        index(server_order, l, merge_key, kind),
        index(server_order, r, merge_key, kind),
    ) {
        (Some(li), Some(ri)) => li < ri,
        _ => false,
    };
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => less(l, r),
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// The position of `value` in `list`: by merge key for maps, by value otherwise.
fn index(list: &[Value], value: &Value, merge_key: &str, kind: Kind) -> Option<usize> {
    if kind == Kind::Map {
        // Go compares `item[mergeKey]`, which is nil for a missing key (or a non-map).
        let wanted = merge_key_of(value, merge_key);
        list.iter()
            .position(|v| match (merge_key_of(v, merge_key), wanted) {
                (Some(a), Some(b)) => go_eq(a, b),
                (None, None) => true,
                _ => false,
            })
    } else {
        list.iter().position(|v| go_eq(v, value))
    }
}

fn merge_key_of<'a>(v: &'a Value, merge_key: &str) -> Option<&'a Value> {
    v.as_object()
        .and_then(|m| m.get(merge_key))
        .filter(|k| !k.is_null())
}

fn validate_merge_key_in_lists(merge_key: &str, lists: &[&[Value]]) -> Result<()> {
    for item in lists.iter().flat_map(|l| l.iter()) {
        let Value::Object(map) = item else {
            return Err(err_bad_arg_type("map[string]interface {}", item));
        };
        if !map.contains_key(merge_key) {
            return Err(err_no_merge_key(map, merge_key));
        }
    }
    Ok(())
}

/// Splits a list of maps into the items to keep and the `$patch: delete` items.
pub(crate) fn extract_to_delete_items(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>)> {
    let mut keep = Vec::with_capacity(list.len());
    let mut delete = Vec::new();
    for v in list {
        let Value::Object(map) = &v else {
            return Err(err_bad_arg_type("map[string]interface {}", &v));
        };
        if is_delete_element(map) {
            delete.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, delete))
}

fn is_delete_element(map: &Map<String, Value>) -> bool {
    map.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE)
}

/// The live list as apimachinery's `mergePatchIntoOriginal` sees it after merging a patch
/// list into it.
///
/// In Go the merge reuses the live slice's backing array: each `$patch: delete` shifts the
/// later elements left in place, and new patch elements are appended into the slots that
/// frees. `mergePatchIntoOriginal` then orders server-only elements against that same
/// (length-unchanged) slice. The upstream fixtures "add map and delete map from merging
/// list" pin the resulting order, so we replay those writes here.
pub(crate) fn live_order_after_merge(
    live: &[Value],
    patch: &[Value],
    merge_key: &str,
) -> Vec<Value> {
    let visible = live.len();
    let mut backing = live.to_vec();
    let mut len = live.len();
    let key_of = |v: &Value| v.as_object().and_then(|m| m.get(merge_key)).cloned();
    let find = |backing: &[Value], len: usize, key: &Value| {
        backing[..len]
            .iter()
            .position(|v| key_of(v).is_some_and(|k| go_eq(&k, key)))
    };

    // mergeSliceWithSpecialElements: deletions in patch order; `replace` swaps in a new
    // slice, after which nothing more touches the live one.
    let mut rest = Vec::new();
    let mut replace = false;
    for item in patch {
        let Some(map) = item.as_object() else {
            return live.to_vec();
        };
        match map.get(DIRECTIVE_MARKER).and_then(Value::as_str) {
            None if !map.contains_key(DIRECTIVE_MARKER) => rest.push(item),
            Some(DELETE_DIRECTIVE) => {
                let Some(key) = map.get(merge_key) else {
                    return live.to_vec();
                };
                while let Some(i) = find(&backing, len, key) {
                    // Go's `append(s[:i], s[i+1:]...)`: shift left, the last slot keeps
                    // its old value.
                    for j in i..len - 1 {
                        backing[j] = backing[j + 1].clone();
                    }
                    len -= 1;
                }
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            _ => return live.to_vec(),
        }
    }
    if replace {
        backing.truncate(visible);
        return backing;
    }
    // mergeSliceWithoutSpecialElements: matches merge in place (same key), the others
    // are appended.
    for item in rest {
        let Some(key) = item.as_object().and_then(|m| m.get(merge_key)) else {
            break;
        };
        if find(&backing, len, key).is_some() {
            continue;
        }
        if len < backing.len() {
            backing[len] = item.clone();
        } else {
            backing.push(item.clone());
        }
        len += 1;
    }
    backing.truncate(visible);
    backing
}
