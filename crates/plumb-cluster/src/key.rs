//! Object identity.

use serde_json::Value;

/// apiVersion, kind, namespace and name of an object.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectKey {
    pub fn of(obj: &Value) -> ObjectKey {
        let s = |v: &Value| v.as_str().unwrap_or("").to_string();
        ObjectKey {
            api_version: s(&obj["apiVersion"]),
            kind: s(&obj["kind"]),
            namespace: obj["metadata"]["namespace"]
                .as_str()
                .filter(|n| !n.is_empty())
                .map(str::to_string),
            name: s(&obj["metadata"]["name"]),
        }
    }

    /// The API group (empty for the core group).
    pub fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// The version part of apiVersion.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map_or(self.api_version.as_str(), |(_, v)| v)
    }

    /// `deployment.apps/my-app`, as kubectl names objects.
    pub fn kubectl_ref(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group().is_empty() {
            format!("{kind}/{}", self.name)
        } else {
            format!("{kind}.{}/{}", self.group(), self.name)
        }
    }

    /// Identity that does not depend on the version: (group, kind, namespace, name).
    pub fn group_kind_key(&self) -> (String, String, String, String) {
        (
            self.group().to_string(),
            self.kind.clone(),
            self.namespace.clone().unwrap_or_default(),
            self.name.clone(),
        )
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kubectl_ref_kind(), ns, self.name),
            None => write!(f, "{} {}", self.kubectl_ref_kind(), self.name),
        }
    }
}

impl ObjectKey {
    fn kubectl_ref_kind(&self) -> String {
        let kind = self.kind.to_ascii_lowercase();
        if self.group().is_empty() {
            kind
        } else {
            format!("{kind}.{}", self.group())
        }
    }
}
