//! Field sets recorded under another schema (`typed.ReconcileFieldSetWithSchema`): a
//! field that became atomic is owned as a whole, one that became granular is owned with
//! everything the live object holds below it. Deduced (schemaless) parts are left alone.

use serde_json::Value;

use crate::fieldset::to_field_set;
use crate::path::{Path, PathElement};
use crate::set::Set;
use crate::types::{Decl, ListRel, TypeRef};

/// The set adapted to the current schema, or `None` when it needs no change.
pub(crate) fn reconcile(set: &Set, live: &Value, ty: TypeRef<'_>) -> Option<Set> {
    if matches!(ty, TypeRef::Deduced) {
        return None;
    }
    let mut w = Walker {
        live,
        root: ty,
        to_remove: Set::new(),
        to_add: Set::new(),
    };
    let mut path = Vec::new();
    w.walk(ty, &mut path, Some(set), false);
    if w.to_remove.is_empty() && w.to_add.is_empty() {
        return None;
    }
    Some(set.recursive_difference(&w.to_remove).union(&w.to_add))
}

struct Walker<'v, 't> {
    live: &'v Value,
    root: TypeRef<'t>,
    to_remove: Set,
    to_add: Set,
}

impl Walker<'_, '_> {
    fn walk(&mut self, ty: TypeRef<'_>, path: &mut Path, set: Option<&Set>, is_atomic: bool) {
        match ty.decl() {
            Decl::Scalar | Decl::Untyped { atomic: false } => {}
            Decl::Untyped { atomic: true } => self.node(ty, path, set, is_atomic, true, None),
            Decl::Map { .. } if ty.is_deduced_map() => {}
            Decl::Map { atomic } => self.node(ty, path, set, is_atomic, atomic, None),
            Decl::List { rel, elem } => {
                self.node(ty, path, set, is_atomic, rel == ListRel::Atomic, Some(elem));
            }
        }
    }

    /// One map (`elem` is `None`) or list node.
    fn node(
        &mut self,
        ty: TypeRef<'_>,
        path: &mut Path,
        set: Option<&Set>,
        is_atomic: bool,
        atomic: bool,
        elem: Option<TypeRef<'_>>,
    ) {
        if !is_atomic && atomic {
            // Granular to atomic: own the whole value instead of its parts.
            if elem.is_some() || set.is_some_and(|s| !s.is_empty()) {
                self.to_remove.insert(path);
                self.to_add.insert(path);
            }
            return;
        }
        if is_atomic && !atomic {
            // Atomic to granular: own every part the live object has.
            self.to_add = self.to_add.union(&self.granular(path));
        }
        let Some(set) = set else {
            return;
        };
        let members = set.members();
        let only_children = set.children().keys().filter(|pe| !members.contains(*pe));
        let elements: Vec<(PathElement, bool)> = only_children
            .map(|pe| (pe.clone(), false))
            .chain(members.iter().map(|pe| (pe.clone(), true)))
            .collect();
        for (pe, is_member) in elements {
            let child_set = set.children().get(&pe);
            let child_ty = match (&pe, elem) {
                (_, Some(elem)) => elem,
                (PathElement::Field(name), None) => ty.field(name).0,
                _ => TypeRef::Deduced,
            };
            path.push(pe);
            self.walk(child_ty, path, child_set, is_member && child_set.is_none());
            path.pop();
        }
    }

