//! The embedded default cluster: a single process that speaks the Kubernetes REST API
//! well enough that real `kubectl` and real kube-rs work against it unchanged.

pub mod kinds;
pub mod registry;
pub mod store;
