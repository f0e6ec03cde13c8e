//! The built-in transformers that act on field specs: namespace, name prefix and suffix,
//! labels, annotations, replicas. Images and name references have their own files.

pub mod images;
pub mod nameref;

use crate::error::Result;
use std::sync::Arc;

use crate::fieldspec::{FieldSpec, Specs, TransformerConfig, specs_for, visit};
use crate::resource::{GvkRef, Resource};
use crate::yaml::{Mapping, Node};

/// Kinds a name prefix or suffix never touches.
fn prefix_skipped(gvk: GvkRef<'_>) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// `namePrefix` / `nameSuffix`.
pub fn prefix_suffix(
    res: &mut [Resource],
    prefix: &str,
    suffix: &str,
    specs: &[FieldSpec],
) -> Result<()> {
    if prefix.is_empty() && suffix.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        if prefix_skipped(r.gvk_ref()) {
            continue;
        }
        r.remember_id();
        let mut touched = false;
        for fs in specs_for(specs, r.gvk_ref()) {
            visit(&mut r.node, fs.segments(), fs.create, &mut |n| {
                if let Some(s) = n.as_str() {
                    let v = format!("{prefix}{s}{suffix}");
                    *n = Node::string(v);
                    touched = true;
                }
                Ok(())
            })?;
        }
        if touched {
            if !prefix.is_empty() {
                r.prefixes.push(prefix.to_string());
            }
            if !suffix.is_empty() {
                r.suffixes.push(suffix.to_string());
            }
        }
    }
    Ok(())
}

/// How RoleBinding subjects take the namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectMode {
    DefaultOnly,
    AllServiceAccounts,
    None,
}

/// `namespace`.
pub fn namespace(
    res: &mut [Resource],
    ns: &str,
    specs: &[FieldSpec],
    mode: SubjectMode,
    unset_only: bool,
) -> Result<()> {
    if ns.is_empty() {
        return Ok(());
    }
    for r in res.iter_mut() {
        let cluster = r.is_cluster_scoped();
        let binding = matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding");
        r.remember_id();
        for fs in specs_for(specs, r.gvk_ref()) {
            let segs = fs.segments();
            if segs.first().is_some_and(|s| s.starts_with("subjects")) {
                continue;
            }
            let is_meta_ns = segs == ["metadata", "namespace"];
            if is_meta_ns && cluster {
                continue;
            }
            visit(&mut r.node, segs, fs.create, &mut |n| {
                if unset_only && n.as_str().is_some_and(|s| !s.is_empty()) {
                    return Ok(());
                }
                *n = Node::string(ns);
                Ok(())
            })?;
        }
        if binding {
            subjects(r, ns, mode);
        }
    }
    Ok(())
}

fn subjects(r: &mut Resource, ns: &str, mode: SubjectMode) {
    let Some(Node::Seq(items)) = r.map_mut().get_mut("subjects") else {
        return;
    };
    for s in items.iter_mut() {
        let Some(m) = s.as_map_mut() else { continue };
        let set = match mode {
            SubjectMode::None => false,
            SubjectMode::AllServiceAccounts => {
                m.get("kind").and_then(Node::as_str) == Some("ServiceAccount")
            }
            SubjectMode::DefaultOnly => {
                m.get("namespace").and_then(Node::as_str) == Some("default")
            }
        };
        if set {
            m.insert("namespace", Node::string(ns));
        }
    }
}

/// Sets string pairs into the maps at `specs` (labels, annotations, selectors).
pub fn set_pairs(
    res: &mut [Resource],
    pairs: &[(String, String)],
    specs: &[FieldSpec],
) -> Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    // kustomize writes these keys plain: one that reads as a boolean, number or null
    // makes the object unprintable.
    if let Some((k, _)) = pairs.iter().find(|(k, _)| {
        crate::yaml::value::resolve_plain(k, false) != crate::yaml::value::Resolved::Str
    }) {
        crate::error::bail!(
            "key {k:?} is not a string once set: json: unsupported type: map[interface {{}}]interface {{}}"
        );
    }
    for r in res.iter_mut() {
        for fs in specs_for(specs, r.gvk_ref()) {
            visit(&mut r.node, fs.segments(), fs.create, &mut |n| {
                if n.is_null() {
                    *n = Node::Map(Mapping::new());
                }
                if let Some(m) = n.as_map_mut() {
                    for (k, v) in pairs {
                        m.insert(k.as_str(), Node::string(v.clone()));
                    }
                }
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// One `labels:` entry.
#[derive(Debug, Clone, Default)]
pub struct LabelEntry {
    pub pairs: Vec<(String, String)>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub fields: Vec<FieldSpec>,
}

impl LabelEntry {
    pub fn from_node(n: &Node) -> Result<LabelEntry> {
        let pairs = n
            .at(&["pairs"])
            .and_then(Node::as_map)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_scalar().map(|s| s.value.clone()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let fields = n
            .at(&["fields"])
            .and_then(Node::as_seq)
            .map(|s| {
                s.iter()
                    .map(FieldSpec::from_node)
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        Ok(LabelEntry {
            pairs,
            include_selectors: n.flag_at(&["includeSelectors"]),
            include_templates: n.flag_at(&["includeTemplates"]),
            fields,
        })
    }

    /// The field specs this entry writes to.
    pub fn specs(&self, config: &TransformerConfig) -> Specs {
        let table = if self.include_selectors {
            config.common_labels.clone()
        } else if self.include_templates {
            config.template_labels.clone()
        } else {
            Arc::new(vec![FieldSpec::new("metadata/labels", true)])
        };
        if self.fields.is_empty() {
            return table;
        }
        let mut specs = table.to_vec();
        specs.extend(self.fields.iter().cloned());
        Arc::new(specs)
    }
}

/// `replicas`: sets `spec/replicas` of the named workloads.
pub fn replicas(res: &mut [Resource], name: &str, count: i64, specs: &[FieldSpec]) -> Result<()> {
    let mut found = false;
    for r in res.iter_mut() {
        if r.name() != name && !r.prev_ids.iter().any(|id| id.name == name) {
            continue;
        }
        let applicable = specs_for(specs, r.gvk_ref());
        found |= !applicable.is_empty();
        for fs in applicable {
            visit(&mut r.node, fs.segments(), fs.create, &mut |n| {
                *n = Node::int(count);
                Ok(())
            })?;
        }
    }
    if !found {
        let kinds: Vec<String> = specs
            .iter()
            .map(|s| {
                let or = |v: &str, d: &str| {
                    if v.is_empty() {
                        d.to_string()
                    } else {
                        v.to_string()
                    }
                };
                format!(
                    "{}.{}.{}",
                    s.gvk.kind,
                    or(&s.gvk.version, "[noVer]"),
                    or(&s.gvk.group, "[noGrp]")
                )
            })
            .collect();
        crate::error::bail!(
            "resource with name {name} does not match a config with the following GVK [{}]",
            kinds.join(" ")
        );
    }
    Ok(())
}
