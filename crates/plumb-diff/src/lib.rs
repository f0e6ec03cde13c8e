//! Desired vs live, as users read it: what makes a freshly synced application Synced
//! and anyone else's change drift.
//!
//! The comparison looks at the fields the desired object specifies, after
//! normalisation (status, server-set metadata, `last-applied-configuration` and the
//! tracking annotation are ignored; fields the API server defaults are not drift):
//!
//! - maps: every desired key must match; extra live keys are someone else's (not drift),
//!   unless `plumb` applied them before and desired no longer has them (read from the
//!   live `metadata.managedFields`): server-side apply will remove those.
//! - associative lists (list-map keys or merge keys from `plumb-schema`) compare element
//!   by key; a desired element missing live is drift. Other lists compare by position
//!   and must have the same length; sets (`finalizers`) by value.
//! - numbers compare by value (`3 == 3.0`), resource quantities too (`500m == 0.5`,
//!   `1Gi == 1024Mi`); an `intOrString` `8080` is not `"8080"`.
//! - Secret `data` / `stringData` values never reach the result: they are replaced by
//!   [`REDACTED`] markers; desired `stringData` compares against decoded live `data`.
//!
//! ```
//! use plumb_diff::{DiffOptions, diff};
//! use serde_json::json;
//!
//! let desired = json!({"apiVersion": "apps/v1", "kind": "Deployment",
//!     "metadata": {"name": "my-app"}, "spec": {"replicas": 3}});
//! let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
//!     "metadata": {"name": "my-app", "uid": "1"}, "spec": {"replicas": 5, "paused": false}});
//! let d = diff(&desired, Some(&live), &DiffOptions::default());
//! assert_eq!(d.summary("deployment.apps/my-app"), "deployment.apps/my-app replicas 5 != 3");
//! ```

mod compare;
mod ignore;
mod jq;
mod managed;
mod normalize;
mod output;
mod path;
mod quantity;
mod redact;
mod schema;
mod unified;

use serde_json::Value;

pub use ignore::validate_ignore_rules;
pub use path::PathSegment;
pub use quantity::Quantity;
pub use redact::{REDACTED, REDACTED_CHANGED};
pub use schema::crd_schema;

/// The annotation plumb writes on every object it applies, to track ownership.
pub const TRACKING_ANNOTATION: &str = "plumb.dev/tracking-id";

/// How to compare.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions<'a> {
    /// Argo CD's `spec.ignoreDifferences`.
    pub ignore: &'a [IgnoreRule],
    /// The field manager plumb applies with (`plumb`).
    pub manager: &'a str,
}

impl Default for DiffOptions<'_> {
    fn default() -> Self {
        DiffOptions {
            ignore: &[],
            manager: "plumb",
        }
    }
}

/// One Argo CD `ignoreDifferences` entry.
///
/// `group` `None` or `""` is the core group and `"*"` any group; `kind` `"*"` is any
/// kind; `name` and `namespace` `None` match any object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreRule {
    /// API group (`apps`), without version.
    pub group: Option<String>,
    /// Kind (`Deployment`).
    pub kind: String,
    /// Object name, when only one object is meant.
    pub name: Option<String>,
    /// Object namespace.
    pub namespace: Option<String>,
    /// RFC 6901 pointers (`/spec/replicas`).
    pub json_pointers: Vec<String>,
    /// jq path expressions, in the subset described in [`validate_ignore_rules`].
    pub jq_path_expressions: Vec<String>,
    /// Fields owned by these managers in live `managedFields` are ignored.
    pub managed_fields_managers: Vec<String>,
}

/// Why an ignore rule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// A JSON pointer is not RFC 6901.
    #[error("json pointer {pointer:?}: {problem}")]
    JsonPointer {
        /// The pointer.
        pointer: String,
        /// What is wrong.
        problem: String,
    },
    /// A jq expression is outside the supported subset.
    #[error("jq path expression {expression:?}: {problem}")]
    Jq {
        /// The expression.
        expression: String,
        /// What is wrong or unsupported.
        problem: String,
    },
}

/// One field that differs.
///
/// Secret values are already replaced by [`REDACTED`] markers here, so printing a
/// change (`Display` or `Debug`) never shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    /// Where, from the object root.
    pub path: Vec<PathSegment>,
    /// The desired value; `None` when desired no longer has the field (plumb applied it
    /// earlier, and applying will remove it).
    pub desired: Option<Value>,
    /// The live value; `None` when live lacks the field.
    pub live: Option<Value>,
}

impl FieldChange {
    /// The field as drift messages name it: `replicas` for well-known top-level spec
    /// scalars, else the dotted path.
    pub fn name(&self) -> String {
        output::field_name(&self.path)
    }

