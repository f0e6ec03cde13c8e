//! `syncOptions` (`CreateNamespace=true`, …) as Argo CD defines them, plus plumb's own
//! `RollbackOnFailure`. The same words are accepted per resource in the
//! `argocd.argoproj.io/sync-options` annotation (comma separated).

/// Parsed sync options. Unknown or malformed entries are kept in `unknown` so that the
/// engine can report them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// `CreateNamespace=true`: create the destination namespace when missing.
    pub create_namespace: bool,
    /// `PruneLast=true`: deletions after every apply.
    pub prune_last: bool,
    /// `Prune=false`: never delete (app-wide or per resource); `Prune=confirm` counts as
    /// false for automated syncs.
    pub prune: bool,
    /// `Validate=false`: skip server-side field validation.
    pub validate: bool,
    /// `ServerSideApply=true` (plumb always applies server-side; accepted for
    /// compatibility).
    pub server_side_apply: bool,
    /// `ApplyOutOfSyncOnly=true`: apply only objects that differ.
    pub apply_out_of_sync_only: bool,
    /// `RollbackOnFailure=true` (plumb): revert the commit when health checks fail.
    pub rollback_on_failure: bool,
    /// `Delete=false` (per resource): keep the object when the Application goes.
    pub delete: bool,
    /// Entries plumb does not know.
    pub unknown: Vec<String>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            create_namespace: false,
            prune_last: false,
            prune: true,
            validate: true,
            server_side_apply: true,
            apply_out_of_sync_only: false,
            rollback_on_failure: false,
            delete: true,
            unknown: Vec::new(),
        }
    }
}

impl SyncOptions {
    /// Parses a list of `Key=value` entries; later entries win.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> SyncOptions {
        let mut o = SyncOptions::default();
        for e in entries {
            o.apply(e.as_ref());
        }
        o
    }

    /// Parses the per-resource annotation value (`Prune=false,ServerSideApply=true`) on
    /// top of `self`.
    pub fn with_annotation(&self, annotation: &str) -> SyncOptions {
        let mut o = self.clone();
        for e in annotation.split(',') {
            let e = e.trim();
            if !e.is_empty() {
                o.apply(e);
            }
        }
        o
    }

    fn apply(&mut self, entry: &str) {
        let Some((k, v)) = entry.split_once('=') else {
            self.unknown.push(entry.to_string());
            return;
        };
        let (k, v) = (k.trim(), v.trim());
        let b = match v {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        match (k, b, v) {
            ("CreateNamespace", Some(b), _) => self.create_namespace = b,
            ("PruneLast", Some(b), _) => self.prune_last = b,
            ("Prune", Some(b), _) => self.prune = b,
            ("Prune", None, "confirm") => self.prune = false,
            ("Validate", Some(b), _) => self.validate = b,
            ("ServerSideApply", Some(b), _) => self.server_side_apply = b,
            ("ApplyOutOfSyncOnly", Some(b), _) => self.apply_out_of_sync_only = b,
            ("RollbackOnFailure", Some(b), _) => self.rollback_on_failure = b,
            ("Delete", Some(b), _) => self.delete = b,
            ("Delete", None, "confirm") => self.delete = false,
            _ => self.unknown.push(entry.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argo_options_and_plumb_rollback_parse() {
        let o = SyncOptions::parse(&[
            "CreateNamespace=true",
            "PruneLast=true",
            "RollbackOnFailure=true",
        ]);
        assert!(o.create_namespace && o.prune_last && o.rollback_on_failure && o.prune);
        let r = o.with_annotation("Prune=false, Validate=false");
        assert!(!r.prune && !r.validate);
        let odd = SyncOptions::parse(&["Replace=true", "Nonsense"]);
        assert_eq!(odd.unknown, ["Replace=true", "Nonsense"]);
    }
}
