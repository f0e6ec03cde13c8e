//! The subset of Kubernetes JSONPath that CRD `additionalPrinterColumns` use:
//! `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, `.*` and filters `[?(@.type=="Ready")]`,
//! `[?(@.x!="y")]`, `[?(@.x)]`.

use serde_json::Value;

/// A JSONPath that failed to parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognized column definition {path:?}")]
pub struct JsonPathError {
    /// The expression as given.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
    Filter {
        path: Vec<Step>,
        op: Option<(bool, Value)>,
    },
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    /// Parses `.spec.replicas` (surrounding `{…}` allowed).
    pub fn parse(expr: &str) -> Result<Self, JsonPathError> {
        let fail = || JsonPathError {
            path: expr.to_owned(),
        };
        let inner = expr.trim();
        let inner = inner
            .strip_prefix('{')
            .and_then(|s| s.strip_suffix('}'))
            .unwrap_or(inner);
        let inner = inner.strip_prefix('$').unwrap_or(inner);
        let steps = parse_steps(inner).ok_or_else(fail)?;
        Ok(Self { steps })
    }

    /// Every value the expression selects, in document order.
    pub fn find<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        eval(&self.steps, root)
    }
}

fn parse_steps(mut s: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix('.') {
            if let Some(rest) = rest.strip_prefix('*') {
                steps.push(Step::Wildcard);
                s = rest;
                continue;
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                if rest.is_empty() {
                    return Some(steps);
                }
                return None;
            }
            steps.push(Step::Field(rest[..end].to_owned()));
            s = &rest[end..];
        } else if let Some(rest) = s.strip_prefix('[') {
            let close = matching_bracket(rest)?;
            let body = rest[..close].trim();
            s = &rest[close + 1..];
            steps.push(parse_bracket(body)?);
        } else {
            let end = s.find(['.', '[']).unwrap_or(s.len());
            steps.push(Step::Field(s[..end].to_owned()));
            s = &s[end..];
        }
    }
    Some(steps)
}

/// Index of the `]` closing a bracket whose body starts at `s`, skipping quoted text.
fn matching_bracket(s: &str) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') if depth == 0 => return Some(i),
            (None, ']') => depth -= 1,
            _ => {}
        }
    }
    None
}

fn unquote(s: &str) -> Option<&str> {
    let s = s.trim();
    for q in ['\'', '"'] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return Some(inner);
        }
    }
    None
}

fn parse_bracket(body: &str) -> Option<Step> {
    if body == "*" {
        return Some(Step::Wildcard);
    }
    if let Some(name) = unquote(body) {
        return Some(Step::Field(name.to_owned()));
    }
    if let Ok(i) = body.parse::<i64>() {
        return Some(Step::Index(i));
    }
    let filter = body.strip_prefix('?')?.trim();
    let filter = filter.strip_prefix('(')?.strip_suffix(')')?.trim();
    let (lhs, op) = if let Some((l, r)) = filter.split_once("==") {
        (l, Some((false, literal(r)?)))
    } else if let Some((l, r)) = filter.split_once("!=") {
        (l, Some((true, literal(r)?)))
    } else {
        (filter, None)
    };
    let path = parse_steps(lhs.trim().strip_prefix('@')?)?;
    Some(Step::Filter { path, op })
}

fn literal(s: &str) -> Option<Value> {
    let s = s.trim();
    if let Some(q) = unquote(s) {
        return Some(Value::String(q.to_owned()));
    }
    serde_json::from_str(s).ok()
}

fn eval<'a>(steps: &[Step], v: &'a Value) -> Vec<&'a Value> {
    let Some((first, rest)) = steps.split_first() else {
        return vec![v];
    };
    let next: Vec<&'a Value> = match first {
        Step::Field(name) => v.get(name.as_str()).into_iter().collect(),
        Step::Index(i) => v
            .as_array()
            .and_then(|a| {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                usize::try_from(idx).ok().and_then(|idx| a.get(idx))
            })
            .into_iter()
            .collect(),
        Step::Wildcard => match v {
            Value::Array(a) => a.iter().collect(),
            Value::Object(m) => m.values().collect(),
            _ => Vec::new(),
        },
        Step::Filter { path, op } => v
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|item| {
                        let found = eval(path, item);
                        match op {
                            None => !found.is_empty(),
                            Some((negated, want)) => found
                                .first()
                                .is_some_and(|got| loose_eq(got, want) != *negated),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    next.into_iter().flat_map(|n| eval(rest, n)).collect()
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Renders a value as `jsonpath.PrintResults` does: strings bare, other scalars as JSON,
/// maps and lists in Go's `fmt.Print` form.
pub fn print_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".to_owned(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(print_value).collect::<Vec<_>>().join(" ")
        ),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", print_value(&m[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find(expr: &str, v: &Value) -> Vec<Value> {
        JsonPath::parse(expr)
            .unwrap()
            .find(v)
            .into_iter()
            .cloned()
            .collect()
    }

    #[test]
    fn dotted_paths_select_nested_fields() {
        let v = json!({"spec": {"replicas": 3}});
        assert_eq!(find(".spec.replicas", &v), [json!(3)]);
        assert_eq!(find("{.spec.replicas}", &v), [json!(3)]);
        assert!(find(".spec.missing", &v).is_empty());
    }

    #[test]
    fn filters_pick_conditions_by_type() {
        let v = json!({"status": {"conditions": [
            {"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}
        ]}});
        assert_eq!(
            find(".status.conditions[?(@.type==\"Ready\")].status", &v),
            [json!("True")]
        );
        assert_eq!(
            find(".status.conditions[?(@.type!='Ready')].type", &v),
            [json!("Synced")]
        );
        assert_eq!(find(".status.conditions[-1].type", &v), [json!("Ready")]);
        assert_eq!(find(".status.conditions[*].status", &v).len(), 2);
    }

    #[test]
    fn quoted_fields_may_contain_dots() {
        let v = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(
            find(".metadata.labels['app.kubernetes.io/name']", &v),
            [json!("web")]
        );
    }

    #[test]
    fn unbalanced_brackets_are_rejected() {
        assert!(JsonPath::parse(".a[0").is_err());
    }

    #[test]
    fn values_print_like_go() {
        assert_eq!(print_value(&json!(["a", 1])), "[a 1]");
        assert_eq!(print_value(&json!({"b": 1, "a": "x"})), "map[a:x b:1]");
    }
}
