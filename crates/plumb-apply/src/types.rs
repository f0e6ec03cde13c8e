//! Type information for merging and field tracking, derived the way the API server
//! derives structured-merge-diff types from OpenAPI (kube-openapi `pkg/schemaconv`):
//!
//! - lists: `x-kubernetes-list-type` (`atomic`, `set`, `map` with
//!   `x-kubernetes-list-map-keys`) when present; else a patch strategy of `merge` (or
//!   `merge,retainKeys`) makes an associative list keyed by `x-kubernetes-patch-merge-key`,
//!   or a set without a key; otherwise the list is atomic;
//! - maps and structs: granular unless `x-kubernetes-map-type: atomic`;
//! - anything unknown is *deduced*: maps granular, lists atomic, scalars leaves.

use std::sync::LazyLock;

use plumb_schema::{Node, Shape};
use serde_json::{Value, json};

/// Where the type of a value comes from.
#[derive(Debug, Clone, Copy)]
pub enum TypeRef<'a> {
    /// A position in the schema of a built-in kind (`plumb_schema`).
    Builtin(Node<'a>),
    /// A position in a custom resource's `openAPIV3Schema`.
    Crd(CrdNode<'a>),
    /// Nothing is known: maps are granular, lists atomic, everything else a leaf.
    Deduced,
    /// Nothing is known and the whole value is one leaf (`RawExtension`).
    Atomic,
}

/// A position in a CRD's structural schema.
#[derive(Debug, Clone, Copy)]
pub struct CrdNode<'a> {
    schema: &'a Value,
    preserve_unknown: bool,
    root: bool,
}

static OBJECT_META: LazyLock<Option<Node<'static>>> = LazyLock::new(|| {
    plumb_schema::builtin()
        .root("v1", "ConfigMap")
        .and_then(|n| n.field("metadata"))
});

impl<'a> TypeRef<'a> {
    /// The type of a built-in kind, e.g. `TypeRef::builtin("apps/v1", "Deployment")`.
    /// A version newer than the embedded schema (`autoscaling/v2`) uses the newest
    /// version of the kind it has; `None` for kinds the schema does not know.
    pub fn builtin(api_version: &str, kind: &str) -> Option<TypeRef<'static>> {
        let schema = plumb_schema::builtin();
        let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
        schema
            .root(api_version, kind)
            .or_else(|| schema.root_any_version(group, kind))
            .map(TypeRef::Builtin)
    }

    /// The type of a custom resource from its version's `openAPIV3Schema`; `metadata`
    /// is typed as `ObjectMeta`, as the API server does.
    pub fn crd(schema: &'a Value) -> TypeRef<'a> {
        TypeRef::Crd(CrdNode {
            schema,
            preserve_unknown: false,
            root: true,
        })
    }

    /// Like [`TypeRef::crd`] for a CRD with `spec.preserveUnknownFields: true`
    /// (apiextensions v1beta1): unknown fields everywhere are deduced.
    pub fn crd_preserving_unknown_fields(schema: &'a Value) -> TypeRef<'a> {
        TypeRef::Crd(CrdNode {
            schema,
            preserve_unknown: true,
            root: true,
        })
    }

    /// The declared shape of this position.
    pub(crate) fn decl(&self) -> Decl<'a> {
        match self {
            TypeRef::Deduced => Decl::Untyped { atomic: false },
            TypeRef::Atomic => Decl::Untyped { atomic: true },
            TypeRef::Builtin(n) => builtin_decl(n),
            TypeRef::Crd(c) => crd_decl(c),
        }
    }

    /// The type of a map entry, and whether it is a declared (struct) field.
    pub(crate) fn field(&self, name: &str) -> (TypeRef<'a>, bool) {
        match self {
            TypeRef::Deduced => (TypeRef::Deduced, false),
            TypeRef::Atomic => (TypeRef::Atomic, false),
            TypeRef::Builtin(n) => match n.shape() {
                Shape::Object => match n.field(name) {
                    Some(_) if is_atomic_map_field(n, name) => (TypeRef::Atomic, true),
                    Some(f) => (TypeRef::Builtin(f), true),
                    // Fields newer than the embedded schema: tracked as deduced.
                    None => (TypeRef::Deduced, false),
                },
                Shape::Map => match n.values() {
                    Some(v) => (TypeRef::Builtin(v), false),
                    None => (TypeRef::Deduced, false),
                },
                _ => (TypeRef::Deduced, false),
            },
            TypeRef::Crd(c) => crd_field(c, name),
        }
    }

    /// Whether this is a map of deduced values without declared fields (a schemaless
    /// part of an object), which `reconcile` leaves alone.
    pub(crate) fn is_deduced_map(&self) -> bool {
        match self {
            TypeRef::Deduced => true,
            TypeRef::Atomic => false,
            TypeRef::Builtin(_) => matches!(self.decl(), Decl::Untyped { atomic: false }),
            TypeRef::Crd(c) => match c.schema.get("type").and_then(Value::as_str) {
                Some("object") => {
                    c.schema
                        .get("properties")
                        .is_none_or(|p| p.as_object().is_none_or(|p| p.is_empty()))
                        && c.schema
                            .get("additionalProperties")
                            .is_none_or(|a| a == &Value::Bool(true))
                }
                Some(_) => false,
                None => matches!(self.decl(), Decl::Untyped { atomic: false }),
            },
        }
    }

    /// The default of a key field of an associative list element (for example a port's
    /// `protocol`), used when an element omits it.
    pub(crate) fn key_default(&self, key: &str) -> Option<Value> {
        match self {
            TypeRef::Builtin(_) if key == "protocol" => Some(json!("TCP")),
            TypeRef::Crd(c) => {
                let prop = c.schema.get("properties")?.get(key)?;
                prop.get("default")
                    .filter(|d| !d.is_object() && !d.is_array())
                    .cloned()
            }
            _ => None,
        }
    }

    /// The object an empty instance of this type serializes to (what the API server
    /// compares a created object against): `metadata`, and for built-in kinds the
    /// non-pointer structs Go always writes (`spec`, `status`, pod templates, ...).
    pub(crate) fn empty_object(&self) -> Value {
        let mut obj = json!({});
        if let TypeRef::Builtin(n) = self {
            obj = empty_struct(n, 0);
            obj["metadata"] = json!({"creationTimestamp": null});
            for f in ["spec", "status"] {
                if let Some(child) = n.field(f).filter(|c| c.shape() == Shape::Object) {
                    obj[f] = empty_struct(&child, 0);
                }
            }
        }
        obj
    }
}

