//! Strategic merge as kustomize (kyaml merge2) applies it: maps merge, `null` deletes,
//! lists merge by the Kubernetes merge keys where the schema declares a merge strategy
//! and are replaced otherwise; `$patch: delete|replace` is honoured. Like kyaml,
//! `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…` are not
//! directives here: they land in the object as ordinary fields.

use super::schema::Schema;

use crate::yaml::{Mapping, Node};

/// Merges `patch` into `dest`. `None` means the patch deleted the value.
pub fn merge(dest: Option<Node>, patch: &Node, schema: Option<Schema<'_>>) -> Option<Node> {
    match patch {
        Node::Map(p) => merge_map(dest, p, schema),
        Node::Seq(items) => Some(merge_list(dest, items, schema)),
        Node::Scalar(_) => Some(patch.clone()),
    }
}

/// kyaml refuses to merge a mapping into a scalar and the reverse; this finds the
/// first such field (a dotted path) and describes it as kyaml does.
pub fn kind_conflict(dest: &Node, patch: &Node, path: &mut Vec<String>) -> Option<String> {
    let kind = |n: &Node| match n {
        Node::Map(_) => "MappingNode",
        Node::Seq(_) => "SequenceNode",
        Node::Scalar(_) => "ScalarNode",
    };
    if dest.is_null() || patch.is_null() {
        return None;
    }
    match (dest, patch) {
        (Node::Map(d), Node::Map(p)) => {
            if directive(p).is_some() {
                return None;
            }
            for (k, pv) in p.iter() {
                if let Some(dv) = d.get(k) {
                    path.push(k.clone());
                    if let Some(e) = kind_conflict(dv, pv, path) {
                        return Some(e);
                    }
                    path.pop();
                }
            }
            None
        }
        (Node::Seq(_), Node::Seq(_)) | (Node::Scalar(_), Node::Scalar(_)) => None,
        (d, p) => {
            let contents = crate::yaml::to_yaml(p).unwrap_or_default();
            Some(format!(
                "{}: wrong node kind: expected {} but got {}: node contents:\n{}",
                path.join("."),
                kind(d),
                kind(p),
                contents.trim_end()
            ))
        }
    }
}

fn directive(m: &Mapping) -> Option<&str> {
    m.get("$patch").and_then(Node::as_str)
}

fn merge_map(dest: Option<Node>, p: &Mapping, schema: Option<Schema<'_>>) -> Option<Node> {
    match directive(p) {
        Some("delete") => return None,
        Some("replace") => return Some(clean(&Node::Map(p.clone()))),
        _ => {}
    }
    let mut d = match dest {
        Some(Node::Map(m)) => m,
        _ => Mapping::new(),
    };
    for (k, v) in p.iter() {
        if k == "$patch" {
            continue;
        }
        if v.is_null() {
            d.remove(k);
            continue;
        }
        let child_schema = schema.and_then(|s| s.field(k));
        // Take the current value out instead of cloning it (the placeholder allocates
        // nothing); the merge result goes back in its place.
        if let Some(slot) = d.get_mut(k) {
            let cur = std::mem::replace(slot, Node::Seq(Vec::new()));
            if let Some(n) = merge(Some(cur), v, child_schema) {
                *slot = n;
            } else {
                d.remove(k);
            }
        } else if let Some(n) = merge(None, v, child_schema) {
            d.entries.push((k.clone(), n));
        }
    }
    Some(Node::Map(d))
}

