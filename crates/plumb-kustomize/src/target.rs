//! Accumulating a kustomization: resources and components, then generators, then the
//! built-in transformers in kustomize's order, then the configured plugins.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, bail};
use crate::fieldspec::TransformerConfig;
use crate::generate::{GenKind, GenOptions, generate};
use crate::kustomization::Kustomization;
use crate::loader::{Loader, join_clean};
use crate::patch;
use crate::plugins;
use crate::resource::{Behavior, Resource};
use crate::transform::{self, LabelEntry, SubjectMode, images::ImageEntry};
use crate::yaml::{Node, parse_documents};

/// Deepest chain of kustomizations followed.
pub const MAX_DEPTH: usize = 64;

/// What a kustomization produced.
#[derive(Debug, Clone, Default)]
pub struct Accumulated {
    pub resources: Vec<Resource>,
    pub config: TransformerConfig,
    pub vars: Vec<Node>,
}

/// Build-wide state: the loader and the chain of roots being visited.
pub struct Ctx<'a> {
    pub loader: &'a Loader,
    pub stack: Vec<PathBuf>,
    /// The custom OpenAPI schema a kustomization of this build named, if any.
    pub openapi: Option<std::rc::Rc<crate::patch::schema::Custom>>,
    /// The build root (origin paths are relative to it).
    pub root: PathBuf,
    /// Record origins and transformations (`buildMetadata`).
    pub track: bool,
}

/// `path` relative to `base` (both lexical), with `..` where needed.
pub fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    out.to_string_lossy().into_owned()
}

