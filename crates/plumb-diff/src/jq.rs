//! The subset of jq path expressions `ignoreDifferences.jqPathExpressions` supports:
//!
//! - paths: `.a.b`, `.a["x.y"]`, `.a."x.y"`, `.["x"]`, `.a[0]`, `.a[]` (each element or value),
//!   any step followed by `?` (no error when the value has another type);
//! - pipes into `select(<path> == <literal>)` or `!=`, where the literal is a string,
//!   number, `true`, `false` or `null`, and further paths:
//!   `.spec.template.spec.containers[] | select(.name == "istio-proxy") | .image`.
//!
//! The expression names the values to delete (Argo CD runs `del(<expression>)`).
//! Anything else is refused with a message saying what is supported.

use serde_json::Value;

/// What the subset supports, for error messages.
const SUPPORTED: &str = "supported: `.a.b`, `.a[\"k\"]`, `.a[0]`, `.a[]`, `?`, and \
`| select(.f == literal)` / `!=`";

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(usize),
    Iterate,
    Optional,
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Path(Vec<Step>),
    Select {
        path: Vec<Step>,
        equal: bool,
        literal: Value,
    },
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr {
    stages: Vec<Stage>,
}

/// A concrete location in a value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Loc {
    Key(String),
    Index(usize),
}

