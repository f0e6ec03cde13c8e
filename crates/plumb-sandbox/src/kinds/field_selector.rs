//! Field selectors (`fieldSelector=metadata.name=x`), parsed and checked as
//! apimachinery's `pkg/fields/selector.go` and the per-kind field label conversions do.

use serde_json::Value;

use super::selector::SelectorError;

fn err(msg: String) -> SelectorError {
    SelectorError(msg)
}

/// One term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldTerm {
    /// The field path, as `metadata.name`.
    pub field: String,
    /// `true` for `!=`.
    pub negated: bool,
    /// The unescaped value.
    pub value: String,
}

/// Which field labels a kind supports in `fieldSelector`.
#[derive(Debug, Clone, Copy)]
pub enum FieldLabels<'a> {
    /// A built-in kind, by API group (`""` for core) and kind.
    Builtin {
        /// API group, `""` for the core group.
        group: &'a str,
        /// Kind, as `Pod`.
        kind: &'a str,
    },
    /// A custom resource.
    Custom {
        /// Cluster-scoped resources do not support `metadata.namespace`.
        cluster_scoped: bool,
        /// The CRD version's `selectableFields[].jsonPath`, without the leading dot.
        selectable: &'a [String],
    },
}

/// A field selector: terms ANDed together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSelector {
    /// The terms, sorted as the apiserver sorts them.
    pub terms: Vec<FieldTerm>,
}

impl FieldSelector {
    /// Parses `metadata.name=x,metadata.namespace!=y` (`\` escapes `,`, `=` and `\`).
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let mut parts = split_unescaped(s);
        parts.sort();
        let mut terms = Vec::new();
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((lhs, op, rhs)) = split_term(part) else {
                return Err(err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                )));
            };
            terms.push(FieldTerm {
                field: lhs.to_owned(),
                negated: op == "!=",
                value: unescape_field_value(rhs)?,
            });
        }
        Ok(Self { terms })
    }

    /// Fails with the apiserver's message when a term names a field the kind cannot select on.
    pub fn check_supported(&self, labels: FieldLabels<'_>) -> Result<(), SelectorError> {
        for t in &self.terms {
            let f = t.field.as_str();
            let ok = match labels {
                FieldLabels::Builtin { group, kind } => match builtin_fields(group, kind) {
                    Some(fields) => fields.contains(&f),
                    None => {
                        if f == "metadata.name" || f == "metadata.namespace" {
                            true
                        } else {
                            return Err(err(format!(
                                "{} is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                                super::field::go_quote(f)
                            )));
                        }
                    }
                },
                FieldLabels::Custom {
                    cluster_scoped,
                    selectable,
                } => {
                    f == "metadata.name"
                        || (!cluster_scoped && f == "metadata.namespace")
                        || selectable.iter().any(|s| s.trim_start_matches('.') == f)
                }
            };
            if !ok {
                return Err(err(format!("field label not supported: {f}")));
            }
        }
        Ok(())
    }

    /// Whether an object satisfies every term (missing fields compare as `""`).
    pub fn matches(&self, obj: &Value) -> bool {
        self.terms.iter().all(|t| {
            let got = field_value(obj, &t.field);
            (got == t.value) != t.negated
        })
    }
}

/// The field labels of kinds that register their own conversion (they answer
/// `field label not supported: X`); `None` for kinds using the default set.
fn builtin_fields(group: &str, kind: &str) -> Option<&'static [&'static str]> {
    Some(match (group, kind) {
        ("", "Pod") => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        ("", "Node") => &["metadata.name", "spec.unschedulable"],
        ("", "ReplicationController") => {
            &["metadata.name", "metadata.namespace", "status.replicas"]
        }
        ("", "PersistentVolume") => &["metadata.name"],
        ("", "Secret") => &["metadata.name", "metadata.namespace", "type"],
        ("", "Namespace") => &["metadata.name", "status.phase"],
        ("", "Event") | ("events.k8s.io", "Event") => &[
            "metadata.name",
            "metadata.namespace",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        ("apps", "ReplicaSet") => &["metadata.name", "metadata.namespace", "status.replicas"],
        ("batch", "Job") => &["metadata.name", "metadata.namespace", "status.successful"],
        ("certificates.k8s.io", "CertificateSigningRequest") => {
            &["metadata.name", "spec.signerName"]
        }
        _ => return None,
    })
}

/// The value a field selector compares against: scalars as text, missing as `""`.
fn field_value(obj: &Value, path: &str) -> String {
    let path = match path {
        "source" => "source.component",
        p => p,
    };
    let mut cur = obj;
    for seg in path.split('.') {
        match cur.get(seg) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.get("ip").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(","),
        _ => String::new(),
    }
}

fn split_unescaped(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in s.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            out.push(&s[start..i]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    out
}

fn split_term(term: &str) -> Option<(&str, &'static str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(rhs) = rest.strip_prefix(op) {
                return Some((&term[..i], op, rhs));
            }
        }
    }
    None
}

fn unescape_field_value(s: &str) -> Result<String, SelectorError> {
    if !s.contains(['\\', ',', '=']) {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                other => {
                    return Err(err(format!(
                        "invalid field selector: invalid escape sequence: \\{other}"
                    )));
                }
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                )));
            }
            c => out.push(c),
        }
    }
    if in_slash {
        return Err(err(
            "invalid field selector: invalid escape sequence: \\".to_owned()
        ));
    }
    Ok(out)
}
