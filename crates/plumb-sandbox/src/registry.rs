//! Which resources the server serves: the built-in kinds and those that CRDs register.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use serde_json::{Value, json};

/// One served resource in one version (`apps/v1` `deployments`).
#[derive(Debug, Clone)]
pub struct ResourceType {
    /// API group, empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Lower-case plural, the path segment (`deployments`).
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Has a `status` subresource: the main resource ignores status changes and the
    /// subresource ignores everything else.
    pub status_subresource: bool,
    /// `scale` subresource: paths of spec replicas, status replicas and selector.
    pub scale: Option<ScalePaths>,
    /// Objects get `metadata.generation`, bumped on changes outside metadata and status.
    pub generation: bool,
    /// Custom resource: strategic merge patch is refused (415) as the real server does.
    pub custom: bool,
    /// A review resource: only `create`, answered at once and never stored
    /// (SelfSubjectAccessReview and friends).
    pub review: bool,
    /// The CRD's `additionalPrinterColumns` for Table output.
    pub printer_columns: Option<Value>,
    /// The CRD's `openAPIV3Schema`, for server-side apply list types.
    pub schema: Option<Value>,
    /// Whether this version is the storage version (the one stored objects carry).
    pub storage: bool,
}

/// JSON paths (dotted, without a leading dot) of the scale subresource.
#[derive(Debug, Clone)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

