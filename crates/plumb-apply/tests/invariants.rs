//! Properties that hold for any sequence of applies and updates, checked on generated
//! sequences (a fixed seed, so failures reproduce): owned fields exist, applying the
//! same configuration again changes nothing, a forced apply can be repeated unforced.

use plumb_apply::{ApplyError, Manager, PathElement, Set, TypeRef, apply, update};
use serde_json::{Map, Value, json};

/// A small deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "replicas": {"type": "integer"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                    "args": {"type": "array", "items": {"type": "string"}},
                    "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                                 "additionalProperties": {"type": "string"}},
                    "items": {"type": "array", "x-kubernetes-list-type": "map",
                              "x-kubernetes-list-map-keys": ["name"],
                              "items": {"type": "object", "properties": {
                                  "name": {"type": "string"}, "value": {"type": "string"},
                                  "env": {"type": "object", "additionalProperties": {"type": "string"}}}}},
                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                }
            }
        }
    })
}

const NAMES: &[&str] = &["a", "b", "c", "d"];
const VALUES: &[&str] = &["1", "2", "3"];

fn config(r: &mut Rng) -> Value {
    let mut spec = Map::new();
    if r.below(2) == 0 {
        spec.insert("replicas".into(), json!(r.below(3)));
    }
    if r.below(2) == 0 {
        let labels: Map<String, Value> = (0..r.below(3))
            .map(|_| (r.pick(NAMES).to_string(), json!(r.pick(VALUES))))
            .collect();
        spec.insert("labels".into(), Value::Object(labels));
    }
    if r.below(2) == 0 {
        let mut tags: Vec<Value> = (0..r.below(4)).map(|_| json!(r.pick(NAMES))).collect();
        tags.dedup();
        let mut seen = Vec::new();
        tags.retain(|t| {
            let new = !seen.contains(t);
            seen.push(t.clone());
            new
        });
        spec.insert("tags".into(), Value::Array(tags));
    }
    if r.below(3) == 0 {
        spec.insert("args".into(), json!([r.pick(VALUES), r.pick(VALUES)]));
    }
    if r.below(3) == 0 {
        spec.insert("selector".into(), json!({r.pick(NAMES): r.pick(VALUES)}));
    }
    if r.below(2) == 0 {
        let mut items = Vec::new();
        let mut used = Vec::new();
        for _ in 0..r.below(4) {
            let name = r.pick(NAMES);
            if used.contains(&name) {
                continue;
            }
            used.push(name);
            let mut item = json!({"name": name});
            if r.below(2) == 0 {
                item["value"] = json!(r.pick(VALUES));
            }
            if r.below(3) == 0 {
                item["env"] = json!({r.pick(NAMES): r.pick(VALUES)});
            }
            items.push(item);
        }
        spec.insert("items".into(), Value::Array(items));
    }
    if r.below(3) == 0 {
        spec.insert(
            "extra".into(),
            json!({"deep": {r.pick(NAMES): r.pick(VALUES)}}),
        );
    }
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})
}

/// Whether a path names something the object holds.
fn resolves(obj: &Value, path: &[PathElement]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    let next = match (first, obj) {
        (PathElement::Field(name), Value::Object(m)) => m.get(name),
        (PathElement::Key(fields), Value::Array(items)) => items
            .iter()
            .find(|item| fields.iter().all(|(k, v)| item.get(k) == Some(v))),
        (PathElement::Value(v), Value::Array(items)) => items.iter().find(|i| *i == v),
        _ => None,
    };
    next.is_some_and(|n| resolves(n, rest))
}

/// The object without null values, empty maps and empty lists.
fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .filter(|(_, v)| {
                    !v.is_null()
                        && v.as_object().is_none_or(|m| !m.is_empty())
                        && v.as_array().is_none_or(|a| !a.is_empty())
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

fn entries(obj: &Value) -> Vec<Value> {
    obj["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn check_owned_fields_exist(obj: &Value, step: usize) {
    for e in entries(obj) {
        let set = Set::from_fields_v1(&e["fieldsV1"]).expect("valid FieldsV1");
        for p in set.paths() {
            assert!(
                resolves(obj, &p),
                "step {step}: {} owns {} which the object lacks:\n{obj:#}",
                e["manager"],
                plumb_apply::path_string(&p)
            );
        }
    }
}

#[test]
fn generated_sequences_keep_ownership_consistent() {
    let schema = schema();
    let ty = TypeRef::crd(&schema);
    let managers = ["alpha", "beta", "gamma"];
    for seed in 0..30u64 {
        let mut r = Rng(seed);
        let mut live: Option<Value> = None;
        for step in 0..25 {
            let time = format!("2024-01-01T00:{:02}:{:02}Z", step / 60, step % 60);
            let name = managers[r.below(3) as usize];
            let mgr = Manager::new(name, "example.com/v1", &time);
            let cfg = config(&mut r);
            if r.below(4) == 0 && live.is_some() {
                // An update: some other writer sets the configuration's spec wholesale.
                let mut new = live.clone().expect("live");
                new["spec"] = cfg["spec"].clone();
                live = Some(update(live.as_ref(), &new, &mgr, ty).expect("updates never fail"));
            } else {
                let force = r.below(2) == 0;
                match apply(live.as_ref(), &cfg, &mgr, force, ty) {
                    Ok(obj) => {
                        // Applying the same configuration again changes nothing.
                        let again = apply(Some(&obj), &cfg, &mgr, false, ty)
                            .unwrap_or_else(|e| panic!("seed {seed} step {step}: re-apply: {e}"));
                        // (Up to a map or list emptied by removal turning from null into
                        // `{}` or `[]`, as in structured-merge-diff.)
                        // An applier left owning nothing makes the object untracked, and the
                        // next apply starts with `before-first-apply`: compare the entries only
                        // when there are some.
                        let tracked = !entries(&obj).is_empty();
                        let view = |o: &Value| {
                            let mut o = normalized(o);
                            if !tracked {
                                o["metadata"]
                                    .as_object_mut()
                                    .map(|m| m.remove("managedFields"));
                            }
                            o
                        };
                        assert_eq!(
                            view(&again),
                            view(&obj),
                            "seed {seed} step {step}: re-apply changed the object"
                        );
                        live = Some(obj);
                    }
                    Err(ApplyError::Conflicts(c)) => {
                        assert!(
                            !force,
                            "seed {seed} step {step}: forced apply conflicted: {c}"
                        );
                        assert!(!c.is_empty());
                    }
                    Err(e) => panic!("seed {seed} step {step}: {e}"),
                }
            }
            if let Some(obj) = &live {
                check_owned_fields_exist(obj, step);
            }
        }
    }
}