impl Expr {
    /// Parses an expression; the error says what is unsupported.
    pub(crate) fn parse(src: &str) -> Result<Expr, String> {
        let stages = split_pipes(src)?
            .iter()
            .map(|s| parse_stage(s.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        if stages.is_empty() {
            return Err("empty expression".to_string());
        }
        Ok(Expr { stages })
    }

    /// The locations the expression names in `v`.
    pub(crate) fn locations(&self, v: &Value) -> Vec<Vec<Loc>> {
        let mut current: Vec<(Vec<Loc>, &Value)> = vec![(Vec::new(), v)];
        for stage in &self.stages {
            current = match stage {
                Stage::Path(steps) => current
                    .into_iter()
                    .flat_map(|(loc, val)| follow(steps, loc, val))
                    .collect(),
                Stage::Select {
                    path,
                    equal,
                    literal,
                } => current
                    .into_iter()
                    .filter(|(_, val)| {
                        let found = follow(path, Vec::new(), val);
                        let hit = found
                            .iter()
                            .any(|(_, x)| crate::compare::scalars_equal(x, literal))
                            || (literal.is_null() && found.is_empty());
                        hit == *equal
                    })
                    .collect(),
            };
        }
        current.into_iter().map(|(loc, _)| loc).collect()
    }
}

fn follow<'v>(steps: &[Step], loc: Vec<Loc>, v: &'v Value) -> Vec<(Vec<Loc>, &'v Value)> {
    let mut current = vec![(loc, v)];
    for step in steps {
        let mut next = Vec::new();
        for (loc, val) in current {
            match (step, val) {
                (Step::Optional, _) => next.push((loc, val)),
                (Step::Field(name), Value::Object(m)) => {
                    if let Some(c) = m.get(name) {
                        next.push((with(&loc, Loc::Key(name.clone())), c));
                    }
                }
                (Step::Index(i), Value::Array(items)) => {
                    if let Some(c) = items.get(*i) {
                        next.push((with(&loc, Loc::Index(*i)), c));
                    }
                }
                (Step::Iterate, Value::Array(items)) => {
                    for (i, c) in items.iter().enumerate() {
                        next.push((with(&loc, Loc::Index(i)), c));
                    }
                }
                (Step::Iterate, Value::Object(m)) => {
                    for (k, c) in m {
                        next.push((with(&loc, Loc::Key(k.clone())), c));
                    }
                }
                // jq errors here (or yields null); either way nothing is deleted.
                _ => {}
            }
        }
        current = next;
    }
    current
}

fn with(loc: &[Loc], l: Loc) -> Vec<Loc> {
    let mut v = loc.to_vec();
    v.push(l);
    v
}

/// Splits on `|` outside strings and parentheses.
fn split_pipes(src: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut in_str = false;
    let mut escaped = false;
    for c in src.chars() {
        if in_str {
            cur.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                cur.push(c);
            }
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            '|' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if in_str {
        return Err("unterminated string".to_string());
    }
    if depth != 0 {
        return Err("unbalanced parentheses".to_string());
    }
    parts.push(cur);
    Ok(parts)
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    if let Some(inner) = s.strip_prefix("select(").and_then(|r| r.strip_suffix(')')) {
        let (lhs, rhs, equal) = if let Some((l, r)) = inner.split_once("==") {
            (l, r, true)
        } else if let Some((l, r)) = inner.split_once("!=") {
            (l, r, false)
        } else {
            return Err(format!("`{s}`: select needs `==` or `!=` ({SUPPORTED})"));
        };
        let literal: Value = serde_json::from_str(rhs.trim())
            .map_err(|_| format!("`{}` is not a literal ({SUPPORTED})", rhs.trim()))?;
        if literal.is_array() || literal.is_object() {
            return Err(format!("`{}` is not a scalar literal", rhs.trim()));
        }
        return Ok(Stage::Select {
            path: parse_path(lhs.trim())?,
            equal,
            literal,
        });
    }
    Ok(Stage::Path(parse_path(s)?))
}

fn parse_path(s: &str) -> Result<Vec<Step>, String> {
    let unsupported = |what: &str| format!("unsupported {what} in `{s}` ({SUPPORTED})");
    let chars: Vec<char> = s.chars().collect();
    if chars.first() != Some(&'.') {
        return Err(unsupported("start (a path begins with `.`)"));
    }
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                if i > start {
                    steps.push(Step::Field(chars[start..i].iter().collect()));
                } else if chars.get(i) == Some(&'"') {
                    // `."key with.dots"`
                    let close = (i + 1..chars.len())
                        .find(|&j| chars[j] == '"' && chars[j - 1] != '\\')
                        .ok_or_else(|| unsupported("unterminated string"))?;
                    let quoted: String = chars[i..=close].iter().collect();
                    let key: String = serde_json::from_str(&quoted)
                        .map_err(|_| unsupported(&format!("key `{quoted}`")))?;
                    steps.push(Step::Field(key));
                    i = close + 1;
                } else if i < chars.len() && chars[i] != '[' {
                    return Err(unsupported(&format!("`{}`", chars[i])));
                }
            }
            '[' => {
                let close = chars[i..]
                    .iter()
                    .position(|c| *c == ']')
                    .map(|p| p + i)
                    .ok_or_else(|| unsupported("unclosed `[`"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                let inner = inner.trim();
                if inner.is_empty() {
                    steps.push(Step::Iterate);
                } else if inner.starts_with('"') {
                    let key: String = serde_json::from_str(inner)
                        .map_err(|_| unsupported(&format!("key `{inner}`")))?;
                    steps.push(Step::Field(key));
                } else if let Ok(n) = inner.parse::<usize>() {
                    steps.push(Step::Index(n));
                } else {
                    return Err(unsupported(&format!("index `[{inner}]`")));
                }
                i = close + 1;
            }
            '?' => {
                steps.push(Step::Optional);
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            c => return Err(unsupported(&format!("`{c}`"))),
        }
    }
    Ok(steps)
}

/// Deletes the locations from a value, later list positions first.
pub(crate) fn delete(v: &mut Value, mut locs: Vec<Vec<Loc>>) {
    locs.sort();
    locs.dedup();
    for loc in locs.into_iter().rev() {
        delete_one(v, &loc);
    }
}

fn delete_one(v: &mut Value, loc: &[Loc]) {
    let Some((last, parents)) = loc.split_last() else {
        return;
    };
    let mut cur = v;
    for l in parents {
        cur = match (l, cur) {
            (Loc::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(c) => c,
                None => return,
            },
            (Loc::Index(i), Value::Array(a)) => match a.get_mut(*i) {
                Some(c) => c,
                None => return,
            },
            _ => return,
        };
    }
    match (last, cur) {
        (Loc::Key(k), Value::Object(m)) => {
            m.shift_remove(k);
        }
        (Loc::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn del(expr: &str, mut v: Value) -> Value {
        let e = Expr::parse(expr).expect("test expressions are supported");
        let locs = e.locations(&v);
        delete(&mut v, locs);
        v
    }

    #[test]
    fn select_deletes_only_matching_elements() {
        let v = json!({"c": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]});
        assert_eq!(
            del(".c[] | select(.name == \"b\")", v.clone()),
            json!({"c": [{"name": "a", "image": "x"}]})
        );
        assert_eq!(
            del(".c[] | select(.name != \"b\") | .image", v),
            json!({"c": [{"name": "a"}, {"name": "b", "image": "y"}]})
        );
    }

    #[test]
    fn bracketed_keys_and_optional_iteration_work() {
        let v = json!({"metadata": {"annotations": {"a.b/c": "1", "d": "2"}}, "x": 1});
        assert_eq!(
            del(".metadata.annotations[\"a.b/c\"]", v.clone()),
            json!({"metadata": {"annotations": {"d": "2"}}, "x": 1})
        );
        assert_eq!(
            del(".metadata.annotations.\"a.b/c\"", v.clone()),
            json!({"metadata": {"annotations": {"d": "2"}}, "x": 1})
        );
        assert_eq!(del(".x[]?", v.clone()), v);
    }

    #[test]
    fn unsupported_syntax_is_refused_with_what_is_supported() {
        for e in ["del(.a)", ".a | length", ".a[1:2]", "map(.a)", ".a + .b"] {
            let err = Expr::parse(e).expect_err(e);
            assert!(err.contains("supported"), "{e}: {err}");
        }
    }
}
