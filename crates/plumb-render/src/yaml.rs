//! Manifest text into objects: multi-document YAML (split on `---` so each document
//! keeps its index and first line), JSON, `kind: List` flattened, empty documents
//! skipped, and every object checked for `apiVersion`, `kind` and `metadata.name`.

use serde_json::Value;

use crate::error::{RenderError, Result};
use crate::{Limits, Origin};

/// One document of a multi-document YAML stream.
struct Document<'a> {
    /// 1-based index in the stream; empty documents count.
    index: usize,
    /// 1-based line of the document's first line.
    line: u64,
    text: &'a str,
}

/// Splits a YAML stream on document markers: a `---` line (possibly followed by
/// content) starts a document, a `...` line ends one. Both markers must start at column
/// one, where YAML forbids them inside scalars, so the split agrees with the parser.
fn split_documents(text: &str) -> Vec<Document<'_>> {
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u64;
    let mut offset = 0usize;
    let mut line_no = 1u64;
    let mut skip_until_next = false;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let is_start = bare == "---"
            || bare
                .strip_prefix("---")
                .is_some_and(|r| r.starts_with([' ', '\t']));
        let is_end = bare == "..."
            || bare
                .strip_prefix("...")
                .is_some_and(|r| r.starts_with([' ', '\t']));
        if is_start {
            if offset > start && !skip_until_next {
                docs.push((start, offset, start_line));
            }
            start = offset;
            start_line = line_no;
            skip_until_next = false;
        } else if is_end {
            if !skip_until_next {
                docs.push((start, offset, start_line));
            }
            skip_until_next = true;
        }
        offset += line.len();
        line_no += 1;
        if is_end {
            start = offset;
            start_line = line_no;
        }
    }
    if offset > start && !skip_until_next {
        docs.push((start, offset, start_line));
    }
    docs.into_iter()
        .enumerate()
        .map(|(i, (s, e, line))| Document {
            index: i + 1,
            line,
            text: &text[s..e],
        })
        .collect()
}

fn saphyr_options(limits: &Limits) -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: 2,
            max_nodes: limits.max_nodes,
            max_events: limits.max_nodes.saturating_mul(4),
            max_depth: limits.max_depth,
            max_total_scalar_bytes: limits.max_document_bytes,
        },
    }
}

/// Parses one manifest file (YAML, or JSON when `json`) into objects.
pub(crate) fn parse_manifests(
    path: &str,
    text: &str,
    json: bool,
    limits: &Limits,
) -> Result<Vec<(Value, Origin)>> {
    let mut out = Vec::new();
    if json {
        let value: Value = serde_json::from_str(text).map_err(|e| RenderError::Syntax {
            path: path.into(),
            line: e.line() as u64,
            column: e.column() as u64,
            message: json_message(&e),
        })?;
        push_objects(path, 1, 1, value, &mut out)?;
        return Ok(out);
    }
    for doc in split_documents(text) {
        if doc.text.len() > limits.max_document_bytes {
            return Err(RenderError::InvalidObject {
                path: path.into(),
                line: doc.line,
                index: doc.index,
                problem: format!(
                    "{} bytes, over the {}-byte document limit",
                    doc.text.len(),
                    limits.max_document_bytes
                ),
            });
        }
        let parsed: Option<Value> =
            serde_saphyr::from_str_with_options(doc.text, saphyr_options(limits))
                .map_err(|e| syntax_error(path, doc.line, &e))?;
        match parsed {
            None | Some(Value::Null) => continue,
            Some(v) => push_objects(path, doc.index, doc.line, v, &mut out)?,
        }
    }
    Ok(out)
}

fn syntax_error(path: &str, first_line: u64, e: &serde_saphyr::Error) -> RenderError {
    let (line, column) = e
        .location()
        .map(|l| (l.line() + first_line - 1, l.column()))
        .unwrap_or((first_line, 1));
    RenderError::Syntax {
        path: path.into(),
        line,
        column,
        message: saphyr_message(e),
    }
}

/// The parser's message without its `error: line L column C:` prefix and snippet.
fn saphyr_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let rest = match first.strip_prefix("line ") {
        Some(r) => r
            .split_once(": ")
            .map(|(_, m)| m)
            .filter(|_| r.contains(" column "))
            .unwrap_or(first),
        None => first,
    };
    // Locations inside the message are relative to the document: drop them, the
    // error carries the file's line and column.
    match rest.rsplit_once(" at line ") {
        Some((m, loc)) if loc.contains(", column ") => m.to_string(),
        _ => rest.to_string(),
    }
}

fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rsplit_once(" at line ") {
        Some((m, _)) => m.to_string(),
        None => s,
    }
}

