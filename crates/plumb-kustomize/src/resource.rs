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

/// A [`Gvk`] borrowed from an object (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GvkRef<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
}

impl<'a> GvkRef<'a> {
    pub fn from_api_version(api_version: &'a str, kind: &'a str) -> GvkRef<'a> {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        GvkRef {
            group,
            version,
            kind,
        }
    }

    /// Whether this Gvk is selected by `sel`, where empty fields of `sel` match anything.
    pub fn selected_by(&self, sel: &Gvk) -> bool {
        (sel.group.is_empty() || sel.group == self.group)
            && (sel.version.is_empty() || sel.version == self.version)
            && (sel.kind.is_empty() || sel.kind == self.kind)
    }

    /// Whether this is the same as an owned [`Gvk`].
    pub fn is(&self, g: &Gvk) -> bool {
        self.group == g.group && self.version == g.version && self.kind == g.kind
    }

    pub fn owned(self) -> Gvk {
        Gvk {
            group: self.group.to_string(),
            version: self.version.to_string(),
            kind: self.kind.to_string(),
        }
    }
}

impl Gvk {
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        GvkRef::from_api_version(api_version, kind).owned()
    }

    pub fn as_ref(&self) -> GvkRef<'_> {
        GvkRef {
            group: &self.group,
            version: &self.version,
            kind: &self.kind,
        }
    }

    /// Whether this Gvk is selected by `sel`, where empty fields of `sel` match anything.
    pub fn selected_by(&self, sel: &Gvk) -> bool {
        self.as_ref().selected_by(sel)
    }
}

/// Whether objects of this kind live outside namespaces.
pub fn cluster_scoped_kind(kind: &str) -> bool {
    // The built-in cluster-scoped kinds (kustomize's list); anything else, custom
    // resources included, is namespaced. Kept as a table so that a build does not
    // have to load the whole schema just to ask.
    matches!(
        kind,
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
        self.gvk_ref().owned()
    }

    pub fn gvk_ref(&self) -> GvkRef<'_> {
        GvkRef::from_api_version(self.api_version(), self.kind())
    }

    /// Whether the object has (or had) the id `gvk`, `name`, `namespace` (empty and
    /// `default` are the same namespace): [`Resource::all_ids`] without allocating.
    pub fn has_id(&self, gvk: &Gvk, name: &str, namespace: &str) -> bool {
        let want = if namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        let current = self.name() == name
            && self.gvk_ref().is(gvk)
            && match self.namespace() {
                "" => "default",
                ns => ns,
            } == want;
        current
            || self
                .prev_ids
                .iter()
                .any(|id| id.name == name && id.gvk == *gvk && id.effective_ns() == want)
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

    /// Every id the object has had, the current one last.
    pub fn all_ids(&self) -> Vec<ResId> {
        let mut ids = self.prev_ids.clone();
        ids.push(self.id());
        ids
    }

    /// Records the current id in the history before a rename.
    pub fn remember_id(&mut self) {
        if let Some(last) = self.prev_ids.last()
            && last.name == self.name()
            && last.namespace == self.namespace()
            && self.gvk_ref().is(&last.gvk)
        {
            return;
        }
        let id = self.id();
        self.prev_ids.push(id);
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
        cluster_scoped_kind(self.kind())
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
