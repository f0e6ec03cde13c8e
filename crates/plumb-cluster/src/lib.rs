//! plumb's view of one cluster: discovery of kinds, server-side apply with field manager
//! `plumb`, deletion, and one shared watch cache per kind whose changes wake the
//! Applications that track the changed objects.

mod cache;
mod key;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PropagationPolicy};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::{self, Scope};
use serde_json::Value;

pub use cache::{Change, LiveCache};
pub use key::ObjectKey;

/// The field manager plumb applies with.
pub const FIELD_MANAGER: &str = "plumb";

/// What failed talking to a cluster.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kubeconfig could not be read or has no usable context.
    #[error("kubeconfig: {0}")]
    Kubeconfig(String),
    /// The API server does not serve this kind (yet).
    #[error("{api_version} {kind} is not served by the cluster")]
    UnknownKind { api_version: String, kind: String },
    /// The API server refused a request.
    #[error("{action} {object}: {message}")]
    Api {
        action: &'static str,
        object: String,
        code: u16,
        reason: String,
        message: String,
    },
    /// The server could not be reached or answered garbage.
    #[error("{action} {object}: {source}")]
    Transport {
        action: &'static str,
        object: String,
        #[source]
        source: kube::Error,
    },
}

impl Error {
    /// Worth retrying: server errors, conflicts, throttling and transport failures.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Api { code, .. } => *code >= 500 || *code == 409 || *code == 429,
            Error::Transport { .. } => true,
            Error::UnknownKind { .. } => true,
            Error::Kubeconfig(_) => false,
        }
    }

    fn from_kube(action: &'static str, object: &str, e: kube::Error) -> Error {
        match e {
            kube::Error::Api(s) => Error::Api {
                action,
                object: object.to_string(),
                code: s.code,
                reason: s.reason.clone(),
                message: s.message.clone(),
            },
            other => Error::Transport {
                action,
                object: object.to_string(),
                source: other,
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A resolved kind: how to reach it and whether it is namespaced.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub resource: ApiResource,
    pub namespaced: bool,
}

/// A connection to one cluster.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    kinds: Arc<RwLock<HashMap<(String, String), Resolved>>>,
    cache: LiveCache,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cluster").finish_non_exhaustive()
    }
}

impl Cluster {
    /// Connects with a kubeconfig file (and context), or as kubectl would find one when
    /// `kubeconfig` is `None` (`$KUBECONFIG`, `~/.kube/config`, in-cluster).
    pub async fn connect(kubeconfig: Option<&Path>, context: Option<&str>) -> Result<Cluster> {
        let options = kube::config::KubeConfigOptions {
            context: context.map(str::to_string),
            ..Default::default()
        };
        let config = match kubeconfig {
            Some(path) => {
                let kc = kube::config::Kubeconfig::read_from(path)
                    .map_err(|e| Error::Kubeconfig(format!("{}: {e}", path.display())))?;
                kube::Config::from_custom_kubeconfig(kc, &options)
                    .await
                    .map_err(|e| Error::Kubeconfig(format!("{}: {e}", path.display())))?
            }
            None if context.is_some() => kube::Config::from_kubeconfig(&options)
                .await
                .map_err(|e| Error::Kubeconfig(e.to_string()))?,
            None => kube::Config::infer()
                .await
                .map_err(|e| Error::Kubeconfig(e.to_string()))?,
        };
        let client =
            kube::Client::try_from(config).map_err(|e| Error::Kubeconfig(e.to_string()))?;
        Ok(Cluster::from_client(client))
    }

    /// Wraps an existing client.
    pub fn from_client(client: kube::Client) -> Cluster {
        let cache = LiveCache::new(client.clone());
        Cluster {
            client,
            kinds: Arc::default(),
            cache,
        }
    }

    pub fn client(&self) -> &kube::Client {
        &self.client
    }

    /// The shared watch cache.
    pub fn cache(&self) -> &LiveCache {
        &self.cache
    }

    /// Finds how to reach `api_version`/`kind`, asking the server when not known yet
    /// (a CRD applied a moment ago becomes known once it is established).
    pub async fn resolve(&self, api_version: &str, kind: &str) -> Result<Resolved> {
        let key = (api_version.to_string(), kind.to_string());
        if let Some(r) = self
            .kinds
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(r.clone());
        }
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let (resource, caps) = discovery::pinned_kind(&self.client, &gvk)
            .await
            .map_err(|_| Error::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
            })?;
        let r = Resolved {
            resource,
            namespaced: caps.scope == Scope::Namespaced,
        };
        self.kinds
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, r.clone());
        Ok(r)
    }

    fn api(&self, r: &Resolved, namespace: Option<&str>) -> Api<DynamicObject> {
        match (r.namespaced, namespace) {
            (true, Some(ns)) => Api::namespaced_with(self.client.clone(), ns, &r.resource),
            (true, None) => Api::default_namespaced_with(self.client.clone(), &r.resource),
            (false, _) => Api::all_with(self.client.clone(), &r.resource),
        }
    }

    /// Server-side apply of `obj` as `plumb`, taking ownership of conflicting fields
    /// (plumb is the owner of what Git declares).
    pub async fn apply(&self, obj: &Value, dry_run: bool) -> Result<Value> {
        let key = ObjectKey::of(obj);
        let r = self.resolve(&key.api_version, &key.kind).await?;
        let api = self.api(&r, key.namespace.as_deref());
        let mut params = PatchParams::apply(FIELD_MANAGER).force();
        params.dry_run = dry_run;
        let out = api
            .patch(&key.name, &params, &Patch::Apply(obj))
            .await
            .map_err(|e| Error::from_kube("apply", &key.to_string(), e))?;
        serde_json::to_value(out).map_err(|e| Error::Api {
            action: "apply",
            object: key.to_string(),
            code: 500,
            reason: "InternalError".into(),
            message: e.to_string(),
        })
    }

    /// The live object, `None` when it does not exist.
    pub async fn get(&self, key: &ObjectKey) -> Result<Option<Value>> {
        let r = self.resolve(&key.api_version, &key.kind).await?;
        let api = self.api(&r, key.namespace.as_deref());
        match api.get_opt(&key.name).await {
            Ok(Some(o)) => Ok(serde_json::to_value(o).ok()),
            Ok(None) => Ok(None),
            Err(e) => Err(Error::from_kube("get", &key.to_string(), e)),
        }
    }

    /// Deletes an object (background propagation); a missing object is not an error.
    pub async fn delete(&self, key: &ObjectKey) -> Result<()> {
        let r = self.resolve(&key.api_version, &key.kind).await?;
        let api = self.api(&r, key.namespace.as_deref());
        let params = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteParams::default()
        };
        match api.delete(&key.name, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(()),
            Err(e) => Err(Error::from_kube("delete", &key.to_string(), e)),
        }
    }

    /// Starts (once) the shared watch of a kind; returns when its first list is in.
    pub async fn watch_kind(&self, api_version: &str, kind: &str) -> Result<()> {
        let r = self.resolve(api_version, kind).await?;
        self.cache.ensure(api_version, kind, &r.resource).await;
        Ok(())
    }
}