impl ResourceType {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployments.apps`, or `pods` for the core group: the name errors use.
    pub fn group_resource(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// The key objects are stored under, shared by every version of the resource.
    pub fn storage_key(&self) -> String {
        format!("{}/{}", self.group, self.plural)
    }

    /// The `APIResource` entry of discovery.
    pub fn discovery_entry(&self) -> Value {
        let verbs = if self.review {
            vec!["create"]
        } else {
            vec![
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch",
            ]
        };
        let mut e = json!({
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": verbs,
        });
        if !self.short_names.is_empty() {
            e["shortNames"] = json!(self.short_names);
        }
        if !self.categories.is_empty() {
            e["categories"] = json!(self.categories);
        }
        e
    }
}

/// A built-in kind: (group, version, kind, plural, namespaced, short names, categories,
/// status subresource, scale subresource, generation).
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static [&'static str],
    bool,
    bool,
    bool,
);

const ALL: &[&str] = &["all"];
#[rustfmt::skip]
const BUILTINS: &[Builtin] = &[
    ("", "v1", "Namespace", "namespaces", false, &["ns"], &[], true, false, false),
    ("", "v1", "ConfigMap", "configmaps", true, &["cm"], &[], false, false, false),
    ("", "v1", "Secret", "secrets", true, &[], &[], false, false, false),
    ("", "v1", "Service", "services", true, &["svc"], ALL, true, false, false),
    ("", "v1", "ServiceAccount", "serviceaccounts", true, &["sa"], &[], false, false, false),
    ("", "v1", "Endpoints", "endpoints", true, &["ep"], &[], false, false, false),
    ("", "v1", "Event", "events", true, &["ev"], &[], false, false, false),
    ("", "v1", "Pod", "pods", true, &["po"], ALL, true, false, false),
    ("", "v1", "Node", "nodes", false, &["no"], &[], true, false, false),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &["pvc"], &[], true, false, false),
    ("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"], &[], true, false, false),
    ("apps", "v1", "Deployment", "deployments", true, &["deploy"], ALL, true, true, true),
    ("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"], ALL, true, true, true),
    ("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"], ALL, true, true, true),
    ("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"], ALL, true, false, true),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", true, &[], &[], false, false, false),
    ("batch", "v1", "Job", "jobs", true, &[], ALL, true, false, true),
    ("batch", "v1", "CronJob", "cronjobs", true, &["cj"], ALL, true, false, true),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"], &[], true, false, true),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, &["netpol"], &[], false, false, true),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], ALL, true, false, false),
    ("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], ALL, true, false, false),
    ("coordination.k8s.io", "v1", "Lease", "leases", true, &[], &[], false, false, false),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", true, &[], &[], false, false, false),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, &[], &[], false, false, false),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, &[], &[], false, false, false),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, &[], &[], false, false, false),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, &["pdb"], &[], true, false, true),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, &["crd", "crds"], &["api-extensions"], true, false, true),
    ("events.k8s.io", "v1", "Event", "events", true, &["ev"], &[], false, false, false),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, &[], &[], false, false, false),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, &[], &[], false, false, false),
    ("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, &[], &[], false, false, false),
    ("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, &[], &[], false, false, false),
];

/// The served resources. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// (group, version, plural) → type.
    by_path: BTreeMap<(String, String, String), Arc<ResourceType>>,
    /// CRD name → the keys it registered.
    crds: BTreeMap<String, Vec<(String, String, String)>>,
}

impl Registry {
    /// A registry holding the built-in kinds.
    pub fn with_builtins() -> Self {
        let reg = Registry::default();
        {
            let mut inner = reg.write();
            for &(g, v, k, p, ns, short, cats, status, scale, generation) in BUILTINS {
                let t = ResourceType {
                    group: g.into(),
                    version: v.into(),
                    kind: k.into(),
                    plural: p.into(),
                    singular: k.to_ascii_lowercase(),
                    namespaced: ns,
                    short_names: short.iter().map(|s| s.to_string()).collect(),
                    categories: cats.iter().map(|s| s.to_string()).collect(),
                    status_subresource: status,
                    scale: scale.then(|| ScalePaths {
                        spec_replicas: "spec.replicas".into(),
                        status_replicas: "status.replicas".into(),
                        label_selector: Some("status.selector".into()),
                    }),
                    generation,
                    custom: false,
                    review: g == "authorization.k8s.io",
                    printer_columns: None,
                    schema: None,
                    storage: !(g == "autoscaling" && v == "v1"),
                };
                inner
                    .by_path
                    .insert((g.into(), v.into(), p.into()), Arc::new(t));
            }
        }
        reg
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The resource served at `/apis/<group>/<version>/<plural>`.
    pub fn get(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        self.read()
            .by_path
            .get(&(group.to_string(), version.to_string(), plural.to_string()))
            .cloned()
    }

    /// The resource for an apiVersion and kind.
    pub fn by_kind(&self, api_version: &str, kind: &str) -> Option<Arc<ResourceType>> {
        let (group, version) = split_api_version(api_version);
        self.read()
            .by_path
            .values()
            .find(|t| t.group == group && t.version == version && t.kind == kind)
            .cloned()
    }

    /// The storage version of a group's resource (where its objects are kept).
    pub fn storage_type(&self, group: &str, plural: &str) -> Option<Arc<ResourceType>> {
        let inner = self.read();
        let mut candidates = inner
            .by_path
            .values()
            .filter(|t| t.group == group && t.plural == plural);
        let first = candidates.next().cloned();
        if first.as_ref().is_some_and(|t| t.storage) {
            return first;
        }
        candidates.find(|t| t.storage).cloned().or(first)
    }

    /// All served resource types, ordered by group, version and plural.
    pub fn all(&self) -> Vec<Arc<ResourceType>> {
        self.read().by_path.values().cloned().collect()
    }

    /// Served group versions: (group, [versions], preferred).
    pub fn groups(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for t in self.read().by_path.values() {
            match out.iter_mut().find(|(g, _)| *g == t.group) {
                Some((_, vs)) => {
                    if !vs.contains(&t.version) {
                        vs.push(t.version.clone());
                    }
                }
                None => out.push((t.group.clone(), vec![t.version.clone()])),
            }
        }
        for (_, vs) in &mut out {
            vs.sort_by_key(|v| std::cmp::Reverse(version_priority(v)));
        }
        out
    }

    /// Registers (or re-registers) the resources of a CRD. Returns an error text when
    /// the CRD is not usable.
    pub fn register_crd(&self, crd: &Value) -> Result<(), String> {
        let name = crd["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let spec = &crd["spec"];
        let group = spec["group"].as_str().ok_or("spec.group: Required value")?;
        let names = &spec["names"];
        let plural = names["plural"]
            .as_str()
            .ok_or("spec.names.plural: Required value")?;
        let kind = names["kind"]
            .as_str()
            .ok_or("spec.names.kind: Required value")?;
        let singular = names["singular"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| kind.to_ascii_lowercase());
        let namespaced = spec["scope"].as_str() != Some("Cluster");
        let short_names: Vec<String> = names["shortNames"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let categories: Vec<String> = names["categories"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let versions = spec["versions"]
            .as_array()
            .ok_or("spec.versions: Required value")?;
        let mut keys = Vec::new();
        let mut types = Vec::new();
        for v in versions {
            if v["served"].as_bool() == Some(false) {
                continue;
            }
            let version = v["name"]
                .as_str()
                .ok_or("spec.versions[].name: Required value")?;
            let sub = &v["subresources"];
            let scale = sub.get("scale").map(|s| ScalePaths {
                spec_replicas: trim_path(
                    s["specReplicasPath"].as_str().unwrap_or(".spec.replicas"),
                ),
                status_replicas: trim_path(
                    s["statusReplicasPath"]
                        .as_str()
                        .unwrap_or(".status.replicas"),
                ),
                label_selector: s["labelSelectorPath"].as_str().map(trim_path),
            });
            let t = ResourceType {
                group: group.into(),
                version: version.into(),
                kind: kind.into(),
                plural: plural.into(),
                singular: singular.clone(),
                namespaced,
                short_names: short_names.clone(),
                categories: categories.clone(),
                status_subresource: sub.get("status").is_some(),
                scale,
                generation: true,
                custom: true,
                review: false,
                printer_columns: v.get("additionalPrinterColumns").cloned(),
                schema: v
                    .get("schema")
                    .and_then(|s| s.get("openAPIV3Schema"))
                    .cloned(),
                storage: v["storage"].as_bool().unwrap_or(false),
            };
            keys.push((group.to_string(), version.to_string(), plural.to_string()));
            types.push(t);
        }
        let mut inner = self.write();
        if let Some(old) = inner.crds.remove(&name) {
            for k in old {
                inner.by_path.remove(&k);
            }
        }
        for (k, t) in keys.iter().cloned().zip(types) {
            inner.by_path.insert(k, Arc::new(t));
        }
        inner.crds.insert(name, keys);
        Ok(())
    }

    /// Removes the resources a CRD registered.
    pub fn unregister_crd(&self, name: &str) {
        let mut inner = self.write();
        if let Some(old) = inner.crds.remove(name) {
            for k in old {
                inner.by_path.remove(&k);
            }
        }
    }
}

fn trim_path(p: &str) -> String {
    p.trim_start_matches('.').to_string()
}

/// Splits `apps/v1` into (`apps`, `v1`) and `v1` into (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

/// Kubernetes version priority: GA > beta > alpha, then by number.
fn version_priority(v: &str) -> (u8, u32, u32) {
    let Some(rest) = v.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().unwrap_or(0);
    let tail = &rest[digits.len()..];
    if tail.is_empty() {
        (3, major, 0)
    } else if let Some(n) = tail.strip_prefix("beta") {
        (2, major, n.parse().unwrap_or(0))
    } else if let Some(n) = tail.strip_prefix("alpha") {
        (1, major, n.parse().unwrap_or(0))
    } else {
        (0, major, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ga_versions_are_preferred_over_beta_and_alpha() {
        let mut v = vec!["v1beta1", "v2", "v1alpha1", "v1"];
        v.sort_by_key(|x| std::cmp::Reverse(version_priority(x)));
        assert_eq!(v, ["v2", "v1", "v1beta1", "v1alpha1"]);
    }

    #[test]
    fn a_crd_registers_each_served_version() {
        let reg = Registry::with_builtins();
        let crd = json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                "versions": [{"name": "v1", "served": true, "storage": true,
                              "subresources": {"status": {}}}]}
        });
        reg.register_crd(&crd).expect("valid CRD");
        let t = reg.get("example.com", "v1", "widgets").expect("registered");
        assert!(t.namespaced && t.status_subresource && t.custom);
        assert_eq!(t.singular, "widget");
        reg.unregister_crd("widgets.example.com");
        assert!(reg.get("example.com", "v1", "widgets").is_none());
    }
}
