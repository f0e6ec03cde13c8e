//! A Kubernetes object being built, with the identity history kustomize keeps to fix
//! references after renames.

use crate::error::{Result, bail};
use crate::yaml::{Mapping, Node};

/// Group, version and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api_version.to_string()),
        };
        Gvk {
            group,
            version,
            kind: kind.to_string(),
        }
    }

    /// Whether this Gvk is selected by `sel`, where empty fields of `sel` match anything.
    pub fn selected_by(&self, sel: &Gvk) -> bool {
        (sel.group.is_empty() || sel.group == self.group)
            && (sel.version.is_empty() || sel.version == self.version)
            && (sel.kind.is_empty() || sel.kind == self.kind)
    }

    /// Whether objects of this kind live outside namespaces.
    pub fn cluster_scoped(&self) -> bool {
        // The built-in cluster-scoped kinds (kustomize's list); anything else, custom
        // resources included, is namespaced. Kept as a table so that a build does not
        // have to load the whole schema just to ask.
        matches!(
            self.kind.as_str(),
            "APIService"
                | "CSIDriver"
                | "CSINode"
                | "CertificateSigningRequest"
                | "ClusterRole"
                | "ClusterRoleBinding"
                | "ComponentStatus"
                | "CustomResourceDefinition"
                | "FlowSchema"
                | "IngressClass"
                | "MutatingWebhookConfiguration"
                | "Namespace"
                | "Node"
                | "PersistentVolume"
                | "PodSecurityPolicy"
                | "PriorityClass"
                | "PriorityLevelConfiguration"
                | "RuntimeClass"
                | "SelfSubjectAccessReview"
                | "SelfSubjectRulesReview"
                | "StorageClass"
                | "SubjectAccessReview"
                | "TokenReview"
                | "ValidatingWebhookConfiguration"
                | "ValidatingAdmissionPolicy"
                | "ValidatingAdmissionPolicyBinding"
                | "VolumeAttachment"
        )
    }
}

/// An identity: kind, name, namespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    /// kustomize's text for an id in errors: `Kind.version.group/name.namespace`.
    pub fn display(&self) -> String {
        let g = if self.gvk.group.is_empty() {
            "[noGrp]"
        } else {
            &self.gvk.group
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        format!(
            "{}.{}.{}/{}.{}",
            self.gvk.kind, self.gvk.version, g, self.name, ns
        )
    }

    /// Namespace as kustomize compares it: empty and `default` are the same.
    pub fn effective_ns(&self) -> &str {
        if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }
}

/// How a generated object combines with one of the same id from a base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Unspecified,
    Create,
    Merge,
    Replace,
}

/// One object.
#[derive(Debug, Clone)]
pub struct Resource {
    pub node: Node,
    /// Ids this object had before renames, oldest first (the original is first).
    pub prev_ids: Vec<ResId>,
    /// Prefixes and suffixes applied, outermost last.
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    /// Generated config data that takes a content-hash suffix at the end.
    pub needs_hash: bool,
    pub behavior: Behavior,
    /// Made by a generator.
    pub is_generated: bool,
    /// `config.kubernetes.io/origin` text (for `buildMetadata: [originAnnotations]`).
    pub origin: Option<String>,
    /// Entries of `alpha.config.kubernetes.io/transformations`.
    pub transformations: Vec<String>,
}

impl Resource {
    pub fn new(node: Node) -> Result<Resource> {
        let Node::Map(_) = &node else {
            bail!("a resource must be a mapping, found a {}", node.kind_name());
        };
        Ok(Resource {
            node,
            prev_ids: Vec::new(),
            prefixes: Vec::new(),
            suffixes: Vec::new(),
            needs_hash: false,
            behavior: Behavior::Unspecified,
            is_generated: false,
            origin: None,
            transformations: Vec::new(),
        })
    }

    pub fn map_mut(&mut self) -> &mut Mapping {
        match &mut self.node {
            Node::Map(m) => m,
            _ => unreachable!("Resource::new accepts mappings only"),
        }
    }

    pub fn kind(&self) -> &str {
        self.node.str_at(&["kind"]).unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.node.str_at(&["apiVersion"]).unwrap_or("")
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    pub fn name(&self) -> &str {
        self.node.str_at(&["metadata", "name"]).unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.node.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    pub fn id(&self) -> ResId {
        ResId {
            gvk: self.gvk(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// The id the object had when it was first read.
    pub fn orig_id(&self) -> ResId {
        self.prev_ids.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Every id the object has had, the current one last.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut ids = self.prev_ids.clone();
        ids.push(self.id());
        ids
    }

    /// Records the current id in the history before a rename.
    pub fn remember_id(&mut self) {
        let id = self.id();
        if self.prev_ids.last() != Some(&id) {
            self.prev_ids.push(id);
        }
    }

    pub fn set_name(&mut self, name: &str) {
        self.remember_id();
        self.map_mut()
            .map_entry("metadata")
            .insert("name", Node::string(name));
    }

    /// `metadata.labels` as pairs (text values).
    pub fn labels(&self) -> Vec<(String, String)> {
        string_map(self.node.at(&["metadata", "labels"]))
    }

    pub fn annotations(&self) -> Vec<(String, String)> {
        string_map(self.node.at(&["metadata", "annotations"]))
    }

    pub fn is_cluster_scoped(&self) -> bool {
        self.gvk().cluster_scoped()
    }
}

fn string_map(node: Option<&Node>) -> Vec<(String, String)> {
    node.and_then(Node::as_map)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = v.as_scalar().map(|s| s.value.clone()).unwrap_or_default();
                    (k.clone(), text)
                })
                .collect()
        })
        .unwrap_or_default()
}
