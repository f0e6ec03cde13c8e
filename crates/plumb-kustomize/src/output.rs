//! The printed stream: each object as kustomize prints it, `---` between objects, and
//! `buildMetadata` labels.

use crate::error::{Error, Result, bail};
use crate::kustomization::Kustomization;
use crate::resource::Resource;
use crate::yaml::{Mapping, Node, write_yaml};

/// The label value `kubectl kustomize` (kustomize v5.5 built into kubectl, which reports
/// its version as `(devel)`) writes for `buildMetadata: [managedByLabel]`.
pub const MANAGED_BY: &str = "kustomize-(devel)";

/// Prints all objects (their annotations are normalised in place first).
pub fn render(mut res: Vec<Resource>) -> Result<String> {
    let mut out = String::with_capacity(res.len() * 640);
    for (i, r) in res.iter_mut().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        normalize(&mut r.node);
        if has_refused(&r.node)
            && let Some(path) = control_char_path(&r.node, &mut Vec::new())
        {
            bail!(
                "{}: {path}: yaml: control characters are not allowed",
                r.id().display()
            );
        }
        write_yaml(&mut out, &r.node)
            .map_err(|e| Error::msg(format!("{}: {e}", r.id().display())))?;
    }
    Ok(out)
}

/// kustomize rewrites `metadata.annotations` on its way out: values become strings
/// (their source text) and an empty map disappears.
fn normalize(node: &mut Node) {
    let Some(meta) = node
        .as_map_mut()
        .and_then(|m| m.get_mut("metadata"))
        .and_then(Node::as_map_mut)
    else {
        return;
    };
    let remove = match meta.get_mut("annotations") {
        None => false,
        Some(Node::Map(m)) if m.is_empty() => true,
        Some(Node::Map(m)) => {
            let mut fixed = Mapping::new();
            for (k, v) in std::mem::take(&mut m.entries) {
                let text = match v {
                    Node::Scalar(s) => s.value,
                    _ => String::new(),
                };
                fixed.insert(k, Node::string(text));
            }
            *m = fixed;
            false
        }
        Some(n) => n.is_null(),
    };
    if remove {
        meta.remove("annotations");
    }
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
            "originAnnotations" => {
                for r in res.iter_mut() {
                    if let Some(o) = r.origin.clone() {
                        r.map_mut()
                            .map_entry("metadata")
                            .map_entry("annotations")
                            .insert("config.kubernetes.io/origin", Node::string(o));
                    }
                }
            }
            "transformerAnnotations" => {
                for r in res.iter_mut() {
                    if !r.transformations.is_empty() {
                        let text = r.transformations.concat();
                        r.map_mut()
                            .map_entry("metadata")
                            .map_entry("annotations")
                            .insert(
                                "alpha.config.kubernetes.io/transformations",
                                Node::string(text),
                            );
                    }
                }
            }
            other => bail!("invalid buildMetadata option: {other}"),
        }
    }
    Ok(())
}

/// Characters go-yaml's reader refuses once `encoding/json` has written them unescaped.
fn is_refused(c: char) -> bool {
    matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF)
}

/// Whether any key or scalar holds a character [`is_refused`] (a fast scan first: all
/// of them are encoded with bytes from 0x7F up).
fn has_refused(n: &Node) -> bool {
    fn text(s: &str) -> bool {
        s.bytes().any(|b| b >= 0x7F) && s.chars().any(is_refused)
    }
    match n {
        Node::Scalar(s) => text(&s.value),
        Node::Seq(items) => items.iter().any(has_refused),
        Node::Map(m) => m.iter().any(|(k, v)| text(k) || has_refused(v)),
    }
}

fn control_char_path(n: &Node, path: &mut Vec<String>) -> Option<String> {
    match n {
        Node::Scalar(s) => s.value.chars().any(is_refused).then(|| path.join(".")),
        Node::Seq(items) => items.iter().enumerate().find_map(|(i, x)| {
            path.push(i.to_string());
            let r = control_char_path(x, path);
            path.pop();
            r
        }),
        Node::Map(m) => m.iter().find_map(|(k, v)| {
            path.push(k.clone());
            let r = if k.chars().any(is_refused) {
                Some(path.join("."))
            } else {
                control_char_path(v, path)
            };
            path.pop();
            r
        }),
    }
}
