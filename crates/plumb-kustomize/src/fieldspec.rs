//! Field specs: "this path, in objects of this kind" — where each transformer acts. The
//! defaults are kustomize's built-in tables; `configurations:` files add to them.

use crate::error::{Result, bail};
use std::sync::Arc;

use crate::resource::{Gvk, GvkRef};
use crate::yaml::Node;

/// One place a transformer acts on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldSpec {
    pub gvk: Gvk,
    pub path: String,
    pub create: bool,
    /// `path` split once (see [`split_path`]).
    segments: Vec<String>,
}

impl FieldSpec {
    pub fn new(path: &str, create: bool) -> Self {
        FieldSpec::with_gvk(Gvk::default(), path, create)
    }

    pub fn with_gvk(gvk: Gvk, path: &str, create: bool) -> Self {
        FieldSpec {
            gvk,
            path: path.to_string(),
            create,
            segments: split_path(path),
        }
    }

    /// The path split at unescaped `/`; a segment naming a list keeps its `[]` marker.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    pub fn from_node(n: &Node) -> Result<FieldSpec> {
        let Some(m) = n.as_map() else {
            bail!("a fieldSpec must be a mapping");
        };
        let s = |k: &str| m.get(k).and_then(Node::as_str).unwrap_or("").to_string();
        let gvk = Gvk {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
        };
        Ok(FieldSpec::with_gvk(gvk, &s("path"), n.flag_at(&["create"])))
    }
}

/// Splits a field-spec path at `/` not escaped as `\/`.
pub fn split_path(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '/' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Visits the nodes at `segments` below `node`. Sequences met on the way are walked
/// element by element. With `create`, missing mappings on the way and the final field
/// are created (the final one as a null scalar for the visitor to fill).
pub fn visit(
    node: &mut Node,
    segments: &[String],
    create: bool,
    f: &mut dyn FnMut(&mut Node) -> Result<()>,
) -> Result<()> {
    let Some((first, rest)) = segments.split_first() else {
        return f(node);
    };
    match node {
        Node::Seq(items) => {
            for item in items {
                visit(item, segments, create, f)?;
            }
            Ok(())
        }
        Node::Map(m) => {
            let (first, is_list) = match first.strip_suffix("[]") {
                Some(f) => (&f.to_string(), true),
                None => (first, false),
            };
            let missing = m.get(first).is_none_or(|v| v.is_null() && !rest.is_empty());
            if missing {
                if !create || is_list {
                    return Ok(());
                }
                let fresh = if rest.is_empty() {
                    Node::null()
                } else {
                    Node::empty_map()
                };
                m.insert(first.clone(), fresh);
            }
            match m.get_mut(first) {
                Some(child) => visit(child, rest, create, f),
                None => Ok(()),
            }
        }
        Node::Scalar(_) => Ok(()),
    }
}

/// A table of field specs, shared between copies of a configuration until one changes.
pub type Specs = Arc<Vec<FieldSpec>>;

/// The built-in tables plus whatever `configurations:` added.
#[derive(Debug, Clone, Default)]
pub struct TransformerConfig {
    pub name_prefix: Specs,
    pub name_suffix: Specs,
    pub namespace: Specs,
    pub common_labels: Specs,
    pub template_labels: Specs,
    pub common_annotations: Specs,
    pub images: Specs,
    pub replicas: Specs,
    pub var_reference: Specs,
    pub name_reference: Arc<Vec<NameBackRef>>,
}

/// Objects of kind `gvk` are referred to by name from `referrers`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameBackRef {
    pub gvk: Gvk,
    pub referrers: Vec<FieldSpec>,
}

impl TransformerConfig {
    /// kustomize's defaults.
    pub fn builtin() -> TransformerConfig {
        static BUILTIN: std::sync::LazyLock<TransformerConfig> =
            std::sync::LazyLock::new(TransformerConfig::parse_builtin);
        BUILTIN.clone()
    }

