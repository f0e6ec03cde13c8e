//! The comparison of the fields desired specifies, guided by the Kubernetes schema:
//! which lists are associative (and by which keys), which are sets, and which values
//! are resource quantities.

use serde_json::Value;

use crate::FieldChange;
use crate::path::PathSegment;
use crate::quantity::Quantity;
use crate::schema::{ListHint, Sch};

/// Every field where live differs from desired (see the crate documentation).
pub(crate) fn compare(desired: &Value, live: &Value, schema: Option<Sch<'_>>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    value(desired, Some(live), schema, &mut path, &mut out);
    out
}

/// Fields the API server allocates when they are left empty (`clusterIP: ""`,
/// `nodePort: 0`): an empty desired value keeps the allocation, it is not drift.
const ALLOCATED: [&str; 4] = ["clusterIP", "clusterIPs", "nodePort", "healthCheckNodePort"];

fn is_allocated(path: &[PathSegment]) -> bool {
    matches!(path.last(), Some(PathSegment::Field(f)) if ALLOCATED.contains(&f.as_str()))
}

/// Whether a desired value is what Go's `omitempty` drops: absent live equals it.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

fn value(
    desired: &Value,
    live: Option<&Value>,
    schema: Option<Sch<'_>>,
    path: &mut Vec<PathSegment>,
    out: &mut Vec<FieldChange>,
) {
    let Some(live) = live else {
        if !is_empty(desired) {
            push(out, path, Some(desired), None);
        }
        return;
    };
    match (desired, live) {
        (Value::Null, _) => {}
        (d, _) if is_empty(d) && is_allocated(path) => {}
        (Value::Object(d), Value::Object(l)) => {
            for (k, dv) in d {
                let cs = Sch::child(schema, k, dv);
                path.push(PathSegment::Field(k.clone()));
                value(dv, l.get(k), cs, path, out);
                path.pop();
            }
            let atomic_map = schema.is_some_and(Sch::atomic_map);
            if atomic_map {
                for (k, lv) in l.iter().filter(|(k, _)| !d.contains_key(*k)) {
                    path.push(PathSegment::Field(k.clone()));
                    push(out, path, None, Some(lv));
                    path.pop();
                }
            }
        }
        (Value::Array(d), Value::Array(l)) => list(d, l, schema, path, out),
        (d, l) => {
            if !scalar_equal(d, l, schema, path) {
                push(out, path, Some(d), Some(l));
            }
        }
    }
}

fn push(out: &mut Vec<FieldChange>, path: &[PathSegment], d: Option<&Value>, l: Option<&Value>) {
    out.push(FieldChange {
        path: path.to_vec(),
        desired: d.cloned(),
        live: l.cloned(),
    });
}

/// How a list's elements are identified.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListKind {
    /// By these key fields.
    Keyed(Vec<String>),
    /// By value (a set of scalars).
    Set,
    /// By position.
    Positional,
}

/// The list semantics of a position: what the schema says (list-map keys, else the
/// merge key, else a set for merged scalar lists); without a schema, by field name for
/// pod-spec lists.
pub(crate) fn list_kind(
    schema: Option<Sch<'_>>,
    path: &[PathSegment],
    items: &[&Value],
) -> ListKind {
    let scalars_only = items.iter().all(|v| !v.is_object());
    match schema.and_then(|s| s.list_hint(scalars_only)) {
        Some(ListHint::Keyed(keys)) => return ListKind::Keyed(keys),
        Some(ListHint::Set) => return ListKind::Set,
        Some(ListHint::Positional) => return ListKind::Positional,
        None => {}
    }
    let name = match path.last() {
        Some(PathSegment::Field(n)) => n.as_str(),
        _ => return ListKind::Positional,
    };
    let keys: &[&str] = match name {
        "containers" | "initContainers" | "ephemeralContainers" | "env" | "volumes" => &["name"],
        "volumeMounts" => &["mountPath"],
        "ports" if items.iter().all(|v| v.get("containerPort").is_some()) => {
            &["containerPort", "protocol"]
        }
        "finalizers" => return ListKind::Set,
        _ => return ListKind::Positional,
    };
    if items.iter().all(|v| v.get(keys[0]).is_some()) {
        ListKind::Keyed(keys.iter().map(|k| k.to_string()).collect())
    } else {
        ListKind::Positional
    }
}

