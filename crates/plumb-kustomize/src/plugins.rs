//! The `generators`, `transformers` and `validators` fields with kustomize's built-in
//! plugin kinds, configured inline, from files, or from a kustomization directory.
//! Exec and KRM-function plugins are refused: a build never runs a subprocess.

use crate::error::{Error, Result, bail};
use crate::fieldspec::FieldSpec;
use crate::generate::{GenKind, GenOptions, generate};
use crate::kustomization::Kustomization;
use crate::loader::join_clean;
use crate::patch::{self, PatchOptions};
use crate::target::{Accumulated, Ctx, absorb};
use crate::transform::{self, SubjectMode, images::ImageEntry};
use crate::yaml::{Node, parse_documents};

/// The plugin configurations an entry names.
pub fn load_configs(ctx: &mut Ctx<'_>, k: &Kustomization, entry: &str) -> Result<Vec<Node>> {
    let text = if entry.contains('\n') {
        entry.to_string()
    } else {
        let path = join_clean(&k.dir, entry);
        if path.is_dir() {
            let mut sub = Accumulated {
                config: crate::fieldspec::TransformerConfig::builtin(),
                ..Default::default()
            };
            ctx.accumulate(&path, &mut sub)?;
            return Ok(sub.resources.into_iter().map(|r| r.node).collect());
        }
        ctx.loader.read_file(&k.dir, &path, false)?
    };
    let docs =
        parse_documents(&text).map_err(|e| Error::msg(format!("invalid plugin config: {e}")))?;
    let configs: Vec<Node> = docs.into_iter().flatten().collect();
    for c in &configs {
        refuse_external(c)?;
    }
    Ok(configs)
}

fn refuse_external(c: &Node) -> Result<()> {
    let annotated = c
        .at(&["metadata", "annotations", "config.kubernetes.io/function"])
        .is_some();
    if annotated {
        bail!("KRM function plugins are not supported: plumb never runs a subprocess");
    }
    Ok(())
}

fn field_specs(c: &Node) -> Result<Option<Vec<FieldSpec>>> {
    c.at(&["fieldSpecs"])
        .and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .map(FieldSpec::from_node)
                .collect::<Result<Vec<_>>>()
        })
        .transpose()
}

fn pairs(n: Option<&Node>) -> Vec<(String, String)> {
    n.and_then(Node::as_map)
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
        .unwrap_or_default()
}

/// Runs a generator plugin config.
pub fn run_generator(
    ctx: &mut Ctx<'_>,
    k: &Kustomization,
    c: &Node,
    acc: &mut Accumulated,
) -> Result<()> {
    let kind = c.str_at(&["kind"]).unwrap_or("");
    let gen_kind = match kind {
        "ConfigMapGenerator" => GenKind::ConfigMap,
        "SecretGenerator" => GenKind::Secret,
        "HelmChartInflationGenerator" => {
            bail!("helm chart inflation is not supported by plumb's native kustomize")
        }
        other => bail!(
            "generator plugin kind {other:?} is not a kustomize built-in; exec and KRM function plugins are not supported"
        ),
    };
    let mut args = c.clone();
    if let Some(m) = args.as_map_mut() {
        if let Some(name) = c.str_at(&["metadata", "name"])
            && !m.contains("name")
        {
            m.insert("name", Node::string(name));
        }
        if let Some(ns) = c.str_at(&["metadata", "namespace"])
            && !m.contains("namespace")
        {
            m.insert("namespace", Node::string(ns));
        }
    }
    let mut r = generate(ctx.loader, &k.dir, gen_kind, &args, &GenOptions::default())?;
    let name = c.str_at(&["metadata", "name"]).unwrap_or("");
    r.origin = Some(format!(
        "configuredIn: {}\nconfiguredBy:\n  apiVersion: {}\n  kind: {kind}\n  name: {name}\n",
        crate::target::relative(&k.file, &ctx.root),
        c.str_at(&["apiVersion"]).unwrap_or("builtin"),
    ));
    absorb(&mut acc.resources, r)
}

