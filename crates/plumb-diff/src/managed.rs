//! Field ownership from live `metadata.managedFields` (`FieldsV1`): the fields plumb
//! applied before, which server-side apply removes when desired drops them, and the
//! fields of managers an ignore rule names.
//!
//! `FieldsV1` is walked directly (`f:<name>`, `k:<json>`, `v:<json>`, `i:<n>`; `{}` a
//! member leaf, `".": {}` a member with children) rather than decoded into
//! `plumb-apply`'s field sets, whose decoder is private to that crate.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::FieldChange;
use crate::compare::{element_key, scalars_equal};
use crate::path::PathSegment;

/// A `FieldsV1` trie: whether this node is owned, and the owned fields below it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Owned {
    member: bool,
    children: BTreeMap<String, Owned>,
}

impl Owned {
    fn decode(v: &Value) -> Owned {
        let mut node = Owned::default();
        let Value::Object(map) = v else {
            return node;
        };
        if map.is_empty() {
            node.member = true;
        }
        for (k, child) in map {
            if k == "." {
                node.member = true;
            } else if child.is_object() {
                node.children.insert(k.clone(), Owned::decode(child));
            }
        }
        node
    }

    fn merge(&mut self, other: Owned) {
        self.member |= other.member;
        for (k, c) in other.children {
            self.children.entry(k).or_default().merge(c);
        }
    }

    fn is_empty(&self) -> bool {
        !self.member && self.children.values().all(Owned::is_empty)
    }
}

/// Who owns what in a live object.
#[derive(Debug, Clone, Default)]
pub(crate) struct Owners {
    /// Fields plumb applied.
    plumb: Owned,
    /// Fields of every other manager.
    others: Owned,
    /// Every manager's fields, by name.
    by_manager: BTreeMap<String, Owned>,
}

impl Owners {
    /// Reads `metadata.managedFields`. Only plumb's `Apply` entries on the main resource
    /// count as plumb's; every other entry (subresources included: an autoscaler owns
    /// `spec.replicas` through `scale`) is someone else's.
    pub(crate) fn from_live(live: &Value, manager: &str) -> Owners {
        let mut owners = Owners::default();
        let entries = live
            .pointer("/metadata/managedFields")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for e in entries {
            let subresource = e.get("subresource").and_then(Value::as_str).unwrap_or("");
            let Some(fields) = e.get("fieldsV1") else {
                continue;
            };
            let name = e.get("manager").and_then(Value::as_str).unwrap_or_default();
            let set = Owned::decode(fields);
            let is_apply = e.get("operation").and_then(Value::as_str) != Some("Update");
            if name == manager && is_apply && subresource.is_empty() {
                owners.plumb.merge(set.clone());
            } else {
                owners.others.merge(set.clone());
            }
            owners
                .by_manager
                .entry(name.to_string())
                .or_default()
                .merge(set);
        }
        owners
    }

    /// The fields of the named managers.
    pub(crate) fn of_managers(&self, names: &[String]) -> Owned {
        let mut out = Owned::default();
        for n in names {
            if let Some(o) = self.by_manager.get(n) {
                out.merge(o.clone());
            }
        }
        out
    }

    /// Fields plumb owns alone that desired no longer has but live still does: applying
    /// desired removes them.
    pub(crate) fn removed_fields(&self, desired: &Value, live: &Value) -> Vec<FieldChange> {
        let mut out = Vec::new();
        let mut path = Vec::new();
        walk_removed(
            &self.plumb,
            Some(&self.others),
            Some(desired),
            live,
            &mut path,
            &mut out,
        );
        out
    }
}

/// A parsed `FieldsV1` key.
enum Step {
    Field(String),
    Key(Vec<(String, Value)>),
    Value(Value),
    Index(usize),
}

fn parse_step(key: &str) -> Option<Step> {
    let (kind, rest) = (key.get(..2)?, key.get(2..)?);
    match kind {
        "f:" => Some(Step::Field(rest.to_string())),
        "k:" => match serde_json::from_str::<Value>(rest).ok()? {
            Value::Object(m) => Some(Step::Key(m.into_iter().collect())),
            _ => None,
        },
        "v:" => serde_json::from_str(rest).ok().map(Step::Value),
        "i:" => rest.parse().ok().map(Step::Index),
        _ => None,
    }
}

