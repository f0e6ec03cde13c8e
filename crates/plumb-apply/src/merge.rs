//! Merging an applied configuration into a live object (`typed.Merge` with the
//! keep-right-hand-side rule) and removing fields (`typed.RemoveItems`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::fieldset::{at, item_element};
use crate::path::{Path, PathElement};
use crate::set::Set;
use crate::types::{Atom, ListRel, TypeRef, atom};

/// Merges `rhs` (the applied configuration) into `lhs` (the live object): granular maps
/// merge per key, associative lists per key or value, everything else is replaced.
pub(crate) fn merge(lhs: &Value, rhs: &Value, ty: TypeRef<'_>) -> Result<Value, String> {
    let mut path = Vec::new();
    Ok(merge_at(Some(lhs), Some(rhs), ty, &mut path)?.unwrap_or_else(|| Value::Object(Map::new())))
}

fn merge_at(
    l: Option<&Value>,
    r: Option<&Value>,
    ty: TypeRef<'_>,
    path: &mut Path,
) -> Result<Option<Value>, String> {
    let al = atom(ty, l);
    let ar = atom(ty, r);
    let leaf = || Ok(r.or(l).cloned());
    if l.is_some() && r.is_some() && !al.same_kind(&ar) {
        return leaf();
    }
    match if r.is_some() { ar } else { al } {
        Atom::Scalar => leaf(),
        Atom::List { rel, elem } => {
            let la = l.and_then(Value::as_array);
            let ra = r.and_then(Value::as_array);
            let empty = la.is_none_or(Vec::is_empty) && ra.is_none_or(Vec::is_empty);
            if rel == ListRel::Atomic || empty {
                return leaf();
            }
            let out = merge_list(la, ra, &rel, elem, path)?;
            Ok((!out.is_empty()).then_some(Value::Array(out)))
        }
        Atom::Map { atomic, ty } => {
            let lm = l.and_then(Value::as_object);
            let rm = r.and_then(Value::as_object);
            let empty = lm.is_none_or(Map::is_empty) && rm.is_none_or(Map::is_empty);
            if atomic || empty {
                return leaf();
            }
            let mut out = Map::new();
            if let Some(lm) = lm {
                for (k, lv) in lm {
                    let (fty, _) = ty.field(k);
                    path.push(PathElement::Field(k.clone()));
                    let v = merge_at(Some(lv), rm.and_then(|r| r.get(k)), fty, path)?;
                    path.pop();
                    if let Some(v) = v {
                        out.insert(k.clone(), v);
                    }
                }
            }
            if let Some(rm) = rm {
                for (k, rv) in rm {
                    if lm.is_some_and(|l| l.contains_key(k)) {
                        continue;
                    }
                    let (fty, _) = ty.field(k);
                    path.push(PathElement::Field(k.clone()));
                    let v = merge_at(None, Some(rv), fty, path)?;
                    path.pop();
                    if let Some(v) = v {
                        out.insert(k.clone(), v);
                    }
                }
            }
            Ok((!out.is_empty()).then_some(Value::Object(out)))
        }
    }
}

/// Path elements of a list in order, and each element by key (`None` when the key is
/// duplicated, which live objects may do).
type Indexed<'v> = (Vec<PathElement>, BTreeMap<PathElement, Option<&'v Value>>);

fn index<'v>(
    items: Option<&'v Vec<Value>>,
    rel: &ListRel,
    elem: TypeRef<'_>,
    strict: bool,
    path: &Path,
) -> Result<Indexed<'v>, String> {
    let mut order = Vec::new();
    let mut seen: BTreeMap<PathElement, Option<&Value>> = BTreeMap::new();
    for (i, item) in items.into_iter().flatten().enumerate() {
        let pe =
            item_element(rel, elem, item, i).map_err(|e| at(path, format!("element {i}: {e}")))?;
        match seen.get_mut(&pe) {
            Some(_) if strict => {
                return Err(at(path, format!("duplicate entries for key {pe}")));
            }
            Some(slot) => *slot = None,
            None => {
                seen.insert(pe.clone(), Some(item));
            }
        }
        order.push(pe);
    }
    Ok((order, seen))
}

/// Merges associative lists: items keep the live order, items shared with the
/// configuration follow the configuration's order, new items are placed where the
/// configuration puts them (structured-merge-diff's `visitListItems`).
fn merge_list(
    l: Option<&Vec<Value>>,
    r: Option<&Vec<Value>>,
    rel: &ListRel,
    elem: TypeRef<'_>,
    path: &mut Path,
) -> Result<Vec<Value>, String> {
    let (r_order, r_seen) = index(r, rel, elem, true, path)?;
    let (l_order, l_seen) = index(l, rel, elem, false, path)?;
    let l_items: Vec<&Value> = l.into_iter().flatten().collect();
    let mut shared = r_order.iter().filter(|pe| l_seen.contains_key(pe));
    let mut next_shared = shared.next();
    let mut merged_rhs: BTreeSet<PathElement> = BTreeSet::new();
    let mut out = Vec::new();
    let (l_len, r_len) = (l_order.len(), r_order.len());
    let (mut li, mut ri) = (0, 0);
    let item = |pe: &PathElement, lv: Option<&Value>, rv: Option<&Value>, path: &mut Path| {
        path.push(pe.clone());
        let v = merge_at(lv, rv, elem, path);
        path.pop();
        v
    };
    while li < l_len || ri < r_len {
        if li < l_len && ri < r_len {
            let pe = &l_order[li];
            if *pe == r_order[ri] {
                merged_rhs.insert(pe.clone());
                let lv = l_seen.get(pe).copied().flatten();
                let rv = r_seen.get(pe).copied().flatten();
                if let Some(v) = item(pe, lv, rv, path)? {
                    out.push(v);
                }
                li += 1;
                ri += 1;
                next_shared = shared.next();
                continue;
            }
            if r_seen.contains_key(pe) && next_shared.is_some_and(|n| n != pe) {
                li += 1;
                continue;
            }
        }
        if li < l_len {
            let pe = &l_order[li];
            if !r_seen.contains_key(pe) {
                if let Some(v) = item(pe, l_items.get(li).copied(), None, path)? {
                    out.push(v);
                }
                li += 1;
                continue;
            } else if merged_rhs.contains(pe) {
                li += 1;
                continue;
            }
        }
        if ri < r_len {
            let pe = &r_order[ri];
            merged_rhs.insert(pe.clone());
            let lv = l_seen.get(pe).copied().flatten();
            let rv = r_seen.get(pe).copied().flatten();
            if let Some(v) = item(pe, lv, rv, path)? {
                out.push(v);
            }
            ri += 1;
            if next_shared.is_some_and(|n| n == pe) {
                next_shared = shared.next();
            }
        }
    }
    Ok(out)
}