impl Ctx<'_> {
    /// Loads the kustomization in `dir`.
    pub fn load_kustomization(&self, dir: &Path) -> Result<Kustomization> {
        let file = self.loader.find_kustomization(dir)?.ok_or_else(|| {
            Error::msg(format!(
                "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'",
                dir.display()
            ))
        })?;
        let text = self.loader.read_file(dir, &file, false)?;
        Kustomization::parse(&file, &text)
    }

    /// Accumulates a kustomization directory into `acc` (a component runs on its
    /// parent's accumulation; a kustomization starts empty).
    pub fn accumulate(&mut self, dir: &Path, acc: &mut Accumulated) -> Result<Kustomization> {
        self.accumulate_edited(dir, acc, &mut |_| Ok(()))
    }

    /// As [`Ctx::accumulate`], with the kustomization edited in memory first.
    pub fn accumulate_edited(
        &mut self,
        dir: &Path,
        acc: &mut Accumulated,
        edit: &mut dyn FnMut(&mut crate::yaml::Mapping) -> Result<()>,
    ) -> Result<Kustomization> {
        let canon = self.loader.resolve(dir)?;
        for visited in &self.stack {
            if visited.starts_with(&canon) {
                bail!(
                    "cycle detected: candidate root '{}' contains visited root '{}'",
                    canon.display(),
                    visited.display()
                );
            }
        }
        if self.stack.len() >= MAX_DEPTH {
            bail!("kustomizations nested deeper than {MAX_DEPTH} levels");
        }
        self.stack.push(canon);
        let mut k = self.load_kustomization(dir)?;
        if let Some(m) = k.node.as_map_mut() {
            edit(m).map_err(|e| e.in_file(&k.file))?;
        }
        let result = self.accumulate_kustomization(&k, acc);
        self.stack.pop();
        result.map_err(|e| e.in_file(&k.file))?;
        Ok(k)
    }

    fn accumulate_kustomization(&mut self, k: &Kustomization, acc: &mut Accumulated) -> Result<()> {
        self.load_openapi(k)?;
        let mut seen = IdIndex::of(&acc.resources);
        for entry in k.resources()? {
            self.add_resource_entry(k, &entry, acc, &mut seen)
                .map_err(|e| e.in_file(&k.file).at_entry(format!("resources: {entry}")))?;
        }
        for entry in k.strings("configurations")? {
            let path = join_clean(&k.dir, &entry);
            let text = self
                .loader
                .read_file(&k.dir, &path, false)
                .map_err(|e| e.at_entry(format!("configurations: {entry}")))?;
            for doc in parse_documents(&text)
                .map_err(|e| {
                    Error::msg(e.to_string()).at_entry(format!("configurations: {entry}"))
                })?
                .into_iter()
                .flatten()
            {
                acc.config.merge_node(&doc)?;
            }
        }
        for entry in k.strings("crds")? {
            let path = join_clean(&k.dir, &entry);
            let text = self
                .loader
                .read_file(&k.dir, &path, false)
                .map_err(|e| e.at_entry(format!("crds: {entry}")))?;
            crate::crds::merge_crd_config(&text, &mut acc.config)
                .map_err(|e| e.at_entry(format!("crds: {entry}")))?;
        }
        self.run_generators(k, acc)?;
        // Components run after the generators, before the transformers (kustomize#5170).
        for entry in k.strings("components")? {
            let dir = join_clean(&k.dir, &entry);
            if !dir.is_dir() {
                return Err(Error::msg(format!(
                    "'{}' must be a directory containing a Component",
                    dir.display()
                ))
                .in_file(&k.file)
                .at_entry(format!("components: {entry}")));
            }
            let sub = self.accumulate(&dir, acc)?;
            if !sub.is_component {
                bail!(
                    "{}: components: {entry}: expected kind 'Component' for path '{}' but got 'Kustomization'",
                    k.file.display(),
                    dir.display()
                );
            }
        }
        self.run_transformers(k, acc)?;
        for v in k.items("vars") {
            acc.vars.push(v.clone());
        }
        Ok(())
    }

    fn add_resource_entry(
        &mut self,
        k: &Kustomization,
        entry: &str,
        acc: &mut Accumulated,
        seen: &mut IdIndex,
    ) -> Result<()> {
        if entry.contains("://") || entry.starts_with("github.com/") || entry.starts_with("git@") {
            bail!("remote resources are not supported by plumb's native kustomize");
        }
        let path = join_clean(&k.dir, entry);
        // One metadata call tells a regular file from a directory (or anything else).
        let meta = std::fs::symlink_metadata(&path)
            .ok()
            .filter(|m| m.file_type().is_file());
        if meta.is_none() && path.is_dir() {
            let mut sub = Accumulated {
                config: TransformerConfig::builtin(),
                ..Default::default()
            };
            let subk = self.accumulate(&path, &mut sub)?;
            if subk.is_component {
                bail!("expected kind != 'Component' for path '{}'", path.display());
            }
            for r in sub.resources {
                append_seen(&mut acc.resources, seen, r)?;
            }
            acc.config.merge(&sub.config);
            acc.vars.extend(sub.vars);
            return Ok(());
        }
        let text = self.loader.read_file_with(&k.dir, &path, false, meta)?;
        let origin = format!("path: {}\n", relative(&path, &self.root));
        for mut r in resources_from_text(&text)? {
            r.origin = Some(origin.clone());
            append_seen(&mut acc.resources, seen, r)?;
        }
        Ok(())
    }

    fn run_generators(&mut self, k: &Kustomization, acc: &mut Accumulated) -> Result<()> {
        let defaults = GenOptions::from_node(k.get("generatorOptions"));
        for (field, kind) in [
            ("configMapGenerator", GenKind::ConfigMap),
            ("secretGenerator", GenKind::Secret),
        ] {
            for (i, g) in k.items(field).iter().enumerate() {
                let mut r = generate(self.loader, &k.dir, kind, g, &defaults)
                    .map_err(|e| e.at_entry(format!("{field}[{i}]")))?;
                r.origin = Some(format!(
                    "configuredIn: {}\nconfiguredBy:\n  apiVersion: builtin\n  kind: {}\n",
                    relative(&k.file, &self.root),
                    match kind {
                        GenKind::ConfigMap => "ConfigMapGenerator",
                        GenKind::Secret => "SecretGenerator",
                    }
                ));
                absorb(&mut acc.resources, r).map_err(|e| e.at_entry(format!("{field}[{i}]")))?;
            }
        }
        for entry in k.strings("generators")? {
            let configs = plugins::load_configs(self, k, &entry)
                .map_err(|e| e.at_entry(format!("generators: {entry}")))?;
            for cfg in configs {
                plugins::run_generator(self, k, &cfg, acc)
                    .map_err(|e| e.at_entry(format!("generators: {entry}")))?;
            }
        }
        Ok(())
    }

    /// Runs `f`, recording `kind` on every resource it changed when tracking.
    fn tracked(
        &self,
        k: &Kustomization,
        kind: &str,
        res: &mut Vec<Resource>,
        f: impl FnOnce(&mut Vec<Resource>) -> Result<()>,
    ) -> Result<()> {
        self.tracked_as(k, kind, res, false, f)
    }

    /// Runs a transformer that kustomize applies to every object: all are recorded.
    fn tracked_all(
        &self,
        k: &Kustomization,
        kind: &str,
        res: &mut Vec<Resource>,
        f: impl FnOnce(&mut Vec<Resource>) -> Result<()>,
    ) -> Result<()> {
        self.tracked_as(k, kind, res, true, f)
    }

    fn tracked_as(
        &self,
        k: &Kustomization,
        kind: &str,
        res: &mut Vec<Resource>,
        all: bool,
        f: impl FnOnce(&mut Vec<Resource>) -> Result<()>,
    ) -> Result<()> {
        if !self.track {
            return f(res);
        }
        let before: Vec<Node> = res.iter().map(|r| r.node.clone()).collect();
        f(res)?;
        if before.len() == res.len() {
            let entry = format!(
                "- configuredIn: {}\n  configuredBy:\n    apiVersion: builtin\n    kind: {kind}\n",
                relative(&k.file, &self.root)
            );
            for (r, b) in res.iter_mut().zip(before) {
                if all || r.node != b {
                    r.transformations.push(entry.clone());
                }
            }
        }
        Ok(())
    }

    fn run_transformers(&mut self, k: &Kustomization, acc: &mut Accumulated) -> Result<()> {
        let res = &mut acc.resources;
        // Cheap: the tables are shared.
        let cfg = acc.config.clone();
        for (i, entry) in k.items("patchesStrategicMerge").iter().enumerate() {
            let text = entry.as_str().unwrap_or_default();
            let loader = self.loader;
            self.tracked(k, "PatchStrategicMergeTransformer", res, |res| {
                patch::apply_psm(res, loader, &k.dir, text)
            })
            .map_err(|e| {
                let shown = if text.contains('\n') {
                    format!("[{i}]")
                } else {
                    format!(": {text}")
                };
                e.at_entry(format!("patchesStrategicMerge{shown}"))
            })?;
        }
        for (i, entry) in k.items("patches").iter().enumerate() {
            let loader = self.loader;
            self.tracked(k, "PatchTransformer", res, |res| {
                patch::apply_entry(res, loader, &k.dir, entry)
            })
            .map_err(|e| {
                let at = match entry.str_at(&["path"]) {
                    Some(p) => format!("patches[{i}] (path: {p})"),
                    None => format!("patches[{i}]"),
                };
                e.at_entry(at)
            })?;
        }
        if let Some(ns) = k.str_field("namespace") {
            self.tracked_all(k, "NamespaceTransformer", res, |res| {
                transform::namespace(res, ns, &cfg.namespace, SubjectMode::DefaultOnly, false)
            })?;
            let mut seen = IdIndex::default();
            for (i, r) in res.iter().enumerate() {
                if !seen.insert(res, i) {
                    return Err(Error::msg(format!(
                        "namespace transformation produces ID conflict: {}",
                        r.id().display()
                    ))
                    .at_entry(format!("namespace: {ns}")));
                }
            }
        }
        let prefix = k.str_field("namePrefix").unwrap_or("");
        if !prefix.is_empty() {
            self.tracked_all(k, "PrefixTransformer", res, |res| {
                transform::prefix_suffix(res, prefix, "", &cfg.name_prefix)
            })?;
        }
        let suffix = k.str_field("nameSuffix").unwrap_or("");
        if !suffix.is_empty() {
            self.tracked_all(k, "SuffixTransformer", res, |res| {
                transform::prefix_suffix(res, "", suffix, &cfg.name_suffix)
            })?;
        }
        let common = k.string_map("commonLabels");
        if !common.is_empty() {
            self.tracked_all(k, "LabelTransformer", res, |res| {
                transform::set_pairs(res, &common, &cfg.common_labels)
            })
            .map_err(|e| e.at_entry("commonLabels"))?;
        }
        for l in k.items("labels") {
            let entry = LabelEntry::from_node(l)?;
            self.tracked_all(k, "LabelTransformer", res, |res| {
                transform::set_pairs(res, &entry.pairs, &entry.specs(&cfg))
            })
            .map_err(|e| e.at_entry("labels"))?;
        }
        let annotations = k.string_map("commonAnnotations");
        if !annotations.is_empty() {
            self.tracked_all(k, "AnnotationsTransformer", res, |res| {
                transform::set_pairs(res, &annotations, &cfg.common_annotations)
            })
            .map_err(|e| e.at_entry("commonAnnotations"))?;
        }
        for (i, entry) in k.items("patchesJson6902").iter().enumerate() {
            let loader = self.loader;
            self.tracked(k, "PatchJson6902Transformer", res, |res| {
                patch::apply_json6902_entry(res, loader, &k.dir, entry)
            })
            .map_err(|e| e.at_entry(format!("patchesJson6902[{i}]")))?;
        }
        for r in k.items("replicas") {
            let name = r.str_at(&["name"]).unwrap_or("");
            let count = crate::kustomization::count(r.at(&["count"]))
                .ok_or_else(|| Error::msg(format!("replicas: {name}: count must be an integer")))?;
            self.tracked(k, "ReplicaCountTransformer", res, |res| {
                transform::replicas(res, name, count, &cfg.replicas)
            })?;
        }
        for img in k.items("images") {
            let entry = ImageEntry::from_node(img)?;
            self.tracked_all(k, "ImageTagTransformer", res, |res| {
                transform::images::apply(res, &entry, &cfg.images)
            })?;
        }
        for (i, r) in k.items("replacements").iter().enumerate() {
            let loader = self.loader;
            self.tracked(k, "ReplacementTransformer", res, |res| {
                crate::replacements::apply_entry(res, loader, &k.dir, r)
            })
            .map_err(|e| e.at_entry(format!("replacements[{i}]")))?;
        }
        for entry in k.strings("transformers")? {
            let configs = plugins::load_configs(self, k, &entry)
                .map_err(|e| e.at_entry(format!("transformers: {entry}")))?;
            for cfg_node in configs {
                plugins::run_transformer(self, k, &cfg_node, acc)
                    .map_err(|e| e.at_entry(format!("transformers: {entry}")))?;
            }
        }
        for entry in k.strings("validators")? {
            let configs = plugins::load_configs(self, k, &entry)
                .map_err(|e| e.at_entry(format!("validators: {entry}")))?;
            for cfg_node in configs {
                let mut copy = acc.clone();
                plugins::run_transformer(self, k, &cfg_node, &mut copy)
                    .map_err(|e| e.at_entry(format!("validators: {entry}")))?;
                // Any write counts, even of an equal value: kustomize compares the
                // objects, not their printed text.
                let same = acc.resources.len() == copy.resources.len()
                    && acc
                        .resources
                        .iter()
                        .zip(&copy.resources)
                        .all(|(a, b)| a.node == b.node);
                if !same {
                    return Err(Error::msg("validator shouldn't modify the resource map")
                        .at_entry(format!("validators: {entry}")));
                }
            }
        }
        Ok(())
    }
}

