//! The facts the comparison needs about a position in an object — is this list
//! associative (by which keys) or a set, is this map atomic, is this value a quantity —
//! from `plumb-schema` for built-in kinds or from a CRD's structural schema
//! (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`).

use plumb_schema::{Node, Shape};
use serde_json::Value;

const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/// A schema position.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sch<'a> {
    /// A built-in kind's position.
    Builtin(Node<'static>),
    /// A CRD's `openAPIV3Schema` (or a part of it).
    Crd(&'a Value),
}

/// What the schema says about a list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListHint {
    /// Associative by these keys.
    Keyed(Vec<String>),
    /// A set of scalars.
    Set,
    /// Atomic, compared by position.
    Positional,
}

/// The schema of an object: the CRD schema when given, else the built-in kind (a
/// version newer than the table uses its group's known version).
pub(crate) fn schema_for<'a>(obj: &Value, crd: Option<&'a Value>) -> Option<Sch<'a>> {
    if let Some(c) = crd {
        return Some(Sch::Crd(c));
    }
    let api_version = obj.get("apiVersion").and_then(Value::as_str)?;
    let kind = obj.get("kind").and_then(Value::as_str)?;
    let schema = plumb_schema::builtin();
    schema
        .root(api_version, kind)
        .or_else(|| {
            let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
            schema.root_any_version(group, kind)
        })
        .map(Sch::Builtin)
}

/// The `openAPIV3Schema` of one version of a CRD object.
pub fn crd_schema<'a>(crd: &'a Value, version: &str) -> Option<&'a Value> {
    crd.pointer("/spec/versions")?
        .as_array()?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?
        .pointer("/schema/openAPIV3Schema")
}

/// The pod template schema, for schema-less `template`s holding `spec.containers`
/// (custom resources that embed pod templates, such as Argo Rollouts).
fn pod_template() -> Option<Sch<'static>> {
    plumb_schema::builtin()
        .root("v1", "PodTemplate")
        .and_then(|n| n.field("template"))
        .map(Sch::Builtin)
}

impl<'a> Sch<'a> {
    /// The schema of a field (or map value) `key` holding `child`.
    pub(crate) fn child(schema: Option<Self>, key: &str, child: &Value) -> Option<Sch<'a>> {
        let found = schema.and_then(|s| match s {
            Sch::Builtin(n) => match n.shape() {
                Shape::Map => n.values(),
                _ => n.field(key),
            }
            .map(Sch::Builtin),
            Sch::Crd(v) => v
                .pointer(&format!(
                    "/properties/{}",
                    key.replace('~', "~0").replace('/', "~1")
                ))
                .or_else(|| v.get("additionalProperties").filter(|a| a.is_object()))
                .filter(|c| !opaque(c))
                .map(Sch::Crd),
        });
        match found {
            Some(s) => Some(s),
            None if key == "template" && child.pointer("/spec/containers").is_some() => {
                pod_template()
            }
            None => None,
        }
    }

    /// The element schema of a list.
    pub(crate) fn items(self) -> Option<Sch<'a>> {
        match self {
            Sch::Builtin(n) => n.items().map(Sch::Builtin),
            Sch::Crd(v) => v.get("items").filter(|i| !opaque(i)).map(Sch::Crd),
        }
    }

    /// What the schema says about a list; `None` when it says nothing useful (a CRD list
    /// without `x-kubernetes-list-type`), so name-based guesses apply.
    pub(crate) fn list_hint(self, scalars_only: bool) -> Option<ListHint> {
        match self {
            Sch::Builtin(s) => Some(
                if s.list_type() == Some("map") && !s.list_map_keys().is_empty() {
                    ListHint::Keyed(s.list_map_keys().to_vec())
                } else if let Some(mk) = s.patch_merge_key() {
                    ListHint::Keyed(vec![mk.to_string()])
                } else if s.list_type() == Some("set") || (s.merges() && scalars_only) {
                    ListHint::Set
                } else {
                    ListHint::Positional
                },
            ),
            Sch::Crd(v) => {
                let keys: Vec<String> = v
                    .get("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                match v.get("x-kubernetes-list-type").and_then(Value::as_str) {
                    Some("map") if !keys.is_empty() => Some(ListHint::Keyed(keys)),
                    Some("set") => Some(ListHint::Set),
                    Some("atomic") => Some(ListHint::Positional),
                    _ => None,
                }
            }
        }
    }

    /// Whether the position holds a resource quantity; `None` when the schema cannot
    /// tell (CRDs), so the path decides.
    pub(crate) fn is_quantity(self) -> Option<bool> {
        match self {
            Sch::Builtin(n) => Some(n.definition() == Some(QUANTITY)),
            Sch::Crd(_) => None,
        }
    }

    /// Whether a map is atomic: extra live keys are drift (apply replaces the map).
    pub(crate) fn atomic_map(self) -> bool {
        match self {
            Sch::Builtin(s) => s.shape() == Shape::Map && s.map_type() == Some("atomic"),
            Sch::Crd(v) => {
                v.get("additionalProperties").is_some_and(Value::is_object)
                    && v.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic")
            }
        }
    }
}

/// A CRD position that says nothing about its content.
fn opaque(v: &Value) -> bool {
    v.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
        && v.get("properties").is_none()
        && v.get("items").is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crd_list_map_keys_make_a_keyed_list() {
        let crd = json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "rules": {"type": "array", "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["id"],
                          "items": {"type": "object"}},
                "tags": {"type": "array", "x-kubernetes-list-type": "set"},
                "free": {"type": "array"}}}}}}}]}});
        let root = Sch::Crd(crd_schema(&crd, "v1").expect("v1 has a schema"));
        let spec = Sch::child(Some(root), "spec", &json!({}));
        let hint = |k: &str| Sch::child(spec, k, &json!([])).and_then(|s| s.list_hint(false));
        assert_eq!(hint("rules"), Some(ListHint::Keyed(vec!["id".into()])));
        assert_eq!(hint("tags"), Some(ListHint::Set));
        assert_eq!(hint("free"), None);
    }

    #[test]
    fn a_newer_api_version_falls_back_to_the_group_schema() {
        let obj = json!({"apiVersion": "apps/v9", "kind": "Deployment"});
        assert!(schema_for(&obj, None).is_some());
    }
}