/// Removes the fields of `set` from a value. Maps and lists left empty become `null`
/// in their parent, as in structured-merge-diff.
pub(crate) fn remove_items(v: &Value, set: &Set, ty: TypeRef<'_>) -> Value {
    remove_at(v, set, ty).unwrap_or_else(|| Value::Object(Map::new()))
}

fn remove_at(v: &Value, set: &Set, ty: TypeRef<'_>) -> Option<Value> {
    match atom(ty, Some(v)) {
        Atom::Scalar => Some(v.clone()),
        Atom::List { rel, elem } => {
            let Value::Array(items) = v else {
                return Some(v.clone());
            };
            if items.is_empty() || rel == ListRel::Atomic {
                return None;
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let Ok(pe) = item_element(&rel, elem, item, i) else {
                    out.push(item.clone());
                    continue;
                };
                if set.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                match set.with_prefix(&pe) {
                    Some(sub) => out.push(remove_at(item, sub, elem).unwrap_or(Value::Null)),
                    None => out.push(item.clone()),
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Atom::Map { atomic, ty } => {
            let Value::Object(m) = v else {
                return Some(v.clone());
            };
            if m.is_empty() || atomic {
                return None;
            }
            let mut out = Map::new();
            for (k, val) in m {
                let pe = PathElement::Field(k.clone());
                if set.has(std::slice::from_ref(&pe)) {
                    continue;
                }
                match set.with_prefix(&pe) {
                    Some(sub) => {
                        let (fty, _) = ty.field(k);
                        out.insert(k.clone(), remove_at(val, sub, fty).unwrap_or(Value::Null));
                    }
                    None => {
                        out.insert(k.clone(), val.clone());
                    }
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::parse_dotted;
    use serde_json::json;

    fn deployment() -> TypeRef<'static> {
        TypeRef::builtin("apps/v1", "Deployment").expect("built in")
    }

    #[test]
    fn containers_merge_by_name_and_args_are_replaced() {
        let live = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
            {"name": "a", "image": "a:1", "args": ["x", "y"]},
            {"name": "b", "image": "b:1"}]}}}});
        let config = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "a:2", "args": ["z"]},
            {"name": "c", "image": "c:1"}]}}}});
        let out = merge(&live, &config, deployment()).expect("merges");
        assert_eq!(
            out,
            json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [
                {"name": "a", "image": "a:2", "args": ["z"]},
                {"name": "b", "image": "b:1"},
                {"name": "c", "image": "c:1"}]}}}})
        );
    }

    #[test]
    fn shared_list_items_follow_the_order_of_the_configuration() {
        let ty = TypeRef::builtin("v1", "ConfigMap").expect("built in");
        let live = json!({"metadata": {"finalizers": ["a", "b", "c"]}});
        let config = json!({"metadata": {"finalizers": ["c", "a", "d"]}});
        let out = merge(&live, &config, ty).expect("merges");
        assert_eq!(out["metadata"]["finalizers"], json!(["b", "c", "a", "d"]));
    }

    /// `testdata/upstream/merge_triplets.yaml`: structured-merge-diff's merge cases.
    #[test]
    fn merges_give_the_results_and_orders_of_upstream() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/upstream/merge_triplets.yaml"
        );
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let doc: Value = serde_saphyr::from_str(&text).expect("fixture is YAML");
        let mut failures = Vec::new();
        for (name, case) in doc.as_object().expect("cases by name") {
            let ty = TypeRef::crd(&case["schema"]);
            for (i, t) in case["triplets"]
                .as_array()
                .expect("triplets")
                .iter()
                .enumerate()
            {
                let parse = |j: usize| -> Value {
                    serde_json::from_str(t[j].as_str().expect("JSON text")).expect("JSON")
                };
                let (lhs, rhs, out) = (parse(0), parse(1), parse(2));
                match merge(&lhs, &rhs, ty) {
                    Ok(got) if got == out => {}
                    other => failures.push(format!(
                        "{name} #{i}: {lhs} + {rhs}: got {other:?}, want {out}"
                    )),
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn removing_the_last_label_leaves_a_null_label_map() {
        let live = json!({"metadata": {"name": "x", "labels": {"a": "1"}}});
        let set = Set::from_paths([parse_dotted("metadata.labels.a").as_slice()]);
        let out = remove_items(&live, &set, deployment());
        assert_eq!(out, json!({"metadata": {"name": "x", "labels": null}}));
    }
}