impl Ctx<'_> {
    /// `openapi:` — a custom schema file for strategic merge, or a built-in version.
    fn load_openapi(&mut self, k: &Kustomization) -> Result<()> {
        let Some(o) = k.get("openapi") else {
            return Ok(());
        };
        if let Some(v) = o.str_at(&["version"])
            && v != "v1.21.2"
        {
            return Err(Error::msg("the specified OpenAPI version is not built in")
                .at_entry(format!("openapi: version: {v}")));
        }
        if let Some(p) = o.str_at(&["path"]) {
            let text = self
                .loader
                .read_file(&k.dir, &join_clean(&k.dir, p), false)
                .map_err(|e| e.at_entry(format!("openapi: path: {p}")))?;
            let custom = crate::patch::schema::Custom::parse(&text)
                .map_err(|e| e.at_entry(format!("openapi: path: {p}")))?;
            self.openapi = Some(std::rc::Rc::new(custom));
            crate::patch::schema::set_current(self.openapi.clone());
        }
        Ok(())
    }
}

/// Reads the objects of a YAML (or JSON) text, flattening `List` kinds.
pub fn resources_from_text(text: &str) -> Result<Vec<Resource>> {
    // kustomize splits files at `---` lines before parsing, so a `%YAML` directive is
    // left alone in the first chunk, where it is malformed.
    if text.lines().any(|l| l.starts_with('%')) {
        bail!("MalformedYAMLError: yaml: did not find expected <document start>");
    }
    let docs = match crate::yaml::fast::parse_mapping_documents(text) {
        Some(docs) => docs.into_iter().map(Some).collect(),
        None => parse_documents(text).map_err(|e| Error::msg(format!("invalid YAML: {e}")))?,
    };
    let mut out = Vec::new();
    for doc in docs.into_iter().flatten() {
        // `null`, `~` and `{}` documents are empty: kustomize skips them.
        if doc.is_null() || doc.as_map().is_some_and(|m| m.is_empty()) {
            continue;
        }
        let is_list = doc.str_at(&["kind"]).is_some_and(|k| k.ends_with("List"))
            && doc
                .at(&["items"])
                .is_some_and(|i| matches!(i, Node::Seq(_)));
        if is_list {
            for item in doc
                .at(&["items"])
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                out.push(checked(item.clone())?);
            }
        } else {
            out.push(checked(doc)?);
        }
    }
    Ok(out)
}

