//! What kube-controller-manager puts in every namespace: the `default` ServiceAccount
//! (the service-account controller) and the `kube-root-ca.crt` ConfigMap (the root CA
//! publisher). Both come back when deleted.

use serde_json::json;

use super::{Sim, SimError, terminating};

/// Storage key of Namespaces.
pub(super) const NAMESPACES: &str = "/namespaces";

/// The sandbox's CA certificate, as clients inside the cluster would verify it.
const ROOT_CA: &str = include_str!("sandbox-ca.pem");

const CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

impl Sim {
    /// Ensures the namespace's default ServiceAccount and root CA ConfigMap.
    pub(super) fn sync_namespace(&self, _: &str, name: &str) -> Result<(), SimError> {
        let Some(ns) = self.state.store.get(NAMESPACES, "", name) else {
            return Ok(());
        };
        if terminating(&ns) || ns["status"]["phase"] == "Terminating" {
            return Ok(());
        }
        if self
            .state
            .store
            .get("/serviceaccounts", name, "default")
            .is_none()
        {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount",
                            "metadata": {"name": "default", "namespace": name}});
            ignore_exists(self.create("", "serviceaccounts", name, sa))?;
        }
        if self
            .state
            .store
            .get("/configmaps", name, "kube-root-ca.crt")
            .is_none()
        {
            let cm = json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": name,
                             "annotations": {"kubernetes.io/description": CA_DESCRIPTION}},
                "data": {"ca.crt": ROOT_CA},
            });
            ignore_exists(self.create("", "configmaps", name, cm))?;
        }
        Ok(())
    }
}

/// Someone created it meanwhile (or the namespace went): nothing to do.
fn ignore_exists<T>(r: Result<T, SimError>) -> Result<(), SimError> {
    match r {
        Err(SimError::Api(e)) if matches!(e.reason, "AlreadyExists" | "NotFound" | "Forbidden") => {
            Ok(())
        }
        r => r.map(|_| ()),
    }
}
