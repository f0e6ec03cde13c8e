//! Apply conflicts: fields another manager owns whose value an apply would change, and
//! the message the API server returns for them (`internal/conflict.go`).

use std::collections::BTreeMap;
use std::fmt;

use crate::managed::{ManagerId, Operation};
use crate::path::{Path, go_quote, path_string};
use crate::set::Set;

/// One field an apply would take from another manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The other manager's name.
    pub manager: String,
    /// How the other manager got the field.
    pub operation: Operation,
    /// The apiVersion of an `Update` manager's entry (`None` for appliers).
    pub api_version: Option<String>,
    /// The subresource the other manager wrote through, if any.
    pub subresource: Option<String>,
    /// The field, e.g. `.spec.template.spec.containers[name="nginx"].image`.
    pub path: String,
    id: ManagerId,
    raw: Path,
}

impl Conflict {
    /// The manager as conflict messages name it: `"kubectl-client-side-apply" using
    /// apps/v1`, `"kubectl"`, `"x" with subresource "status" using v1`.
    pub fn manager_display(&self) -> String {
        let mut s = go_quote(&self.manager);
        if let Some(sub) = &self.subresource {
            s = format!("{s} with subresource {}", go_quote(sub));
        }
        if self.operation == Operation::Update {
            s = format!("{s} using {}", self.api_version.as_deref().unwrap_or(""));
        }
        s
    }

    /// The `message` of this conflict's `StatusCause` (type `FieldManagerConflict`,
    /// `field` is [`Conflict::path`]).
    pub fn cause_message(&self) -> String {
        format!("conflict with {}", self.manager_display())
    }
}

/// All conflicts of one apply, ordered by manager identifier and then field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conflicts(pub Vec<Conflict>);

impl Conflicts {
    pub(crate) fn from_sets(sets: &BTreeMap<ManagerId, Set>) -> Conflicts {
        let mut by_identifier: Vec<(&ManagerId, &Set)> = sets.iter().collect();
        by_identifier.sort_by_key(|(id, _)| id.identifier());
        let mut out = Vec::new();
        for (id, set) in by_identifier {
            for p in set.paths() {
                out.push(Conflict {
                    manager: id.manager.clone(),
                    operation: id.operation,
                    api_version: (id.operation == Operation::Update)
                        .then(|| id.api_version.clone()),
                    subresource: (!id.subresource.is_empty()).then(|| id.subresource.clone()),
                    path: path_string(&p),
                    id: id.clone(),
                    raw: p,
                });
            }
        }
        Conflicts(out)
    }

    /// The conflicts whose field is not in `allowed`.
    pub(crate) fn without(self, allowed: &Set) -> Conflicts {
        Conflicts(
            self.0
                .into_iter()
                .filter(|c| !allowed.has(&c.raw))
                .collect(),
        )
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates over the conflicts.
    pub fn iter(&self) -> impl Iterator<Item = &Conflict> {
        self.0.iter()
    }
}

impl fmt::Display for Conflicts {
    /// `Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas`, or
    /// for several, one `conflicts with "m":` block per manager listing `- <field>` lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [c] = self.0.as_slice() {
            return write!(
                f,
                "Apply failed with 1 conflict: conflict with {}: {}",
                c.manager_display(),
                c.path
            );
        }
        let mut groups: Vec<(String, String, Vec<&str>)> = Vec::new();
        for c in &self.0 {
            let ident = c.id.identifier();
            match groups.iter_mut().find(|g| g.0 == ident) {
                Some(g) => g.2.push(&c.path),
                None => groups.push((ident, c.manager_display(), vec![&c.path])),
            }
        }
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut lines = Vec::new();
        for (_, who, paths) in groups {
            lines.push(format!("conflicts with {who}:"));
            for p in paths {
                lines.push(format!("- {p}"));
            }
        }
        write!(
            f,
            "Apply failed with {} conflicts: {}",
            self.0.len(),
            lines.join("\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::PathElement;
    use serde_json::json;

    fn f(name: &str) -> PathElement {
        PathElement::Field(name.into())
    }

    /// structured-merge-diff merge/conflict_test.go (TestNewFromSets), with the API
    /// server's prefix: managers sorted, each manager's members before its children.
    #[test]
    fn conflicts_group_by_manager_and_list_members_before_children() {
        let key = PathElement::Key(vec![("id".into(), json!(2)), ("key".into(), json!("a"))]);
        let bob = Set::from_paths([
            [f("key")].as_slice(),
            [f("list"), key.clone(), f("id")].as_slice(),
        ]);
        let alice = Set::from_paths([
            [f("value")].as_slice(),
            [f("list"), key.clone(), f("key")].as_slice(),
        ]);
        let mut sets = BTreeMap::new();
        sets.insert(ManagerId::new("Bob", Operation::Apply, "v1", ""), bob);
        sets.insert(ManagerId::new("Alice", Operation::Apply, "v1", ""), alice);
        let c = Conflicts::from_sets(&sets);
        assert_eq!(
            c.to_string(),
            "Apply failed with 4 conflicts: conflicts with \"Alice\":\n- .value\n- .list[id=2,key=\"a\"].key\nconflicts with \"Bob\":\n- .key\n- .list[id=2,key=\"a\"].id"
        );
        assert_eq!(c.len(), 4);
        assert_eq!(c.0[0].cause_message(), "conflict with \"Alice\"");
    }
}