fn checked(node: Node) -> Result<Resource> {
    let r = Resource::new(node)?;
    if r.kind().is_empty() {
        bail!("missing Resource metadata: kind not set");
    }
    if r.name().is_empty() && r.node.str_at(&["metadata", "generateName"]).is_none() {
        bail!(
            "missing metadata.name in object {{{} {}}}",
            r.api_version(),
            r.kind()
        );
    }
    Ok(r)
}

fn same_id(a: &Resource, b: &Resource) -> bool {
    fn ns(r: &Resource) -> &str {
        match r.namespace() {
            "" => "default",
            n => n,
        }
    }
    a.name() == b.name()
        && a.kind() == b.kind()
        && a.api_version() == b.api_version()
        && ns(a) == ns(b)
}

/// An id for duplicate detection: kind, apiVersion, name, namespace (empty =
/// default; none for cluster-scoped kinds), borrowed from the object.
fn id_key(r: &Resource) -> (&str, &str, &str, &str) {
    let ns = match r.namespace() {
        _ if r.is_cluster_scoped() => "",
        "" => "default",
        n => n,
    };
    (r.kind(), r.api_version(), r.name(), ns)
}

/// The ids of a list of objects, for duplicate detection without copying them: a hash
/// of each id and the positions in the list that have it.
#[derive(Default)]
pub struct IdIndex {
    by_hash: std::collections::HashMap<u64, Vec<usize>>,
}

