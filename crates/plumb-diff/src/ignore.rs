//! Argo CD's `ignoreDifferences`: which objects a rule applies to, and removing the
//! fields it names (JSON pointers, jq paths, managers' fields) from both sides before
//! comparing.

use serde_json::Value;

use crate::managed::{Owners, remove_owned};
use crate::{DiffError, IgnoreRule, jq};

/// Checks every pointer and jq expression of the rules, for reporting bad rules when an
/// Application is loaded rather than on each diff.
///
/// jq expressions are a subset: `.a.b`, `.a["k"]`, `.a[0]`, `.a[]`, `?` after any step,
/// and pipes into `select(.f == literal)` (or `!=`) and further paths.
pub fn validate_ignore_rules(rules: &[IgnoreRule]) -> Result<(), DiffError> {
    for r in rules {
        for p in &r.json_pointers {
            parse_pointer(p)?;
        }
        for e in &r.jq_path_expressions {
            jq::Expr::parse(e).map_err(|problem| DiffError::Jq {
                expression: e.clone(),
                problem,
            })?;
        }
    }
    Ok(())
}

/// Whether a rule applies to an object.
pub(crate) fn matches(rule: &IgnoreRule, obj: &Value) -> bool {
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
    let name = obj.pointer("/metadata/name").and_then(Value::as_str);
    let namespace = obj.pointer("/metadata/namespace").and_then(Value::as_str);
    let rule_group = rule.group.as_deref().unwrap_or("");
    (rule_group == "*" || rule_group == group)
        && (rule.kind == "*" || rule.kind == kind)
        && rule.name.as_deref().is_none_or(|n| Some(n) == name)
        && rule
            .namespace
            .as_deref()
            .is_none_or(|n| Some(n) == namespace.or(Some("")))
}

/// Removes what a rule ignores from both sides; unusable parts become warnings.
pub(crate) fn apply(
    rule: &IgnoreRule,
    owners: &Owners,
    desired: &mut Value,
    live: &mut Value,
    warnings: &mut Vec<String>,
) {
    for p in &rule.json_pointers {
        match parse_pointer(p) {
            Ok(tokens) => {
                remove_pointer(desired, &tokens);
                remove_pointer(live, &tokens);
            }
            Err(e) => {
                tracing::debug!(error = %e, "skipping ignoreDifferences pointer");
                warnings.push(e.to_string());
            }
        }
    }
    for e in &rule.jq_path_expressions {
        match jq::Expr::parse(e) {
            Ok(expr) => {
                for v in [&mut *desired, &mut *live] {
                    let locs = expr.locations(v);
                    jq::delete(v, locs);
                }
            }
            Err(problem) => {
                let err = DiffError::Jq {
                    expression: e.clone(),
                    problem,
                };
                tracing::debug!(error = %err, "skipping ignoreDifferences jq expression");
                warnings.push(err.to_string());
            }
        }
    }
    if !rule.managed_fields_managers.is_empty() {
        let owned = owners.of_managers(&rule.managed_fields_managers);
        remove_owned(&owned, desired);
        remove_owned(&owned, live);
    }
}

/// RFC 6901 tokens; `""` is the whole document.
fn parse_pointer(p: &str) -> Result<Vec<String>, DiffError> {
    if p.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = p.strip_prefix('/') else {
        return Err(DiffError::JsonPointer {
            pointer: p.to_string(),
            problem: "must be empty or start with `/`".to_string(),
        });
    };
    rest.split('/')
        .map(|t| {
            let mut out = String::new();
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => {
                        return Err(DiffError::JsonPointer {
                            pointer: p.to_string(),
                            problem: "`~` must be followed by `0` or `1`".to_string(),
                        });
                    }
                }
            }
            Ok(out)
        })
        .collect()
}

fn remove_pointer(v: &mut Value, tokens: &[String]) {
    let Some((last, parents)) = tokens.split_last() else {
        *v = Value::Object(serde_json::Map::new());
        return;
    };
    let mut cur = v;
    for t in parents {
        cur = match cur {
            Value::Object(m) => match m.get_mut(t) {
                Some(c) => c,
                None => return,
            },
            Value::Array(a) => match t.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                Some(c) => c,
                None => return,
            },
            _ => return,
        };
    }
    match cur {
        Value::Object(m) => {
            m.shift_remove(last);
        }
        Value::Array(a) => {
            if let Some(i) = last.parse::<usize>().ok().filter(|i| *i < a.len()) {
                a.remove(i);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pointers_unescape_tilde_and_slash() {
        let mut v = json!({"metadata": {"annotations": {"a/b": "1", "c~d": "2", "e": "3"}}});
        remove_pointer(
            &mut v,
            &parse_pointer("/metadata/annotations/a~1b").expect("valid"),
        );
        remove_pointer(
            &mut v,
            &parse_pointer("/metadata/annotations/c~0d").expect("valid"),
        );
        assert_eq!(v, json!({"metadata": {"annotations": {"e": "3"}}}));
        assert!(parse_pointer("spec").is_err());
        assert!(parse_pointer("/a~2").is_err());
    }

    #[test]
    fn rules_match_by_group_kind_name_and_namespace() {
        let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "a", "namespace": "prod"}});
        let rule = |group: Option<&str>, kind: &str, name: Option<&str>| IgnoreRule {
            group: group.map(str::to_string),
            kind: kind.to_string(),
            name: name.map(str::to_string),
            ..Default::default()
        };
        assert!(matches(&rule(Some("apps"), "Deployment", None), &obj));
        assert!(matches(&rule(Some("*"), "*", Some("a")), &obj));
        assert!(!matches(&rule(None, "Deployment", None), &obj));
        assert!(!matches(&rule(Some("apps"), "Deployment", Some("b")), &obj));
    }
}
