//! The `FieldsV1` encoding of a field set, as `fieldpath/serialize.go` writes and reads
//! it: `f:<name>`, `k:<json>`, `v:<json>`, `i:<n>` keys, `{}` for a member leaf and
//! `".": {}` for a member that also has children.

use serde_json::{Map, Value};

use crate::path::PathElement;
use crate::set::Set;

impl Set {
    /// Decodes a `FieldsV1` object (`metadata.managedFields[].fieldsV1`).
    pub fn from_fields_v1(fields: &Value) -> Result<Set, String> {
        decode(fields)
    }

    /// Encodes the set as a `FieldsV1` object, keys in the API server's order.
    pub fn to_fields_v1(&self) -> Value {
        encode(self)
    }
}

/// Encodes a set as a `FieldsV1` JSON object.
pub fn encode(set: &Set) -> Value {
    Value::Object(emit(set, false))
}

fn emit(set: &Set, include_self: bool) -> Map<String, Value> {
    let mut out = Map::new();
    if include_self && !set.is_empty() {
        out.insert(".".to_string(), Value::Object(Map::new()));
    }
    let mut members = set.members().iter().peekable();
    let mut children = set.children().iter().peekable();
    loop {
        let next_member = members.peek().copied();
        let next_child = children.peek().map(|(pe, _)| *pe);
        match (next_member, next_child) {
            (None, None) => break,
            (Some(m), None) => {
                out.insert(element_key(m), Value::Object(Map::new()));
                members.next();
            }
            (None, Some(_)) => {
                if let Some((pe, c)) = children.next() {
                    out.insert(element_key(pe), Value::Object(emit(c, false)));
                }
            }
            (Some(m), Some(c)) => match m.cmp(c) {
                std::cmp::Ordering::Less => {
                    out.insert(element_key(m), Value::Object(Map::new()));
                    members.next();
                }
                std::cmp::Ordering::Greater => {
                    if let Some((pe, c)) = children.next() {
                        out.insert(element_key(pe), Value::Object(emit(c, false)));
                    }
                }
                std::cmp::Ordering::Equal => {
                    members.next();
                    if let Some((pe, c)) = children.next() {
                        out.insert(element_key(pe), Value::Object(emit(c, true)));
                    }
                }
            },
        }
    }
    out
}

/// The `FieldsV1` key of one path element.
pub(crate) fn element_key(pe: &PathElement) -> String {
    match pe {
        PathElement::Field(name) => format!("f:{name}"),
        PathElement::Key(fields) => {
            let mut s = String::from("k:{");
            for (i, (name, value)) in fields.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_json_string(&mut s, name);
                s.push(':');
                write_json(&mut s, value);
            }
            s.push('}');
            s
        }
        PathElement::Value(v) => {
            let mut s = String::from("v:");
            write_json(&mut s, v);
            s
        }
        PathElement::Index(i) => format!("i:{i}"),
    }
}

/// Compact JSON as Go's standard library writes it: map keys sorted, `<`, `>` and `&`
/// escaped, integral floats without a fraction.
pub(crate) fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                out.push_str(&n.to_string());
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                if f.fract() == 0.0 && f.abs() < 1e21 {
                    out.push_str(&format!("{}", f as i128));
                } else {
                    out.push_str(&n.to_string());
                }
            }
        }
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(out, k);
                out.push(':');
                if let Some(item) = m.get(*k) {
                    write_json(out, item);
                }
            }
            out.push('}');
        }
    }
}

pub(crate) fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Decodes a `FieldsV1` JSON object into a set. Keys of unknown kinds are skipped, as
/// the API server does.
pub fn decode(v: &Value) -> Result<Set, String> {
    let (set, _) = read(v)?;
    Ok(set.unwrap_or_default())
}

/// Reads one node: its children (if any) and whether it is itself a member.
fn read(v: &Value) -> Result<(Option<Set>, bool), String> {
    let Value::Object(m) = v else {
        return Err(format!("expected an object in FieldsV1, got {v}"));
    };
    let mut children: Option<Set> = None;
    let mut is_member = false;
    for (key, child) in m {
        if key == "." {
            is_member = true;
            continue;
        }
        let pe = match parse_element(key)? {
            Some(pe) => pe,
            None => continue,
        };
        if child.is_null() {
            continue;
        }
        let (grandchildren, child_is_member) = read(child)?;
        let set = children.get_or_insert_with(Set::new);
        if child_is_member {
            set.insert_member(pe.clone());
        }
        if let Some(g) = grandchildren {
            set.insert_child(pe, g);
        }
    }
    if children.is_none() {
        is_member = true;
    }
    Ok((children, is_member))
}

/// Parses one `FieldsV1` key; `None` for a kind this version does not know.
pub(crate) fn parse_element(key: &str) -> Result<Option<PathElement>, String> {
    if key.len() < 2 || !key.is_char_boundary(2) {
        return Err(format!("key {key:?} is too short to be a path element"));
    }
    let (kind, rest) = key.split_at(2);
    match kind {
        "f:" => Ok(Some(PathElement::Field(rest.to_string()))),
        "v:" => serde_json::from_str::<Value>(rest)
            .map(|v| Some(PathElement::Value(v)))
            .map_err(|e| format!("parsing {key:?}: {e}")),
        "i:" => rest
            .parse::<usize>()
            .map(|i| Some(PathElement::Index(i)))
            .map_err(|e| format!("parsing {key:?}: {e}")),
        "k:" => {
            let v: Value =
                serde_json::from_str(rest).map_err(|e| format!("parsing {key:?}: {e}"))?;
            let Value::Object(m) = v else {
                return Err(format!("parsing {key:?}: expected a JSON object"));
            };
            let mut fields: Vec<(String, Value)> = m.into_iter().collect();
            fields.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            Ok(Some(PathElement::Key(fields)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_member_with_children_is_written_with_a_dot_entry() {
        let fields = json!({
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}},
        });
        let set = decode(&fields).expect("valid FieldsV1");
        assert_eq!(encode(&set), fields);
        assert_eq!(
            serde_json::to_string(&encode(&set)).expect("serializable"),
            serde_json::to_string(&fields).expect("serializable")
        );
    }

    #[test]
    fn keys_sort_their_fields_and_sets_use_values() {
        let fields = json!({
            "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}},
            "f:finalizers": {".": {}, "v:\"a\"": {}},
        });
        let set = decode(&fields).expect("valid FieldsV1");
        let out = serde_json::to_string(&encode(&set)).expect("serializable");
        assert_eq!(
            out,
            r#"{"f:finalizers":{".":{},"v:\"a\"":{}},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}"#
        );
    }

    #[test]
    fn unknown_key_kinds_are_skipped() {
        let set = decode(&json!({"x:foo": {}, "f:a": {}})).expect("valid");
        assert_eq!(encode(&set), json!({"f:a": {}}));
    }
}