    /// The path and everything below it that the live object sets.
    fn granular(&self, path: &Path) -> Set {
        let mut out = Set::new();
        out.insert(path);
        let Ok(all) = to_field_set(self.live, self.root, false) else {
            return out;
        };
        let mut node = Some(&all);
        for pe in path.iter() {
            node = node.and_then(|n| n.children().get(pe));
        }
        if let (Some(below), Some((last, parents))) = (node, path.split_last()) {
            let mut wrapped = below.clone();
            for pe in std::iter::once(last).chain(parents.iter().rev()) {
                let mut parent = Set::new();
                parent.insert_child(pe.clone(), wrapped);
                wrapped = parent;
            }
            out = out.union(&wrapped);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldsv1::{decode, encode};
    use serde_json::json;

    fn schema(atomic: bool) -> Value {
        let mut s = json!({
            "type": "object",
            "properties": {
                "struct": {"type": "object", "properties": {"numeric": {"type": "number"}, "string": {"type": "string"}}},
                "list": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                "objectList": {"type": "array", "x-kubernetes-list-type": "map",
                               "x-kubernetes-list-map-keys": ["keyA", "keyB"],
                               "items": {"type": "object", "properties": {
                                   "keyA": {"type": "string"}, "keyB": {"type": "string"}, "value": {"type": "string"}}}},
                "stringMap": {"type": "object", "additionalProperties": {"type": "string"}},
                "unchanged": {"type": "object", "properties": {"numeric": {"type": "number"}}}
            }
        });
        if atomic {
            s["properties"]["struct"]["x-kubernetes-map-type"] = json!("atomic");
            s["properties"]["list"]["x-kubernetes-list-type"] = json!("atomic");
            s["properties"]["objectList"]["x-kubernetes-list-type"] = json!("atomic");
            s["properties"]["stringMap"]["x-kubernetes-map-type"] = json!("atomic");
        }
        s
    }

    fn live() -> Value {
        json!({"struct": {"numeric": 1, "string": "two"}, "list": ["one", "two"],
               "objectList": [{"keyA": "a1", "keyB": "b1", "value": "v1"}, {"keyA": "a2", "keyB": "b2", "value": "v2"}],
               "stringMap": {"key1": "value1"}, "unchanged": {"numeric": 10}})
    }

    #[test]
    fn granular_fields_of_what_became_atomic_are_owned_as_a_whole() {
        let old = decode(&json!({
            "f:struct": {"f:numeric": {}}, "f:list": {"v:\"one\"": {}}, "f:stringMap": {"f:key1": {}},
            "f:objectList": {"k:{\"keyA\":\"a1\",\"keyB\":\"b1\"}": {"f:value": {}}},
            "f:unchanged": {"f:numeric": {}}
        }))
        .expect("valid");
        let s = schema(true);
        let fixed = reconcile(&old, &live(), TypeRef::crd(&s)).expect("a change");
        assert_eq!(
            encode(&fixed),
            json!({"f:list": {}, "f:objectList": {}, "f:stringMap": {}, "f:struct": {}, "f:unchanged": {"f:numeric": {}}})
        );
        let granular = schema(false);
        assert!(reconcile(&old, &live(), TypeRef::crd(&granular)).is_none());
    }

    #[test]
    fn atomic_fields_that_became_granular_own_what_the_live_object_has() {
        let old = decode(&json!({"f:struct": {}, "f:list": {}, "f:unchanged": {"f:numeric": {}}}))
            .expect("valid");
        let s = schema(false);
        let fixed = reconcile(&old, &live(), TypeRef::crd(&s)).expect("a change");
        assert_eq!(
            encode(&fixed),
            json!({
                "f:list": {".": {}, "v:\"one\"": {}, "v:\"two\"": {}},
                "f:struct": {".": {}, "f:numeric": {}, "f:string": {}},
                "f:unchanged": {"f:numeric": {}}
            })
        );
        let atomic = schema(true);
        assert!(reconcile(&old, &live(), TypeRef::crd(&atomic)).is_none());
    }

    #[test]
    fn deduced_parts_are_not_reconciled() {
        let s = json!({"type": "object", "properties": {"preserveField": {
            "type": "object", "x-kubernetes-preserve-unknown-fields": true,
            "properties": {"list": {"type": "array", "items": {"type": "string"}}}}}});
        let old = decode(&json!({"f:preserveField": {".": {}, "f:arbitrary": {}, "f:list": {".": {}, "v:\"one\"": {}}}}))
            .expect("valid");
        let live = json!({"preserveField": {"arbitrary": "abc", "list": ["one"]}});
        let fixed = reconcile(&old, &live, TypeRef::crd(&s)).expect("a change");
        assert_eq!(
            encode(&fixed),
            json!({"f:preserveField": {".": {}, "f:arbitrary": {}, "f:list": {}}})
        );
        let free = json!({"type": "object", "properties": {"preserveField": {
            "type": "object", "x-kubernetes-preserve-unknown-fields": true}}});
        let old = decode(&json!({"f:preserveField": {".": {}, "f:arbitrary": {}}})).expect("valid");
        assert!(reconcile(&old, &live, TypeRef::crd(&free)).is_none());
        assert!(reconcile(&old, &live, TypeRef::Deduced).is_none());
    }
}
