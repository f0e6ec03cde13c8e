//! The field set of a value (`typed.ToFieldSet`), the path element that identifies a list
//! element, and `EnsureNamedFieldsAreMembers`.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::path::{Path, PathElement, path_string};
use crate::set::Set;
use crate::types::{Atom, ListRel, TypeRef, atom};

/// The path element of a list element: its key fields, its value (sets) or its index
/// (atomic lists, never walked into).
pub(crate) fn item_element(
    rel: &ListRel,
    elem: TypeRef<'_>,
    item: &Value,
    index: usize,
) -> Result<PathElement, String> {
    match rel {
        ListRel::Atomic => Ok(PathElement::Index(index)),
        ListRel::Set => match item {
            Value::Object(_) => {
                Err("associative list without keys has an element that's a map type".into())
            }
            Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
            v => Ok(PathElement::Value(v.clone())),
        },
        ListRel::Map(keys) => {
            let m = match item {
                Value::Null => {
                    return Err("associative list with keys may not have a null element".into());
                }
                Value::Object(m) => m,
                _ => {
                    return Err("associative list with keys may not have non-map elements".into());
                }
            };
            let mut fields = Vec::with_capacity(keys.len());
            for k in keys {
                match m.get(k).cloned().or_else(|| elem.key_default(k)) {
                    Some(v) => fields.push((k.clone(), v)),
                    None => {
                        return Err(format!(
                            "associative list with keys has an element that omits key field {k:?} (and doesn't have default value)"
                        ));
                    }
                }
            }
            fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            Ok(PathElement::Key(fields))
        }
    }
}

/// An error at a path, printed as structured-merge-diff prints validation errors.
pub(crate) fn at(path: &[PathElement], msg: impl std::fmt::Display) -> String {
    format!("{}: {msg}", path_string(path))
}

/// The fields a value sets. `strict` rejects duplicate keys in associative lists (the
/// applied configuration); live objects may hold duplicates.
pub(crate) fn to_field_set(v: &Value, ty: TypeRef<'_>, strict: bool) -> Result<Set, String> {
    walk(v, ty, strict).map(|o| o.below).map_err(|e| {
        let path: Path = e.rev_path.into_iter().rev().collect();
        at(&path, e.msg)
    })
}

/// What one value sets: itself (`member`) and the fields below it.
struct Owned {
    member: bool,
    below: Set,
}

/// An error and the path to it, innermost element first.
struct WalkError {
    rev_path: Path,
    msg: String,
}

impl WalkError {
    fn new(msg: String) -> WalkError {
        WalkError {
            rev_path: Vec::new(),
            msg,
        }
    }

    fn under(mut self, pe: &PathElement) -> WalkError {
        self.rev_path.push(pe.clone());
        self
    }
}

/// Builds the set bottom-up, so no path is walked from the root twice.
fn walk(v: &Value, ty: TypeRef<'_>, strict: bool) -> Result<Owned, WalkError> {
    let leaf = Owned {
        member: true,
        below: Set::new(),
    };
    let mut below = Set::new();
    match atom(ty, Some(v)) {
        Atom::Scalar => return Ok(leaf),
        Atom::List {
            rel: ListRel::Atomic,
            ..
        } => return Ok(leaf),
        Atom::Map { atomic: true, .. } => return Ok(leaf),
        Atom::List { rel, elem } => {
            let Value::Array(items) = v else {
                return Ok(Owned {
                    member: false,
                    below,
                });
            };
            let mut pes = Vec::with_capacity(items.len());
            let mut seen = BTreeSet::new();
            let mut duplicated = BTreeSet::new();
            for (i, item) in items.iter().enumerate() {
                let pe = item_element(&rel, elem, item, i)
                    .map_err(|e| WalkError::new(format!("element {i}: {e}")))?;
                if seen.contains(&pe) {
                    if strict {
                        return Err(WalkError::new(format!("duplicate entries for key {pe}")));
                    }
                    duplicated.insert(pe.clone());
                } else {
                    seen.insert(pe.clone());
                }
                pes.push(pe);
            }
            for (pe, item) in pes.into_iter().zip(items) {
                // Duplicated elements (which live objects may hold) are owned as a whole.
                if !duplicated.contains(&pe) {
                    let child = walk(item, elem, strict).map_err(|e| e.under(&pe))?;
                    below.insert_child(pe.clone(), child.below);
                }
                below.insert_member(pe);
            }
        }
        Atom::Map { ty, .. } => {
            let Value::Object(m) = v else {
                return Ok(Owned {
                    member: false,
                    below,
                });
            };
            for (k, val) in m {
                let (fty, declared) = ty.field(k);
                let pe = PathElement::Field(k.clone());
                let child = walk(val, fty, strict).map_err(|e| e.under(&pe))?;
                // A null or empty map is owned as such; so is every key of a map.
                let empty_map = val.as_object().is_some_and(serde_json::Map::is_empty);
                let member = child.member || val.is_null() || empty_map || !declared;
                below.insert_child(pe.clone(), child.below);
                if member {
                    below.insert_member(pe);
                }
            }
        }
    }
    Ok(Owned {
        member: false,
        below,
    })
}