    fn parse_builtin() -> TransformerConfig {
        use builtin as b;
        let specs = |t: &[b::Spec]| -> Vec<FieldSpec> {
            t.iter()
                .map(|&(group, version, kind, path, create)| {
                    FieldSpec::with_gvk(
                        Gvk {
                            group: group.into(),
                            version: version.into(),
                            kind: kind.into(),
                        },
                        path,
                        create,
                    )
                })
                .collect()
        };
        TransformerConfig {
            name_prefix: Arc::new(specs(b::NAME_PREFIX)),
            name_suffix: Arc::new(specs(b::NAME_SUFFIX)),
            namespace: Arc::new(specs(b::NAMESPACE)),
            common_labels: Arc::new(specs(b::COMMON_LABELS)),
            template_labels: Arc::new(specs(b::TEMPLATE_LABELS)),
            common_annotations: Arc::new(specs(b::COMMON_ANNOTATIONS)),
            images: Arc::new(specs(b::IMAGES)),
            replicas: Arc::new(specs(b::REPLICAS)),
            var_reference: Arc::new(specs(b::VAR_REFERENCE)),
            name_reference: Arc::new(
                b::NAME_REFERENCE
                    .iter()
                    .map(|&((group, version, kind), referrers)| NameBackRef {
                        gvk: Gvk {
                            group: group.into(),
                            version: version.into(),
                            kind: kind.into(),
                        },
                        referrers: specs(referrers),
                    })
                    .collect(),
            ),
        }
    }

    /// The tables read from kustomize's YAML text (what the static tables reproduce).
    #[cfg(test)]
    fn parse_builtin_yaml() -> TransformerConfig {
        let mut c = TransformerConfig::default();
        for text in [
            defaults::NAME_REFERENCE,
            defaults::COMMON_LABELS,
            defaults::METADATA_LABELS,
            defaults::COMMON_ANNOTATIONS,
            defaults::NAMESPACE,
            defaults::VAR_REFERENCE,
            defaults::IMAGES,
            defaults::REPLICAS,
            defaults::PREFIX_SUFFIX,
        ] {
            let node = crate::yaml::parse_one(text)
                .ok()
                .flatten()
                .expect("the built-in field-spec tables are valid YAML");
            c.merge_node(&node)
                .expect("the built-in field-spec tables have the expected shape");
        }
        c
    }

    /// Adds the tables of a `configurations:` file.
    pub fn merge_node(&mut self, node: &Node) -> Result<()> {
        let Some(m) = node.as_map() else {
            bail!("a transformer configuration must be a mapping");
        };
        for (key, value) in m.iter() {
            if key == "nameReference" {
                for item in value.as_seq().map(Vec::as_slice).unwrap_or_default() {
                    let s = |k: &str| item.str_at(&[k]).unwrap_or("").to_string();
                    let gvk = Gvk {
                        group: s("group"),
                        version: s("version"),
                        kind: s("kind"),
                    };
                    let specs = specs_of(item.at(&["fieldSpecs"]))?;
                    match Arc::make_mut(&mut self.name_reference)
                        .iter_mut()
                        .find(|b| b.gvk == gvk)
                    {
                        Some(b) => add_unique(&mut b.referrers, specs),
                        None => Arc::make_mut(&mut self.name_reference).push(NameBackRef {
                            gvk,
                            referrers: specs,
                        }),
                    }
                }
                continue;
            }
            let specs = specs_of(Some(value))?;
            let target = match key.as_str() {
                "namePrefix" => &mut self.name_prefix,
                "nameSuffix" => &mut self.name_suffix,
                "namespace" => &mut self.namespace,
                "commonLabels" => &mut self.common_labels,
                "templateLabels" => &mut self.template_labels,
                "commonAnnotations" => &mut self.common_annotations,
                "images" => &mut self.images,
                "replicas" => &mut self.replicas,
                "varReference" => &mut self.var_reference,
                "nameSpace" => &mut self.namespace,
                other => bail!("unknown transformer configuration field {other:?}"),
            };
            add_unique(Arc::make_mut(target), specs);
        }
        Ok(())
    }

    pub fn merge(&mut self, other: &TransformerConfig) {
        add_shared(&mut self.name_prefix, &other.name_prefix);
        add_shared(&mut self.name_suffix, &other.name_suffix);
        add_shared(&mut self.namespace, &other.namespace);
        add_shared(&mut self.common_labels, &other.common_labels);
        add_shared(&mut self.template_labels, &other.template_labels);
        add_shared(&mut self.common_annotations, &other.common_annotations);
        add_shared(&mut self.images, &other.images);
        add_shared(&mut self.replicas, &other.replicas);
        add_shared(&mut self.var_reference, &other.var_reference);
        // The same shared table merged into itself changes nothing, unless a kind is
        // listed twice (then the first entry takes the second's specs, as below).
        if Arc::ptr_eq(&self.name_reference, &other.name_reference) {
            let refs = &self.name_reference;
            let dup = refs
                .iter()
                .enumerate()
                .any(|(i, b)| refs[..i].iter().any(|x| x.gvk == b.gvk));
            if !dup {
                return;
            }
        }
        let refs = Arc::make_mut(&mut self.name_reference);
        for b in other.name_reference.iter() {
            match refs.iter_mut().find(|x| x.gvk == b.gvk) {
                Some(x) => add_unique(&mut x.referrers, b.referrers.clone()),
                None => refs.push(b.clone()),
            }
        }
    }
}

