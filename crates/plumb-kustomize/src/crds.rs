//! `crds`: OpenAPI definitions whose properties carry `x-kubernetes-object-ref-kind`
//! add name-reference field specs, so renamed objects are followed into custom
//! resources.

use crate::error::{Error, Result};
use crate::fieldspec::{FieldSpec, NameBackRef, TransformerConfig};
use crate::resource::Gvk;
use crate::yaml::{Node, parse_one};

/// Reads a `crds` file (OpenAPI `definitions` keyed by Go type name) into `config`.
pub fn merge_crd_config(text: &str, config: &mut TransformerConfig) -> Result<()> {
    let doc = parse_one(text)
        .map_err(|e| Error::msg(format!("invalid crd file: {e}")))?
        .unwrap_or_else(Node::empty_map);
    let Some(defs) = doc
        .at(&["definitions"])
        .and_then(Node::as_map)
        .or_else(|| doc.as_map())
    else {
        return Ok(());
    };
    for (type_name, def) in defs.iter() {
        // kustomize names the kind after the Go type: `example.com/bar/v1.Bar` is `Bar`.
        let kind = type_name
            .rsplit('.')
            .next()
            .unwrap_or(type_name)
            .to_string();
        walk(defs, schema_of(def), &kind, String::new(), config, 0);
    }
    Ok(())
}

/// A definition's schema: under `Schema` in kustomize's format, else the node itself.
fn schema_of(def: &Node) -> &Node {
    def.at(&["Schema"]).unwrap_or(def)
}

fn walk(
    defs: &crate::yaml::Mapping,
    def: &Node,
    kind: &str,
    prefix: String,
    config: &mut TransformerConfig,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let Some(props) = def.at(&["properties"]).and_then(Node::as_map) else {
        return;
    };
    for (name, p) in props.iter() {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if let Some(ref_kind) = p.str_at(&["x-kubernetes-object-ref-kind"]) {
            let gvk = Gvk {
                kind: ref_kind.to_string(),
                ..Gvk::default()
            };
            let spec = FieldSpec::with_gvk(
                Gvk {
                    kind: kind.to_string(),
                    ..Gvk::default()
                },
                &path,
                false,
            );
            let refs = std::sync::Arc::make_mut(&mut config.name_reference);
            match refs.iter_mut().find(|b| b.gvk.kind == ref_kind) {
                Some(b) => {
                    if !b.referrers.contains(&spec) {
                        b.referrers.push(spec);
                    }
                }
                None => refs.push(NameBackRef {
                    gvk,
                    referrers: vec![spec],
                }),
            }
        }
        let target = p
            .str_at(&["$ref"])
            .map(|r| r.strip_prefix("#/definitions/").unwrap_or(r))
            .and_then(|r| defs.get(r));
        match target {
            Some(t) => walk(defs, schema_of(t), kind, path, config, depth + 1),
            None => walk(defs, p, kind, path, config, depth + 1),
        }
    }
}