/// Runs a transformer plugin config.
pub fn run_transformer(
    ctx: &mut Ctx<'_>,
    k: &Kustomization,
    c: &Node,
    acc: &mut Accumulated,
) -> Result<()> {
    let kind = c.str_at(&["kind"]).unwrap_or("");
    let cfg = acc.config.clone();
    let res = &mut acc.resources;
    match kind {
        "PatchTransformer" => patch::apply_entry(res, ctx.loader, &k.dir, c),
        "PatchStrategicMergeTransformer" => {
            for p in c
                .at(&["paths"])
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                if let Some(p) = p.as_str() {
                    patch::apply_psm(res, ctx.loader, &k.dir, p)?;
                }
            }
            if let Some(text) = c.str_at(&["patches"]) {
                patch::apply_text(res, text, None, PatchOptions::default())?;
            }
            Ok(())
        }
        "PatchJson6902Transformer" => {
            let mut entry = c.clone();
            if let (Some(m), Some(op)) = (entry.as_map_mut(), c.str_at(&["jsonOp"])) {
                m.insert("patch", Node::string(op));
            }
            patch::apply_json6902_entry(res, ctx.loader, &k.dir, &entry)
        }
        "PrefixSuffixTransformer" | "PrefixTransformer" | "SuffixTransformer" => {
            let specs = field_specs(c)?.unwrap_or_else(|| cfg.name_prefix.to_vec());
            let prefix = c.str_at(&["prefix"]).unwrap_or("");
            let suffix = c.str_at(&["suffix"]).unwrap_or("");
            transform::prefix_suffix(res, prefix, "", &specs)?;
            transform::prefix_suffix(res, "", suffix, &specs)
        }
        "LabelTransformer" => {
            let specs = field_specs(c)?.unwrap_or_default();
            transform::set_pairs(res, &pairs(c.at(&["labels"])), &specs)
        }
        "AnnotationsTransformer" => {
            let specs = field_specs(c)?.unwrap_or_default();
            transform::set_pairs(res, &pairs(c.at(&["annotations"])), &specs)
        }
        "ImageTagTransformer" => {
            let entry = ImageEntry::from_node(c.at(&["imageTag"]).unwrap_or(&Node::empty_map()))?;
            let specs = field_specs(c)?.unwrap_or_default();
            transform::images::apply(res, &entry, &specs)
        }
        "NamespaceTransformer" => {
            let specs = field_specs(c)?.unwrap_or_else(|| cfg.namespace.to_vec());
            let ns = c.str_at(&["metadata", "namespace"]).unwrap_or("");
            let mode = match c.str_at(&["setRoleBindingSubjects"]).unwrap_or("") {
                "allServiceAccounts" => SubjectMode::AllServiceAccounts,
                "none" => SubjectMode::None,
                _ => SubjectMode::DefaultOnly,
            };
            let unset_only = c.flag_at(&["unsetOnly"]);
            transform::namespace(res, ns, &specs, mode, unset_only)
        }
        "ReplicaCountTransformer" => {
            let specs = field_specs(c)?.unwrap_or_else(|| cfg.replicas.to_vec());
            let name = c.str_at(&["replica", "name"]).unwrap_or("");
            let count = c
                .str_at(&["replica", "count"])
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| Error::msg("replica.count must be an integer"))?;
            transform::replicas(res, name, count, &specs)
        }
        "ReplacementTransformer" => {
            for r in c
                .at(&["replacements"])
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                crate::replacements::apply_entry(res, ctx.loader, &k.dir, r)?;
            }
            Ok(())
        }
        "HashTransformer" => {
            // Only generated objects (that ask for a hash) take one.
            for r in res.iter_mut().filter(|r| r.needs_hash) {
                let h = crate::hash::name_hash(r);
                let name = format!("{}-{h}", r.name());
                r.set_name(&name);
                r.needs_hash = false;
            }
            Ok(())
        }
        "SortOrderTransformer" => {
            bail!("unable to load builtin SortOrderTransformer.builtin.[noGrp]")
        }
        other => bail!(
            "transformer plugin kind {other:?} is not a kustomize built-in; exec and KRM function plugins are not supported"
        ),
    }
}
