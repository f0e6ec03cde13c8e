//! Istio `VirtualService`s, as far as the traffic simulator reads them: the CRD, installed
//! when the simulator starts and absent, and the weighted routes of `spec.http[0]`.
//!
//! Only the first HTTP route is read (its `match`, retries, faults and mirrors are
//! ignored), and a destination's `subset` is ignored: a destination is a Service, served
//! by all its ready pods.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::api::AppState;
use crate::api::status::ApiError;
use crate::api::write::{WriteOpts, create_object};

/// Storage key of VirtualServices (every served version stores under it).
pub const VIRTUAL_SERVICES: &str = "networking.istio.io/virtualservices";
/// The CRD's name.
pub const CRD_NAME: &str = "virtualservices.networking.istio.io";
const CRDS: &str = "apiextensions.k8s.io/customresourcedefinitions";

/// Installs the VirtualService CRD through the API server's create pipeline (so it is
/// stored, watched and registered like one `kubectl apply` created), unless a CRD of
/// that name exists.
pub fn install_crd(state: &Arc<AppState>) -> Result<(), ApiError> {
    if state.store.get(CRDS, "", CRD_NAME).is_some() {
        return Ok(());
    }
    let ty = state
        .registry
        .get("apiextensions.k8s.io", "v1", "customresourcedefinitions")
        .ok_or_else(|| ApiError::internal("customresourcedefinitions are not registered"))?;
    let opts = WriteOpts {
        manager: "plumb-sandbox",
        subresource: None,
        dry_run: false,
    };
    match create_object(state, &ty, "", crd(), &opts) {
        Ok(_) => Ok(()),
        // Created concurrently: fine.
        Err(e) if e.status_code().as_u16() == 409 => Ok(()),
        Err(e) => Err(e),
    }
}

/// The CRD as Istio ships it (`crd-all.gen.yaml`): v1alpha3 (storage), v1beta1 and v1
/// served, short name `vs`, printer columns Gateways/Hosts/Age; the schema keeps every
/// field instead of Istio's full one.
pub fn crd() -> Value {
    let version = |name: &str, storage: bool| {
        json!({
            "name": name,
            "served": true,
            "storage": storage,
            "subresources": {"status": {}},
            "additionalPrinterColumns": [
                {"name": "Gateways", "type": "string", "jsonPath": ".spec.gateways",
                 "description": "The names of gateways and sidecars that should apply these routes"},
                {"name": "Hosts", "type": "string", "jsonPath": ".spec.hosts",
                 "description": "The destination hosts to which traffic is being sent"},
                {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
                 "description": "CreationTimestamp is a timestamp representing the server time when this object was created."},
            ],
            "schema": {"openAPIV3Schema": {
                "type": "object",
                "properties": {
                    "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                },
            }},
        })
    };
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {
            "name": CRD_NAME,
            "labels": {"app": "istio-pilot", "chart": "istio", "heritage": "Tiller", "release": "istio"},
            "annotations": {"helm.sh/resource-policy": "keep"},
        },
        "spec": {
            "group": "networking.istio.io",
            "names": {
                "kind": "VirtualService",
                "listKind": "VirtualServiceList",
                "plural": "virtualservices",
                "singular": "virtualservice",
                "shortNames": ["vs"],
                "categories": ["istio-io", "networking-istio-io"],
            },
            "scope": "Namespaced",
            "versions": [version("v1", false), version("v1alpha3", true), version("v1beta1", false)],
        },
    })
}

/// The Service (namespace, name) a host names, relative to `namespace`: `name`,
/// `name.ns`, `name.ns.svc` or `name.ns.svc.cluster.local`; `None` for other hosts.
pub fn resolve_host(host: &str, namespace: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = host.split('.').collect();
    match parts.as_slice() {
        [name] if !name.is_empty() && *name != "*" => Some((namespace.into(), (*name).into())),
        [name, ns] | [name, ns, "svc"] | [name, ns, "svc", "cluster", "local"] => {
            Some(((*ns).into(), (*name).into()))
        }
        _ => None,
    }
}

/// One weighted destination of a route: the Service and its share (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Destination {
    pub service: (String, String),
    pub share: f64,
}

/// A VirtualService as the simulator reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Routing {
    /// `spec.hosts` as written.
    pub hosts: Vec<String>,
    /// The destinations of `spec.http[0].route`, with their shares of the traffic.
    /// Destinations that name no in-cluster Service are left out (their traffic leaves
    /// the mesh), so the shares may sum to less than 1.
    pub destinations: Vec<Destination>,
}

/// Reads a VirtualService's hosts and its first HTTP route's weights. A route without a
/// weight counts as 100 when it is the only one and as 0 otherwise; when every weight is
/// 0 the destinations share evenly.
pub fn routing(vs: &Value) -> Routing {
    let ns = vs["metadata"]["namespace"].as_str().unwrap_or("");
    let hosts = vs["spec"]["hosts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|h| h.as_str().map(str::to_string))
        .collect();
    let routes: Vec<&Value> = vs["spec"]["http"][0]["route"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let weights: Vec<f64> = routes
        .iter()
        .map(|r| match r["weight"].as_f64() {
            Some(w) => w.max(0.0),
            None if routes.len() == 1 => 100.0,
            None => 0.0,
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let destinations = routes
        .iter()
        .zip(&weights)
        .filter_map(|(r, w)| {
            let service = resolve_host(r["destination"]["host"].as_str()?, ns)?;
            let share = if total > 0.0 {
                w / total
            } else {
                1.0 / routes.len() as f64
            };
            Some(Destination { service, share })
        })
        .filter(|d| d.share > 0.0)
        .collect();
    Routing {
        hosts,
        destinations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_resolve_in_every_spelling() {
        let want = Some(("prod".to_string(), "my-app".to_string()));
        assert_eq!(resolve_host("my-app", "prod"), want);
        assert_eq!(resolve_host("my-app.prod", "default"), want);
        assert_eq!(resolve_host("my-app.prod.svc", "default"), want);
        assert_eq!(resolve_host("my-app.prod.svc.cluster.local", "x"), want);
        assert_eq!(resolve_host("shop.example.com", "prod"), None);
        assert_eq!(resolve_host("*", "prod"), None);
    }

    #[test]
    fn weights_become_shares() {
        let vs = json!({"metadata": {"namespace": "prod"}, "spec": {"hosts": ["front"], "http": [{"route": [
            {"destination": {"host": "stable"}, "weight": 90},
            {"destination": {"host": "canary.prod.svc.cluster.local", "subset": "v2"}, "weight": 10},
        ]}]}});
        let r = routing(&vs);
        assert_eq!(r.hosts, vec!["front"]);
        assert_eq!(r.destinations.len(), 2);
        assert_eq!(r.destinations[0].service.1, "stable");
        assert!((r.destinations[0].share - 0.9).abs() < 1e-12);
        assert_eq!(r.destinations[1].service, ("prod".into(), "canary".into()));
        assert!((r.destinations[1].share - 0.1).abs() < 1e-12);

        let one = json!({"metadata": {"namespace": "a"}, "spec": {"hosts": ["h"], "http": [{"route": [
            {"destination": {"host": "only"}}]}]}});
        assert_eq!(routing(&one).destinations[0].share, 1.0);

        let zero = json!({"metadata": {"namespace": "a"}, "spec": {"hosts": ["h"], "http": [{"route": [
            {"destination": {"host": "a"}, "weight": 100}, {"destination": {"host": "b"}, "weight": 0}]}]}});
        let d = routing(&zero).destinations;
        assert_eq!(d.len(), 1, "a zero weight gets nothing: {d:?}");
    }
}
