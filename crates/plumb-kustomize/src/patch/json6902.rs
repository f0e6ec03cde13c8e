//! JSON patches (RFC 6902) on the YAML tree: add, remove, replace, move, copy, test.

use crate::error::{Error, Result, bail};
use crate::yaml::Node;

/// One operation.
#[derive(Debug, Clone)]
pub struct Op {
    pub op: String,
    pub path: String,
    pub from: Option<String>,
    pub value: Option<Node>,
}

/// Reads the operations of a patch document (YAML or JSON list).
pub fn parse_ops(doc: &Node) -> Result<Vec<Op>> {
    let Some(items) = doc.as_seq() else {
        bail!("a JSON patch must be a list of operations");
    };
    items
        .iter()
        .map(|i| {
            let op = i.str_at(&["op"]).unwrap_or("").to_string();
            let path = i
                .at(&["path"])
                .and_then(Node::as_scalar)
                .map(|s| s.value.clone())
                .ok_or_else(|| {
                    Error::msg(format!("unable to apply {op} operation: missing path"))
                })?;
            Ok(Op {
                op,
                path,
                from: i.str_at(&["from"]).map(str::to_string),
                value: i.at(&["value"]).map(yaml11),
            })
        })
        .collect()
}

fn tokens(path: &str) -> Result<Vec<String>> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        bail!("invalid JSON pointer {path:?}");
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// Applies operations in order.
pub fn apply(target: &mut Node, ops: &[Op]) -> Result<()> {
    for op in ops {
        apply_one(target, op).map_err(|e| {
            Error::msg(format!(
                "error in {} operation at {}: {}",
                op.op, op.path, e.message
            ))
        })?;
    }
    Ok(())
}

fn apply_one(target: &mut Node, op: &Op) -> Result<()> {
    let path = tokens(&op.path)?;
    match op.op.as_str() {
        "add" => add(target, &path, value(op)?),
        "remove" => remove(target, &path).map(|_| ()),
        "replace" => {
            // kustomize's JSON patch adds a missing final key instead of failing.
            let v = value(op)?;
            match get_mut(target, &path) {
                Ok(slot) => {
                    *slot = v;
                    Ok(())
                }
                Err(_) => add(target, &path, v),
            }
        }
        "move" => {
            let from = tokens(op.from.as_deref().unwrap_or(""))?;
            let v = remove(target, &from)?;
            add(target, &path, v)
        }
        "copy" => {
            let from = tokens(op.from.as_deref().unwrap_or(""))?;
            let v = get_mut(target, &from)?.clone();
            add(target, &path, v)
        }
        "test" => {
            let want = value(op)?;
            let have = get_mut(target, &path)?;
            if crate::yaml::value::to_out(have).ok() != crate::yaml::value::to_out(&want).ok() {
                bail!("testing value {} failed", op.path);
            }
            Ok(())
        }
        other => bail!("unexpected kind of operation {other:?}"),
    }
}

fn value(op: &Op) -> Result<Node> {
    op.value.clone().ok_or_else(|| Error::msg("missing value"))
}

fn get_mut<'a>(mut cur: &'a mut Node, path: &[String]) -> Result<&'a mut Node> {
    for t in path {
        cur = match cur {
            Node::Map(m) => m
                .get_mut(t)
                .ok_or_else(|| Error::msg(format!("doc is missing path: {t}")))?,
            Node::Seq(items) => {
                let len = items.len();
                let i = index(t, len)?;
                items
                    .get_mut(i)
                    .ok_or_else(|| Error::msg(format!("index {i} out of bounds (len {len})")))?
            }
            Node::Scalar(_) => bail!("doc is missing path: {t}"),
        };
    }
    Ok(cur)
}

/// Creates missing mappings along `path` (kustomize applies JSON patches with
/// "ensure path exists on add").
fn ensure_path<'a>(mut cur: &'a mut Node, path: &[String]) -> Result<&'a mut Node> {
    for t in path {
        cur = match cur {
            Node::Map(m) => {
                if m.get(t).is_none_or(Node::is_null) {
                    m.insert(t.clone(), Node::empty_map());
                }
                m.get_mut(t).expect("the key was just ensured")
            }
            other => get_mut(other, std::slice::from_ref(t))?,
        };
    }
    Ok(cur)
}

fn add(target: &mut Node, path: &[String], v: Node) -> Result<()> {
    let Some((last, parent)) = path.split_last() else {
        *target = v;
        return Ok(());
    };
    match ensure_path(target, parent)? {
        Node::Map(m) => {
            m.insert(last.clone(), v);
            Ok(())
        }
        Node::Seq(items) => {
            if last == "-" {
                items.push(v);
                return Ok(());
            }
            let i = index(last, items.len() + 1)?;
            if i > items.len() {
                bail!("index {i} out of bounds");
            }
            items.insert(i, v);
            Ok(())
        }
        Node::Scalar(_) => bail!("cannot add to a scalar"),
    }
}

fn remove(target: &mut Node, path: &[String]) -> Result<Node> {
    let Some((last, parent)) = path.split_last() else {
        bail!("cannot remove the whole document");
    };
    match get_mut(target, parent)? {
        Node::Map(m) => m
            .remove(last)
            .ok_or_else(|| Error::msg(format!("unable to remove nonexistent key: {last}"))),
        Node::Seq(items) => {
            let i = index(last, items.len())?;
            if i >= items.len() {
                bail!("index {i} out of bounds");
            }
            Ok(items.remove(i))
        }
        Node::Scalar(_) => bail!("cannot remove from a scalar"),
    }
}

/// An array index; negative indices count from the end, as kustomize allows.
fn index(t: &str, len: usize) -> Result<usize> {
    let i: i64 = t
        .parse()
        .map_err(|_| Error::msg(format!("invalid array index {t:?}")))?;
    if i < 0 {
        let back = i.unsigned_abs() as usize;
        if back > len {
            bail!("index {i} out of bounds");
        }
        return Ok(len - back);
    }
    Ok(i as usize)
}

/// kustomize turns a JSON patch into JSON with go-yaml v2 (YAML 1.1): `yes`/`off` are
/// booleans, `0123` is octal, `1_000` a number, and a date stays the text written.
fn yaml11(n: &Node) -> Node {
    use crate::yaml::value::{Resolved, resolve_plain};
    use crate::yaml::{Mapping, Style};
    match n {
        Node::Scalar(s) if s.style == Style::Plain && s.tag.is_none() => {
            if crate::yaml::value::timestamp(&s.value).is_some() {
                return Node::string(s.value.clone());
            }
            match resolve_plain(&s.value, true) {
                Resolved::Bool(b) => Node::plain(if b { "true" } else { "false" }),
                Resolved::Null => Node::null(),
                Resolved::Int(i) => Node::plain(i.to_string()),
                Resolved::Float(f) if f.is_finite() => {
                    Node::plain(crate::yaml::emit::format_float_g(f))
                }
                _ => Node::string(s.value.clone()),
            }
        }
        Node::Scalar(_) => n.clone(),
        Node::Seq(items) => Node::Seq(items.iter().map(yaml11).collect()),
        Node::Map(m) => {
            let mut out = Mapping::new();
            for (k, v) in m.iter() {
                out.entries.push((k.clone(), yaml11(v)));
            }
            Node::Map(out)
        }
    }
}
