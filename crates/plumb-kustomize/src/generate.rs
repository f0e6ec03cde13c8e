//! `configMapGenerator` and `secretGenerator`: ConfigMaps and Secrets from literals,
//! files and env files, with kustomize's key rules and generator options.

use std::path::Path;

use base64::Engine as _;

use crate::error::{Error, Result, bail};
use crate::loader::{Loader, join_clean};
use crate::resource::{Behavior, Resource};
use crate::yaml::{Mapping, Node};

/// Options shared by `generatorOptions` and each generator's `options`.
#[derive(Debug, Clone, Default)]
pub struct GenOptions {
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    pub disable_hash: Option<bool>,
    pub immutable: Option<bool>,
}

impl GenOptions {
    pub fn from_node(n: Option<&Node>) -> GenOptions {
        let Some(n) = n.filter(|n| !n.is_null()) else {
            return GenOptions::default();
        };
        let pairs = |k: &str| -> Vec<(String, String)> {
            n.at(&[k])
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
                .unwrap_or_default()
        };
        let flag = |k: &str| n.at(&[k]).map(|_| n.flag_at(&[k]));
        GenOptions {
            labels: pairs("labels"),
            annotations: pairs("annotations"),
            disable_hash: flag("disableNameSuffixHash"),
            immutable: flag("immutable"),
        }
    }

    /// Per-generator options layered over the kustomization's `generatorOptions`.
    pub fn over(&self, base: &GenOptions) -> GenOptions {
        let mut labels = base.labels.clone();
        merge_pairs(&mut labels, &self.labels);
        let mut annotations = base.annotations.clone();
        merge_pairs(&mut annotations, &self.annotations);
        GenOptions {
            labels,
            annotations,
            // Go booleans: `false` cannot undo a `true` from generatorOptions.
            disable_hash: Some(self.disable_hash == Some(true) || base.disable_hash == Some(true)),
            immutable: Some(self.immutable == Some(true) || base.immutable == Some(true)),
        }
    }
}

fn merge_pairs(into: &mut Vec<(String, String)>, from: &[(String, String)]) {
    for (k, v) in from {
        match into.iter_mut().find(|(ik, _)| ik == k) {
            Some(e) => e.1 = v.clone(),
            None => into.push((k.clone(), v.clone())),
        }
    }
}

/// Which object a generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenKind {
    ConfigMap,
    Secret,
}