/// Non-pointer struct fields of built-in types that an empty Go value still writes.
const NON_POINTER_STRUCTS: &[(&str, &[&str])] = &[
    ("io.k8s.api.rbac.v1.RoleBinding", &["roleRef"]),
    ("io.k8s.api.rbac.v1.ClusterRoleBinding", &["roleRef"]),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimSpec",
        &["resources"],
    ),
    (
        "io.k8s.api.core.v1.NodeStatus",
        &["daemonEndpoints", "nodeInfo"],
    ),
    (
        "io.k8s.api.core.v1.NodeDaemonEndpoints",
        &["kubeletEndpoint"],
    ),
    (
        "io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec",
        &["scaleTargetRef"],
    ),
    (
        "io.k8s.api.autoscaling.v2beta2.HorizontalPodAutoscalerSpec",
        &["scaleTargetRef"],
    ),
    (
        "io.k8s.api.apps.v1.DeploymentSpec",
        &["strategy", "template"],
    ),
    ("io.k8s.api.apps.v1.ReplicaSetSpec", &["template"]),
    (
        "io.k8s.api.apps.v1.StatefulSetSpec",
        &["template", "updateStrategy"],
    ),
    (
        "io.k8s.api.apps.v1.DaemonSetSpec",
        &["template", "updateStrategy"],
    ),
    ("io.k8s.api.batch.v1.JobSpec", &["template"]),
    ("io.k8s.api.batch.v1.CronJobSpec", &["jobTemplate"]),
    ("io.k8s.api.batch.v1beta1.CronJobSpec", &["jobTemplate"]),
    ("io.k8s.api.batch.v1.JobTemplateSpec", &["metadata", "spec"]),
    (
        "io.k8s.api.batch.v1beta1.JobTemplateSpec",
        &["metadata", "spec"],
    ),
    ("io.k8s.api.core.v1.PodTemplateSpec", &["metadata", "spec"]),
    ("io.k8s.api.core.v1.ServiceStatus", &["loadBalancer"]),
    ("io.k8s.api.networking.v1.IngressStatus", &["loadBalancer"]),
];