/// The key of an element: the key fields it has, in key order.
pub(crate) fn element_key(elem: &Value, keys: &[String]) -> Vec<(String, Value)> {
    keys.iter()
        .filter_map(|k| elem.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// The live element matching a desired element's key. Key fields desired leaves out
/// (a defaulted `protocol`) are not compared.
pub(crate) fn find_keyed<'v>(
    items: &'v [Value],
    key: &[(String, Value)],
    taken: &[bool],
) -> Option<(usize, &'v Value)> {
    if key.is_empty() {
        return None;
    }
    items.iter().enumerate().find(|(i, e)| {
        !taken.get(*i).copied().unwrap_or(false) && crate::path::element_has_keys(e, key)
    })
}

fn list(
    d: &[Value],
    l: &[Value],
    schema: Option<Sch<'_>>,
    path: &mut Vec<PathSegment>,
    out: &mut Vec<FieldChange>,
) {
    let all: Vec<&Value> = d.iter().chain(l.iter()).collect();
    let items_schema = schema.and_then(|s| s.items());
    match list_kind(schema, path, &all) {
        ListKind::Keyed(keys) => {
            let mut taken = vec![false; l.len()];
            for de in d {
                let key = element_key(de, &keys);
                path.push(PathSegment::Key(key.clone()));
                match find_keyed(l, &key, &taken) {
                    Some((i, le)) => {
                        taken[i] = true;
                        value(de, Some(le), items_schema, path, out);
                    }
                    None => push(out, path, Some(de), None),
                }
                path.pop();
            }
        }
        ListKind::Set => {
            for de in d {
                if !l.iter().any(|le| scalars_equal(de, le)) {
                    path.push(PathSegment::Value(de.clone()));
                    push(out, path, Some(de), None);
                    path.pop();
                }
            }
        }
        ListKind::Positional => {
            if d.len() != l.len() {
                push(
                    out,
                    path,
                    Some(&Value::Array(d.to_vec())),
                    Some(&Value::Array(l.to_vec())),
                );
                return;
            }
            for (i, (de, le)) in d.iter().zip(l).enumerate() {
                path.push(PathSegment::Index(i));
                value(de, Some(le), items_schema, path, out);
                path.pop();
            }
        }
    }
}

/// Whether a position holds a resource quantity: by schema, or (when the schema cannot
/// tell) under `resources.limits` / `resources.requests` or a quota's `hard`.
fn is_quantity(schema: Option<Sch<'_>>, path: &[PathSegment]) -> bool {
    if let Some(q) = schema.and_then(Sch::is_quantity) {
        return q;
    }
    let n = path.len();
    let field = |i: usize| match path.get(i) {
        Some(PathSegment::Field(f)) => Some(f.as_str()),
        _ => None,
    };
    n >= 3
        && matches!(field(n - 2), Some("limits" | "requests"))
        && field(n - 3) == Some("resources")
        || n >= 2 && field(n - 2) == Some("hard")
}

fn scalar_equal(d: &Value, l: &Value, schema: Option<Sch<'_>>, path: &[PathSegment]) -> bool {
    if scalars_equal(d, l) {
        return true;
    }
    if is_quantity(schema, path)
        && let (Some(a), Some(b)) = (Quantity::from_value(d), Quantity::from_value(l))
    {
        return a == b;
    }
    false
}

/// Equality with numbers by value (`3 == 3.0`); strings never equal numbers.
pub(crate) fn scalars_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(i), Some(j)) = (x.as_i64(), y.as_i64()) {
                i == j
            } else if let (Some(i), Some(j)) = (x.as_u64(), y.as_u64()) {
                i == j
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| scalars_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| scalars_equal(v, w)))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value_and_strings_never_equal_numbers() {
        assert!(scalars_equal(&json!(3), &json!(3.0)));
        assert!(scalars_equal(&json!(0.5), &json!(0.50)));
        assert!(!scalars_equal(&json!(8080), &json!("8080")));
        assert!(!scalars_equal(&json!(3), &json!(4)));
    }

    #[test]
    fn zero_values_in_desired_equal_absent_live_fields() {
        let desired = json!({"spec": {"hostNetwork": false, "args": [], "x": {}, "n": 0}});
        assert!(compare(&desired, &json!({"spec": {}}), None).is_empty());
    }

    #[test]
    fn empty_allocated_fields_keep_the_servers_allocation() {
        let desired = json!({"spec": {"clusterIP": "", "ports": [{"port": 80, "nodePort": 0}]}});
        let live = json!({"spec": {"clusterIP": "10.96.0.7",
            "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30080}]}});
        let svc = plumb_schema::builtin()
            .root("v1", "Service")
            .map(Sch::Builtin);
        assert!(compare(&desired, &live, svc).is_empty());
        let desired = json!({"spec": {"clusterIP": "10.96.0.8"}});
        assert_eq!(compare(&desired, &live, svc).len(), 1);
    }
}
