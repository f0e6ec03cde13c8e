//! plumb's API types. Field names follow Argo CD (`argoproj.io/v1alpha1`) so that users'
//! YAML is accepted as written; fields plumb does not support are reported, never
//! silently dropped (see [`application::Application::unsupported_fields`]).

pub mod application;
pub mod duration;
pub mod status;
pub mod sync_options;

pub use application::{Application, ApplicationSource, Destination, IgnoreDifference, SyncPolicy};
pub use status::{ApplicationStatus, Condition, HealthStatus, SyncStatus};
pub use sync_options::SyncOptions;
