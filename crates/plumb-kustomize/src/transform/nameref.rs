//! Name references: after prefixes, suffixes and hashes renamed objects, every field that
//! names one of them (volumes, envFrom, roleRef, Ingress backends, …) follows the rename.

use crate::error::{Result, bail};
use crate::fieldspec::{FieldSpec, NameBackRef, visit};
use crate::resource::{Gvk, GvkRef, ResId, Resource};
use crate::yaml::Node;

/// What the pass needs to know of a possible referral target (borrowed: the pass
/// changes objects' fields, never their id history or affixes).
struct Target<'a> {
    /// Ids before renames (all ids but the current one).
    prev: &'a [ResId],
    cur: ResId,
    cluster: bool,
    prefixes: &'a [String],
    suffixes: &'a [String],
}

impl Target<'_> {
    /// Every id the object has had, the current one last.
    fn ids(&self) -> impl Iterator<Item = &ResId> {
        self.prev.iter().chain(std::iter::once(&self.cur))
    }
}

/// Rewrites references in all resources.
pub fn fix(res: &mut [Resource], backrefs: &[NameBackRef]) -> Result<()> {
    // The current ids as they are before any rewrite, then the objects' trees taken out
    // so that the rest of each object can be read while its tree is rewritten.
    let curs: Vec<(ResId, bool)> = res
        .iter()
        .map(|r| (r.id(), r.is_cluster_scoped()))
        .collect();
    let mut nodes: Vec<Node> = res
        .iter_mut()
        .map(|r| std::mem::replace(&mut r.node, Node::Seq(Vec::new())))
        .collect();
    let result = fix_nodes(res, &mut nodes, curs, backrefs);
    for (r, n) in res.iter_mut().zip(nodes) {
        r.node = n;
    }
    result
}

fn fix_nodes(
    res: &[Resource],
    nodes: &mut [Node],
    curs: Vec<(ResId, bool)>,
    backrefs: &[NameBackRef],
) -> Result<()> {
    let targets: Vec<Target<'_>> = res
        .iter()
        .zip(curs)
        .map(|(r, (cur, cluster))| Target {
            prev: &r.prev_ids,
            cur,
            cluster,
            prefixes: &r.prefixes,
            suffixes: &r.suffixes,
        })
        .collect();
    // Possible targets of each back-reference, by kind, computed once. The kinds the
    // targets have (had) are few: each target gets a bit set of them, and a
    // back-reference is matched against the kinds, not against every id.
    let mut kinds: Vec<&crate::resource::Gvk> = Vec::new();
    let masks: Option<Vec<u64>> = targets
        .iter()
        .map(|t| {
            let mut m = 0u64;
            for id in t.ids() {
                let i = match kinds.iter().position(|g| **g == id.gvk) {
                    Some(i) => i,
                    None => {
                        kinds.push(&id.gvk);
                        kinds.len() - 1
                    }
                };
                m |= 1u64
                    .checked_shl(u32::try_from(i).ok()?)
                    .filter(|_| i < 64)?;
            }
            Some(m)
        })
        .collect();
    let by_backref: Vec<Vec<usize>> = backrefs
        .iter()
        .map(|b| match &masks {
            Some(masks) => {
                let sel = kinds
                    .iter()
                    .enumerate()
                    .filter(|(_, g)| g.selected_by(&b.gvk))
                    .fold(0u64, |m, (i, _)| m | (1 << i));
                (0..targets.len())
                    .filter(|&i| masks[i] & sel != 0)
                    .collect()
            }
            None => (0..targets.len())
                .filter(|&i| targets[i].ids().any(|id| id.gvk.selected_by(&b.gvk)))
                .collect(),
        })
        .collect();
    // Which back-references (with targets) and which of their specs apply to objects
    // of a kind, computed once per kind.
    type Plan<'b> = Vec<(usize, Vec<&'b FieldSpec>)>;
    let mut plans: Vec<(Gvk, std::rc::Rc<Plan<'_>>)> = Vec::new();
    for (i, node) in nodes.iter_mut().enumerate() {
        let (r, t) = (&res[i], &targets[i]);
        let plan = {
            let gvk = GvkRef::from_api_version(
                node.str_at(&["apiVersion"]).unwrap_or(""),
                node.str_at(&["kind"]).unwrap_or(""),
            );
            match plans.iter().find(|(g, _)| gvk.is(g)) {
                Some((_, p)) => p.clone(),
                None => {
                    let plan: Plan<'_> = backrefs
                        .iter()
                        .enumerate()
                        .filter(|(bi, _)| !by_backref[*bi].is_empty())
                        .map(|(bi, b)| {
                            let specs: Vec<&FieldSpec> = b
                                .referrers
                                .iter()
                                .filter(|fs| gvk.selected_by(&fs.gvk))
                                .collect();
                            (bi, specs)
                        })
                        .filter(|(_, specs)| !specs.is_empty())
                        .collect();
                    let plan = std::rc::Rc::new(plan);
                    plans.push((gvk.owned(), plan.clone()));
                    plan
                }
            }
        };
        let mut referrer: Option<Referrer> = None;
        for (bi, specs) in plan.iter() {
            let (bi, b) = (*bi, &backrefs[*bi]);
            let referrer = referrer.get_or_insert_with(|| Referrer {
                id: &t.cur,
                cluster: t.cluster,
                prefixes: &r.prefixes,
                suffixes: &r.suffixes,
                rb_namespaces: rolebinding_namespaces(node),
            });
            let cands: Vec<&Target> = by_backref[bi]
                .iter()
                .map(|&i| &targets[i])
                .filter(|t| referrer.could_refer_to(t))
                .collect();
            for &fs in specs {
                let role_ref_kind = if fs.path == "roleRef/name" {
                    node.str_at(&["roleRef", "kind"]).map(str::to_string)
                } else {
                    None
                };
                if role_ref_kind.as_deref().is_some_and(|k| k != b.gvk.kind) {
                    continue;
                }
                let referrer = &*referrer;
                visit(node, fs.segments(), false, &mut |n| {
                    set(n, &cands, referrer, &b.gvk.kind)
                })?;
            }
        }
    }
    Ok(())
}