    /// The dotted path: `spec.template.spec.containers[name=app].image`.
    pub fn dotted_path(&self) -> String {
        path::dotted(&self.path)
    }
}

/// The difference between one desired object and its live counterpart.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectDiff {
    /// Fields that differ, in desired order, then fields to be removed. Empty (with
    /// `live_missing` false) means in sync.
    pub changes: Vec<FieldChange>,
    /// No live object exists.
    pub live_missing: bool,
    /// Ignore rules that could not be used (bad pointer, unsupported jq) and were skipped.
    pub warnings: Vec<String>,
    /// Normalised, redacted desired object.
    desired_view: Value,
    /// `desired_view` with the live values of the changed fields.
    live_view: Option<Value>,
}

/// Compares a desired object with its live counterpart (`None`: not created yet).
pub fn diff(desired: &Value, live: Option<&Value>, opts: &DiffOptions) -> ObjectDiff {
    diff_with_schema(desired, live, opts, None)
}

/// [`diff`] for a custom resource, with the `openAPIV3Schema` of its CRD version (see
/// [`crd_schema`]): its `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and
/// `x-kubernetes-map-type` decide list and map semantics where they are set.
pub fn diff_with_schema(
    desired: &Value,
    live: Option<&Value>,
    opts: &DiffOptions,
    crd_schema: Option<&Value>,
) -> ObjectDiff {
    let mut warnings = Vec::new();
    let secret = redact::is_secret(desired);
    let mut want = normalize::desired(desired);
    let Some(live) = live else {
        let desired_view = redact::object(&want, None);
        return ObjectDiff {
            changes: Vec::new(),
            live_missing: true,
            warnings,
            desired_view,
            live_view: None,
        };
    };
    let owners = managed::Owners::from_live(live, opts.manager);
    let mut have = normalize::live(live);
    // Items of list responses can come without apiVersion/kind: the caller paired them.
    if let Value::Object(m) = &mut have {
        for f in ["apiVersion", "kind"] {
            if let Some(v) = want.get(f).filter(|_| !m.contains_key(f)) {
                m.insert(f.to_string(), v.clone());
            }
        }
    }
    for rule in opts.ignore.iter().filter(|r| ignore::matches(r, desired)) {
        ignore::apply(rule, &owners, &mut want, &mut have, &mut warnings);
    }
    let schema = schema::schema_for(&want, crd_schema);
    let mut changes = compare::compare(&want, &have, schema);
    changes.extend(owners.removed_fields(&want, &have));
    let desired_view = redact::object(&want, secret.then_some(&have));
    let mut live_view = desired_view.clone();
    if secret {
        redact::changes(&mut changes, &want, &have);
    }
    for c in &changes {
        path::set_at(&mut live_view, &c.path, c.live.clone());
    }
    ObjectDiff {
        changes,
        live_missing: false,
        warnings,
        desired_view,
        live_view: Some(live_view),
    }
}

/// How users name an object: `deployment.apps/my-app`, `service/my-app` (lower-case
/// kind, then the group when not core, then the name).
pub fn kind_ref(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("object");
    let group = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(g, _)| g);
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = kind.to_lowercase();
    if group.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}.{group}/{name}")
    }
}

impl ObjectDiff {
    /// Whether live matches desired.
    pub fn in_sync(&self) -> bool {
        !self.live_missing && self.changes.is_empty()
    }

    /// One line for logs and status: `deployment.apps/my-app replicas 5 != 3`
    /// (live != desired), several changes joined with `; ` (the first five, then
    /// `and N more`); `… missing` when there is no live object.
    pub fn summary(&self, kind_ref: &str) -> String {
        output::summary(self, kind_ref)
    }

    /// The desired object as compared: normalised, ignored fields removed, Secret values
    /// redacted. For side-by-side views.
    pub fn desired_view(&self) -> &Value {
        &self.desired_view
    }

    /// The desired view with the live value of every changed field; `None` when there is
    /// no live object.
    pub fn live_view(&self) -> Option<&Value> {
        self.live_view.as_ref()
    }

    /// A unified diff of the live object (as far as desired specifies it) against the
    /// desired object, in YAML, for `plumb app diff`. Empty when in sync.
    pub fn unified(&self, kind_ref: &str) -> String {
        if self.in_sync() {
            return String::new();
        }
        let live = self
            .live_view
            .as_ref()
            .map(output::yaml)
            .unwrap_or_default();
        let desired = output::yaml(&self.desired_view);
        unified::unified(
            &format!("live/{kind_ref}"),
            &format!("desired/{kind_ref}"),
            &live,
            &desired,
            3,
        )
    }
}
