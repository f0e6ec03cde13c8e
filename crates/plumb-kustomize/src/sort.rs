//! Output order: kustomize's legacy kind order (optionally customised by
//! `sortOptions.legacySortOptions`) or input order (`fifo`, `--reorder none`).

use crate::Reorder;
use crate::error::{Result, bail};
use crate::kustomization::Kustomization;
use crate::resource::{Gvk, Resource};
use crate::yaml::Node;

const ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: &[&str] = &[
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Sorts as the kustomization's `sortOptions` say, else as `reorder` says.
pub fn apply(res: &mut [Resource], k: &Kustomization, reorder: Reorder) -> Result<()> {
    let opts = k.get("sortOptions");
    let order = opts.and_then(|o| o.str_at(&["order"]));
    match order {
        Some("fifo") => return Ok(()),
        Some("legacy") => {}
        Some(other) => {
            bail!("the field 'sortOptions.order' must be one of [legacy fifo], got {other:?}")
        }
        None => {
            if reorder == Reorder::None {
                return Ok(());
            }
        }
    }
    let list = |key: &str, default: &[&str]| -> Vec<String> {
        opts.and_then(|o| o.at(&["legacySortOptions", key]))
            .and_then(Node::as_seq)
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect())
    };
    let first = list("orderFirst", ORDER_FIRST);
    let last = list("orderLast", ORDER_LAST);
    let rank = |kind: &str| -> i64 {
        if let Some(i) = first.iter().position(|k| k == kind) {
            return i as i64 - first.len() as i64;
        }
        if let Some(i) = last.iter().position(|k| k == kind) {
            return 1 + i as i64;
        }
        0
    };
    let gvk_string = |g: &Gvk| {
        let or = |s: &str, d: &str| {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        format!(
            "{}_{}_{}",
            or(&g.group, "~G"),
            or(&g.version, "~V"),
            or(&g.kind, "~K")
        )
    };
    // Keys computed once per object; the comparison is kustomize's, as before.
    struct Key {
        gvk: Gvk,
        rank: i64,
        gvk_string: String,
        ns: String,
        name: String,
    }
    let keys: Vec<Key> = res
        .iter()
        .map(|r| {
            let gvk = r.gvk();
            let ns = r.namespace();
            Key {
                rank: rank(&gvk.kind),
                gvk_string: gvk_string(&gvk),
                gvk,
                ns: if ns.is_empty() { "~X" } else { ns }.to_string(),
                name: r.name().to_string(),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..res.len()).collect();
    order.sort_by(|&a, &b| {
        let (ka, kb) = (&keys[a], &keys[b]);
        if ka.gvk != kb.gvk {
            if ka.rank != kb.rank {
                return ka.rank.cmp(&kb.rank);
            }
            return ka.gvk_string.cmp(&kb.gvk_string);
        }
        // Same kind: by namespace (none sorts last, as kustomize's "~X"), then name.
        (&ka.ns, &ka.name).cmp(&(&kb.ns, &kb.name))
    });
    permute(res, &order);
    Ok(())
}

/// Reorders `res` so that `res[i]` becomes the old `res[order[i]]`.
fn permute<T>(res: &mut [T], order: &[usize]) {
    // Follow each cycle of the permutation, swapping along it.
    let mut done = vec![false; res.len()];
    for start in 0..res.len() {
        if done[start] || order[start] == start {
            done[start] = true;
            continue;
        }
        // Cycle: position i takes from order[i].
        let mut i = start;
        loop {
            done[i] = true;
            let from = order[i];
            if from == start {
                break;
            }
            res.swap(i, from);
            i = from;
        }
    }
}
