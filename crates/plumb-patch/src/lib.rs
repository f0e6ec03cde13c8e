//! Kubernetes patch types as the API server applies them: JSON patch (RFC 6902), JSON
//! merge patch (RFC 7386) and strategic merge patch (merge keys and directives from
//! `plumb-schema`).
//!
//! Each function takes the stored object and the request body (both decoded JSON) and
//! returns the patched object, or a [`PatchError`] whose message and
//! [`PatchError::http_status`] are what the API server would answer.
//!
//! - [`json_patch`] follows `gopkg.in/evanphx/json-patch.v4`, which the API server uses.
//! - [`merge_patch`] follows the same library's `MergePatch`.
//! - [`strategic_merge_patch`] follows `k8s.io/apimachinery/pkg/util/strategicpatch`
//!   (`StrategicMergeMapPatch`), with the patch strategies and merge keys of
//!   [`plumb_schema`].
//!
//! ```
//! use serde_json::json;
//!
//! # fn main() -> Result<(), plumb_patch::PatchError> {
//! let live = json!({"spec": {"template": {"spec": {"containers": [
//!     {"name": "app", "image": "app:1"},
//!     {"name": "sidecar", "image": "proxy:1"},
//! ]}}}});
//! let patch = json!({"spec": {"template": {"spec": {"containers": [
//!     {"name": "app", "image": "app:2"},
//! ]}}}});
//! let schema = plumb_schema::builtin().root("apps/v1", "Deployment");
//! let patched = plumb_patch::strategic_merge_patch(&live, &patch, schema)?;
//! assert_eq!(patched["spec"]["template"]["spec"]["containers"][0]["image"], "app:2");
//! assert_eq!(patched["spec"]["template"]["spec"]["containers"][1]["name"], "sidecar");
//! # Ok(())
//! # }
//! ```
//!
//! Fidelity notes, deliberate differences and known gaps are listed in the crate's
//! `README.md`.

mod error;
mod gofmt;
mod json_patch;
mod merge_patch;
mod smp;

pub use error::{PatchError, Result};
pub use json_patch::MAX_JSON_PATCH_OPERATIONS;

use serde_json::Value;

/// Applies a JSON patch (`application/json-patch+json`, RFC 6902) to `doc`.
///
/// Supports `add`, `remove`, `replace`, `move`, `copy` and `test`, the `-` index, escaped
/// pointers and negative indices, with the quirks of `evanphx/json-patch.v4` (see
/// the module notes): `remove` of a missing path fails, `replace` of a missing object key
/// adds it. A patch that is not an array of objects is [`PatchError::InvalidPatch`]; a
/// failed operation is [`PatchError::OperationFailed`] or [`PatchError::TestFailed`].
pub fn json_patch(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    json_patch::apply(doc, patch)
}

/// Applies a JSON merge patch (`application/merge-patch+json`, RFC 7386) to `doc`:
/// `null` deletes a member, objects merge recursively, any other value replaces.
///
/// A `null` or scalar patch is [`PatchError::InvalidPatch`] (`Invalid JSON Patch`); an
/// array patch replaces the document, as in `evanphx/json-patch.v4`.
pub fn merge_patch(doc: &Value, patch: &Value) -> Result<Value, PatchError> {
    merge_patch::apply(doc, patch)
}

/// Applies a strategic merge patch (`application/strategic-merge-patch+json`) to `doc`,
/// as the API server does for built-in kinds.
///
/// `schema` is the root of the object's kind, e.g.
/// `plumb_schema::builtin().root("apps/v1", "Deployment")`. Lists whose field has patch
/// strategy `merge` merge element-wise by their merge key (or as a union for scalars);
/// other lists are replaced; maps merge. Where the schema says nothing (`None`, or below
/// a field it does not know) maps merge and lists are replaced.
///
/// Directives: `$patch: replace | delete` on maps and merge-list elements,
/// `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`. No
/// directive survives into the result. `$patch: merge` is rejected, as apimachinery
/// rejects it.
pub fn strategic_merge_patch(
    doc: &Value,
    patch: &Value,
    schema: Option<plumb_schema::Node<'_>>,
) -> Result<Value, PatchError> {
    smp::apply(doc, patch, schema)
}
