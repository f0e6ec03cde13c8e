//! Clean-up of patch content that is copied into the result instead of being merged.
//!
//! Two cases, as upstream:
//! - a field the live object lacks (or holds with another type) takes the patch value
//!   through `removeDirectives` (Kubernetes 1.28+): a map carrying `$patch` is dropped;
//!   [`strip_directives`];
//! - replaced content (`$patch: replace`, a `replace` strategy, a list without `merge`) and
//!   new elements of a merge list are copied as they are.
//!
//! In both cases the API server then decodes the merged map into the typed object, which
//! has no field for any directive key, so none reaches storage: we drop the remaining
//! directive keys here ([`strip_directive_keys`]), keeping the maps that carried them.

use serde_json::{Map, Value};

use super::{
    DELETE_FROM_PRIMITIVE_LIST_PREFIX, DIRECTIVE_MARKER, RETAIN_KEYS_DIRECTIVE,
    SET_ELEMENT_ORDER_PREFIX,
};

/// Removes directives from `value`; `None` when the value is itself a directive (a map
/// with `$patch`) and the field or element should not be kept.
pub(crate) fn strip_directives(value: Value) -> Option<Value> {
    match value {
        Value::Object(map) => {
            if map.contains_key(DIRECTIVE_MARKER) {
                return None;
            }
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                if is_directive_key(&k) {
                    continue;
                }
                if let Some(v) = strip_directives(v) {
                    out.insert(k, v);
                }
            }
            Some(Value::Object(out))
        }
        Value::Array(list) => Some(Value::Array(strip_list(list))),
        other => Some(other),
    }
}

/// [`strip_directives`] for each element of a list, dropping directive elements.
pub(crate) fn strip_list(list: Vec<Value>) -> Vec<Value> {
    list.into_iter().filter_map(strip_directives).collect()
}

/// Removes every `null` map value, at any depth (apimachinery's
/// `discardNullValuesFromPatch`). Nulls that are list elements stay.
pub(crate) fn discard_null_values(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(discard_null_values);
        }
        Value::Array(list) => list.iter_mut().for_each(discard_null_values),
        _ => {}
    }
}

fn is_directive_key(key: &str) -> bool {
    key == RETAIN_KEYS_DIRECTIVE
        || key
            .strip_prefix(SET_ELEMENT_ORDER_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
        || key
            .strip_prefix(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Removes every directive key (`$patch`, `$retainKeys`, `$setElementOrder/…`,
/// `$deleteFromPrimitiveList/…`) at any depth, keeping the maps that carried them: what
/// the typed decoding of copied patch content leaves.
pub(crate) fn strip_directive_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != DIRECTIVE_MARKER && !is_directive_key(k))
                .map(|(k, v)| (k, strip_directive_keys(v)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(strip_directive_keys).collect()),
        other => other,
    }
}
