//! `replacements`: copy a value from one object's field into fields of others, with
//! kustomize's field-path syntax (`a.b[name=x].c`, `*`, indices), delimiter/index
//! options and `create`.

use std::path::Path;

use crate::error::{Error, Result, bail};
use crate::loader::{Loader, join_clean};
use crate::resource::{Gvk, ResId, Resource};
use crate::yaml::value::{Resolved, resolve_v3};
use crate::yaml::{Mapping, Node, Scalar, Style, parse_documents};

/// One `replacements:` entry: inline, or `path:` to a file of replacements.
pub fn apply_entry(res: &mut [Resource], loader: &Loader, dir: &Path, entry: &Node) -> Result<()> {
    if let Some(p) = entry.str_at(&["path"]) {
        let text = loader.read_file(dir, &join_clean(dir, p), false)?;
        for doc in parse_documents(&text)
            .map_err(|e| Error::msg(e.to_string()))?
            .into_iter()
            .flatten()
        {
            match &doc {
                Node::Seq(items) => {
                    for r in items {
                        apply(res, r)?;
                    }
                }
                _ => apply(res, &doc)?,
            }
        }
        return Ok(());
    }
    apply(res, entry)
}

#[derive(Debug, Default)]
struct IdSel {
    gvk: Gvk,
    name: String,
    namespace: String,
    /// Label and annotation selectors, when given.
    meta: Option<crate::patch::select::Matcher>,
}

impl IdSel {
    fn from_node(n: Option<&Node>) -> IdSel {
        let s = |k: &str| n.and_then(|n| n.str_at(&[k])).unwrap_or("").to_string();
        IdSel {
            gvk: Gvk {
                group: s("group"),
                version: s("version"),
                kind: s("kind"),
            },
            name: s("name"),
            namespace: s("namespace"),
            meta: n.and_then(|n| {
                let sel = crate::patch::select::Selector {
                    label_selector: n.str_at(&["labelSelector"]).unwrap_or("").to_string(),
                    annotation_selector: n
                        .str_at(&["annotationSelector"])
                        .unwrap_or("")
                        .to_string(),
                    ..Default::default()
                };
                let any = !sel.label_selector.is_empty() || !sel.annotation_selector.is_empty();
                any.then(|| sel.compile().ok()).flatten()
            }),
        }
    }

    fn id_is_empty(&self) -> bool {
        self.gvk == Gvk::default() && self.name.is_empty() && self.namespace.is_empty()
    }

    fn meta_matches(&self, r: &Resource) -> bool {
        self.meta.as_ref().is_none_or(|m| m.matches(r))
    }

    fn selects(&self, id: &ResId) -> bool {
        id.gvk.selected_by(&self.gvk)
            && (self.name.is_empty() || self.name == id.name)
            && (self.namespace.is_empty() || self.namespace == id.effective_ns())
    }

    fn describe(&self) -> String {
        format!(
            "{}.{}.{} {}.{}",
            self.gvk.kind, self.gvk.version, self.gvk.group, self.name, self.namespace
        )
    }
}

#[derive(Debug, Default, Clone)]
struct FieldOptions {
    delimiter: String,
    index: i64,
    create: bool,
}

impl FieldOptions {
    fn from_node(n: Option<&Node>) -> FieldOptions {
        let Some(n) = n else {
            return FieldOptions::default();
        };
        FieldOptions {
            delimiter: n.str_at(&["delimiter"]).unwrap_or("").to_string(),
            index: n
                .str_at(&["index"])
                .and_then(|i| i.parse().ok())
                .unwrap_or(0),
            create: n.flag_at(&["create"]),
        }
    }
}

fn apply(res: &mut [Resource], r: &Node) -> Result<()> {
    let source = r.at(&["source"]);
    let sel = IdSel::from_node(source);
    let mut found: Option<usize> = None;
    for (i, x) in res.iter().enumerate() {
        if x.all_ids().iter().any(|id| sel.selects(id)) {
            if found.is_some() {
                bail!("multiple matches for selector {}", sel.describe());
            }
            found = Some(i);
        }
    }
    let Some(src) = found else {
        bail!("nothing selected by {}", sel.describe());
    };
    let fp = source
        .and_then(|s| s.str_at(&["fieldPath"]))
        .unwrap_or("metadata.name");
    let src_opts = FieldOptions::from_node(source.and_then(|s| s.at(&["options"])));
    let mut value = lookup(&res[src].node, &split_path(fp))
        .ok_or_else(|| {
            Error::msg(format!(
                "fieldPath `{fp}` is missing for replacement source {}",
                res[src].id().display()
            ))
        })?
        .clone();
    if !src_opts.delimiter.is_empty()
        && let Node::Scalar(s) = &mut value
    {
        let parts: Vec<&str> = s.value.split(src_opts.delimiter.as_str()).collect();
        let i = src_opts.index;
        if i < 0 || i as usize >= parts.len() {
            bail!("options.index {i} is out of bounds for value {}", s.value);
        }
        s.value = parts[i as usize].to_string();
    }
    for t in r
        .at(&["targets"])
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
    {
        let Some(select) = t.at(&["select"]) else {
            bail!("target must specify resources to select");
        };
        let sel = IdSel::from_node(Some(select));
        let rejects: Vec<IdSel> = t
            .at(&["reject"])
            .and_then(Node::as_seq)
            .map(|s| s.iter().map(|n| IdSel::from_node(Some(n))).collect())
            .unwrap_or_default();
        let opts = FieldOptions::from_node(t.at(&["options"]));
        let paths: Vec<String> = t
            .at(&["fieldPaths"])
            .and_then(Node::as_seq)
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_else(|| vec!["metadata.name".to_string()]);
        for x in res.iter_mut() {
            if !sel.meta_matches(x)
                || rejects
                    .iter()
                    .any(|rj| rj.meta.is_some() && rj.meta_matches(x))
            {
                continue;
            }
            let ids = x.all_ids();
            let hit = ids.iter().any(|id| {
                sel.selects(id) && !rejects.iter().any(|rj| !rj.id_is_empty() && rj.selects(id))
            });
            if !hit {
                continue;
            }
            for p in &paths {
                let segs = split_path(p);
                let mut f = |n: &mut Node| set_value(n, &value, &opts);
                let count = collect(&mut x.node, &segs, opts.create, &mut f)?;
                if count == 0 {
                    let what = if opts.create {
                        "find or create"
                    } else {
                        "find"
                    };
                    bail!("unable to {what} field \"{p}\" in replacement target");
                }
            }
        }
    }
    Ok(())
}

