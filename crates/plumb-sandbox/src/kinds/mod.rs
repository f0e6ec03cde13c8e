//! Per-kind behaviour of the API server: defaulting, validation and the Table columns
//! `kubectl get` prints.
