//! A kustomization file: read, checked for unknown and unsupported fields, and normalised
//! the way kustomize does after unmarshalling (legacy fields folded into new ones).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result, bail};
use crate::yaml::{Node, parse_one_lenient};

/// Every field kustomize v5.5 accepts in a Kustomization or Component.
const KNOWN_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "crds",
    "bases",
    "components",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
    "inventory",
];

/// A loaded kustomization.
#[derive(Debug, Clone)]
pub struct Kustomization {
    /// The file it was read from.
    pub file: PathBuf,
    /// Its directory: relative entries resolve against it.
    pub dir: PathBuf,
    /// The fields (a mapping).
    pub node: Node,
    pub is_component: bool,
}

impl Kustomization {
    pub fn parse(file: &Path, text: &str) -> Result<Kustomization> {
        let Some(node) = parse_one_lenient(text)
            .map_err(|e| Error::msg(format!("invalid YAML: {e}")).in_file(file))?
        else {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            return Err(Error::msg(format!(
                "{} is empty",
                name.unwrap_or_else(|| "kustomization".into())
            ))
            .in_file(file));
        };
        let Some(map) = node.as_map() else {
            return Err(Error::msg("a kustomization must be a mapping").in_file(file));
        };
        for (key, _) in map.iter() {
            if !KNOWN_FIELDS.contains(&key.as_str()) {
                return Err(Error::msg(format!(
                    "invalid Kustomization: json: unknown field \"{key}\""
                ))
                .in_file(file));
            }
        }
        check_types(map).map_err(|e| e.in_file(file))?;
        let kind = node.str_at(&["kind"]).unwrap_or("Kustomization");
        let is_component = match kind {
            "" | "Kustomization" => false,
            "Component" => true,
            other => {
                return Err(Error::msg(format!(
                    "kind {other:?} is not Kustomization or Component"
                ))
                .in_file(file));
            }
        };
        let want = if is_component {
            "kustomize.config.k8s.io/v1alpha1"
        } else {
            "kustomize.config.k8s.io/v1beta1"
        };
        if let Some(av) = node.str_at(&["apiVersion"]).filter(|av| *av != want) {
            return Err(Error::msg(format!(
                "apiVersion for {} should be {want}, not {av}",
                if is_component {
                    "Component"
                } else {
                    "Kustomization"
                }
            ))
            .in_file(file));
        }
        for (field, what) in [
            ("helmCharts", "helm chart inflation"),
            ("helmChartInflationGenerator", "helm chart inflation"),
        ] {
            if map.get(field).is_some_and(|v| !v.is_null()) {
                return Err(Error::msg(format!(
                    "{what} is not supported by plumb's native kustomize"
                ))
                .in_file(file)
                .at_entry(field));
            }
        }
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(Kustomization {
            file: file.to_path_buf(),
            dir,
            node,
            is_component,
        })
    }

    pub fn get(&self, field: &str) -> Option<&Node> {
        self.node
            .as_map()
            .and_then(|m| m.get(field))
            .filter(|n| !n.is_null())
    }

    pub fn str_field(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(Node::as_str)
    }

    /// A list of strings (`resources`, `components`, …).
    pub fn strings(&self, field: &str) -> Result<Vec<String>> {
        match self.get(field) {
            None => Ok(Vec::new()),
            Some(Node::Seq(items)) => items
                .iter()
                .map(|i| {
                    i.as_str().map(str::to_string).ok_or_else(|| {
                        Error::msg(format!("{field} entries must be strings")).in_file(&self.file)
                    })
                })
                .collect(),
            Some(_) => bail!("{}: {field} must be a list", self.file.display()),
        }
    }