impl IdIndex {
    fn of(list: &[Resource]) -> IdIndex {
        let mut idx = IdIndex::default();
        for i in 0..list.len() {
            idx.insert(list, i);
        }
        idx
    }

    /// Records `list[i]`; `false` when an earlier object has the same id.
    fn insert(&mut self, list: &[Resource], i: usize) -> bool {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let key = id_key(&list[i]);
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        let at = self.by_hash.entry(hash).or_default();
        if at.iter().any(|&j| id_key(&list[j]) == key) {
            return false;
        }
        at.push(i);
        true
    }
}

/// Appends a resource, refusing a second object with the same id (`seen` holds the
/// ids already in `list`).
fn append_seen(list: &mut Vec<Resource>, seen: &mut IdIndex, r: Resource) -> Result<()> {
    list.push(r);
    let i = list.len() - 1;
    if !seen.insert(list, i) {
        let r = list.pop().expect("just pushed");
        bail!(
            "may not add resource with an already registered id: {}",
            r.id().display()
        );
    }
    Ok(())
}

/// Appends a resource, refusing a second object with the same id.
pub fn append_unique(list: &mut Vec<Resource>, r: Resource) -> Result<()> {
    if list.iter().any(|x| same_id(x, &r)) {
        bail!(
            "may not add resource with an already registered id: {}",
            r.id().display()
        );
    }
    list.push(r);
    Ok(())
}

