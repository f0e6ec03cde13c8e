//! `patches`, `patchesStrategicMerge` and `patchesJson6902`: loading patches from files
//! or inline text, choosing targets, and applying them in order.

mod builtin_schema;
pub mod json6902;
pub mod schema;
pub mod select;
pub mod smp;

use std::path::Path;

use crate::error::{Error, Result, bail};
use crate::loader::{Loader, join_clean};
use crate::resource::Resource;
use crate::yaml::{Node, parse_documents};
use select::Selector;

/// Options of a `patches` entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct PatchOptions {
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
}

/// One `patches:` entry (also the PatchTransformer plugin's config).
pub fn apply_entry(
    res: &mut Vec<Resource>,
    loader: &Loader,
    dir: &Path,
    entry: &Node,
) -> Result<()> {
    let text = match (
        entry.str_at(&["path"]),
        entry.at(&["patch"]).and_then(Node::as_str),
    ) {
        (Some(_), Some(_)) => bail!("patch and path can't be set at the same time"),
        (Some(p), None) => loader.read_file(dir, &join_clean(dir, p), false)?,
        (None, Some(t)) => t.to_string(),
        (None, None) => bail!("must specify one of patch and path"),
    };
    let options = PatchOptions {
        allow_name_change: entry.flag_at(&["options", "allowNameChange"]),
        allow_kind_change: entry.flag_at(&["options", "allowKindChange"]),
    };
    let target = entry
        .at(&["target"])
        .filter(|t| !t.is_null())
        .map(Selector::from_node);
    apply_text(res, &text, target.as_ref(), options)
}

/// Applies a patch text (strategic merge, one or more documents, or a JSON patch).
pub fn apply_text(
    res: &mut Vec<Resource>,
    text: &str,
    target: Option<&Selector>,
    options: PatchOptions,
) -> Result<()> {
    let docs: Vec<Node> = parse_documents(text)
        .map_err(|e| Error::msg(format!("unable to parse patch: {e}")))?
        .into_iter()
        .flatten()
        .collect();
    if docs.is_empty() && target.is_none() {
        bail!("must specify a target for JSON patch");
    }
    if docs.len() == 1 && matches!(docs[0], Node::Seq(_)) {
        let Some(target) = target else {
            bail!("unable to apply JSON patch: a target is required");
        };
        let ops = json6902::parse_ops(&docs[0])?;
        let m = target.compile()?;
        for r in res.iter_mut().filter(|r| m.matches(r)) {
            r.remember_id();
            json6902::apply(&mut r.node, &ops)?;
        }
        return Ok(());
    }
    for doc in docs {
        match target {
            Some(t) => {
                let m = t.compile()?;
                let mut i = 0;
                while i < res.len() {
                    if m.matches(&res[i]) && !apply_smp(&mut res[i], &doc, options)? {
                        res.remove(i);
                        continue;
                    }
                    i += 1;
                }
            }
            None => {
                let idx = find_patch_target(res, &doc)?;
                if !apply_smp(&mut res[idx], &doc, options)? {
                    res.remove(idx);
                }
            }
        }
    }
    Ok(())
}

/// The one resource a target-less strategic-merge patch applies to: same group,
/// version, kind, name and namespace as the patch, by any of its ids.
fn find_patch_target(res: &[Resource], patch: &Node) -> Result<usize> {
    let p = Resource::new(patch.clone())?;
    let pid = p.id();
    let hits: Vec<usize> = res
        .iter()
        .enumerate()
        .filter(|(_, r)| r.has_id(&pid.gvk, &pid.name, &pid.namespace))
        .map(|(i, _)| i)
        .collect();
    match hits.len() {
        1 => Ok(hits[0]),
        0 => bail!(
            "no resource matches strategic merge patch \"{}\": no matches for Id {}; failed to find unique target for patch {}",
            pid.display(),
            pid.display(),
            pid.display()
        ),
        _ => bail!(
            "multiple matches for Id {}; failed to find unique target for patch {}",
            pid.display(),
            pid.display()
        ),
    }
}

/// Applies a strategic-merge patch; `false` when the patch deleted the resource.
pub fn apply_smp(r: &mut Resource, patch: &Node, options: PatchOptions) -> Result<bool> {
    let mut patch = patch.clone();
    if let Some(m) = patch.as_map_mut() {
        if !options.allow_name_change {
            m.map_entry("metadata")
                .insert("name", Node::string(r.name().to_string()));
        }
        if !options.allow_kind_change {
            m.insert("kind", Node::string(r.kind().to_string()));
        }
    }
    if let Some(e) = smp::kind_conflict(&r.node, &patch, &mut Vec::new()) {
        bail!("{e}");
    }
    let custom = schema::current_custom();
    let schema = schema::Schema::root(custom.as_deref(), r.api_version(), r.kind());
    r.remember_id();
    let node = std::mem::replace(&mut r.node, Node::null());
    match smp::merge(Some(node), &patch, schema) {
        None => Ok(false),
        Some(n) => {
            r.node = n;
            Ok(true)
        }
    }
}

/// One legacy `patchesStrategicMerge` entry: a file path or inline YAML.
pub fn apply_psm(res: &mut Vec<Resource>, loader: &Loader, dir: &Path, entry: &str) -> Result<()> {
    let looks_inline = entry.contains('\n') || entry.trim_start().starts_with('{');
    let text = if looks_inline {
        entry.to_string()
    } else {
        loader.read_file(dir, &join_clean(dir, entry), false)?
    };
    apply_text(res, &text, None, PatchOptions::default())
}

/// One legacy `patchesJson6902` entry.
pub fn apply_json6902_entry(
    res: &mut [Resource],
    loader: &Loader,
    dir: &Path,
    entry: &Node,
) -> Result<()> {
    let text = match (
        entry.str_at(&["path"]),
        entry.at(&["patch"]).and_then(Node::as_str),
    ) {
        (Some(p), _) => loader.read_file(dir, &join_clean(dir, p), false)?,
        (None, Some(t)) => t.to_string(),
        (None, None) => bail!("must specify one of patch and path"),
    };
    let target = entry
        .at(&["target"])
        .map(Selector::from_node)
        .ok_or_else(|| Error::msg("patchesJson6902 entries need a target"))?;
    let docs: Vec<Node> = parse_documents(&text)
        .map_err(|e| Error::msg(format!("unable to parse patch: {e}")))?
        .into_iter()
        .flatten()
        .collect();
    let Some(doc) = docs.first() else {
        return Ok(());
    };
    let ops = json6902::parse_ops(doc)?;
    let m = target.compile()?;
    for r in res.iter_mut().filter(|r| m.matches(r)) {
        r.remember_id();
        json6902::apply(&mut r.node, &ops)?;
    }
    Ok(())
}
