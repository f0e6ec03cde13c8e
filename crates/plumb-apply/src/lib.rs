//! Server-side apply as the Kubernetes API server does it: field sets per manager
//! (`metadata.managedFields`, `FieldsV1`), merging an applied configuration, conflicts
//! between managers, and removal of fields a manager stops applying.
