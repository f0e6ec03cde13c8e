//! Comparison of two versions of an object (`typed.Compare`): which fields were added,
//! modified or removed.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::fieldset::item_element;
use crate::path::{Path, PathElement, values_equal};
use crate::set::Set;
use crate::types::{Atom, ListRel, TypeRef, atom};

/// Fields that differ between two objects. A field appears in at most one set.
#[derive(Debug, Default, Clone)]
pub(crate) struct Comparison {
    pub added: Set,
    pub modified: Set,
    pub removed: Set,
}

impl Comparison {
    /// Drops the given fields and everything below them from all three sets.
    pub(crate) fn exclude(self, fields: &Set) -> Comparison {
        if fields.is_empty() {
            return self;
        }
        Comparison {
            added: self.added.recursive_difference(fields),
            modified: self.modified.recursive_difference(fields),
            removed: self.removed.recursive_difference(fields),
        }
    }
}

/// Compares `old` with `new`.
pub(crate) fn compare(old: &Value, new: &Value, ty: TypeRef<'_>) -> Comparison {
    let mut c = Comparison::default();
    let mut path = Vec::new();
    walk(Some(old), Some(new), ty, &mut path, &mut c);
    c
}

fn leaf(l: Option<&Value>, r: Option<&Value>, path: &Path, c: &mut Comparison) {
    match (l, r) {
        (None, _) => c.added.insert(path),
        (_, None) => c.removed.insert(path),
        (Some(l), Some(r)) if !values_equal(l, r) => c.modified.insert(path),
        _ => {}
    }
}

fn walk(
    l: Option<&Value>,
    r: Option<&Value>,
    ty: TypeRef<'_>,
    path: &mut Path,
    c: &mut Comparison,
) {
    let al = atom(ty, l);
    let ar = atom(ty, r);
    if l.is_some() && r.is_some() && !al.same_kind(&ar) {
        leaf(l, r, path, c);
        return;
    }
    let a = if r.is_some() { ar } else { al };
    let is_leaf = match a {
        Atom::Scalar => true,
        Atom::List { rel, elem } => {
            let la = l.and_then(Value::as_array);
            let ra = r.and_then(Value::as_array);
            let empty = la.is_none_or(Vec::is_empty) && ra.is_none_or(Vec::is_empty);
            if rel == ListRel::Atomic || empty {
                true
            } else {
                walk_list(la, ra, &rel, elem, path, c);
                false
            }
        }
        Atom::Map { atomic, ty } => {
            let lm = l.and_then(Value::as_object);
            let rm = r.and_then(Value::as_object);
            let empty = lm.is_none_or(Map::is_empty) && rm.is_none_or(Map::is_empty);
            if atomic || empty {
                true
            } else {
                walk_map(lm, rm, ty, path, c);
                false
            }
        }
    };
    if is_leaf {
        leaf(l, r, path, c);
    } else if l.is_none() {
        c.added.insert(path);
    } else if r.is_none() {
        c.removed.insert(path);
    }
}

fn index<'v>(
    items: Option<&'v Vec<Value>>,
    rel: &ListRel,
    elem: TypeRef<'_>,
) -> (
    Vec<(PathElement, &'v Value)>,
    BTreeMap<PathElement, &'v Value>,
) {
    let mut order = Vec::new();
    let mut seen = BTreeMap::new();
    for (i, item) in items.into_iter().flatten().enumerate() {
        // Elements without a valid key were rejected when the object was validated;
        // here they are simply not tracked.
        let Ok(pe) = item_element(rel, elem, item, i) else {
            continue;
        };
        if seen.contains_key(&pe) {
            continue;
        }
        seen.insert(pe.clone(), item);
        order.push((pe, item));
    }
    (order, seen)
}

fn walk_list(
    l: Option<&Vec<Value>>,
    r: Option<&Vec<Value>>,
    rel: &ListRel,
    elem: TypeRef<'_>,
    path: &mut Path,
    c: &mut Comparison,
) {
    let (l_order, l_seen) = index(l, rel, elem);
    let (r_order, r_seen) = index(r, rel, elem);
    for (pe, rv) in &r_order {
        path.push(pe.clone());
        walk(l_seen.get(pe).copied(), Some(rv), elem, path, c);
        path.pop();
    }
    for (pe, lv) in &l_order {
        if r_seen.contains_key(pe) {
            continue;
        }
        path.push(pe.clone());
        walk(Some(lv), None, elem, path, c);
        path.pop();
    }
}

fn walk_map(
    l: Option<&Map<String, Value>>,
    r: Option<&Map<String, Value>>,
    ty: TypeRef<'_>,
    path: &mut Path,
    c: &mut Comparison,
) {
    if let Some(l) = l {
        for (k, lv) in l {
            let (fty, _) = ty.field(k);
            path.push(PathElement::Field(k.clone()));
            walk(Some(lv), r.and_then(|r| r.get(k)), fty, path, c);
            path.pop();
        }
    }
    if let Some(r) = r {
        for (k, rv) in r {
            if l.is_some_and(|l| l.contains_key(k)) {
                continue;
            }
            let (fty, _) = ty.field(k);
            path.push(PathElement::Field(k.clone()));
            walk(None, Some(rv), fty, path, c);
            path.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldsv1::encode;
    use serde_json::json;

    #[test]
    fn a_new_label_map_is_added_with_its_keys_and_a_changed_image_is_modified() {
        let ty = TypeRef::builtin("apps/v1", "Deployment").expect("built in");
        let old = json!({"metadata": {"name": "a"}, "spec": {"template": {"spec": {"containers": [
            {"name": "c", "image": "x:1"}]}}}});
        let new = json!({"metadata": {"name": "a", "labels": {"app": "a"}}, "spec": {"template": {"spec": {"containers": [
            {"name": "c", "image": "x:2"}, {"name": "d", "image": "y"}]}}}});
        let c = compare(&old, &new, ty);
        assert_eq!(
            encode(&c.added),
            json!({
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {"f:template": {"f:spec": {"f:containers": {
                    "k:{\"name\":\"d\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}
            })
        );
        assert_eq!(
            encode(&c.modified),
            json!({"f:spec": {"f:template": {"f:spec": {"f:containers": {
                "k:{\"name\":\"c\"}": {"f:image": {}}}}}}})
        );
        assert!(c.removed.is_empty());
        let back = compare(&new, &old, ty);
        assert_eq!(
            encode(&back.removed)["f:metadata"],
            json!({"f:labels": {".": {}, "f:app": {}}})
        );
    }
}