struct Referrer<'a> {
    id: &'a ResId,
    cluster: bool,
    prefixes: &'a [String],
    suffixes: &'a [String],
    rb_namespaces: Vec<String>,
}

impl Referrer<'_> {
    fn could_refer_to(&self, t: &Target) -> bool {
        self.cluster
            || t.cluster
            || t.cur.effective_ns() == self.id.effective_ns()
            || self.rb_namespaces.contains(&t.cur.namespace)
    }
}

fn rolebinding_namespaces(node: &Node) -> Vec<String> {
    if node.str_at(&["kind"]) != Some("RoleBinding") {
        return Vec::new();
    }
    node.at(&["subjects"])
        .and_then(Node::as_seq)
        .map(|s| {
            s.iter()
                .filter(|x| x.str_at(&["kind"]) == Some("ServiceAccount"))
                .filter_map(|x| x.str_at(&["namespace"]).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn set(n: &mut Node, cands: &[&Target], referrer: &Referrer, kind: &str) -> Result<()> {
    match n {
        Node::Scalar(_) => set_scalar(n, cands, referrer),
        Node::Map(_) => set_mapping(n, cands, referrer, kind),
        Node::Seq(items) => {
            for item in items.iter_mut() {
                match item {
                    Node::Scalar(_) => set_scalar(item, cands, referrer)?,
                    Node::Map(_) => set_mapping(item, cands, referrer, kind)?,
                    Node::Seq(_) => {}
                }
            }
            Ok(())
        }
    }
}

fn set_scalar(n: &mut Node, cands: &[&Target], referrer: &Referrer) -> Result<()> {
    let Some(old) = n.as_str().map(str::to_string) else {
        return Ok(());
    };
    if let Some(t) = select(&old, cands, referrer)?
        && t.cur.name != old
        && let Node::Scalar(s) = n
    {
        s.value = t.cur.name.clone();
    }
    Ok(())
}

fn set_mapping(n: &mut Node, cands: &[&Target], referrer: &Referrer, kind: &str) -> Result<()> {
    let Some(m) = n.as_map_mut() else {
        return Ok(());
    };
    if let Some(k) = m.get("kind").and_then(Node::as_str)
        && k != kind
    {
        return Ok(());
    }
    let Some(old) = m.get("name").and_then(Node::as_str).map(str::to_string) else {
        return Ok(());
    };
    let ns = m
        .get("namespace")
        .and_then(Node::as_str)
        .map(str::to_string);
    let filtered: Vec<&Target> = match &ns {
        Some(ns) => cands
            .iter()
            .copied()
            .filter(|t| {
                let want = if ns.is_empty() {
                    "default"
                } else {
                    ns.as_str()
                };
                t.ids().any(|id| id.effective_ns() == want)
            })
            .collect(),
        None => cands.to_vec(),
    };
    let Some(t) = select(&old, &filtered, referrer)? else {
        return Ok(());
    };
    if let Some(Node::Scalar(s)) = m.get_mut("name") {
        s.value = t.cur.name.clone();
    }
    match m.get_mut("namespace") {
        Some(Node::Scalar(s)) if !t.cur.namespace.is_empty() => s.value = t.cur.namespace.clone(),
        Some(_) => {}
        _ if !t.cur.namespace.is_empty() => {
            m.insert("namespace", Node::string(t.cur.namespace.clone()));
        }
        _ => {}
    }
    Ok(())
}

fn select<'a, 't>(
    old: &str,
    cands: &[&'a Target<'t>],
    referrer: &Referrer<'_>,
) -> Result<Option<&'a Target<'t>>> {
    let named: Vec<&Target<'t>> = cands
        .iter()
        .copied()
        .filter(|t| t.prev.iter().any(|id| id.name == old))
        .collect();
    if named.len() == 1 {
        return Ok(Some(named[0]));
    }
    let same_affixes: Vec<&Target<'t>> = named
        .iter()
        .copied()
        .filter(|t| t.prefixes == referrer.prefixes && t.suffixes == referrer.suffixes)
        .collect();
    if same_affixes.len() == 1 {
        return Ok(Some(same_affixes[0]));
    }
    if same_affixes.is_empty() {
        return Ok(None);
    }
    if same_affixes
        .iter()
        .all(|t| t.cur.name == same_affixes[0].cur.name)
    {
        return Ok(Some(same_affixes[0]));
    }
    multiple(&same_affixes)
}

fn multiple<'a, 't>(c: &[&Target<'_>]) -> Result<Option<&'a Target<'t>>> {
    let ids: Vec<String> = c.iter().map(|t| t.cur.display()).collect();
    bail!("found multiple possible referrals: {}", ids.join(", "))
}
