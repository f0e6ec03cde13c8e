//! Server-side apply as the Kubernetes API server does it: field sets per manager
//! (`metadata.managedFields`, `FieldsV1`), merging an applied configuration, conflicts
//! between managers, and removal of fields a manager stops applying.
//!
//! The behaviour follows `sigs.k8s.io/structured-merge-diff/v4` (merge, compare, prune,
//! schema reconciliation) and the API server's field manager
//! (`k8s.io/apimachinery/pkg/util/managedfields`): stripped metadata fields,
//! `before-first-apply`, untracked objects, managedFields sent with an update, the
//! `kubectl` client-side-apply upgrade, entry order and times, the cap of ten `Update`
//! entries. `SHORTCOMINGS.md` lists what differs.
//!
//! Two calls cover a server's writes: [`apply`] for `application/apply-patch+yaml`
//! patches, [`update`] for everything else (create, update, JSON / merge / strategic
//! patches, subresources). Both return the object to store, `metadata.managedFields`
//! included.
//!
//! ```
//! use plumb_apply::{ApplyError, Manager, TypeRef, apply, update};
//! use serde_json::json;
//!
//! let ty = TypeRef::builtin("v1", "ConfigMap").expect("ConfigMap is built in");
//! let created = update(
//!     None,
//!     &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "1"}}),
//!     &Manager::new("kubectl-create", "v1", "2024-01-01T00:00:00Z"),
//!     ty,
//! )
//! .expect("created");
//! let config = json!({"apiVersion": "v1", "kind": "ConfigMap",
//!                     "metadata": {"name": "a"}, "data": {"k": "2"}});
//! let plumb = Manager::new("plumb", "v1", "2024-01-01T00:00:01Z");
//! match apply(Some(&created), &config, &plumb, false, ty) {
//!     Err(ApplyError::Conflicts(c)) => assert_eq!(
//!         c.to_string(),
//!         "Apply failed with 1 conflict: conflict with \"kubectl-create\" using v1: .data.k"
//!     ),
//!     other => panic!("expected a conflict: {other:?}"),
//! }
//! let forced = apply(Some(&created), &config, &plumb, true, ty).expect("forced");
//! assert_eq!(forced["metadata"]["managedFields"][0]["fieldsV1"], json!({"f:data": {"f:k": {}}}));
//! ```
//!
//! Modules, from the bottom up: `path` and `set` (field paths and sets), `fieldsv1`
//! (the wire encoding), `types` (schemas: built-in, CRD, deduced), `fieldset`,
//! `compare`, `merge` and `reconcile` (walks of values along a type), `updater`
//! (ownership on apply and update), `managed` and `conflict` (entries and errors),
//! `fieldmanager` (the API server's layers around it all).

#![warn(missing_docs)]

mod compare;
mod conflict;
mod fieldmanager;
mod fieldset;
mod fieldsv1;
mod managed;
mod merge;
mod path;
mod reconcile;
mod set;
mod types;
mod updater;

pub use conflict::{Conflict, Conflicts};
pub use fieldmanager::{apply, update};
pub use managed::Operation;
pub use path::{PathElement, path_string};
pub use set::Set;
pub use types::{CrdNode, TypeRef};

/// Who writes, and how: the field manager of a request.
#[derive(Debug, Clone, Copy)]
pub struct Manager<'a> {
    /// The `fieldManager` (or the user agent's default).
    pub name: &'a str,
    /// The apiVersion of the request (`apps/v1`).
    pub api_version: &'a str,
    /// The time to record in the manager's entry (RFC 3339, `2024-01-01T00:00:00Z`).
    pub time: &'a str,
    /// The subresource written through (`status`, `scale`), if any.
    pub subresource: Option<&'a str>,
    /// Dotted paths of fields the endpoint resets and nobody owns through it
    /// (`status` on the main resource of kinds with a status subresource; `spec`,
    /// `metadata` ... on the status subresource).
    pub reset_fields: &'a [&'a str],
}

impl<'a> Manager<'a> {
    /// A manager writing the main resource, resetting nothing.
    pub fn new(name: &'a str, api_version: &'a str, time: &'a str) -> Self {
        Manager {
            name,
            api_version,
            time,
            subresource: None,
            reset_fields: &[],
        }
    }

    /// The same manager writing through a subresource.
    pub fn with_subresource(self, subresource: &'a str) -> Self {
        Manager {
            subresource: Some(subresource),
            ..self
        }
    }

    /// The same manager on an endpoint that resets these fields.
    pub fn with_reset_fields(self, reset_fields: &'a [&'a str]) -> Self {
        Manager {
            reset_fields,
            ..self
        }
    }
}

/// Why an apply or update failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The apply would change fields other managers own (HTTP 409); the message is the
    /// API server's.
    #[error("{0}")]
    Conflicts(Conflicts),
    /// The configuration or the stored managedFields are unusable (HTTP 400 or 500).
    #[error("{0}")]
    Invalid(String),
}

/// `Result` with [`ApplyError`].
pub type Result<T, E = ApplyError> = std::result::Result<T, E>;
