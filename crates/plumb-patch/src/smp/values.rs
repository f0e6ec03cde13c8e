//! Decoded JSON seen through Go's eyes: dynamic types and `==` on `interface{}` values.

use serde_json::Value;

use crate::error::{PatchError, Result};
use crate::gofmt::go_v;

/// The Go type a decoded value has. apimachinery's JSON decoding yields `int64` for
/// integers and `float64` for other numbers, and the two never compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    List,
    Map,
}

pub(crate) fn kind(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(n) if n.is_i64() => Kind::Int,
        Value::Number(_) => Kind::Float,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::List,
        Value::Object(_) => Kind::Map,
    }
}

/// Go's `==` on two decoded values: same dynamic type and same value. (Go panics on maps
/// and slices; we compare them deeply.)
pub(crate) fn go_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            kind(a) == kind(b)
                && match (x.as_i64(), y.as_i64()) {
                    (Some(x), Some(y)) => x == y,
                    _ => x.as_f64() == y.as_f64(),
                }
        }
        _ => a == b,
    }
}

/// The one element kind of all the given lists (apimachinery's `sliceElementType`).
pub(crate) fn slice_element_type(slices: &[&[Value]]) -> Result<Kind> {
    let mut previous: Option<Kind> = None;
    for v in slices.iter().flat_map(|s| s.iter()) {
        let current = kind(v);
        match previous {
            None => {
                if current == Kind::List {
                    return Err(PatchError::merge_unprocessable(super::ERR_NO_LIST_OF_LISTS));
                }
                previous = Some(current);
            }
            Some(p) if p != current => {
                let all = Value::Array(slices.iter().map(|s| Value::Array(s.to_vec())).collect());
                return Err(PatchError::merge(format!(
                    "list element types are not identical: {}",
                    go_v(&all)
                )));
            }
            Some(_) => {}
        }
    }
    previous.ok_or_else(|| PatchError::merge("no elements in any of the given slices"))
}

/// Removes duplicates the way apimachinery's `deduplicateScalars` does (a later duplicate
/// is overwritten by the last element), so the order before normalising matches.
pub(crate) fn deduplicate_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut i = 0;
    while i + 1 < s.len() {
        let mut j = i + 1;
        while j < s.len() {
            if go_eq(&s[i], &s[j]) {
                let last = s.len() - 1;
                s.swap(j, last);
                s.truncate(last);
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    s
}