/// Adds a document's objects: a `kind: List` contributes its items.
fn push_objects(
    path: &str,
    index: usize,
    line: u64,
    value: Value,
    out: &mut Vec<(Value, Origin)>,
) -> Result<()> {
    let origin = || Origin {
        file: path.to_string(),
        line,
        document: index,
    };
    let invalid = |problem: String| RenderError::InvalidObject {
        path: path.into(),
        line,
        index,
        problem,
    };
    let Value::Object(map) = value else {
        return Err(invalid(format!(
            "expected an object, found {}",
            type_name(&value)
        )));
    };
    let is_list = map.get("kind").and_then(Value::as_str).is_some_and(|k| {
        k == "List" || (k.ends_with("List") && map.get("items").is_some_and(Value::is_array))
    }) && map.get("metadata").and_then(|m| m.get("name")).is_none();
    if is_list {
        let items = match map.get("items") {
            Some(Value::Array(items)) => items.clone(),
            None | Some(Value::Null) => Vec::new(),
            Some(other) => return Err(invalid(format!("items is {}", type_name(other)))),
        };
        for (i, item) in items.into_iter().enumerate() {
            check_object(&item).map_err(|p| invalid(format!("items[{i}]: {p}")))?;
            out.push((item, origin()));
        }
        return Ok(());
    }
    let value = Value::Object(map);
    check_object(&value).map_err(invalid)?;
    out.push((value, origin()));
    Ok(())
}

/// What a Kubernetes object cannot do without.
fn check_object(v: &Value) -> std::result::Result<(), String> {
    let Some(map) = v.as_object() else {
        return Err(format!("expected an object, found {}", type_name(v)));
    };
    for field in ["apiVersion", "kind"] {
        match map.get(field) {
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(format!("object has no {field}"));
            }
            Some(other) => return Err(format!("{field} is {}, not a string", type_name(other))),
        }
    }
    match map.get("metadata").map(|m| m.get("name")) {
        Some(Some(Value::String(s))) if !s.is_empty() => Ok(()),
        Some(Some(other)) if !other.is_null() && !other.is_string() => Err(format!(
            "metadata.name is {}, not a string",
            type_name(other)
        )),
        _ => Err("object has no metadata.name".to_string()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_split_on_markers_and_keep_their_first_line() {
        let docs = split_documents("a: 1\n---\n---\nb: 2\n--- {c: 3}\n...\nignored\n");
        let got: Vec<(usize, u64, &str)> = docs.iter().map(|d| (d.index, d.line, d.text)).collect();
        assert_eq!(
            got,
            [
                (1, 1, "a: 1\n"),
                (2, 2, "---\n"),
                (3, 3, "---\nb: 2\n"),
                (4, 5, "--- {c: 3}\n")
            ]
        );
    }

    #[test]
    fn json_errors_name_line_and_column_and_json_lists_are_flattened() {
        let err = parse_manifests("a.json", "{\n  \"kind\": ,\n}", true, &Limits::default())
            .expect_err("not JSON");
        assert_eq!(err.to_string(), "a.json:2:11: expected value");
        let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]}"#;
        let objs = parse_manifests("l.json", list, true, &Limits::default()).expect("valid");
        assert_eq!(objs.len(), 1);
        assert_eq!(objs[0].1.file, "l.json");
    }

    #[test]
    fn documents_over_the_size_or_depth_limit_fail_fast() {
        let limits = Limits {
            max_document_bytes: 40,
            max_depth: 8,
            ..Limits::default()
        };
        let big = format!("# {}\n", "x".repeat(60));
        let err = parse_manifests("big.yaml", &format!("---\n{big}"), false, &limits)
            .expect_err("the document is over 40 bytes");
        assert!(
            err.to_string().starts_with("big.yaml:1: document 1: "),
            "{err}"
        );
        let deep = "a: [[[[[[[[[[1]]]]]]]]]]\n";
        let err = parse_manifests("deep.yaml", deep, false, &limits).expect_err("too deep");
        assert!(matches!(err, RenderError::Syntax { .. }), "{err:?}");
    }

    #[test]
    fn alias_bombs_are_refused_by_the_budget() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("a{}", i - 1)
            };
            bomb.push_str(&format!("a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let limits = Limits {
            max_nodes: 10_000,
            ..Limits::default()
        };
        let err = parse_manifests("bomb.yaml", &bomb, false, &limits)
            .expect_err("10^9 nodes are over the budget");
        assert!(matches!(err, RenderError::Syntax { .. }), "{err:?}");
    }

    #[test]
    fn syntax_errors_report_the_line_in_the_file_not_in_the_document() {
        let err = parse_manifests(
            "x.yaml",
            "# c\n---\nb:\n  c: [1\n  d: 2\n",
            false,
            &Limits::default(),
        )
        .expect_err("the flow sequence is not closed");
        let RenderError::Syntax { line, column, .. } = err else {
            panic!("expected a syntax error, got {err:?}");
        };
        assert_eq!((line, column), (5, 4));
    }
}