/// [`add_unique`] for shared tables: copies `into` only when it changes.
fn add_shared(into: &mut Specs, specs: &Specs) {
    if Arc::ptr_eq(into, specs) || specs.is_empty() || **into == **specs {
        return;
    }
    add_unique(Arc::make_mut(into), specs.to_vec());
}

fn specs_of(node: Option<&Node>) -> Result<Vec<FieldSpec>> {
    node.and_then(Node::as_seq)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(FieldSpec::from_node)
        .collect()
}

fn add_unique(into: &mut Vec<FieldSpec>, specs: Vec<FieldSpec>) {
    if specs.is_empty() || *into == specs {
        return;
    }
    let mut seen: std::collections::HashSet<FieldSpec> = into.iter().cloned().collect();
    for s in specs {
        if seen.insert(s.clone()) {
            into.push(s);
        }
    }
}

/// A spec that applies to an object, with `create` merged over specs of the same path.
#[derive(Debug, Clone, Copy)]
pub struct Applicable<'a> {
    pub spec: &'a FieldSpec,
    pub create: bool,
}

impl<'a> Applicable<'a> {
    pub fn segments(&self) -> &'a [String] {
        &self.spec.segments
    }
}

/// The specs that apply to an object of `gvk`, one per path (kustomize merges specs
/// with the same path; `create` wins if any asks for it).
pub fn specs_for<'a>(specs: &'a [FieldSpec], gvk: GvkRef<'_>) -> Vec<Applicable<'a>> {
    let mut out: Vec<Applicable<'a>> = Vec::new();
    for s in specs.iter().filter(|s| gvk.selected_by(&s.gvk)) {
        match out.iter_mut().find(|o| o.spec.path == s.path) {
            Some(o) => o.create |= s.create,
            None => out.push(Applicable {
                spec: s,
                create: s.create,
            }),
        }
    }
    out
}

#[cfg(test)]
#[path = "fieldspec_defaults.rs"]
mod defaults;

#[path = "fieldspec_builtin.rs"]
mod builtin;

#[cfg(test)]
mod builtin_tables {
    use super::*;

    #[test]
    fn static_tables_are_the_yaml_tables() {
        assert_eq!(
            format!("{:#?}", TransformerConfig::parse_builtin()),
            format!("{:#?}", TransformerConfig::parse_builtin_yaml())
        );
    }

    fn lit(s: &str) -> String {
        format!("{s:?}")
    }

    fn spec(s: &FieldSpec) -> String {
        format!(
            "({}, {}, {}, {}, {})",
            lit(&s.gvk.group),
            lit(&s.gvk.version),
            lit(&s.gvk.kind),
            lit(&s.path),
            s.create
        )
    }

    /// Writes the static tables (without their header) to `$PLUMB_GEN_BUILTIN`.
    #[test]
    fn regenerate() {
        let Some(file) = std::env::var_os("PLUMB_GEN_BUILTIN") else {
            return;
        };
        let c = TransformerConfig::parse_builtin_yaml();
        let mut out = String::new();
        for (name, v) in [
            ("NAME_PREFIX", &c.name_prefix),
            ("NAME_SUFFIX", &c.name_suffix),
            ("NAMESPACE", &c.namespace),
            ("COMMON_LABELS", &c.common_labels),
            ("TEMPLATE_LABELS", &c.template_labels),
            ("COMMON_ANNOTATIONS", &c.common_annotations),
            ("IMAGES", &c.images),
            ("REPLICAS", &c.replicas),
            ("VAR_REFERENCE", &c.var_reference),
        ] {
            out.push_str(&format!("pub const {name}: &[Spec] = &[\n"));
            for s in v.iter() {
                out.push_str(&format!("    {},\n", spec(s)));
            }
            out.push_str("];\n\n");
        }
        out.push_str("pub const NAME_REFERENCE: &[BackRef] = &[\n");
        for b in c.name_reference.iter() {
            out.push_str(&format!(
                "    (\n        ({}, {}, {}),\n        &[\n",
                lit(&b.gvk.group),
                lit(&b.gvk.version),
                lit(&b.gvk.kind)
            ));
            for s in &b.referrers {
                out.push_str(&format!("            {},\n", spec(s)));
            }
            out.push_str("        ],\n    ),\n");
        }
        out.push_str("];\n");
        std::fs::write(file, out).expect("the output file is writable");
    }
}
