//! Field sets: the fields one manager owns, as a trie of path elements
//! (structured-merge-diff's `fieldpath.Set`).

use std::collections::{BTreeMap, BTreeSet};

use crate::path::{Path, PathElement};

/// A set of field paths. A path is a *member* when the field itself is in the set; a
/// path with *children* has owned fields below it. Both can hold at once (a list
/// element that is owned and has owned fields, `".": {}` in `FieldsV1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Set {
    members: BTreeSet<PathElement>,
    children: BTreeMap<PathElement, Set>,
}

impl Set {
    /// The empty set.
    pub fn new() -> Self {
        Set::default()
    }

    /// Whether the set holds no path. Children are never empty (every operation keeps
    /// it so), which keeps this constant-time.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.is_empty()
    }

    /// Adds a path; the empty path (the object itself) is never a member.
    pub fn insert(&mut self, path: &[PathElement]) {
        let Some((last, parents)) = path.split_last() else {
            return;
        };
        let mut s = self;
        for pe in parents {
            s = s.children.entry(pe.clone()).or_default();
        }
        s.members.insert(last.clone());
    }

    /// Whether the path is a member.
    pub fn has(&self, path: &[PathElement]) -> bool {
        let Some((last, parents)) = path.split_last() else {
            return false;
        };
        let mut s = self;
        for pe in parents {
            match s.children.get(pe) {
                Some(c) => s = c,
                None => return false,
            }
        }
        s.members.contains(last)
    }

    /// Direct members (paths of length one).
    pub(crate) fn members(&self) -> &BTreeSet<PathElement> {
        &self.members
    }

    /// Children: the sets below each path element.
    pub(crate) fn children(&self) -> &BTreeMap<PathElement, Set> {
        &self.children
    }

    pub(crate) fn insert_member(&mut self, pe: PathElement) {
        self.members.insert(pe);
    }

    pub(crate) fn insert_child(&mut self, pe: PathElement, child: Set) {
        if !child.is_empty() {
            self.children.insert(pe, child);
        }
    }

    /// The paths below one element, relative to it (`WithPrefix`).
    pub fn with_prefix(&self, pe: &PathElement) -> Option<&Set> {
        self.children.get(pe)
    }

    /// Paths in either set.
    pub fn union(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (pe, c) in &other.children {
            match out.children.get_mut(pe) {
                Some(mine) => *mine = mine.union(c),
                None => {
                    out.children.insert(pe.clone(), c.clone());
                }
            }
        }
        out
    }

    /// Paths in both sets.
    pub fn intersection(&self, other: &Set) -> Set {
        let mut out = Set::new();
        out.members = self.members.intersection(&other.members).cloned().collect();
        for (pe, c) in &self.children {
            if let Some(o) = other.children.get(pe) {
                out.insert_child(pe.clone(), c.intersection(o));
            }
        }
        out
    }

    /// Paths in `self` and not in `other`; a member of `other` does not remove the
    /// paths below it.
    pub fn difference(&self, other: &Set) -> Set {
        let mut out = Set::new();
        out.members = self.members.difference(&other.members).cloned().collect();
        for (pe, c) in &self.children {
            match other.children.get(pe) {
                Some(o) => out.insert_child(pe.clone(), c.difference(o)),
                None => out.insert_child(pe.clone(), c.clone()),
            }
        }
        out
    }

    /// Paths in `self` that are neither in `other` nor below a member of `other`.
    pub fn recursive_difference(&self, other: &Set) -> Set {
        let mut out = Set::new();
        out.members = self.members.difference(&other.members).cloned().collect();
        for (pe, c) in &self.children {
            if other.members.contains(pe) {
                continue;
            }
            match other.children.get(pe) {
                Some(o) => out.insert_child(pe.clone(), c.recursive_difference(o)),
                None => out.insert_child(pe.clone(), c.clone()),
            }
        }
        out
    }

    /// Every member path, in the order structured-merge-diff iterates them: the members
    /// of a node first, then each child's paths.
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        let mut prefix = Vec::new();
        self.collect_paths(&mut prefix, &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Path, out: &mut Vec<Path>) {
        for m in &self.members {
            let mut p = prefix.clone();
            p.push(m.clone());
            out.push(p);
        }
        for (pe, c) in &self.children {
            prefix.push(pe.clone());
            c.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// Builds a set from paths.
    pub fn from_paths<'p>(paths: impl IntoIterator<Item = &'p [PathElement]>) -> Set {
        let mut s = Set::new();
        for p in paths {
            s.insert(p);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::parse_dotted;

    fn set(paths: &[&str]) -> Set {
        let parsed: Vec<Path> = paths.iter().map(|p| parse_dotted(p)).collect();
        Set::from_paths(parsed.iter().map(Vec::as_slice))
    }

    #[test]
    fn difference_keeps_children_of_removed_members_but_recursive_difference_drops_them() {
        let a = set(&["a", "a.b", "c"]);
        let b = set(&["a"]);
        assert_eq!(a.difference(&b), set(&["a.b", "c"]));
        assert_eq!(a.recursive_difference(&b), set(&["c"]));
    }

    #[test]
    fn union_and_intersection_work_per_node() {
        let a = set(&["a.b", "a.c", "d"]);
        let b = set(&["a.c", "e"]);
        assert_eq!(a.union(&b), set(&["a.b", "a.c", "d", "e"]));
        assert_eq!(a.intersection(&b), set(&["a.c"]));
        assert!(a.intersection(&set(&["x.y"])).is_empty());
    }

    #[test]
    fn paths_list_members_before_children() {
        let s = set(&["spec.replicas", "metadata.labels.app", "kind"]);
        let printed: Vec<String> = s
            .paths()
            .iter()
            .map(|p| crate::path::path_string(p))
            .collect();
        assert_eq!(printed, [".kind", ".metadata.labels.app", ".spec.replicas"]);
    }
}
