//! Argo CD's `source.kustomize` overrides. Argo CD runs `kustomize edit set image …`,
//! `edit set nameprefix|namesuffix|namespace|replicas`, `edit add label|annotation` and
//! appends `patches` on the kustomization before building; here the same edits are made
//! to the parsed kustomization in memory (the file is never touched).

use std::path::Path;

use crate::error::{Error, Result, bail};
use crate::yaml::{Mapping, Node};
use crate::{Options, build_edited};

/// The overrides of an Application's `spec.source.kustomize`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `myapp:v1.2.0`, `myapp=registry/other:v2`, `myapp@sha256:…`.
    pub images: Vec<String>,
    pub name_prefix: Option<String>,
    pub name_suffix: Option<String>,
    pub namespace: Option<String>,
    pub common_labels: Vec<(String, String)>,
    /// Allow overriding labels the kustomization already sets (`forceCommonLabels`).
    pub force_common_labels: bool,
    /// Add labels to metadata only, not selectors (`labelWithoutSelector`).
    pub label_without_selector: bool,
    pub common_annotations: Vec<(String, String)>,
    pub force_common_annotations: bool,
    /// `(name, count)` pairs.
    pub replicas: Vec<(String, i64)>,
    /// `patches` entries as YAML text (each a mapping with `patch`/`path` and `target`).
    pub patches: Vec<String>,
}

/// Builds `path` after applying `overrides` the way Argo CD applies them.
pub fn build_with_overrides(path: &Path, overrides: &Overrides, opts: &Options) -> Result<String> {
    build_edited(path, opts, &mut |root| apply(root, overrides))
}

/// Applies the overrides to a kustomization mapping.
pub fn apply(k: &mut Mapping, o: &Overrides) -> Result<()> {
    if let Some(p) = &o.name_prefix {
        k.insert("namePrefix", Node::string(p));
    }
    if let Some(s) = &o.name_suffix {
        k.insert("nameSuffix", Node::string(s));
    }
    for image in &o.images {
        set_image(k, image)?;
    }
    for (name, count) in &o.replicas {
        let list = seq_entry(k, "replicas");
        let entry = list
            .iter_mut()
            .filter_map(Node::as_map_mut)
            .find(|m| m.get("name").and_then(Node::as_str) == Some(name.as_str()));
        match entry {
            Some(m) => m.insert("count", Node::int(*count)),
            None => {
                let mut m = Mapping::new();
                m.insert("name", Node::string(name));
                m.insert("count", Node::int(*count));
                list.push(Node::Map(m));
            }
        }
    }
    if !o.common_labels.is_empty() {
        if o.label_without_selector {
            let mut pairs = Mapping::new();
            for (key, v) in &o.common_labels {
                pairs.insert(key.clone(), Node::string(v));
            }
            let mut entry = Mapping::new();
            entry.insert("pairs", Node::Map(pairs));
            entry.insert("includeSelectors", Node::plain("false"));
            seq_entry(k, "labels").push(Node::Map(entry));
        } else {
            add_pairs(
                k,
                "commonLabels",
                &o.common_labels,
                o.force_common_labels,
                "label",
            )?;
        }
    }
    add_pairs(
        k,
        "commonAnnotations",
        &o.common_annotations,
        o.force_common_annotations,
        "annotation",
    )?;
    if let Some(ns) = &o.namespace {
        k.insert("namespace", Node::string(ns));
    }
    for p in &o.patches {
        let node = crate::yaml::parse_one(p)
            .map_err(|e| Error::msg(format!("invalid patch override: {e}")))?
            .ok_or_else(|| Error::msg("empty patch override"))?;
        seq_entry(k, "patches").push(node);
    }
    Ok(())
}

fn seq_entry<'a>(k: &'a mut Mapping, field: &str) -> &'a mut Vec<Node> {
    if !matches!(k.get(field), Some(Node::Seq(_))) {
        k.insert(field, Node::Seq(Vec::new()));
    }
    match k.get_mut(field) {
        Some(Node::Seq(s)) => s,
        _ => unreachable!("the field was just made a sequence"),
    }
}

