//! Field paths as users read them (`spec.template.spec.containers[name=app].image`),
//! and writing a value at a path (to build the live view of a diff).

use std::fmt;

use serde_json::{Map, Value};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathSegment {
    /// A map or object field.
    Field(String),
    /// An element of an associative list, by its key fields (`[name=app]`).
    Key(Vec<(String, Value)>),
    /// An element of a list, by position (`[0]`).
    Index(usize),
    /// An element of a set, by value (`[=kubernetes.io/pvc-protection]`).
    Value(Value),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Field(name) => f.write_str(name),
            PathSegment::Key(keys) => {
                let parts: Vec<String> = keys
                    .iter()
                    .map(|(k, v)| format!("{k}={}", scalar_text(v)))
                    .collect();
                write!(f, "[{}]", parts.join(","))
            }
            PathSegment::Index(i) => write!(f, "[{i}]"),
            PathSegment::Value(v) => write!(f, "[={}]", scalar_text(v)),
        }
    }
}

/// A dotted path: `spec.template.spec.containers[name=app].image`.
pub(crate) fn dotted(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        if matches!(seg, PathSegment::Field(_)) && !out.is_empty() {
            out.push('.');
        }
        out.push_str(&seg.to_string());
    }
    out
}

/// A scalar as a user reads it: strings unquoted.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a list element has these key values.
pub(crate) fn element_has_keys(elem: &Value, keys: &[(String, Value)]) -> bool {
    keys.iter().all(|(k, v)| {
        elem.get(k)
            .is_some_and(|ev| crate::compare::scalars_equal(ev, v))
    })
}

/// Sets (`Some`) or removes (`None`) the value at `path`, creating maps on the way.
/// Associative elements missing from a list are appended.
pub(crate) fn set_at(doc: &mut Value, path: &[PathSegment], value: Option<Value>) {
    let Some((last, parents)) = path.split_last() else {
        if let Some(v) = value {
            *doc = v;
        }
        return;
    };
    let mut cur = doc;
    for seg in parents {
        let next = match seg {
            PathSegment::Field(name) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                }
                let Value::Object(map) = cur else { return };
                map.entry(name.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            PathSegment::Key(keys) => {
                let Value::Array(items) = cur else { return };
                let pos = match items.iter().position(|e| element_has_keys(e, keys)) {
                    Some(p) => p,
                    None => {
                        let elem: Map<String, Value> = keys.iter().cloned().collect();
                        items.push(Value::Object(elem));
                        items.len() - 1
                    }
                };
                &mut items[pos]
            }
            PathSegment::Index(i) => match cur {
                Value::Array(items) if *i < items.len() => &mut items[*i],
                _ => return,
            },
            PathSegment::Value(_) => return,
        };
        cur = next;
    }
    match (last, cur) {
        (PathSegment::Field(name), Value::Object(map)) => match value {
            Some(v) => {
                map.insert(name.clone(), v);
            }
            None => {
                map.shift_remove(name);
            }
        },
        (PathSegment::Key(keys), Value::Array(items)) => {
            let pos = items.iter().position(|e| element_has_keys(e, keys));
            match (pos, value) {
                (Some(p), Some(v)) => items[p] = v,
                (Some(p), None) => {
                    items.remove(p);
                }
                (None, Some(v)) => items.push(v),
                (None, None) => {}
            }
        }
        (PathSegment::Index(i), Value::Array(items)) => match value {
            Some(v) if *i < items.len() => items[*i] = v,
            Some(v) => items.push(v),
            None if *i < items.len() => {
                items.remove(*i);
            }
            None => {}
        },
        (PathSegment::Value(want), Value::Array(items)) => {
            let pos = items
                .iter()
                .position(|e| crate::compare::scalars_equal(e, want));
            match (pos, value) {
                (Some(p), None) => {
                    items.remove(p);
                }
                (None, Some(v)) => items.push(v),
                _ => {}
            }
        }
        (PathSegment::Field(name), other) => {
            if let Some(v) = value {
                let mut map = Map::new();
                map.insert(name.clone(), v);
                *other = Value::Object(map);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_print_keys_in_brackets() {
        let p = [
            PathSegment::Field("spec".into()),
            PathSegment::Field("containers".into()),
            PathSegment::Key(vec![("name".into(), json!("app"))]),
            PathSegment::Field("image".into()),
        ];
        assert_eq!(dotted(&p), "spec.containers[name=app].image");
    }

    #[test]
    fn set_at_replaces_keyed_elements_and_removes_fields() {
        let mut doc = json!({"spec": {"c": [{"name": "a", "image": "x"}]}});
        let path = [
            PathSegment::Field("spec".into()),
            PathSegment::Field("c".into()),
            PathSegment::Key(vec![("name".into(), json!("a"))]),
            PathSegment::Field("image".into()),
        ];
        set_at(&mut doc, &path, Some(json!("y")));
        assert_eq!(doc, json!({"spec": {"c": [{"name": "a", "image": "y"}]}}));
        set_at(&mut doc, &path[..3], None);
        assert_eq!(doc, json!({"spec": {"c": []}}));
    }
}
