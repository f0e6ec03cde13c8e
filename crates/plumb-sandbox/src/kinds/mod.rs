//! Per-kind behaviour of the API server: defaulting, validation and the Table columns
//! `kubectl get` prints.
//!
//! Everything here is a pure function over `serde_json::Value`; the server wires it in.

pub mod field;
pub mod names;
pub mod selector;

pub use field::{ErrorType, FieldError, FieldValue};
pub use selector::{FieldLabels, FieldSelector, LabelSelector, SelectorError};
