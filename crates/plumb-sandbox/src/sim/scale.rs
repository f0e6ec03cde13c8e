//! Scaling a Deployment without a rollout step (`DeploymentController.sync`): a paused
//! Deployment, or a change of `spec.replicas` seen through the `desired-replicas`
//! annotations, resizes the active ReplicaSets proportionally.

use serde_json::Value;

use super::deployment::{DESIRED, MAX, Plan};
use super::replicaset::{replicas, status_count};
use super::{Sim, SimError};

/// Whether an active ReplicaSet was sized for another `spec.replicas` (`isScalingEvent`).
pub(super) fn is_scaling_event(plan: &Plan, rss: &[Value]) -> bool {
    rss.iter()
        .filter(|rs| replicas(rs) > 0)
        .any(|rs| annotation(rs, DESIRED).is_some_and(|desired| desired != plan.replicas))
}

fn annotation(rs: &Value, key: &str) -> Option<i64> {
    rs["metadata"]["annotations"][key]
        .as_str()
        .and_then(|v| v.parse().ok())
}

fn created(rs: &Value) -> String {
    rs["metadata"]["creationTimestamp"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

impl Sim {
    /// `DeploymentController.scale`.
    pub(super) fn scale_deployment(
        &self,
        plan: &Plan,
        rss: &mut [Value],
        new_idx: Option<usize>,
    ) -> Result<(), SimError> {
        if rss.is_empty() {
            return Ok(());
        }
        let active: Vec<usize> = (0..rss.len()).filter(|&i| replicas(&rss[i]) > 0).collect();
        // FindActiveOrLatest: the one active set, else the new or newest one.
        let only = match active.len() {
            0 => Some(new_idx.unwrap_or_else(|| {
                (0..rss.len())
                    .max_by_key(|&i| created(&rss[i]))
                    .unwrap_or(0)
            })),
            1 => Some(active[0]),
            _ => None,
        };
        if let Some(i) = only {
            if replicas(&rss[i]) != plan.replicas {
                self.scale(plan, &mut rss[i], plan.replicas)?;
            }
            return Ok(());
        }
        // IsSaturated: the new set is full and available; the old ones go.
        if let Some(n) = new_idx
            && replicas(&rss[n]) == plan.replicas
            && annotation(&rss[n], DESIRED) == Some(plan.replicas)
            && status_count(&rss[n], "availableReplicas") == plan.replicas
        {
            for &i in &active {
                if i != n {
                    self.scale(plan, &mut rss[i], 0)?;
                }
            }
            return Ok(());
        }
        if plan.recreate {
            return Ok(());
        }
        let total: i64 = active.iter().map(|&i| replicas(&rss[i])).sum();
        let allowed = if plan.replicas > 0 {
            plan.replicas + plan.surge
        } else {
            0
        };
        let to_add = allowed - total;
        let mut order = active;
        // ReplicaSetsBySizeNewer when adding, BySizeOlder when removing.
        order.sort_by(|&a, &b| {
            let by_size = replicas(&rss[b]).cmp(&replicas(&rss[a]));
            let by_age = if to_add > 0 {
                created(&rss[b]).cmp(&created(&rss[a]))
            } else {
                created(&rss[a]).cmp(&created(&rss[b]))
            };
            by_size.then(by_age)
        });
        let mut added = 0;
        let mut sizes: Vec<i64> = Vec::with_capacity(order.len());
        for &i in &order {
            let p = proportion(plan, &rss[i], to_add, added);
            sizes.push(replicas(&rss[i]) + p);
            added += p;
        }
        if let Some(first) = sizes.first_mut()
            && to_add != 0
        {
            *first = (*first + to_add - added).max(0);
        }
        for (&i, size) in order.iter().zip(sizes) {
            if replicas(&rss[i]) != size {
                self.scale(plan, &mut rss[i], size)?;
            }
        }
        Ok(())
    }
}

/// `GetProportion`: this set's share of the replicas to add or remove.
fn proportion(plan: &Plan, rs: &Value, to_add: i64, added: i64) -> i64 {
    let cur = replicas(rs);
    if cur == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = if plan.replicas == 0 {
        -cur
    } else {
        match annotation(rs, MAX) {
            Some(before) if before > 0 => {
                let size = (cur * (plan.replicas + plan.surge)) as f64 / before as f64;
                size.round() as i64 - cur
            }
            _ => 0,
        }
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rs(replicas: i64, desired: i64, max: i64) -> Value {
        json!({"metadata": {"annotations": {DESIRED: desired.to_string(), MAX: max.to_string()}},
               "spec": {"replicas": replicas}})
    }

    #[test]
    fn replicas_are_shared_in_proportion_to_the_sizes_before_scaling() {
        // 10 → 20 replicas (surge 25 %: max 13 → 25) in the middle of a rollout.
        let plan = Plan {
            replicas: 20,
            surge: 5,
            unavailable: 5,
            recreate: false,
        };
        let old = rs(6, 10, 13);
        let new = rs(7, 10, 13);
        assert!(is_scaling_event(&plan, &[old.clone(), new.clone()]));
        assert_eq!(proportion(&plan, &old, 12, 0), 6);
        assert_eq!(proportion(&plan, &new, 12, 6), 6);
        assert_eq!(proportion(&plan, &rs(0, 10, 13), 12, 0), 0);
        // Down to zero takes everything.
        let zero = Plan {
            replicas: 0,
            surge: 0,
            unavailable: 0,
            recreate: false,
        };
        assert_eq!(proportion(&zero, &old, -13, 0), -6);
        assert!(!is_scaling_event(&plan, &[rs(6, 20, 25)]));
    }
}