/// The set plus every declared struct field that has owned fields below it, so that
/// removing the set also removes those fields ("a.b.c" also owns "a" when `a` is a
/// named field, but not "a.b" when `a` is a map).
pub(crate) fn ensure_named_fields_are_members(set: &Set, ty: TypeRef<'_>) -> Set {
    let mut out = Set::new();
    for m in set.members() {
        out.insert_member(m.clone());
    }
    let decl_map = matches!(atom(ty, None), Atom::Map { .. });
    let decl_list = match atom(ty, None) {
        Atom::List { elem, .. } => Some(elem),
        _ => None,
    };
    for (pe, child) in set.children() {
        let child_ty = match pe {
            PathElement::Field(name) if decl_map => {
                let (fty, declared) = ty.field(name);
                if declared {
                    out.insert_member(pe.clone());
                }
                fty
            }
            PathElement::Key(_) => decl_list.unwrap_or(TypeRef::Deduced),
            _ => TypeRef::Deduced,
        };
        out.insert_child(pe.clone(), ensure_named_fields_are_members(child, child_ty));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldsv1::encode;
    use serde_json::json;

    fn deployment() -> TypeRef<'static> {
        TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in")
    }

    #[test]
    fn an_applied_deployment_owns_leaves_list_elements_and_map_keys() {
        let config = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1", "args": ["a"],
                                             "ports": [{"containerPort": 80}]}]}
                }
            }
        });
        let set = to_field_set(&config, deployment(), true).expect("valid config");
        let fields = encode(&set);
        let c = &fields["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"];
        assert_eq!(c["."], json!({}));
        assert_eq!(c["f:args"], json!({}));
        assert_eq!(
            c["f:ports"]["k:{\"containerPort\":80,\"protocol\":\"TCP\"}"],
            json!({".": {}, "f:containerPort": {}})
        );
        assert_eq!(fields["f:metadata"]["f:labels"], json!({"f:app": {}}));
        assert_eq!(fields["f:apiVersion"], json!({}));
    }

    /// `testdata/upstream/field_sets.yaml`: structured-merge-diff's field set cases.
    #[test]
    fn field_sets_are_the_ones_upstream_computes() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/upstream/field_sets.yaml"
        );
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let doc: Value = serde_saphyr::from_str(&text).expect("fixture is YAML");
        let mut failures = Vec::new();
        for (name, case) in doc.as_object().expect("cases by name") {
            let ty = TypeRef::crd(&case["schema"]);
            for (i, p) in case["pairs"].as_array().expect("pairs").iter().enumerate() {
                let parse = |j: usize| -> Value {
                    serde_json::from_str(p[j].as_str().expect("JSON text")).expect("JSON")
                };
                let (obj, want) = (parse(0), parse(1));
                match to_field_set(&obj, ty, false) {
                    Ok(set) if encode(&set) == want => {}
                    other => {
                        failures.push(format!("{name} #{i}: {obj}: got {other:?}, want {want}"))
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn duplicate_keys_in_an_applied_list_are_rejected() {
        let config = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "a", "image": "x"}, {"name": "a", "image": "y"}]}}}});
        let err = to_field_set(&config, deployment(), true).expect_err("duplicates");
        assert_eq!(
            err,
            ".spec.template.spec.containers: duplicate entries for key [name=\"a\"]"
        );
    }

    #[test]
    fn named_fields_become_members_but_map_keys_do_not() {
        let config = json!({"metadata": {"labels": {"a": "b"}}, "spec": {"replicas": 1}});
        let set = to_field_set(&config, deployment(), true).expect("valid");
        let ensured = ensure_named_fields_are_members(&set, deployment());
        assert!(ensured.has(&[PathElement::Field("spec".into())]));
        assert!(ensured.has(&[
            PathElement::Field("metadata".into()),
            PathElement::Field("labels".into())
        ]));
        assert!(!set.has(&[PathElement::Field("spec".into())]));
    }
}
