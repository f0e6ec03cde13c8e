//! Resource tracking by annotation: `plumb.dev/tracking-id:
//! <app>:<group>/<Kind>:<namespace>/<name>` (Argo CD's annotation format), so that prune
//! only ever touches objects plumb created for this Application — a copied annotation
//! on another object does not match that object's own identity.

use serde_json::{Value, json};

use plumb_cluster::ObjectKey;

pub const TRACKING_ANNOTATION: &str = "plumb.dev/tracking-id";
pub const SYNC_OPTIONS_ANNOTATION: &str = "argocd.argoproj.io/sync-options";

/// The tracking id of an object for an Application.
pub fn tracking_id(app: &str, key: &ObjectKey) -> String {
    format!(
        "{app}:{}/{}:{}/{}",
        key.group(),
        key.kind,
        key.namespace.as_deref().unwrap_or(""),
        key.name
    )
}

/// Sets the tracking annotation on a desired object.
pub fn annotate(obj: &mut Value, app: &str) {
    let id = tracking_id(app, &ObjectKey::of(obj));
    if !obj["metadata"]["annotations"].is_object() {
        obj["metadata"]["annotations"] = json!({});
    }
    obj["metadata"]["annotations"][TRACKING_ANNOTATION] = json!(id);
}

/// Whether a live object carries this Application's tracking id for itself.
pub fn is_tracked_by(live: &Value, app: &str) -> bool {
    live["metadata"]["annotations"][TRACKING_ANNOTATION].as_str()
        == Some(tracking_id(app, &ObjectKey::of(live)).as_str())
}

/// The Application a live object is tracked by, if its annotation matches its identity.
pub fn tracked_app(live: &Value) -> Option<String> {
    let id = live["metadata"]["annotations"][TRACKING_ANNOTATION].as_str()?;
    let (app, _) = id.split_once(':')?;
    is_tracked_by(live, app).then(|| app.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copied_annotation_does_not_track_another_object() {
        let mut d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}});
        annotate(&mut d, "my-app");
        assert_eq!(
            d["metadata"]["annotations"][TRACKING_ANNOTATION],
            "my-app:apps/Deployment:prod/web"
        );
        assert!(is_tracked_by(&d, "my-app"));
        assert_eq!(tracked_app(&d).as_deref(), Some("my-app"));
        let mut copy = d.clone();
        copy["metadata"]["name"] = json!("other");
        assert!(!is_tracked_by(&copy, "my-app"));
        assert_eq!(tracked_app(&copy), None);
    }
}