    /// A list of nodes.
    pub fn items(&self, field: &str) -> &[Node] {
        self.get(field)
            .and_then(Node::as_seq)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// `resources` followed by the legacy `bases`.
    pub fn resources(&self) -> Result<Vec<String>> {
        let mut r = self.strings("resources")?;
        r.extend(self.strings("bases")?);
        Ok(r)
    }

    /// A string map field (`commonLabels`, `commonAnnotations`) as pairs in file order.
    pub fn string_map(&self, field: &str) -> Vec<(String, String)> {
        self.get(field)
            .and_then(Node::as_map)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let text = v.as_scalar().map(|s| s.value.clone()).unwrap_or_default();
                        (k.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The JSON type name Go's decoder reports for a node.
fn json_type(n: &Node) -> &'static str {
    use crate::yaml::value::{Resolved, resolve_v3};
    match n {
        Node::Seq(_) => "array",
        Node::Map(_) => "object",
        Node::Scalar(s) if s.style == crate::yaml::Style::Plain && s.tag.is_none() => {
            match crate::yaml::value::resolve_plain(&s.value, true) {
                Resolved::Bool(_) => "bool",
                Resolved::Int(_) | Resolved::Float(_) => "number",
                Resolved::Null => "null",
                _ => "string",
            }
        }
        Node::Scalar(s) => match resolve_v3(s) {
            Resolved::Bool(_) => "bool",
            Resolved::Int(_) | Resolved::Float(_) => "number",
            Resolved::Null => "null",
            _ => "string",
        },
    }
}

fn type_error(field: &str, n: &Node) -> Error {
    Error::msg(format!(
        "invalid Kustomization: json: cannot unmarshal {} into Go struct field Kustomization.{field} of type string",
        json_type(n)
    ))
}

/// The checks Go's strict decoding makes on the fields whose types are simple.
fn check_types(map: &crate::yaml::Mapping) -> Result<()> {
    for field in ["namePrefix", "nameSuffix", "namespace"] {
        if let Some(v) = map.get(field)
            && !matches!(json_type(v), "string" | "null")
        {
            return Err(type_error(field, v));
        }
    }
    for (i, img) in map
        .get("images")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .enumerate()
    {
        for f in ["name", "newName", "newTag", "digest"] {
            if let Some(v) = img.at(&[f]) {
                let t = json_type(v);
                if !matches!(t, "string" | "null") {
                    return Err(Error::msg(format!(
                        "invalid Kustomization: json: cannot unmarshal {t} into Go struct field Image.images.{f} of type string"
                    ))
                    .at_entry(format!("images[{i}]")));
                }
            }
        }
    }
    for (i, r) in map
        .get("replicas")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(v) = r.at(&["count"]) {
            let t = json_type(v);
            if t != "number" {
                return Err(Error::msg(format!(
                    "invalid Kustomization: json: cannot unmarshal {t} into Go struct field Replica.replicas.count of type int64"
                ))
                .at_entry(format!("replicas[{i}]")));
            }
        }
    }
    for field in ["commonLabels", "commonAnnotations"] {
        match map.get(field) {
            Some(Node::Map(m)) => {
                if let Some(k) = m.typed_keys.first() {
                    return Err(Error::msg(format!(
                        "{field}: key {k:?} is not a string: json: unsupported type: map[interface {{}}]interface {{}}"
                    )));
                }
                for (_, v) in m.iter() {
                    if !matches!(json_type(v), "string" | "null") {
                        return Err(type_error(field, v));
                    }
                }
            }
            Some(v) if !v.is_null() => {
                return Err(Error::msg(format!(
                    "invalid Kustomization: json: cannot unmarshal {} into Go struct field Kustomization.{field} of type map[string]string",
                    json_type(v)
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

/// A replica count as kustomize reads it (YAML 1.1 numbers: `0x10`, `010`, `1e1`).
pub fn count(n: Option<&Node>) -> Option<i64> {
    use crate::yaml::value::{Resolved, resolve_plain};
    let s = n?.as_scalar()?;
    match resolve_plain(&s.value, true) {
        Resolved::Int(i) => i64::try_from(i).ok(),
        Resolved::Float(f) if f.fract() == 0.0 => Some(f as i64),
        _ => None,
    }
}