fn set_value(target: &mut Node, value: &Node, opts: &FieldOptions) -> Result<()> {
    let mut value = value.clone();
    if !opts.delimiter.is_empty() {
        let Node::Scalar(ts) = &*target else {
            bail!("delimiter option can only be used with scalar nodes");
        };
        let mut parts: Vec<String> = ts
            .value
            .split(opts.delimiter.as_str())
            .map(str::to_string)
            .collect();
        let v = value
            .as_scalar()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        if opts.index < 0 {
            parts.insert(0, v);
        } else if opts.index as usize >= parts.len() {
            parts.push(v);
        } else {
            parts[opts.index as usize] = v;
        }
        value = Node::plain(parts.join(&opts.delimiter));
    }
    match (&mut *target, &value) {
        (Node::Scalar(ts), Node::Scalar(vs)) => {
            let keep_string = !ts.is_null() && resolve_v3(ts) == Resolved::Str;
            *ts = Scalar {
                value: vs.value.clone(),
                style: Style::Plain,
                tag: if keep_string || (vs.is_string_typed() && ts.is_null()) {
                    Some("!!str".into())
                } else {
                    None
                },
            };
        }
        _ => *target = value,
    }
    Ok(())
}

/// Splits a field path at dots outside brackets.
pub fn split_path(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in p.chars() {
        match c {
            '[' => {
                depth += 1;
                if depth == 1 && !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push(c);
            }
            ']' => {
                depth -= 1;
                cur.push(c);
            }
            '.' if depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn lookup<'a>(node: &'a Node, segs: &[String]) -> Option<&'a Node> {
    let mut cur = node;
    for s in segs {
        cur = match cur {
            Node::Map(m) => m.get(unbracket(s))?,
            Node::Seq(items) => {
                if let Some((k, v)) = element_selector(s) {
                    items.iter().find(|i| elem_matches(i, &k, &v))?
                } else {
                    items.get(s.parse::<usize>().ok()?)?
                }
            }
            Node::Scalar(_) => return None,
        };
    }
    Some(cur)
}

fn unbracket(s: &str) -> &str {
    s.strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .filter(|x| !x.contains('='))
        .unwrap_or(s)
}

fn element_selector(s: &str) -> Option<(String, String)> {
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    let (k, v) = inner.split_once('=')?;
    Some((k.to_string(), v.to_string()))
}

fn elem_matches(n: &Node, k: &str, v: &str) -> bool {
    if k.is_empty() {
        return n.as_scalar().is_some_and(|s| s.value == v);
    }
    n.at(&[k])
        .and_then(Node::as_scalar)
        .is_some_and(|s| s.value == v)
}

type Visit<'a> = dyn FnMut(&mut Node) -> Result<()> + 'a;

fn collect(node: &mut Node, segs: &[String], create: bool, f: &mut Visit<'_>) -> Result<usize> {
    let Some((first, rest)) = segs.split_first() else {
        f(node)?;
        return Ok(1);
    };
    let mut n = 0;
    match node {
        Node::Map(m) => {
            let key = unbracket(first).to_string();
            if m.get(&key).is_none_or(Node::is_null) {
                if !create {
                    return Ok(0);
                }
                let fresh = match rest.first() {
                    None => Node::null(),
                    Some(x) if element_selector(x).is_some() => Node::Seq(Vec::new()),
                    Some(_) => Node::Map(Mapping::new()),
                };
                m.insert(key.clone(), fresh);
            }
            if let Some(child) = m.get_mut(&key) {
                n += collect(child, rest, create, f)?;
            }
        }
        Node::Seq(items) => {
            if first == "*" {
                for i in items.iter_mut() {
                    n += collect(i, rest, create, f)?;
                }
            } else if let Some((k, v)) = element_selector(first) {
                let mut any = false;
                for i in items.iter_mut().filter(|i| elem_matches(i, &k, &v)) {
                    any = true;
                    n += collect(i, rest, create, f)?;
                }
                if !any && create && !k.is_empty() {
                    let mut m = Mapping::new();
                    m.insert(k.clone(), Node::string(v.clone()));
                    items.push(Node::Map(m));
                    if let Some(last) = items.last_mut() {
                        n += collect(last, rest, create, f)?;
                    }
                }
            } else if let Ok(i) = first.parse::<usize>()
                && let Some(item) = items.get_mut(i)
            {
                n += collect(item, rest, create, f)?;
            }
        }
        Node::Scalar(_) => {}
    }
    Ok(n)
}