/// Nil slices and maps without `omitempty` that an empty Go value writes as `null`.
const NIL_FIELDS: &[(&str, &[&str])] = &[("io.k8s.api.core.v1.PodSpec", &["containers"])];

fn empty_struct(n: &Node<'_>, depth: usize) -> Value {
    let mut obj = json!({});
    if depth > 6 {
        return obj;
    }
    let def = n.definition().unwrap_or_default();
    let def = def.strip_prefix("#/definitions/").unwrap_or(def);
    for (name, fields) in NIL_FIELDS {
        if *name == def {
            for f in *fields {
                obj[*f] = Value::Null;
            }
        }
    }
    for (name, fields) in NON_POINTER_STRUCTS {
        if *name != def {
            continue;
        }
        for f in *fields {
            if let Some(child) = n.field(f) {
                obj[*f] = if *f == "metadata" {
                    json!({"creationTimestamp": null})
                } else {
                    empty_struct(&child, depth + 1)
                };
            }
        }
    }
    obj
}

/// How the elements of a list relate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ListRel {
    /// The list is one leaf.
    Atomic,
    /// A set of scalars, each element tracked by value.
    Set,
    /// An associative list, each element tracked by these key fields.
    Map(Vec<String>),
}

/// The declared shape of a schema position.
#[derive(Debug, Clone)]
pub(crate) enum Decl<'a> {
    Scalar,
    List {
        rel: ListRel,
        elem: TypeRef<'a>,
    },
    Map {
        atomic: bool,
    },
    /// Shape decided by the value; `atomic` makes maps leaves too.
    Untyped {
        atomic: bool,
    },
}

/// The shape a walk uses for one value.
#[derive(Debug, Clone)]
pub(crate) enum Atom<'a> {
    Scalar,
    List { rel: ListRel, elem: TypeRef<'a> },
    Map { atomic: bool, ty: TypeRef<'a> },
}

impl Atom<'_> {
    pub(crate) fn same_kind(&self, other: &Atom<'_>) -> bool {
        matches!(
            (self, other),
            (Atom::Scalar, Atom::Scalar)
                | (Atom::List { .. }, Atom::List { .. })
                | (Atom::Map { .. }, Atom::Map { .. })
        )
    }
}

/// The shape of a value at a position: the declared one, or for untyped positions the
/// one the value has. A value that does not fit its declared shape is a leaf.
pub(crate) fn atom<'a>(ty: TypeRef<'a>, v: Option<&Value>) -> Atom<'a> {
    match ty.decl() {
        Decl::Untyped { atomic } => match v {
            Some(Value::Array(_)) => Atom::List {
                rel: ListRel::Atomic,
                elem: TypeRef::Atomic,
            },
            None | Some(Value::Object(_)) | Some(Value::Null) => Atom::Map {
                atomic,
                ty: if atomic {
                    TypeRef::Atomic
                } else {
                    TypeRef::Deduced
                },
            },
            Some(_) => Atom::Scalar,
        },
        Decl::Scalar => Atom::Scalar,
        Decl::List { rel, elem } => match v {
            None | Some(Value::Array(_)) | Some(Value::Null) => Atom::List { rel, elem },
            Some(_) => Atom::Scalar,
        },
        Decl::Map { atomic } => match v {
            None | Some(Value::Object(_)) | Some(Value::Null) => Atom::Map { atomic, ty },
            Some(_) => Atom::Scalar,
        },
    }
}

fn list_rel(
    list_type: Option<&str>,
    keys: Vec<String>,
    strategy: Option<&str>,
    merge_key: Option<&str>,
) -> ListRel {
    match list_type {
        Some("atomic") => ListRel::Atomic,
        Some("set") => ListRel::Set,
        Some("map") if keys.is_empty() => ListRel::Set,
        Some("map") => ListRel::Map(keys),
        Some(_) => ListRel::Atomic,
        None => match strategy {
            Some("merge") | Some("merge,retainKeys") => match merge_key {
                Some(k) => ListRel::Map(vec![k.to_string()]),
                None => ListRel::Set,
            },
            _ => ListRel::Atomic,
        },
    }
}

