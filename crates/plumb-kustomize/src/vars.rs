//! Legacy `vars`: `$(NAME)` in the `varReference` fields is replaced by a field of a
//! named object (its name by default).

use crate::error::{Result, bail};
use crate::fieldspec::{FieldSpec, specs_for, visit};
use crate::replacements::split_path;
use crate::resource::{Gvk, Resource};
use crate::yaml::Node;

/// Resolves every var and substitutes `$(VAR)` references.
pub fn resolve(res: &mut [Resource], vars: &[Node], specs: &[FieldSpec]) -> Result<()> {
    if vars.is_empty() {
        return Ok(());
    }
    let mut values: Vec<(String, String)> = Vec::new();
    for v in vars {
        let name = v.str_at(&["name"]).unwrap_or("").to_string();
        if values.iter().any(|(n, _)| *n == name) {
            bail!("var '{name}' already encountered");
        }
        let kind = v.str_at(&["objref", "kind"]).unwrap_or("");
        let obj_name = v.str_at(&["objref", "name"]).unwrap_or("");
        let api = v.str_at(&["objref", "apiVersion"]).unwrap_or("");
        let want = Gvk::from_api_version(api, kind);
        let fp = v
            .str_at(&["fieldref", "fieldpath"])
            .or_else(|| v.str_at(&["fieldref", "fieldPath"]))
            .unwrap_or("metadata.name");
        let hits: Vec<&Resource> = res
            .iter()
            .filter(|r| {
                r.all_ids().iter().any(|id| {
                    id.name == obj_name
                        && id.gvk.kind == want.kind
                        && (want.version.is_empty()
                            || api.is_empty()
                            || id.gvk.version == want.version)
                        && (want.group.is_empty() || id.gvk.group == want.group)
                })
            })
            .collect();
        let r = match hits.as_slice() {
            [r] => r,
            [] => bail!("var '{name}' cannot be mapped to a field in the set of known resources"),
            _ => bail!("found {} resId matches for var {name}", hits.len()),
        };
        let mut cur = &r.node;
        for seg in split_path(fp) {
            let seg = seg
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            cur = match cur {
                Node::Map(m) => match m.get(&seg) {
                    Some(n) => n,
                    None => {
                        bail!("field specified in var '{name}' not found in corresponding resource")
                    }
                },
                Node::Seq(items) => match seg.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(n) => n,
                    None => {
                        bail!("field specified in var '{name}' not found in corresponding resource")
                    }
                },
                Node::Scalar(_) => {
                    bail!("field specified in var '{name}' not found in corresponding resource")
                }
            };
        }
        let text = cur.as_scalar().map(|s| s.value.clone()).unwrap_or_default();
        values.push((name, text));
    }
    for r in res.iter_mut() {
        for fs in specs_for(specs, r.gvk_ref()) {
            visit(&mut r.node, fs.segments(), false, &mut |n| {
                substitute(n, &values);
                Ok(())
            })?;
        }
    }
    Ok(())
}

fn substitute(n: &mut Node, values: &[(String, String)]) {
    match n {
        Node::Scalar(s) => {
            let text = expand(&s.value, values);
            if text != s.value {
                s.value = text;
            }
        }
        Node::Seq(items) => items.iter_mut().for_each(|i| substitute(i, values)),
        Node::Map(m) => m
            .entries
            .iter_mut()
            .for_each(|(_, v)| substitute(v, values)),
    }
}

/// Kubernetes' `$(VAR)` expansion: `$$` is a literal `$`, unknown variables and
/// unterminated references stay as written.
pub fn expand(input: &str, values: &[(String, String)]) -> String {
    let b = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            match b[i + 1] {
                b'$' => {
                    out.push_str(&input[last..i]);
                    out.push('$');
                    i += 2;
                    last = i;
                    continue;
                }
                b'(' => {
                    if let Some(close) = input[i + 2..].find(')') {
                        let name = &input[i + 2..i + 2 + close];
                        out.push_str(&input[last..i]);
                        match values.iter().find(|(k, _)| k == name) {
                            Some((_, v)) => out.push_str(v),
                            None => out.push_str(&input[i..i + 3 + close]),
                        }
                        i += 3 + close;
                        last = i;
                        continue;
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out.push_str(&input[last..]);
    out
}
