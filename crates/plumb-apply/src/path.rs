//! Field paths: the steps that name one field of an object (`PathElement`), with the
//! total order and the text forms structured-merge-diff gives them.

use std::cmp::Ordering;
use std::fmt;

use serde_json::{Number, Value};

/// One step of a field path.
///
/// The order between elements is the one structured-merge-diff uses when it sorts a
/// field set: named fields first, then associative-list keys, then set values, then
/// list indices.
#[derive(Debug, Clone)]
pub enum PathElement {
    /// A named field of a map or struct (`f:name` in `FieldsV1`).
    Field(String),
    /// An element of an associative list, by its key fields sorted by name
    /// (`k:{"name":"nginx"}`).
    Key(Vec<(String, Value)>),
    /// An element of a set, by value (`v:"finalizer"`).
    Value(Value),
    /// An element of a list by position (`i:0`); never used for associative lists.
    Index(usize),
}

/// A field path from the root of an object.
pub type Path = Vec<PathElement>;

impl PathElement {
    fn rank(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }
}

impl Ord for PathElement {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.as_bytes().cmp(b.as_bytes()),
            (PathElement::Key(a), PathElement::Key(b)) => compare_key_lists(a, b),
            (PathElement::Value(a), PathElement::Value(b)) => compare_values(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

fn compare_key_lists(a: &[(String, Value)], b: &[(String, Value)]) -> Ordering {
    for ((an, av), (bn, bv)) in a.iter().zip(b) {
        let c = an
            .as_bytes()
            .cmp(bn.as_bytes())
            .then_with(|| compare_values(av, bv));
        if c != Ordering::Equal {
            return c;
        }
    }
    a.len().cmp(&b.len())
}

/// A number as structured-merge-diff sees it: an integer when it fits an `i64`.
enum Num {
    Int(i64),
    Float(f64),
}

fn num(n: &Number) -> Num {
    match n.as_i64() {
        Some(i) => Num::Int(i),
        None => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
    }
}

fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Number(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Array(_) => 3,
        Value::Object(_) => 4,
        Value::Null => 5,
    }
}

/// The total order of values structured-merge-diff uses (`value.Compare`): numbers
/// (integers and floats compared numerically), then strings, booleans, lists, maps, null.
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (num(x), num(y)) {
            (Num::Int(x), Num::Int(y)) => x.cmp(&y),
            (Num::Int(x), Num::Float(y)) => float_cmp(x as f64, y),
            (Num::Float(x), Num::Int(y)) => float_cmp(x, y as f64),
            (Num::Float(x), Num::Float(y)) => float_cmp(x, y),
        },
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (l, r) in x.iter().zip(y) {
                let c = compare_values(l, r);
                if c != Ordering::Equal {
                    return c;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (None, _) => return Ordering::Greater,
                    (_, None) => return Ordering::Less,
                    (Some(l), Some(r)) => {
                        let c = compare_values(l, r);
                        if c != Ordering::Equal {
                            return c;
                        }
                    }
                }
            }
            Ordering::Equal
        }
        (Value::Null, Value::Null) => Ordering::Equal,
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

fn float_cmp(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Deep equality as structured-merge-diff checks it (`value.Equals`): map order does not
/// matter and `1` equals `1.0`.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare_values(a, b) == Ordering::Equal,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(l, r)| values_equal(l, r))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, l)| y.get(k).is_some_and(|r| values_equal(l, r)))
        }
        _ => a == b,
    }
}

impl fmt::Display for PathElement {
    /// The form used in conflict messages: `.name`, `[name="nginx"]`, `[="value"]`, `[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", value_to_string(v)))
                    .collect();
                write!(f, "[{}]", parts.join(","))
            }
            PathElement::Value(v) => write!(f, "[={}]", value_to_string(v)),
            PathElement::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path as conflict messages print it: `.spec.template.spec.containers[name="nginx"].image`.
pub fn path_string(path: &[PathElement]) -> String {
    path.iter().map(ToString::to_string).collect()
}

/// `value.ToString`: Go-quoted strings, numbers as Go's `%v` prints them.
pub(crate) fn value_to_string(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match num(n) {
            Num::Int(i) => i.to_string(),
            Num::Float(x) => go_float(x),
        },
        Value::String(s) => go_quote(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(value_to_string).collect();
            format!("[{}]", parts.join(","))
        }
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}={}", value_to_string(v)))
            .collect(),
    }
}

/// A float as Go's `%v` prints it: shortest digits, exponent form below 1e-4 and from 1e6.
pub(crate) fn go_float(x: f64) -> String {
    if x == 0.0 || x.is_nan() || x.is_infinite() {
        return format!("{x}");
    }
    let exp = x.abs().log10().floor() as i32;
    if (-4..6).contains(&exp) {
        return format!("{x}");
    }
    let s = format!("{x:e}");
    match s.split_once('e') {
        Some((mantissa, e)) => {
            let (sign, digits) = match e.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', e),
            };
            let digits = if digits.len() < 2 {
                format!("0{digits}")
            } else {
                digits.to_string()
            };
            format!("{mantissa}e{sign}{digits}")
        }
        None => s,
    }
}

/// A string quoted as Go's `%q` (strconv.Quote) does it.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Parses a dotted field path (`metadata.labels`) into named-field steps.
pub(crate) fn parse_dotted(path: &str) -> Path {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(|s| PathElement::Field(s.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_sort_before_keys_values_and_indices() {
        let mut v = [
            PathElement::Index(0),
            PathElement::Value(json!("a")),
            PathElement::Key(vec![("name".into(), json!("a"))]),
            PathElement::Field("z".into()),
        ];
        v.sort();
        assert!(matches!(v[0], PathElement::Field(_)));
        assert!(matches!(v[1], PathElement::Key(_)));
        assert!(matches!(v[2], PathElement::Value(_)));
        assert!(matches!(v[3], PathElement::Index(_)));
    }

    #[test]
    fn integers_and_floats_compare_numerically() {
        assert_eq!(compare_values(&json!(80), &json!(80.0)), Ordering::Equal);
        assert_eq!(compare_values(&json!(1), &json!("a")), Ordering::Less);
        assert!(values_equal(&json!({"a": [1, 2]}), &json!({"a": [1.0, 2]})));
    }

    #[test]
    fn paths_print_as_conflict_messages_show_them() {
        let p = vec![
            PathElement::Field("spec".into()),
            PathElement::Field("containers".into()),
            PathElement::Key(vec![("name".into(), json!("nginx"))]),
            PathElement::Field("image".into()),
        ];
        assert_eq!(path_string(&p), ".spec.containers[name=\"nginx\"].image");
        let k = PathElement::Key(vec![
            ("containerPort".into(), json!(80)),
            ("protocol".into(), json!("TCP")),
        ]);
        assert_eq!(k.to_string(), "[containerPort=80,protocol=\"TCP\"]");
        assert_eq!(PathElement::Value(json!("x")).to_string(), "[=\"x\"]");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1.5), "1.5");
    }
}
