//! The built-in Kubernetes schema (plumb-schema's table of kustomize's OpenAPI v1.21.2
//! document), read lazily: a build looks at a few kinds, so only the definitions it
//! reaches are parsed, not the whole 190 KB table (which was most of a small build's
//! process time). The rules are plumb-schema's (`plumb_schema::Node`); a test walks
//! every kind in both and compares.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use serde_json::Value;

/// plumb-schema's table: `{"defs": {name: prop}, "gvk": {apiVersion/kind: name}, …}`.
const TABLE: &str = include_str!("../../../plumb-schema/data/k8s-v1.21.2.json");

struct Index {
    /// Definition name → its JSON text and, once read, its value.
    defs: HashMap<&'static str, (&'static str, OnceLock<Value>)>,
    /// `apiVersion/kind` → the JSON text of its definition's name and, once read, the
    /// property `{"r": name}` the kind starts at.
    roots: HashMap<&'static str, (&'static str, OnceLock<Value>)>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let b = TABLE;
    let mut defs = HashMap::with_capacity(1024);
    let mut roots = HashMap::with_capacity(512);
    // One pass over the text: the members of `defs` and `gvk` are delimited, not parsed.
    object(b, 0, &mut |key, start| match key {
        "defs" => object(b, start, &mut |name, start| {
            let end = value_end(b, start)?;
            defs.insert(name, (&TABLE[start..end], OnceLock::new()));
            Some(end)
        }),
        "gvk" => object(b, start, &mut |kind, start| {
            let end = value_end(b, start)?;
            roots.insert(kind, (&TABLE[start..end], OnceLock::new()));
            Some(end)
        }),
        _ => value_end(b, start),
    })
    .expect("the embedded schema table is the JSON object plumb-schema reads");
    Index { defs, roots }
});

/// Walks the JSON object at `i`: `member` gets each key (as written: the table's keys
/// have no escapes) and where its value starts, and returns where the value ends.
/// Returns the index just past the object.
fn object(
    t: &'static str,
    i: usize,
    member: &mut dyn FnMut(&'static str, usize) -> Option<usize>,
) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = skip_ws(b, i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let kend = string_end(t, i)?;
        let key = t.get(i + 1..kend - 1)?;
        i = skip_ws(b, kend);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let vend = member(key, skip_ws(b, i + 1))?;
        i = skip_ws(b, vend);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some(i + 1),
            _ => return None,
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// The index just past the string starting at `i` (a `"`).
fn string_end(t: &str, i: usize) -> Option<usize> {
    let b = t.as_bytes();
    let mut j = i + 1;
    loop {
        // Strings here are short: a plain loop beats `memchr`'s setup.
        let q = j + b.get(j..)?.iter().position(|&c| c == b'"')?;
        // Escaped when preceded by an odd number of backslashes.
        let slashes = b[j..q].iter().rev().take_while(|&&c| c == b'\\').count();
        if slashes % 2 == 0 {
            return Some(q + 1);
        }
        j = q + 1;
    }
}

/// The index just past the JSON value starting at `i`.
fn value_end(t: &str, i: usize) -> Option<usize> {
    let b = t.as_bytes();
    match b.get(i)? {
        b'"' => string_end(t, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = string_end(t, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let rest = &b[i..];
            let n = rest
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                .unwrap_or(rest.len());
            Some(i + n)
        }
    }
}

fn def(name: &str) -> Option<&'static Value> {
    let (text, cell) = INDEX.defs.get(name)?;
    Some(cell.get_or_init(|| {
        serde_json::from_str(text).expect("the embedded schema definitions are valid JSON")
    }))
}

/// `v[key]` for an object: small objects (a property's few keys, most definitions'
/// fields) are scanned, which beats hashing the key.
fn member<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let m = v.as_object()?;
    if m.len() <= 16 {
        m.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    } else {
        m.get(key)
    }
}

/// A position in the built-in schema (as `plumb_schema::Node`).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    prop: &'static Value,
}

impl Node {
    /// The schema of a kind, e.g. `root("apps/v1", "Deployment")`.
    pub fn root(api_version: &str, kind: &str) -> Option<Node> {
        let (text, cell) = INDEX.roots.get(format!("{api_version}/{kind}").as_str())?;
        let prop = cell.get_or_init(|| {
            let def: String =
                serde_json::from_str(text).expect("the embedded schema's kinds name definitions");
            serde_json::json!({ "r": def })
        });
        Some(Node { prop })
    }

    fn get(&self, key: &str) -> Option<&'static Value> {
        member(self.prop, key)
    }

    fn resolved(&self) -> &'static Value {
        // A definition can itself be a $ref to another; follow a bounded chain.
        let mut prop = self.prop;
        for _ in 0..8 {
            match member(prop, "r").and_then(Value::as_str).and_then(def) {
                Some(d) => prop = d,
                None => break,
            }
        }
        prop
    }

    /// The named property of an object.
    pub fn field(&self, name: &str) -> Option<Node> {
        let prop = member(member(self.resolved(), "p")?, name)?;
        Some(Node { prop })
    }

    /// The element schema of a list.
    pub fn items(&self) -> Option<Node> {
        let prop = self.get("i").or_else(|| member(self.resolved(), "i"))?;
        Some(Node { prop })
    }

    /// `x-kubernetes-patch-merge-key`.
    pub fn patch_merge_key(&self) -> Option<&'static str> {
        self.get("mk").and_then(Value::as_str)
    }

    /// Whether the patch strategy includes `merge`.
    pub fn merges(&self) -> bool {
        self.get("ps")
            .and_then(Value::as_str)
            .is_some_and(|s| s.split(',').any(|p| p == "merge"))
    }

    /// `x-kubernetes-list-map-keys`.
    pub fn list_map_keys(&self) -> Vec<String> {
        self.get("lk")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks both readers from every kind, a few levels deep, and compares.
    #[test]
    fn the_lazy_reader_agrees_with_plumb_schema() {
        fn walk(a: Option<Node>, b: Option<plumb_schema::Node<'_>>, path: &str, depth: usize) {
            match (a, b) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    assert_eq!(a.patch_merge_key(), b.patch_merge_key(), "{path}");
                    assert_eq!(a.merges(), b.merges(), "{path}");
                    assert_eq!(a.list_map_keys(), b.list_map_keys(), "{path}");
                    if depth == 0 {
                        return;
                    }
                    walk(a.items(), b.items(), &format!("{path}[]"), depth - 1);
                    let names: Vec<String> = a
                        .resolved()
                        .get("p")
                        .and_then(Value::as_object)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default();
                    for n in names.iter().map(String::as_str).chain(["nope"]) {
                        walk(a.field(n), b.field(n), &format!("{path}.{n}"), depth - 1);
                    }
                }
                (a, b) => panic!(
                    "{path}: lazy {:?} vs plumb-schema {:?}",
                    a.is_some(),
                    b.is_some()
                ),
            }
        }
        let s = plumb_schema::builtin();
        let kinds: Vec<&str> = s.kinds().collect();
        assert_eq!(kinds.len(), INDEX.roots.len());
        for k in kinds {
            let (av, kind) = k.rsplit_once('/').expect("apiVersion/kind");
            walk(Node::root(av, kind), s.root(av, kind), k, 6);
        }
        assert!(Node::root("v1", "Nope").is_none());
    }
}
