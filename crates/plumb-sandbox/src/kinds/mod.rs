//! Per-kind behaviour of the API server: defaulting, validation and the Table columns
//! `kubectl get` prints.
//!
//! Everything here is a pure function over `serde_json::Value`; the server wires it in, in
//! the apiserver's order:
//!
//! - built-in kinds, create: [`apply_defaults`] → [`validate()`] → store with
//!   [`initial_status`];
//! - built-in kinds, update: [`carry_over_allocations`] (old → new) → [`apply_defaults`] →
//!   [`validate_update()`];
//! - custom resources: [`schema::prune_unknown_fields`] (its paths are the strict-decoding
//!   errors or warnings) → [`schema::apply_schema_defaults`] →
//!   [`schema::validate_custom_resource`];
//! - lists and watches: [`LabelSelector::parse`] and [`FieldSelector::parse`] +
//!   [`FieldSelector::check_supported`] (their errors are the full `BadRequest` messages);
//! - `kubectl get`: [`table()`] with [`TableSpec`].

pub mod defaults;
mod defaults_core;
mod defaults_pod;
pub mod field;
pub mod field_selector;
pub mod jsonpath;
pub mod names;
pub mod quantity;
pub mod schema;
pub mod selector;
mod selector_parser;
pub mod status;
pub mod table;
mod table_builtin;
mod table_cluster;
mod table_core;
mod table_infra;
mod table_pod;
pub mod validate;
mod validate_cluster;
mod validate_core;
mod validate_pod;
pub mod validate_update;
mod validate_volume;

pub use defaults::{DefaultsContext, apply_defaults, carry_over_allocations};
pub use defaults_pod::{default_container, default_pod_spec, default_pull_policy};
pub use field::{ErrorType, FieldError, FieldValue};
pub use field_selector::{FieldLabels, FieldSelector};
pub use selector::{LabelSelector, SelectorError};
pub use status::initial_status;
pub use table::{IncludeObject, TableMeta, TableSpec, human_duration, table};
pub use validate::{Invalid, validate};
pub use validate_update::validate_update;
