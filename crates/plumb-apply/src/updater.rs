//! Field ownership on apply and update (structured-merge-diff's `merge.Updater`): who
//! owns what after a write, conflicts, and pruning of fields an applier dropped.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ApplyError;
use crate::compare::{Comparison, compare};
use crate::conflict::Conflicts;
use crate::fieldset::{ensure_named_fields_are_members, to_field_set};
use crate::managed::{ManagerId, VersionedSet};
use crate::merge::{merge, remove_items};
use crate::path::values_equal;
use crate::reconcile::reconcile;
use crate::set::Set;
use crate::types::TypeRef;

pub(crate) type Managers = BTreeMap<ManagerId, VersionedSet>;

/// The type of the objects and the fields the endpoint resets (never owned).
pub(crate) struct Updater<'a> {
    pub ty: TypeRef<'a>,
    pub ignored: &'a Set,
}

impl Updater<'_> {
    /// Adapts every manager's set to the current schema (`reconcileManagedFieldsWithSchemaChanges`).
    fn reconcile(&self, live: &Value, managers: &mut Managers) {
        for vs in managers.values_mut() {
            if let Some(set) = reconcile(&vs.set, live, self.ty) {
                vs.set = set;
            }
        }
    }

    /// Takes changed fields away from every manager but `workflow`: fields modified or
    /// added leave their owners (or conflict, without `force`), removed fields leave
    /// every set. Managers left with nothing are dropped.
    fn update_sets(
        &self,
        old: &Value,
        new: &Value,
        managers: &mut Managers,
        workflow: &ManagerId,
        force: bool,
    ) -> Result<Comparison, Conflicts> {
        let cmp = compare(old, new, self.ty).exclude(self.ignored);
        let changed = cmp.modified.union(&cmp.added);
        let mut conflicts: BTreeMap<ManagerId, Set> = BTreeMap::new();
        for (id, vs) in managers.iter() {
            if id == workflow {
                continue;
            }
            let c = vs.set.intersection(&changed);
            if !c.is_empty() {
                conflicts.insert(id.clone(), c);
            }
        }
        if !force && !conflicts.is_empty() {
            return Err(Conflicts::from_sets(&conflicts));
        }
        for (id, vs) in managers.iter_mut() {
            if id == workflow {
                continue;
            }
            if let Some(c) = conflicts.get(id) {
                vs.set = vs.set.difference(c);
            }
            if !cmp.removed.is_empty() {
                vs.set = vs.set.difference(&cmp.removed);
            }
        }
        managers.retain(|_, vs| !vs.set.is_empty());
        Ok(cmp)
    }

    /// Records a non-apply write by `manager`: it owns what changed.
    pub(crate) fn update(
        &self,
        old: &Value,
        new: &Value,
        version: &str,
        managers: &mut Managers,
        manager: &ManagerId,
    ) {
        self.reconcile(old, managers);
        let cmp = match self.update_sets(old, new, managers, manager, true) {
            Ok(cmp) => cmp,
            // Unreachable with force; keep ownership unchanged rather than panic.
            Err(_) => return,
        };
        let previous = managers
            .get(manager)
            .map(|vs| vs.set.clone())
            .unwrap_or_default();
        // Removed first: an element that became duplicated is removed and added.
        let set = previous
            .difference(&cmp.removed)
            .union(&cmp.modified)
            .union(&cmp.added)
            .recursive_difference(self.ignored);
        if set.is_empty() {
            managers.remove(manager);
        } else {
            managers.insert(
                manager.clone(),
                VersionedSet {
                    set,
                    api_version: version.to_string(),
                    applied: false,
                },
            );
        }
    }

    /// Applies `config` for `manager`; the merged object, or `None` when the object
    /// does not change.
    pub(crate) fn apply(
        &self,
        live: &Value,
        config: &Value,
        version: &str,
        managers: &mut Managers,
        manager: &ManagerId,
        force: bool,
    ) -> Result<Option<Value>, ApplyError> {
        self.reconcile(live, managers);
        let merged = merge(live, config, self.ty).map_err(ApplyError::Invalid)?;
        let last = managers.get(manager).cloned();
        let set = to_field_set(config, self.ty, true)
            .map_err(ApplyError::Invalid)?
            .recursive_difference(self.ignored);
        managers.insert(
            manager.clone(),
            VersionedSet {
                set,
                api_version: version.to_string(),
                applied: true,
            },
        );
        let merged = self.prune(merged, managers, last.as_ref())?;
        self.update_sets(live, &merged, managers, manager, force)
            .map_err(ApplyError::Conflicts)?;
        Ok((!values_equal(live, &merged)).then_some(merged))
    }

    /// Removes what the applier owned last time and no longer applies, unless another
    /// manager owns it or it was never the applier's alone.
    fn prune(
        &self,
        merged: Value,
        managers: &Managers,
        last: Option<&VersionedSet>,
    ) -> Result<Value, ApplyError> {
        let Some(last) = last.filter(|l| !l.set.is_empty()) else {
            return Ok(merged);
        };
        let ty = self.ty;
        let ensure = |s: &Set| ensure_named_fields_are_members(s, ty);
        let field_set = |v: &Value| to_field_set(v, ty, false).map_err(ApplyError::Invalid);

        let pruned = remove_items(&merged, &ensure(&last.set), ty);

        // Add back whatever someone (the applier's new config included) still owns.
        let managed = managers
            .values()
            .fold(Set::new(), |acc, vs| acc.union(&vs.set));
        let merged_set = ensure(&field_set(&merged)?);
        let pruned_set = ensure(&field_set(&pruned)?);
        let keep = pruned_set.union(&ensure(&managed));
        let pruned = remove_items(&merged, &merged_set.difference(&keep), ty);

        // Only remove what the applier owned last time (not unowned fields).
        let pruned_set = ensure(&field_set(&pruned)?);
        let remove = merged_set
            .difference(&pruned_set)
            .intersection(&ensure(&last.set));
        Ok(remove_items(&merged, &remove, ty))
    }
}
