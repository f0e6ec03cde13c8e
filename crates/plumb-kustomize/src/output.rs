//! The printed stream: each object as kustomize prints it, `---` between objects, and
//! `buildMetadata` labels.

use crate::error::{Error, Result, bail};
use crate::kustomization::Kustomization;
use crate::resource::Resource;
use crate::yaml::{Mapping, Node, to_yaml};

/// The label value `kubectl kustomize` (kustomize v5.5 built into kubectl, which reports
/// its version as `(devel)`) writes for `buildMetadata: [managedByLabel]`.
pub const MANAGED_BY: &str = "kustomize-(devel)";

/// Prints all objects.
pub fn render(res: &[Resource]) -> Result<String> {
    let mut out = String::new();
    for (i, r) in res.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let node = normalized(r);
        let text = to_yaml(&node).map_err(|e| Error::msg(format!("{}: {e}", r.id().display())))?;
        out.push_str(&text);
    }
    Ok(out)
}

/// kustomize rewrites `metadata.annotations` on its way out: values become strings
/// (their source text) and an empty map disappears.
fn normalized(r: &Resource) -> Node {
    let mut node = r.node.clone();
    if let Some(meta) = node
        .as_map_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_map_mut)
        && let Some(ann) = meta.get("annotations")
    {
        match ann {
            Node::Map(m) if m.is_empty() => {
                meta.remove("annotations");
            }
            Node::Map(m) => {
                let mut fixed = Mapping::new();
                for (k, v) in m.iter() {
                    let text = match v {
                        Node::Scalar(s) => s.value.clone(),
                        other => other.as_str().unwrap_or_default().to_string(),
                    };
                    fixed.insert(k.clone(), Node::string(text));
                }
                meta.insert("annotations", Node::Map(fixed));
            }
            n if n.is_null() => {
                meta.remove("annotations");
            }
            _ => {}
        }
    }
    node
}

/// Applies `buildMetadata` options.
pub fn build_metadata(res: &mut [Resource], k: &Kustomization) -> Result<()> {
    for opt in k.strings("buildMetadata")? {
        match opt.as_str() {
            "managedByLabel" => {
                for r in res.iter_mut() {
                    r.map_mut()
                        .map_entry("metadata")
                        .map_entry("labels")
                        .insert("app.kubernetes.io/managed-by", Node::string(MANAGED_BY));
                }
            }
            "originAnnotations" | "transformerAnnotations" => {
                bail!(
                    "buildMetadata option {opt:?} is not supported by plumb's native kustomize yet"
                )
            }
            other => bail!("invalid buildMetadata option: {other}"),
        }
    }
    Ok(())
}