/// The child a step names, and the path segment users read for it.
fn child<'v>(v: Option<&'v Value>, step: &Step) -> Option<&'v Value> {
    match (step, v?) {
        (Step::Field(name), Value::Object(m)) => m.get(name),
        (Step::Key(key), Value::Array(items)) => items.iter().find(|e| {
            let names: Vec<String> = key.iter().map(|(k, _)| k.clone()).collect();
            let ek = element_key(e, &names);
            ek.len() == key.len()
                && ek
                    .iter()
                    .zip(key)
                    .all(|((_, a), (_, b))| scalars_equal(a, b))
        }),
        (Step::Value(want), Value::Array(items)) => items.iter().find(|e| scalars_equal(e, want)),
        (Step::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    }
}

/// Like [`child`], but a desired element may leave out key fields (a defaulted
/// `protocol`): it matches when the keys it has agree.
fn desired_child<'v>(v: Option<&'v Value>, step: &Step) -> Option<&'v Value> {
    match (step, v?) {
        (Step::Key(key), Value::Array(items)) => items.iter().find(|e| {
            key.iter().all(|(k, kv)| match e.get(k) {
                Some(ev) => scalars_equal(ev, kv),
                None => true,
            }) && key.iter().any(|(k, _)| e.get(k).is_some())
        }),
        _ => child(v, step),
    }
}

fn segment(step: &Step) -> PathSegment {
    match step {
        Step::Field(n) => PathSegment::Field(n.clone()),
        Step::Key(k) => PathSegment::Key(k.clone()),
        Step::Value(v) => PathSegment::Value(v.clone()),
        Step::Index(i) => PathSegment::Index(*i),
    }
}

fn walk_removed(
    owned: &Owned,
    others: Option<&Owned>,
    desired: Option<&Value>,
    live: &Value,
    path: &mut Vec<PathSegment>,
    out: &mut Vec<FieldChange>,
) {
    for (key, node) in &owned.children {
        let Some(step) = parse_step(key) else {
            continue;
        };
        let Some(lv) = child(Some(live), &step) else {
            continue;
        };
        let dv = desired_child(desired, &step);
        let other = others.and_then(|o| o.children.get(key));
        path.push(segment(&step));
        if dv.is_none() && node.member && !other.is_some_and(|o| o.member) {
            out.push(FieldChange {
                path: path.clone(),
                desired: None,
                live: Some(lv.clone()),
            });
        } else if !node.children.is_empty() {
            walk_removed(node, other, dv, lv, path, out);
        }
        path.pop();
    }
}

/// Removes the owned fields from a value (fields of managers an ignore rule names).
pub(crate) fn remove_owned(owned: &Owned, v: &mut Value) {
    if owned.is_empty() {
        return;
    }
    let mut remove_keys = Vec::new();
    for (key, node) in &owned.children {
        let Some(step) = parse_step(key) else {
            continue;
        };
        if node.member {
            remove_keys.push(step);
            continue;
        }
        if let Some(c) = child_mut(v, &step) {
            remove_owned(node, c);
        }
    }
    for step in remove_keys {
        match (&step, &mut *v) {
            (Step::Field(n), Value::Object(m)) => {
                m.shift_remove(n);
            }
            (_, Value::Array(items)) => {
                let snapshot = Value::Array(items.clone());
                if let Some(target) = child(Some(&snapshot), &step)
                    && let Some(pos) = items.iter().position(|e| e == target)
                {
                    items.remove(pos);
                }
            }
            _ => {}
        }
    }
}

fn child_mut<'v>(v: &'v mut Value, step: &Step) -> Option<&'v mut Value> {
    let pos = match (&*v, step) {
        (Value::Object(_), Step::Field(_)) => None,
        (Value::Array(items), _) => {
            let snapshot = Value::Array(items.clone());
            let target = child(Some(&snapshot), step)?;
            Some(items.iter().position(|e| e == target)?)
        }
        _ => return None,
    };
    match (v, step, pos) {
        (Value::Object(m), Step::Field(n), _) => m.get_mut(n),
        (Value::Array(items), _, Some(p)) => items.get_mut(p),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_plumb_alone_applied_and_desired_dropped_are_removals() {
        let live = json!({
            "metadata": {"name": "a", "labels": {"team": "x", "app": "a", "other": "y"},
                "managedFields": [
                    {"manager": "plumb", "operation": "Apply",
                     "fieldsV1": {"f:metadata": {"f:labels": {"f:team": {}, "f:app": {}}}}},
                    {"manager": "kubectl-label", "operation": "Update",
                     "fieldsV1": {"f:metadata": {"f:labels": {"f:other": {}}}}}
                ]}
        });
        let desired = json!({"metadata": {"name": "a", "labels": {"app": "a"}}});
        let owners = Owners::from_live(&live, "plumb");
        let removed = owners.removed_fields(&desired, &live);
        assert_eq!(removed.len(), 1);
        assert_eq!(
            crate::path::dotted(&removed[0].path),
            "metadata.labels.team"
        );
    }
}
