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
        // Different shapes: each side is walked as what it is; leaves compare as
        // modified, the children of a granular side come and go.
        visit(al, l, r, path, c);
        visit(ar, l, r, path, c);
        return;
    }
    let a = if r.is_some() { ar } else { al };
    if !visit(a, l, r, path, c) {
        if l.is_none() {
            c.added.insert(path);
        } else if r.is_none() {
            c.removed.insert(path);
        }
    }
}

/// Compares one position as `a` sees it; whether it was a leaf.
fn visit(
    a: Atom<'_>,
    l: Option<&Value>,
    r: Option<&Value>,
    path: &mut Path,
    c: &mut Comparison,
) -> bool {
    match a {
        Atom::Scalar => {
            leaf(l, r, path, c);
            true
        }
        Atom::List { rel, elem } => {
            let la = l.and_then(Value::as_array);
            let ra = r.and_then(Value::as_array);
            let empty = la.is_none_or(Vec::is_empty) && ra.is_none_or(Vec::is_empty);
            if rel == ListRel::Atomic || empty {
                leaf(l, r, path, c);
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
                leaf(l, r, path, c);
                true
            } else {
                walk_map(lm, rm, ty, path, c);
                false
            }
        }
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
    for pe in &r_order {
        path.push(pe.clone());
        walk_item(l_groups.get(pe), r_groups.get(pe), elem, path, c);
        path.pop();
    }
    for pe in &l_order {
        if !r_groups.contains_key(pe) {
            path.push(pe.clone());
            walk_item(l_groups.get(pe), None, elem, path, c);
            path.pop();
        }
    }
}

/// Compares the elements with one key on each side. An element duplicated in a live
/// object is one leaf: removed or added as a whole, modified when both sides hold
/// different duplicates.
fn walk_item(
    lg: Option<&Vec<&Value>>,
    rg: Option<&Vec<&Value>>,
    elem: TypeRef<'_>,
    path: &mut Path,
    c: &mut Comparison,
) {
    let l_dup = lg.is_some_and(|g| g.len() > 1);
    let r_dup = rg.is_some_and(|g| g.len() > 1);
    if !l_dup && !r_dup {
        walk(lg.map(|g| g[0]), rg.map(|g| g[0]), elem, path, c);
        return;
    }
    if let (Some(l), Some(r)) = (lg, rg)
        && l_dup
        && r_dup
    {
        let same = l.len() == r.len() && l.iter().zip(r).all(|(a, b)| values_equal(a, b));
        if !same {
            c.modified.insert(path);
        }
        return;
    }
    match lg {
        Some(_) if l_dup => c.removed.insert(path),
        Some(l) => walk(Some(l[0]), None, elem, path, c),
        None => {}
    }
    match rg {
        Some(_) if r_dup => c.added.insert(path),
        Some(r) => walk(None, Some(r[0]), elem, path, c),
        None => {}
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

    /// `testdata/upstream/symdiff.yaml`: structured-merge-diff's comparison cases, both ways.
    #[test]
    fn comparisons_find_the_fields_upstream_finds_both_ways() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/upstream/symdiff.yaml"
        );
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let doc: Value = serde_saphyr::from_str(&text).expect("fixture is YAML");
        let mut failures = Vec::new();
        for (name, case) in doc.as_object().expect("cases by name") {
            let ty = match &case["schema"] {
                Value::String(s) if s == "deduced" => TypeRef::Deduced,
                schema => TypeRef::crd(schema),
            };
            for (i, q) in case["quints"]
                .as_array()
                .expect("quints")
                .iter()
                .enumerate()
            {
                let parse = |j: usize| -> Value {
                    serde_json::from_str(q[j].as_str().expect("JSON text")).expect("JSON")
                };
                let (lhs, rhs) = (parse(0), parse(1));
                let want = [parse(2), parse(3), parse(4)];
                let c = compare(&lhs, &rhs, ty);
                let got = [encode(&c.removed), encode(&c.modified), encode(&c.added)];
                if got != want {
                    failures.push(format!("{name} #{i}: got {got:?}, want {want:?}"));
                }
                let back = compare(&rhs, &lhs, ty);
                let got = [
                    encode(&back.added),
                    encode(&back.modified),
                    encode(&back.removed),
                ];
                if got != want {
                    failures.push(format!("{name} #{i} reversed: got {got:?}, want {want:?}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

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