/// Adds a generated object according to its behavior.
pub fn absorb(list: &mut Vec<Resource>, mut r: Resource) -> Result<()> {
    let id = r.id();
    let pos = list
        .iter()
        .position(|x| x.has_id(&id.gvk, &id.name, &id.namespace));
    match (r.behavior, pos) {
        (Behavior::Create | Behavior::Unspecified, None) => {
            list.push(r);
            Ok(())
        }
        (Behavior::Create | Behavior::Unspecified, Some(_)) => bail!(
            "id {} exists; behavior must be merge or replace",
            id.display()
        ),
        (Behavior::Merge | Behavior::Replace, None) => bail!(
            "id {} does not exist; cannot merge or replace",
            id.display()
        ),
        (b, Some(i)) => {
            let old = &list[i];
            if b == Behavior::Merge {
                for field in ["data", "binaryData"] {
                    let mut merged = old
                        .node
                        .at(&[field])
                        .and_then(Node::as_map)
                        .cloned()
                        .unwrap_or_default();
                    if let Some(new) = r.node.at(&[field]).and_then(Node::as_map) {
                        for (k, v) in new.iter() {
                            merged.insert(k.clone(), v.clone());
                        }
                    }
                    if !merged.is_empty() {
                        r.map_mut().insert(field, Node::Map(merged));
                    }
                }
            }
            for field in ["labels", "annotations"] {
                let mut merged = old
                    .node
                    .at(&["metadata", field])
                    .and_then(Node::as_map)
                    .cloned()
                    .unwrap_or_default();
                if let Some(new) = r.node.at(&["metadata", field]).and_then(Node::as_map) {
                    for (k, v) in new.iter() {
                        merged.insert(k.clone(), v.clone());
                    }
                }
                if !merged.is_empty() {
                    r.map_mut()
                        .map_entry("metadata")
                        .insert(field, Node::Map(merged));
                }
            }
            let meta = r.map_mut().map_entry("metadata");
            meta.insert("name", Node::string(old.name().to_string()));
            if old.namespace().is_empty() {
                meta.remove("namespace");
            } else {
                meta.insert("namespace", Node::string(old.namespace().to_string()));
            }
            r.prev_ids = old.prev_ids.clone();
            r.prefixes = old.prefixes.clone();
            r.suffixes = old.suffixes.clone();
            r.needs_hash = old.needs_hash;
            r.behavior = Behavior::Unspecified;
            list[i] = r;
            Ok(())
        }
    }
}
