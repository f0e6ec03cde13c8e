//! Drift in words: `deployment.apps/my-app replicas 5 != 3` (live != desired).

use std::fmt;

use serde_json::Value;

use crate::path::{PathSegment, dotted, scalar_text};
use crate::{FieldChange, ObjectDiff};

/// `spec.<field>` scalars known by their short name in drift messages.
const SHORT_NAMES: [&str; 6] = [
    "replicas",
    "paused",
    "suspend",
    "schedule",
    "parallelism",
    "minReadySeconds",
];

/// Most changes listed in a summary.
const MAX_SUMMARY_CHANGES: usize = 5;

/// Longest value printed in a summary before it is cut.
const MAX_VALUE_CHARS: usize = 60;

/// How users read a field: `replicas`, or the dotted path.
pub(crate) fn field_name(path: &[PathSegment]) -> String {
    if let [PathSegment::Field(spec), PathSegment::Field(f)] = path
        && spec == "spec"
        && SHORT_NAMES.contains(&f.as_str())
    {
        return f.clone();
    }
    dotted(path)
}

/// A value in one line: scalars as written, structures as compact JSON, cut short.
fn short(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(absent)".to_string();
    };
    let text = match v {
        Value::String(s) if s.is_empty() => v.to_string(),
        Value::Object(_) | Value::Array(_) => v.to_string(),
        other => scalar_text(other),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut live, mut desired) = (short(self.live.as_ref()), short(self.desired.as_ref()));
        if live == desired {
            // Same text, different types (`8080` and `"8080"`): show them as JSON.
            let json =
                |v: Option<&Value>| v.map_or_else(|| "(absent)".to_string(), Value::to_string);
            (live, desired) = (json(self.live.as_ref()), json(self.desired.as_ref()));
        }
        write!(f, "{} {live} != {desired}", field_name(&self.path))
    }
}

pub(crate) fn summary(d: &ObjectDiff, kind_ref: &str) -> String {
    if d.live_missing {
        return format!("{kind_ref} missing");
    }
    if d.changes.is_empty() {
        return format!("{kind_ref} in sync");
    }
    let mut parts: Vec<String> = d
        .changes
        .iter()
        .take(MAX_SUMMARY_CHANGES)
        .map(ToString::to_string)
        .collect();
    if d.changes.len() > MAX_SUMMARY_CHANGES {
        parts.push(format!(
            "and {} more",
            d.changes.len() - MAX_SUMMARY_CHANGES
        ));
    }
    format!("{kind_ref} {}", parts.join("; "))
}

/// YAML for the unified diff.
pub(crate) fn yaml(v: &Value) -> String {
    match serde_saphyr::to_string(v) {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(error = %e, "YAML serialisation failed, printing JSON");
            serde_json::to_string_pretty(v).unwrap_or_default()
        }
    }
}