fn merge_list(dest: Option<Node>, patch: &[Node], schema: Option<Schema<'_>>) -> Node {
    let replace_directive = patch.iter().any(|e| {
        e.as_map()
            .is_some_and(|m| directive(m) == Some("replace") && m.len() == 1)
    });
    let strategy_merge = schema.is_some_and(|s| s.merges());
    if replace_directive || !strategy_merge {
        let kept: Vec<Node> = patch
            .iter()
            .filter(|e| {
                !e.as_map()
                    .is_some_and(|m| directive(m).is_some() && m.len() == 1)
            })
            .map(clean)
            .collect();
        return Node::Seq(kept);
    }
    let schema = schema.expect("strategy_merge implies a schema");
    let keys: Vec<String> = if !schema.list_map_keys().is_empty() {
        schema.list_map_keys()
    } else {
        schema
            .patch_merge_key()
            .map(|k| vec![k])
            .unwrap_or_default()
    };
    let dest_items = match dest {
        Some(Node::Seq(items)) => items,
        _ => Vec::new(),
    };
    // A patch element with none of the merge keys matches every element in kyaml,
    // which deletes them all.
    if patch.iter().any(|p| {
        p.as_map()
            .is_some_and(|m| keys.iter().all(|k| m.get(k).is_none_or(Node::is_null)))
    }) {
        return Node::Seq(Vec::new());
    }
    if keys.is_empty() {
        // A primitive list with a merge strategy (finalizers): union, patch first.
        let mut out: Vec<Node> = Vec::new();
        for n in patch.iter().chain(dest_items.iter()) {
            if !out.iter().any(|o| o.as_str() == n.as_str()) {
                out.push(n.clone());
            }
        }
        return Node::Seq(out);
    }
    let item_schema = schema.items();
    let key_of = |n: &Node, only: &[String]| -> Vec<(String, String)> {
        only.iter()
            .filter_map(|k| {
                n.at(&[k.as_str()])
                    .and_then(Node::as_scalar)
                    .map(|s| (k.clone(), s.value.clone()))
            })
            .collect()
    };
    let matches = |d: &Node, pk: &[(String, String)]| -> bool {
        !pk.is_empty()
            && pk.iter().all(|(k, v)| {
                d.at(&[k.as_str()])
                    .and_then(Node::as_scalar)
                    .is_some_and(|s| s.value == *v)
            })
    };
    // Observed kyaml (prepending merge) order: with one merge key, the patch's elements
    // in patch order (merged with their originals), then the untouched originals; with
    // several keys present in the patch element (ports: containerPort + protocol), the
    // merged original stays in place.
    let mut merged_dest: Vec<Option<Node>> = dest_items.into_iter().map(Some).collect();
    let mut taken = vec![false; merged_dest.len()];
    let mut front: Vec<Node> = Vec::new();
    for p in patch {
        let pk = key_of(p, &keys);
        let found = merged_dest
            .iter()
            .enumerate()
            .find(|(i, d)| !taken[*i] && d.as_ref().is_some_and(|d| matches(d, &pk)))
            .map(|(i, _)| i);
        match found {
            Some(i) => {
                taken[i] = true;
                let base = merged_dest[i].take();
                let merged = merge(base, p, item_schema);
                // Matched on several keys (all present in the patch element): in place.
                if pk.len() > 1 {
                    merged_dest[i] = merged;
                } else if let Some(m) = merged {
                    front.push(m);
                }
            }
            None => {
                if let Some(n) = merge(None, p, item_schema)
                    && (pk.is_empty() || !n.as_map().is_some_and(|m| m.is_empty()))
                {
                    front.push(n);
                }
            }
        }
    }
    let mut out = front;
    out.extend(merged_dest.into_iter().flatten());
    Node::Seq(out)
}

/// A patch value with directives removed, as it lands in the object.
pub fn clean(n: &Node) -> Node {
    match n {
        Node::Map(m) => {
            let mut out = Mapping::new();
            for (k, v) in m.iter() {
                if k == "$patch" {
                    continue;
                }
                out.entries.push((k.clone(), clean(v)));
            }
            Node::Map(out)
        }
        Node::Seq(items) => Node::Seq(
            items
                .iter()
                .filter(|e| e.as_map().is_none_or(|m| directive(m) != Some("delete")))
                .map(clean)
                .collect(),
        ),
        Node::Scalar(_) => n.clone(),
    }
}
