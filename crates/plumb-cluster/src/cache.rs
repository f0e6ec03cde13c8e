//! One shared watch per kind: the live objects of every watched kind, and a stream of
//! changes that wakes the Applications tracking the changed objects (self-heal is
//! driven by these watches, not by polling).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::ApiResource;
use kube::runtime::watcher;
use serde_json::Value;
use tokio::sync::{broadcast, oneshot};

use crate::ObjectKey;

/// A change to a watched object.
#[derive(Debug, Clone)]
pub struct Change {
    pub key: ObjectKey,
    /// The object now, `None` when it was deleted.
    pub object: Option<Arc<Value>>,
    /// The object as last seen before a deletion.
    pub last: Option<Arc<Value>>,
}

type Objects = Arc<RwLock<HashMap<(String, String), Arc<Value>>>>;

/// The watch cache. Cheap to clone.
#[derive(Clone)]
pub struct LiveCache {
    client: kube::Client,
    kinds: Arc<Mutex<HashMap<(String, String), Objects>>>,
    changes: broadcast::Sender<Change>,
}

impl LiveCache {
    pub fn new(client: kube::Client) -> LiveCache {
        let (changes, _) = broadcast::channel(16_384);
        LiveCache {
            client,
            kinds: Arc::default(),
            changes,
        }
    }

    /// Changes of every watched object, from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    /// Whether a kind is watched (its cache is authoritative).
    pub fn is_watched(&self, api_version: &str, kind: &str) -> bool {
        self.lock()
            .contains_key(&(api_version.to_string(), kind.to_string()))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Objects>> {
        self.kinds.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached object; `None` when absent or when its kind is not watched.
    pub fn get(&self, key: &ObjectKey) -> Option<Arc<Value>> {
        let objects = self
            .lock()
            .get(&(key.api_version.clone(), key.kind.clone()))?
            .clone();
        let map = objects.read().unwrap_or_else(|e| e.into_inner());
        map.get(&(key.namespace.clone().unwrap_or_default(), key.name.clone()))
            .cloned()
    }

    /// Every cached object of a kind.
    pub fn list(&self, api_version: &str, kind: &str) -> Vec<Arc<Value>> {
        let Some(objects) = self
            .lock()
            .get(&(api_version.to_string(), kind.to_string()))
            .cloned()
        else {
            return Vec::new();
        };
        let map = objects.read().unwrap_or_else(|e| e.into_inner());
        map.values().cloned().collect()
    }

    /// Starts the watch of a kind unless it runs already; returns once the first list
    /// is in the cache.
    pub async fn ensure(&self, api_version: &str, kind: &str, resource: &ApiResource) {
        let objects: Objects = {
            let mut kinds = self.lock();
            let key = (api_version.to_string(), kind.to_string());
            if kinds.contains_key(&key) {
                return;
            }
            let objects: Objects = Arc::default();
            kinds.insert(key, objects.clone());
            objects
        };
        let api: Api<DynamicObject> = Api::all_with(self.client.clone(), resource);
        let (ready_tx, ready_rx) = oneshot::channel::<()>();
        let changes = self.changes.clone();
        let (av, k) = (api_version.to_string(), kind.to_string());
        tokio::spawn(async move {
            let mut ready = Some(ready_tx);
            let mut initial: HashMap<(String, String), Arc<Value>> = HashMap::new();
            let mut stream = watcher(api, watcher::Config::default()).boxed();
            while let Some(event) = stream.next().await {
                match event {
                    Ok(watcher::Event::Init) => initial.clear(),
                    Ok(watcher::Event::InitApply(o)) => {
                        if let Some((id, v)) = entry(&o) {
                            initial.insert(id, v);
                        }
                    }
                    Ok(watcher::Event::InitDone) => {
                        let fresh = std::mem::take(&mut initial);
                        let mut map = objects.write().unwrap_or_else(|e| e.into_inner());
                        // After a re-list, report what changed meanwhile.
                        let gone: Vec<(String, String)> = map
                            .keys()
                            .filter(|k| !fresh.contains_key(*k))
                            .cloned()
                            .collect();
                        for (id, v) in &fresh {
                            if map.get(id) != Some(v) && ready.is_none() {
                                let _ = changes.send(Change {
                                    key: key_of(v),
                                    object: Some(v.clone()),
                                    last: None,
                                });
                            }
                        }
                        for id in gone {
                            if let Some(old) = map.get(&id) {
                                let _ = changes.send(Change {
                                    key: key_of(old),
                                    object: None,
                                    last: Some(old.clone()),
                                });
                            }
                        }
                        *map = fresh;
                        drop(map);
                        if let Some(tx) = ready.take() {
                            let _ = tx.send(());
                        }
                    }
                    Ok(watcher::Event::Apply(o)) => {
                        if let Some((id, v)) = entry(&o) {
                            objects
                                .write()
                                .unwrap_or_else(|e| e.into_inner())
                                .insert(id, v.clone());
                            let _ = changes.send(Change {
                                key: key_of(&v),
                                object: Some(v),
                                last: None,
                            });
                        }
                    }
                    Ok(watcher::Event::Delete(o)) => {
                        if let Some((id, v)) = entry(&o) {
                            objects
                                .write()
                                .unwrap_or_else(|e| e.into_inner())
                                .remove(&id);
                            let _ = changes.send(Change {
                                key: key_of(&v),
                                object: None,
                                last: Some(v),
                            });
                        }
                    }
                    Err(e) => {
                        tracing::warn!(api_version = %av, kind = %k, error = %e, "watch failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    }
                }
            }
        });
        let _ = ready_rx.await;
    }
}

fn entry(o: &DynamicObject) -> Option<((String, String), Arc<Value>)> {
    let v = serde_json::to_value(o).ok()?;
    let ns = v["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let name = v["metadata"]["name"].as_str()?.to_string();
    Some(((ns, name), Arc::new(v)))
}

fn key_of(v: &Value) -> ObjectKey {
    ObjectKey::of(v)
}
