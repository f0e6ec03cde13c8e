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

/// The elements of a list grouped by path element, in order of first appearance.
type Groups<'v> = (Vec<PathElement>, BTreeMap<PathElement, Vec<&'v Value>>);

fn group<'v>(items: Option<&'v Vec<Value>>, rel: &ListRel, elem: TypeRef<'_>) -> Groups<'v> {
    let mut order = Vec::new();
    let mut groups: BTreeMap<PathElement, Vec<&Value>> = BTreeMap::new();
    for (i, item) in items.into_iter().flatten().enumerate() {
        // Elements without a valid key were rejected when the object was validated;
        // here they are simply not tracked.
        let Ok(pe) = item_element(rel, elem, item, i) else {
            continue;
        };
        match groups.get_mut(&pe) {
            Some(g) => g.push(item),
            None => {
                order.push(pe.clone());
                groups.insert(pe, vec![item]);
            }
        }
    }
    (order, groups)
}

fn walk_list(
    l: Option<&Vec<Value>>,
    r: Option<&Vec<Value>>,
    rel: &ListRel,
    elem: TypeRef<'_>,
    path: &mut Path,
    c: &mut Comparison,
) {
    let (l_order, l_groups) = group(l, rel, elem);
    let (r_order, r_groups) = group(r, rel, elem);
    let mut item = |pe: &PathElement, lg: Option<&Vec<&Value>>, rg: Option<&Vec<&Value>>| {
        path.push(pe.clone());
        let dup = lg.is_some_and(|g| g.len() > 1) || rg.is_some_and(|g| g.len() > 1);
        if dup {
            // Duplicated elements compare as one leaf: the whole group.
            let as_list = |g: &Vec<&Value>| Value::Array(g.iter().map(|v| (*v).clone()).collect());
            let lv = lg.map(as_list);
            let rv = rg.map(as_list);
            leaf(lv.as_ref(), rv.as_ref(), path, c);
            // The fields of a single element that became duplicated are gone as such
            // (and those of one that stopped being duplicated are new).
            let mut inner = Comparison::default();
            match (lg, rg) {
                (Some(l), _) if l.len() == 1 => walk(Some(l[0]), None, elem, path, &mut inner),
                (_, Some(r)) if r.len() == 1 => walk(None, Some(r[0]), elem, path, &mut inner),
                _ => {}
            }
            let own = Set::from_paths([path.as_slice()]);
            c.removed = c.removed.union(&inner.removed.difference(&own));
            c.added = c.added.union(&inner.added.difference(&own));
        } else {
            walk(lg.map(|g| g[0]), rg.map(|g| g[0]), elem, path, c);
        }
        path.pop();
    };
    for pe in &r_order {
        item(pe, l_groups.get(pe), r_groups.get(pe));
    }
    for pe in &l_order {
        if !r_groups.contains_key(pe) {
            item(pe, l_groups.get(pe), None);
        }
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