/// Builds one generated object from a generator entry.
pub fn generate(
    loader: &Loader,
    dir: &Path,
    kind: GenKind,
    args: &Node,
    defaults: &GenOptions,
) -> Result<Resource> {
    let name = args.str_at(&["name"]).unwrap_or("").to_string();
    if name.is_empty() {
        bail!("a generator entry needs a name");
    }
    let opts = GenOptions::from_node(args.at(&["options"])).over(defaults);
    let mut data: Vec<(String, Vec<u8>)> = Vec::new();
    let what = match kind {
        GenKind::ConfigMap => "configmap",
        GenKind::Secret => "secret",
    };
    let mut add = |k: String, v: Vec<u8>| -> Result<()> {
        if !matches!(
            crate::yaml::value::resolve_plain(&k, false),
            crate::yaml::value::Resolved::Str
        ) {
            bail!(
                "{what} {name}: key {k:?} reads as a non-string YAML value: json: unsupported type: map[interface {{}}]interface {{}}"
            );
        }
        if data.iter().any(|(x, _)| *x == k) {
            bail!("{what} {name} illegally repeats the key `{k}`");
        }
        data.push((k, v));
        Ok(())
    };
    let list = |k: &str| -> Vec<String> {
        args.at(&[k])
            .and_then(Node::as_seq)
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut envs = list("envs");
    if let Some(e) = args.str_at(&["env"]) {
        envs.push(e.to_string());
    }
    for env in envs {
        let bytes = loader
            .read_bytes(dir, &join_clean(dir, &env))
            .map_err(|e| e.at_entry(format!("envs: {env}")))?;
        let text = String::from_utf8_lossy(&bytes);
        for (k, v) in parse_env(&text).map_err(|e| e.at_entry(format!("envs: {env}")))? {
            add(k, v.into_bytes())?;
        }
    }
    for lit in list("literals") {
        let (k, v) = lit
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| {
                Error::msg(format!("invalid literal source {lit}, expected key=value"))
            })?;
        add(k.to_string(), remove_quotes(v).as_bytes().to_vec())?;
    }
    for f in list("files") {
        let (key, path) = match f.split_once('=') {
            Some((k, p)) => {
                if k.is_empty() {
                    bail!("key name for file path {p} missing");
                }
                (k.to_string(), p.to_string())
            }
            None => {
                let base = Path::new(&f)
                    .file_name()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (base, f.clone())
            }
        };
        let full = join_clean(dir, &path);
        if full.is_dir() {
            bail!("file sources: {path}: is a directory");
        }
        let bytes = loader
            .read_bytes(dir, &full)
            .map_err(|e| e.at_entry(format!("files: {f}")))?;
        add(key, bytes)?;
    }
    let behavior = match args.str_at(&["behavior"]).unwrap_or("") {
        "" | "create" => Behavior::Create,
        "merge" => Behavior::Merge,
        "replace" => Behavior::Replace,
        // kustomize reads an unknown behavior as unspecified, which creates.
        _ => Behavior::Create,
    };

    let mut root = Mapping::new();
    root.insert("apiVersion", Node::string("v1"));
    root.insert(
        "kind",
        Node::string(match kind {
            GenKind::ConfigMap => "ConfigMap",
            GenKind::Secret => "Secret",
        }),
    );
    let mut meta = Mapping::new();
    meta.insert("name", Node::string(&name));
    if let Some(ns) = args.str_at(&["namespace"]).filter(|s| !s.is_empty()) {
        meta.insert("namespace", Node::string(ns));
    }
    if !opts.labels.is_empty() {
        meta.insert("labels", string_map(&opts.labels));
    }
    if !opts.annotations.is_empty() {
        meta.insert("annotations", string_map(&opts.annotations));
    }
    root.insert("metadata", Node::Map(meta));
    let b64 = base64::engine::general_purpose::STANDARD;
    match kind {
        GenKind::ConfigMap => {
            let mut text = Mapping::new();
            let mut binary = Mapping::new();
            for (k, v) in data {
                match String::from_utf8(v) {
                    Ok(s) => text.insert(k, Node::string(s)),
                    Err(e) => {
                        binary.insert(k, Node::string(wrap_base64(&b64.encode(e.into_bytes()))))
                    }
                }
            }
            if !text.is_empty() {
                root.insert("data", Node::Map(text));
            }
            if !binary.is_empty() {
                root.insert("binaryData", Node::Map(binary));
            }
        }
        GenKind::Secret => {
            let mut m = Mapping::new();
            for (k, v) in data {
                m.insert(k, Node::string(wrap_base64(&b64.encode(v))));
            }
            root.insert("data", Node::Map(m));
            let ty = args.str_at(&["type"]).unwrap_or("Opaque");
            root.insert(
                "type",
                Node::string(if ty.is_empty() { "Opaque" } else { ty }),
            );
        }
    }
    if opts.immutable == Some(true) {
        root.insert("immutable", Node::plain("true"));
    }
    let mut r = Resource::new(Node::Map(root))?;
    r.needs_hash = opts.disable_hash != Some(true);
    r.behavior = behavior;
    r.is_generated = true;
    Ok(r)
}

/// go-yaml's base64 layout, which kustomize uses for generated data: values of 70
/// characters or more are cut into 70-character lines, each ending in a newline.
fn wrap_base64(s: &str) -> String {
    if s.len() < 70 {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + s.len() / 70 + 1);
    for chunk in s.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

fn string_map(pairs: &[(String, String)]) -> Node {
    let mut m = Mapping::new();
    for (k, v) in pairs {
        m.insert(k.clone(), Node::string(v.clone()));
    }
    Node::Map(m)
}

fn remove_quotes(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2
        && ((b[0] == b'"' && b[b.len() - 1] == b'"') || (b[0] == b'\'' && b[b.len() - 1] == b'\''))
    {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// Parses an env file: `KEY=VALUE` lines, blank lines and `#` comments skipped.
pub fn parse_env(text: &str) -> Result<Vec<(String, String)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) => {
                out.push((k.to_string(), v.to_string()));
            }
            None => {
                // kustomize takes a bare KEY's value from its own environment; a build
                // here reads nothing from the process environment, so the value is empty.
                out.push((line.trim_end().to_string(), String::new()));
            }
        }
    }
    Ok(out)
}
