//! The merge facts strategic merge reads: kustomize's built-in Kubernetes schema, or the
//! OpenAPI document a kustomization names in `openapi: {path: …}` for the kinds that
//! document defines.

use std::cell::RefCell;
use std::rc::Rc;

use crate::error::{Error, Result, bail};
use crate::yaml::{Node, parse_one};

/// A custom OpenAPI document (`definitions` with `x-kubernetes-group-version-kind`).
#[derive(Debug)]
pub struct Custom {
    defs: crate::yaml::Mapping,
    /// `group/version/kind` → definition name.
    roots: Vec<(String, String)>,
}

impl Custom {
    /// Reads a JSON or YAML OpenAPI document.
    pub fn parse(text: &str) -> Result<Custom> {
        let doc = parse_one(text)
            .map_err(|e| Error::msg(format!("invalid openapi schema: {e}")))?
            .unwrap_or_else(Node::empty_map);
        let Some(defs) = doc.at(&["definitions"]).and_then(Node::as_map).cloned() else {
            bail!("the openapi schema has no definitions");
        };
        let mut roots = Vec::new();
        for (name, def) in defs.iter() {
            for g in def
                .at(&["x-kubernetes-group-version-kind"])
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                let s = |k: &str| g.str_at(&[k]).unwrap_or("").to_string();
                roots.push((
                    format!("{}/{}/{}", s("group"), s("version"), s("kind")),
                    name.clone(),
                ));
            }
        }
        Ok(Custom { defs, roots })
    }

    fn resolve<'a>(&'a self, mut n: &'a Node) -> &'a Node {
        for _ in 0..16 {
            let Some(r) = n.str_at(&["$ref"]) else { break };
            let name = r.strip_prefix("#/definitions/").unwrap_or(r);
            match self.defs.get(name) {
                Some(d) => n = d,
                None => break,
            }
        }
        n
    }
}

thread_local! {
    static CUSTOM: RefCell<Option<Rc<Custom>>> = const { RefCell::new(None) };
}

/// Makes `custom` the schema of the current build (on this thread) until the guard drops.
pub fn install(custom: Option<Rc<Custom>>) -> Guard {
    let old = CUSTOM.with(|c| c.replace(custom));
    Guard(old)
}

/// Replaces the current build's schema (the build's [`Guard`] restores the old one).
pub fn set_current(custom: Option<Rc<Custom>>) {
    CUSTOM.with(|c| *c.borrow_mut() = custom);
}

/// Restores the previous schema when dropped.
pub struct Guard(Option<Rc<Custom>>);

impl Drop for Guard {
    fn drop(&mut self) {
        let old = self.0.take();
        CUSTOM.with(|c| *c.borrow_mut() = old);
    }
}

/// The current custom schema, if a kustomization set one.
pub fn current_custom() -> Option<Rc<Custom>> {
    CUSTOM.with(|c| c.borrow().clone())
}

/// A position in either schema.
#[derive(Clone, Copy)]
pub enum Schema<'a> {
    Builtin(super::builtin_schema::Node),
    Custom(&'a Custom, &'a Node),
}

impl<'a> Schema<'a> {
    /// The schema of a kind: the custom document's when it defines the kind.
    pub fn root(custom: Option<&'a Custom>, api_version: &str, kind: &str) -> Option<Schema<'a>> {
        if let Some(c) = custom {
            let (group, version) = match api_version.rsplit_once('/') {
                Some((g, v)) => (g, v),
                None => ("", api_version),
            };
            let key = format!("{group}/{version}/{kind}");
            if let Some((_, def)) = c.roots.iter().find(|(k, _)| *k == key)
                && let Some(d) = c.defs.get(def)
            {
                return Some(Schema::Custom(c, d));
            }
        }
        super::builtin_schema::Node::root(api_version, kind).map(Schema::Builtin)
    }

    pub fn field(&self, name: &str) -> Option<Schema<'a>> {
        match self {
            Schema::Builtin(n) => n.field(name).map(Schema::Builtin),
            Schema::Custom(c, n) => c
                .resolve(n)
                .at(&["properties", name])
                .map(|p| Schema::Custom(c, p)),
        }
    }

    pub fn items(&self) -> Option<Schema<'a>> {
        match self {
            Schema::Builtin(n) => n.items().map(Schema::Builtin),
            Schema::Custom(c, n) => n
                .at(&["items"])
                .or_else(|| c.resolve(n).at(&["items"]))
                .map(|p| Schema::Custom(c, p)),
        }
    }

    fn ext(&self, key: &str) -> Option<&'a Node> {
        match self {
            Schema::Builtin(_) => None,
            Schema::Custom(_, n) => n.at(&[key]),
        }
    }

    /// Whether the patch strategy includes `merge`.
    pub fn merges(&self) -> bool {
        match self {
            Schema::Builtin(n) => n.merges(),
            Schema::Custom(..) => self
                .ext("x-kubernetes-patch-strategy")
                .and_then(Node::as_str)
                .is_some_and(|s| s.split(',').any(|p| p == "merge")),
        }
    }

    pub fn patch_merge_key(&self) -> Option<String> {
        match self {
            Schema::Builtin(n) => n.patch_merge_key().map(str::to_string),
            Schema::Custom(..) => self
                .ext("x-kubernetes-patch-merge-key")
                .and_then(Node::as_str)
                .map(str::to_string),
        }
    }

    pub fn list_map_keys(&self) -> Vec<String> {
        match self {
            Schema::Builtin(n) => n.list_map_keys(),
            Schema::Custom(..) => self
                .ext("x-kubernetes-list-map-keys")
                .and_then(Node::as_seq)
                .map(|s| {
                    s.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}
