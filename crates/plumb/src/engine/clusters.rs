//! Destinations: the cluster plumb runs against (`https://kubernetes.default.svc`,
//! `in-cluster`) and the other contexts of the kubeconfig given to plumb, by context
//! name (`destination.name`) or by API server URL (`destination.server`).

use plumb_cluster::Cluster;
use plumb_model::application::{Destination, IN_CLUSTER_NAME, IN_CLUSTER_SERVER};

/// A named destination cluster.
#[derive(Clone, Debug)]
pub struct NamedCluster {
    /// The kubeconfig context name.
    pub name: String,
    /// The API server URL of the context's cluster.
    pub server: String,
    pub cluster: Cluster,
}

/// Every cluster plumb can sync to.
#[derive(Clone, Debug)]
pub struct Clusters {
    /// The cluster plumb itself talks to (its kubeconfig's current context).
    pub local: Cluster,
    /// Its API server URL, which also names it as a destination.
    pub local_server: Option<String>,
    pub others: Vec<NamedCluster>,
}

impl Clusters {
    /// Only the local cluster.
    pub fn local(cluster: Cluster) -> Clusters {
        Clusters {
            local: cluster,
            local_server: None,
            others: Vec::new(),
        }
    }

    /// Every cluster, the local one first.
    pub fn all(&self) -> impl Iterator<Item = &Cluster> {
        std::iter::once(&self.local).chain(self.others.iter().map(|n| &n.cluster))
    }

    /// The cluster an Application's destination names, or why there is none.
    pub fn resolve(&self, d: &Destination) -> Result<&Cluster, String> {
        let trim = |s: &str| s.trim_end_matches('/').to_string();
        if let Some(name) = d.name.as_deref().filter(|n| !n.is_empty()) {
            if name == IN_CLUSTER_NAME {
                return Ok(&self.local);
            }
            return self
                .others
                .iter()
                .find(|c| c.name == name)
                .map(|c| &c.cluster)
                .ok_or_else(|| self.unknown(&format!("name {name:?}")));
        }
        let server = d
            .server
            .as_deref()
            .map(trim)
            .unwrap_or_else(|| IN_CLUSTER_SERVER.to_string());
        if server == IN_CLUSTER_SERVER
            || self.local_server.as_deref().map(trim).as_deref() == Some(server.as_str())
        {
            return Ok(&self.local);
        }
        self.others
            .iter()
            .find(|c| trim(&c.server) == server)
            .map(|c| &c.cluster)
            .ok_or_else(|| self.unknown(&format!("server {server:?}")))
    }

    fn unknown(&self, what: &str) -> String {
        let mut known = vec![format!("{IN_CLUSTER_NAME} ({IN_CLUSTER_SERVER})")];
        known.extend(
            self.others
                .iter()
                .map(|c| format!("{} ({})", c.name, c.server)),
        );
        format!(
            "destination cluster with {what} is not configured; known destinations: {}",
            known.join(", ")
        )
    }
}