fn add_pairs(
    k: &mut Mapping,
    field: &str,
    pairs: &[(String, String)],
    force: bool,
    what: &str,
) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let m = k.map_entry(field);
    for (key, v) in pairs {
        if m.contains(key) && !force {
            bail!("{what} {key} already in kustomization file");
        }
        m.insert(key.clone(), Node::string(v));
    }
    Ok(())
}

/// What `kustomize edit set image ARG` records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageEdit {
    pub name: String,
    pub new_name: Option<String>,
    pub new_tag: Option<String>,
    pub digest: Option<String>,
}

/// Parses `name`, `name:tag`, `name@digest`, `name=new`, `name=new:tag`, `name=new@digest`.
pub fn parse_image_arg(arg: &str) -> Result<ImageEdit> {
    let (name, rest) = match arg.split_once('=') {
        Some((n, r)) => (n.to_string(), Some(r)),
        None => (String::new(), None),
    };
    let spec = rest.unwrap_or(arg);
    let (base, tag, digest) = crate::transform::images::split(spec);
    if base.is_empty() {
        bail!("invalid image argument {arg:?}");
    }
    let mut e = ImageEdit {
        name: if rest.is_some() { name } else { base.clone() },
        ..ImageEdit::default()
    };
    if rest.is_some() {
        e.new_name = Some(base);
    }
    if !tag.is_empty() {
        e.new_tag = Some(tag);
    }
    if !digest.is_empty() {
        e.digest = Some(digest);
    }
    Ok(e)
}

fn set_image(k: &mut Mapping, arg: &str) -> Result<()> {
    let e = parse_image_arg(arg)?;
    let list = seq_entry(k, "images");
    let existing = list
        .iter_mut()
        .filter_map(Node::as_map_mut)
        .find(|m| m.get("name").and_then(Node::as_str) == Some(e.name.as_str()));
    let m = match existing {
        Some(m) => m,
        None => {
            let mut m = Mapping::new();
            m.insert("name", Node::string(&e.name));
            list.push(Node::Map(m));
            list.last_mut()
                .and_then(Node::as_map_mut)
                .expect("an entry was just pushed")
        }
    };
    if let Some(n) = &e.new_name {
        m.insert("newName", Node::string(n));
    }
    if let Some(t) = &e.new_tag {
        m.insert("newTag", Node::string(t));
        m.remove("digest");
    }
    if let Some(d) = &e.digest {
        m.insert("digest", Node::string(d));
        m.remove("newTag");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_arguments_parse_as_kustomize_edit_set_image_reads_them() {
        let e = parse_image_arg("myapp:v1.2.0").expect("valid");
        assert_eq!(e.name, "myapp");
        assert_eq!(e.new_tag.as_deref(), Some("v1.2.0"));
        assert_eq!(e.new_name, None);
        let e = parse_image_arg("myapp=registry.example.com/other:v2").expect("valid");
        assert_eq!(e.name, "myapp");
        assert_eq!(e.new_name.as_deref(), Some("registry.example.com/other"));
        assert_eq!(e.new_tag.as_deref(), Some("v2"));
    }

    #[test]
    fn an_image_override_replaces_the_existing_entry_of_that_name() {
        let mut k = Mapping::new();
        let o = Overrides {
            images: vec!["myapp:v1".into(), "myapp:v2".into()],
            ..Overrides::default()
        };
        apply(&mut k, &o).expect("applies");
        let images = k.get("images").and_then(Node::as_seq).expect("images");
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].str_at(&["newTag"]), Some("v2"));
    }

    #[test]
    fn a_label_already_set_is_refused_unless_forced() {
        let mut k = Mapping::new();
        k.map_entry("commonLabels")
            .insert("team", Node::string("a"));
        let mut o = Overrides {
            common_labels: vec![("team".into(), "b".into())],
            ..Overrides::default()
        };
        assert!(apply(&mut k.clone(), &o).is_err());
        o.force_common_labels = true;
        apply(&mut k, &o).expect("forced");
        assert_eq!(
            k.get("commonLabels").and_then(|m| m.str_at(&["team"])),
            Some("b")
        );
    }
}