/// Structs that are atomic (`+structType=atomic`) in the Kubernetes 1.32 OpenAPI but
/// not yet in the embedded 1.21 schema.
const ATOMIC_DEFINITIONS: &[&str] = &[
    "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
    "io.k8s.api.core.v1.ConfigMapKeySelector",
    "io.k8s.api.core.v1.LocalObjectReference",
    "io.k8s.api.core.v1.NodeSelector",
    "io.k8s.api.core.v1.NodeSelectorTerm",
    "io.k8s.api.core.v1.ObjectFieldSelector",
    "io.k8s.api.core.v1.ObjectReference",
    "io.k8s.api.core.v1.ResourceFieldSelector",
    "io.k8s.api.core.v1.ScopeSelector",
    "io.k8s.api.core.v1.SecretKeySelector",
    "io.k8s.api.core.v1.SecretReference",
    "io.k8s.api.core.v1.TopologySelectorTerm",
    "io.k8s.api.core.v1.TypedLocalObjectReference",
];

/// Map fields that are atomic (`+mapType=atomic`) in the Kubernetes 1.32 OpenAPI but
/// not yet in the embedded 1.21 schema: (definition, field).
const ATOMIC_MAP_FIELDS: &[(&str, &str)] = &[
    ("io.k8s.api.core.v1.PodSpec", "nodeSelector"),
    ("io.k8s.api.core.v1.ReplicationControllerSpec", "selector"),
    ("io.k8s.api.core.v1.ServiceSpec", "selector"),
];

fn definition_name<'a>(n: &Node<'a>) -> &'a str {
    let def = n.definition().unwrap_or_default();
    def.strip_prefix("#/definitions/").unwrap_or(def)
}

fn is_atomic_map_field(parent: &Node<'_>, field: &str) -> bool {
    let def = definition_name(parent);
    ATOMIC_MAP_FIELDS
        .iter()
        .any(|(d, f)| *d == def && *f == field)
}

fn builtin_decl<'a>(n: &Node<'a>) -> Decl<'a> {
    match n.shape() {
        Shape::Object | Shape::Map => Decl::Map {
            atomic: n.map_type() == Some("atomic")
                || ATOMIC_DEFINITIONS.contains(&definition_name(n)),
        },
        Shape::Array => Decl::List {
            rel: list_rel(
                n.list_type(),
                n.list_map_keys().to_vec(),
                n.patch_strategy(),
                n.patch_merge_key(),
            ),
            elem: n.items().map(TypeRef::Builtin).unwrap_or(TypeRef::Atomic),
        },
        Shape::Scalar => Decl::Scalar,
        Shape::Unknown => {
            let def = n.definition().unwrap_or_default();
            if def.ends_with("io.k8s.apimachinery.pkg.runtime.RawExtension") {
                Decl::Untyped { atomic: true }
            } else if def.ends_with("io.k8s.apimachinery.pkg.api.resource.Quantity")
                || def.ends_with("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
            {
                Decl::Scalar
            } else {
                Decl::Untyped { atomic: false }
            }
        }
    }
}

fn ext<'v>(s: &'v Value, name: &str) -> Option<&'v Value> {
    s.get(name)
}

fn crd_decl<'a>(c: &CrdNode<'a>) -> Decl<'a> {
    let s = c.schema;
    let ty = s.get("type").and_then(Value::as_str).unwrap_or("");
    match ty {
        "object" => Decl::Map {
            atomic: ext(s, "x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic"),
        },
        "array" => {
            let keys = ext(s, "x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let rel = list_rel(
                ext(s, "x-kubernetes-list-type").and_then(Value::as_str),
                keys,
                ext(s, "x-kubernetes-patch-strategy").and_then(Value::as_str),
                ext(s, "x-kubernetes-patch-merge-key").and_then(Value::as_str),
            );
            let elem = match s.get("items") {
                Some(items) if items.is_object() => TypeRef::Crd(c.child(items)),
                _ => TypeRef::Atomic,
            };
            Decl::List { rel, elem }
        }
        "string" | "integer" | "number" | "boolean" => Decl::Scalar,
        // Any type: maps follow `x-kubernetes-map-type`, lists are atomic.
        _ => Decl::Untyped {
            atomic: ext(s, "x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic"),
        },
    }
}

impl<'a> CrdNode<'a> {
    fn preserves(&self) -> bool {
        self.preserve_unknown
            || self.schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
    }

    fn child(&self, schema: &'a Value) -> CrdNode<'a> {
        CrdNode {
            schema,
            preserve_unknown: self.preserves(),
            root: false,
        }
    }
}

fn crd_field<'a>(c: &CrdNode<'a>, name: &str) -> (TypeRef<'a>, bool) {
    if c.root
        && name == "metadata"
        && let Some(meta) = *OBJECT_META
    {
        return (TypeRef::Builtin(meta), true);
    }
    if let Some(prop) = c.schema.get("properties").and_then(|p| p.get(name)) {
        return (TypeRef::Crd(c.child(prop)), true);
    }
    match c.schema.get("additionalProperties") {
        Some(add @ Value::Object(_)) => (TypeRef::Crd(c.child(add)), false),
        _ => (TypeRef::Deduced, false),
    }
}

impl<'a> Decl<'a> {
    #[cfg(test)]
    fn list_elem(&self) -> Option<TypeRef<'a>> {
        match self {
            Decl::List { elem, .. } => Some(*elem),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containers_are_keyed_by_name_and_finalizers_are_a_set() {
        let d = TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in");
        let (spec, declared) = d.field("spec");
        assert!(declared);
        let (tpl, _) = spec.field("template");
        let (pod, _) = tpl.field("spec");
        let (containers, _) = pod.field("containers");
        match containers.decl() {
            Decl::List { rel, .. } => assert_eq!(rel, ListRel::Map(vec!["name".into()])),
            other => panic!("containers: {other:?}"),
        }
        let (meta, _) = d.field("metadata");
        let (finalizers, _) = meta.field("finalizers");
        assert!(matches!(
            finalizers.decl(),
            Decl::List {
                rel: ListRel::Set,
                ..
            }
        ));
        let (args, _) = containers
            .decl()
            .list_elem()
            .expect("containers have elements")
            .field("args");
        assert!(matches!(
            args.decl(),
            Decl::List {
                rel: ListRel::Atomic,
                ..
            }
        ));
    }

    #[test]
    fn crd_schemas_follow_list_and_map_extensions() {
        let schema = json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "properties": {
                        "items": {"type": "array", "x-kubernetes-list-type": "map",
                                  "x-kubernetes-list-map-keys": ["id"],
                                  "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
                        "sel": {"type": "object", "x-kubernetes-map-type": "atomic"},
                        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                    }
                }
            }
        });
        let t = TypeRef::crd(&schema);
        let (meta, _) = t.field("metadata");
        assert!(matches!(meta, TypeRef::Builtin(_)));
        let (spec, _) = t.field("spec");
        let (items, _) = spec.field("items");
        assert!(matches!(
            items.decl(),
            Decl::List {
                rel: ListRel::Map(_),
                ..
            }
        ));
        let (sel, _) = spec.field("sel");
        assert!(matches!(sel.decl(), Decl::Map { atomic: true }));
        let (free, _) = spec.field("free");
        let (x, declared) = free.field("x");
        assert!(!declared);
        assert!(matches!(x, TypeRef::Deduced));
    }

    #[test]
    fn newer_versions_of_built_in_kinds_use_the_newest_embedded_version() {
        let hpa =
            TypeRef::builtin("autoscaling/v2", "HorizontalPodAutoscaler").expect("known kind");
        let (spec, declared) = hpa.field("spec");
        assert!(declared);
        let (metrics, declared) = spec.field("metrics");
        assert!(declared && matches!(metrics.decl(), Decl::List { .. }));
        assert!(TypeRef::builtin("example.com/v1", "Widget").is_none());
    }

    #[test]
    fn an_empty_deployment_has_its_non_pointer_structs() {
        let d = TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in");
        let e = d.empty_object();
        assert!(e["spec"]["template"]["spec"].is_object(), "{e}");
        assert!(e["spec"]["strategy"].is_object(), "{e}");
        assert!(e["status"].is_object(), "{e}");
        let rb = TypeRef::builtin("rbac.authorization.k8s.io/v1", "RoleBinding").expect("built in");
        assert!(rb.empty_object()["roleRef"].is_object());
        let cm = TypeRef::builtin("v1", "ConfigMap").expect("ConfigMap is built in");
        assert_eq!(
            cm.empty_object(),
            json!({"metadata": {"creationTimestamp": null}})
        );
    }
}
