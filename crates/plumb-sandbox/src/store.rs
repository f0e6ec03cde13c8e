//! The object store: every object by (resource, namespace, name), one global
//! resourceVersion counter, a bounded event history for watches, and optional
//! persistence to a state directory (snapshot + append-only log).
//!
//! Every committed write is appended to the log with a single `write` before the store
//! returns, so an acknowledged write survives the process being killed (`kill -9`): the
//! kernel holds the data even if the process never runs again. A torn last line (a write
//! cut by the kill) is dropped at the next start; it was never acknowledged.

use std::collections::{BTreeMap, VecDeque};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use tokio::sync::broadcast;

/// How many past events a watch can resume from before it gets 410 Gone.
const HISTORY: usize = 20_000;
/// Log records after which the state is compacted into a snapshot.
const COMPACT_AFTER: usize = 50_000;

/// (resource storage key `group/plural`, namespace or empty, name).
pub type Key = (String, String, String);

/// The start of a watch: the backlog of events, the version it is current at, and a
/// receiver for what follows.
pub type WatchStart = (Vec<Arc<Event>>, u64, broadcast::Receiver<Arc<Event>>);

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Added,
    Modified,
    Deleted,
}

impl EventKind {
    /// The watch event type (`ADDED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Added => "ADDED",
            EventKind::Modified => "MODIFIED",
            EventKind::Deleted => "DELETED",
        }
    }
}

/// One committed change.
#[derive(Debug)]
pub struct Event {
    pub rv: u64,
    pub kind: EventKind,
    pub key: Key,
    pub object: Arc<Value>,
    /// The object before a modification (watches with selectors need it).
    pub previous: Option<Arc<Value>>,
}

/// The store. Shared behind an `Arc`.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    events: broadcast::Sender<Arc<Event>>,
}

#[derive(Debug)]
struct Inner {
    rv: u64,
    objects: BTreeMap<Key, Arc<Value>>,
    /// The objects naming each owner uid in `metadata.ownerReferences`.
    owned: std::collections::HashMap<String, std::collections::BTreeSet<Key>>,
    /// The objects without a controller owner (what controllers may adopt).
    controllerless: std::collections::BTreeSet<Key>,
    history: VecDeque<Arc<Event>>,
    /// The oldest resourceVersion a watch may resume from.
    oldest: u64,
    log: Option<Log>,
}

#[derive(Debug)]
struct Log {
    dir: PathBuf,
    file: File,
    records: usize,
}

/// A watch could not start: the requested version is older than the history kept.
#[derive(Debug, thiserror::Error)]
#[error("too old resource version: {requested} ({oldest})")]
pub struct Gone {
    pub requested: u64,
    pub oldest: u64,
}

/// The result of a committed mutation.
#[derive(Debug, Clone)]
pub struct Committed {
    pub rv: u64,
    /// The stored object (for a deletion: the object as deleted).
    pub object: Arc<Value>,
    pub kind: EventKind,
}

/// Whether an object names a controller in its ownerReferences.
fn has_controller(obj: &Value) -> bool {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["controller"] == true))
}

/// The owner uids an object names.
fn owner_uids(obj: &Value) -> impl Iterator<Item = &str> {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["uid"].as_str())
}

impl Inner {
    /// Stores an object, keeping the owner index.
    fn insert(&mut self, key: Key, obj: Arc<Value>) {
        if let Some(old) = self.objects.get(&key).cloned() {
            self.unindex(&key, &old);
        }
        for uid in owner_uids(&obj) {
            self.owned
                .entry(uid.to_string())
                .or_default()
                .insert(key.clone());
        }
        if !has_controller(&obj) {
            self.controllerless.insert(key.clone());
        }
        self.objects.insert(key, obj);
    }

    /// Removes an object, keeping the owner index.
    fn remove(&mut self, key: &Key) {
        if let Some(old) = self.objects.remove(key) {
            self.unindex(key, &old);
        }
    }

    fn unindex(&mut self, key: &Key, old: &Value) {
        self.controllerless.remove(key);
        for uid in owner_uids(old) {
            if let Some(keys) = self.owned.get_mut(uid) {
                keys.remove(key);
                if keys.is_empty() {
                    self.owned.remove(uid);
                }
            }
        }
    }
}

/// What a mutation decided.
pub enum Change {
    /// Store this object (create or replace).
    Put(Value),
    /// Remove the object.
    Delete,
    /// Change nothing; return the current object as is.
    Nothing,
}

impl Store {
    /// An in-memory store, or one persisted in `state` (created if missing).
    pub fn open(state: Option<&Path>) -> io::Result<Store> {
        let mut inner = Inner {
            rv: 1,
            objects: BTreeMap::new(),
            owned: Default::default(),
            controllerless: Default::default(),
            history: VecDeque::new(),
            oldest: 1,
            log: None,
        };
        if let Some(dir) = state {
            fs::create_dir_all(dir)?;
            load(dir, &mut inner)?;
            inner.oldest = inner.rv;
            compact(dir, &inner)?;
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join("log.jsonl"))?;
            inner.log = Some(Log {
                dir: dir.to_path_buf(),
                file,
                records: 0,
            });
        }
        let (events, _) = broadcast::channel(65_536);
        Ok(Store {
            inner: Mutex::new(inner),
            events,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The latest resourceVersion.
    pub fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// One object.
    pub fn get(&self, resource: &str, namespace: &str, name: &str) -> Option<Arc<Value>> {
        self.lock()
            .objects
            .get(&(
                resource.to_string(),
                namespace.to_string(),
                name.to_string(),
            ))
            .cloned()
    }

    /// The objects of a resource, in one namespace or all, in key order, and the
    /// resourceVersion of this view.
    pub fn list(&self, resource: &str, namespace: Option<&str>) -> (Vec<Arc<Value>>, u64) {
        let inner = self.lock();
        let out = range(&inner.objects, resource, namespace)
            .map(|(_, v)| v.clone())
            .collect();
        (out, inner.rv)
    }

    /// Keys of every object of a resource (all namespaces).
    pub fn keys(&self, resource: &str) -> Vec<Key> {
        let inner = self.lock();
        range(&inner.objects, resource, None)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The objects of a resource in a namespace that have no controller owner.
    pub fn without_controller(&self, resource: &str, namespace: &str) -> Vec<Arc<Value>> {
        let inner = self.lock();
        let from = (resource.to_string(), namespace.to_string(), String::new());
        inner
            .controllerless
            .range(from..)
            .take_while(|(r, n, _)| r == resource && n == namespace)
            .filter_map(|k| inner.objects.get(k).cloned())
            .collect()
    }

    /// All objects of every resource whose `metadata.ownerReferences` name `uid`.
    pub fn dependents(&self, uid: &str) -> Vec<(Key, Arc<Value>)> {
        let inner = self.lock();
        let Some(keys) = inner.owned.get(uid) else {
            return Vec::new();
        };
        keys.iter()
            .filter_map(|k| Some((k.clone(), inner.objects.get(k)?.clone())))
            .collect()
    }

    /// Atomically reads the current object and commits what `f` decides. `f` gets the
    /// current object and the resourceVersion the write will carry; the store sets
    /// `metadata.resourceVersion` itself.
    pub fn mutate<E>(
        &self,
        resource: &str,
        namespace: &str,
        name: &str,
        f: impl FnOnce(Option<&Arc<Value>>, u64) -> Result<Change, E>,
    ) -> Result<Option<Committed>, E>
    where
        E: From<io::Error>,
    {
        let key: Key = (
            resource.to_string(),
            namespace.to_string(),
            name.to_string(),
        );
        let mut inner = self.lock();
        let current = inner.objects.get(&key).cloned();
        let next = inner.rv + 1;
        let change = f(current.as_ref(), next)?;
        let (kind, object) = match change {
            Change::Nothing => {
                return Ok(current.map(|object| Committed {
                    rv: inner.rv,
                    object,
                    kind: EventKind::Modified,
                }));
            }
            Change::Put(mut obj) => {
                obj["metadata"]["resourceVersion"] = json!(next.to_string());
                let kind = if current.is_some() {
                    EventKind::Modified
                } else {
                    EventKind::Added
                };
                (kind, Arc::new(obj))
            }
            Change::Delete => {
                let Some(cur) = current.clone() else {
                    return Ok(None);
                };
                let mut obj = (*cur).clone();
                obj["metadata"]["resourceVersion"] = json!(next.to_string());
                (EventKind::Deleted, Arc::new(obj))
            }
        };
        if let Some(log) = inner.log.as_mut() {
            let record = match kind {
                EventKind::Deleted => json!({"rv": next, "del": [&key.0, &key.1, &key.2]}),
                _ => json!({"rv": next, "put": [&key.0, &key.1, &key.2], "obj": &*object}),
            };
            let mut line = serde_json::to_vec(&record).map_err(io::Error::other)?;
            line.push(b'\n');
            log.file.write_all(&line)?;
            log.records += 1;
        }
        inner.rv = next;
        match kind {
            EventKind::Deleted => inner.remove(&key),
            _ => inner.insert(key.clone(), object.clone()),
        }
        let event = Arc::new(Event {
            rv: next,
            kind,
            key,
            object: object.clone(),
            previous: if kind == EventKind::Modified {
                current
            } else {
                None
            },
        });
        inner.history.push_back(event.clone());
        if inner.history.len() > HISTORY
            && let Some(old) = inner.history.pop_front()
        {
            inner.oldest = old.rv;
        }
        // Sent under the lock so that watchers see events in commit order and a watch
        // that subscribes under the lock misses nothing.
        let _ = self.events.send(event);
        let needs_compaction = inner
            .log
            .as_ref()
            .is_some_and(|l| l.records >= COMPACT_AFTER);
        if needs_compaction {
            let dir = inner.log.as_ref().map(|l| l.dir.clone());
            if let Some(dir) = dir {
                compact(&dir, &inner)?;
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .truncate(false)
                    .open(dir.join("log.jsonl"))?;
                inner.log = Some(Log {
                    dir,
                    file,
                    records: 0,
                });
            }
        }
        Ok(Some(Committed {
            rv: next,
            object,
            kind,
        }))
    }

    /// Starts a watch: the events after `rv` (when given) that are still in the history,
    /// or, without `rv`, the current objects as `Added` events; and a receiver for what
    /// follows. Both are taken under one lock, so nothing is missed or repeated.
    pub fn watch(
        &self,
        resource: &str,
        namespace: Option<&str>,
        rv: Option<u64>,
    ) -> Result<WatchStart, Gone> {
        let inner = self.lock();
        let rx = self.events.subscribe();
        let backlog = match rv {
            Some(rv) => {
                if rv + 1 < inner.oldest && rv < inner.rv {
                    return Err(Gone {
                        requested: rv,
                        oldest: inner.oldest,
                    });
                }
                inner
                    .history
                    .iter()
                    .filter(|e| e.rv > rv && matches(&e.key, resource, namespace))
                    .cloned()
                    .collect()
            }
            None => range(&inner.objects, resource, namespace)
                .map(|(k, v)| {
                    Arc::new(Event {
                        rv: inner.rv,
                        kind: EventKind::Added,
                        key: k.clone(),
                        object: v.clone(),
                        previous: None,
                    })
                })
                .collect(),
        };
        Ok((backlog, inner.rv, rx))
    }
}

/// Whether an event key belongs to a watch on `resource` in `namespace`.
pub fn matches(key: &Key, resource: &str, namespace: Option<&str>) -> bool {
    key.0 == resource && namespace.is_none_or(|ns| key.1 == ns)
}

fn range<'a>(
    objects: &'a BTreeMap<Key, Arc<Value>>,
    resource: &str,
    namespace: Option<&str>,
) -> impl Iterator<Item = (&'a Key, &'a Arc<Value>)> + 'a {
    let ns = namespace.map(str::to_string);
    let start: Key = (
        resource.to_string(),
        ns.clone().unwrap_or_default(),
        String::new(),
    );
    let resource = resource.to_string();
    objects
        .range(start..)
        .take_while(move |(k, _)| k.0 == resource && ns.as_ref().is_none_or(|n| &k.1 == n))
}

fn load(dir: &Path, inner: &mut Inner) -> io::Result<()> {
    let snapshot = dir.join("snapshot.jsonl");
    if snapshot.exists() {
        for line in BufReader::new(File::open(&snapshot)?).lines() {
            let line = line?;
            let rec: Value = serde_json::from_str(&line).map_err(|e| {
                io::Error::other(format!("{}: corrupt snapshot: {e}", snapshot.display()))
            })?;
            apply_record(inner, &rec);
        }
    }
    // Records already folded into the snapshot (a crash between writing the snapshot
    // and emptying the log) are skipped.
    let snapshot_rv = inner.rv;
    let log = dir.join("log.jsonl");
    if log.exists() {
        let data = fs::read(&log)?;
        for line in data.split(|b| *b == b'\n') {
            if line.is_empty() {
                continue;
            }
            // A line that does not parse can only be the torn last write of a killed
            // process: it was never acknowledged, so it is dropped.
            let Ok(rec) = serde_json::from_slice::<Value>(line) else {
                tracing::warn!(file = %log.display(), "dropping a torn record at the end of the log");
                break;
            };
            if rec["rv"].as_u64().unwrap_or(0) > snapshot_rv {
                apply_record(inner, &rec);
            }
        }
    }
    Ok(())
}

fn apply_record(inner: &mut Inner, rec: &Value) {
    let rv = rec["rv"].as_u64().unwrap_or(0);
    let key_of = |v: &Value| -> Option<Key> {
        let a = v.as_array()?;
        Some((
            a.first()?.as_str()?.to_string(),
            a.get(1)?.as_str()?.to_string(),
            a.get(2)?.as_str()?.to_string(),
        ))
    };
    if let Some(key) = rec.get("put").and_then(key_of) {
        inner.insert(key, Arc::new(rec["obj"].clone()));
    } else if let Some(key) = rec.get("del").and_then(key_of) {
        inner.remove(&key);
    }
    inner.rv = inner.rv.max(rv);
}

/// Writes every object into a fresh snapshot (atomically renamed) and empties the log.
fn compact(dir: &Path, inner: &Inner) -> io::Result<()> {
    let tmp = dir.join("snapshot.jsonl.tmp");
    {
        let mut w = io::BufWriter::new(File::create(&tmp)?);
        writeln!(w, "{}", json!({"rv": inner.rv}))?;
        for (k, v) in &inner.objects {
            let rec = json!({"rv": inner.rv, "put": [&k.0, &k.1, &k.2], "obj": &**v});
            serde_json::to_writer(&mut w, &rec).map_err(io::Error::other)?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    fs::rename(&tmp, dir.join("snapshot.jsonl"))?;
    File::create(dir.join("log.jsonl"))?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(store: &Store, name: &str, v: i64) -> u64 {
        store
            .mutate::<io::Error>("/configmaps", "default", name, |_, _| {
                Ok(Change::Put(
                    json!({"metadata": {"name": name}, "data": {"v": v}}),
                ))
            })
            .expect("write")
            .expect("committed")
            .rv
    }

    #[test]
    fn writes_survive_a_restart_and_versions_keep_increasing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let last = {
            let s = Store::open(Some(dir.path())).expect("open");
            put(&s, "a", 1);
            put(&s, "b", 2);
            s.mutate::<io::Error>("/configmaps", "default", "a", |_, _| Ok(Change::Delete))
                .expect("delete");
            put(&s, "b", 3)
        };
        // A torn record, as a kill during a write leaves it.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join("log.jsonl"))
            .expect("log");
        f.write_all(b"{\"rv\":99,\"put\":[\"/configmaps\",\"default\",\"c\"],\"obj\":{")
            .expect("append");
        let s = Store::open(Some(dir.path())).expect("reopen");
        assert!(s.get("/configmaps", "default", "a").is_none());
        assert!(s.get("/configmaps", "default", "c").is_none());
        let b = s.get("/configmaps", "default", "b").expect("b kept");
        assert_eq!(b["data"]["v"], 3);
        assert_eq!(s.current_rv(), last);
        assert!(put(&s, "d", 4) > last);
    }

    #[test]
    fn a_watch_replays_history_after_the_given_version() {
        let s = Store::open(None).expect("open");
        let first = put(&s, "a", 1);
        put(&s, "b", 2);
        let (backlog, _, _rx) = s
            .watch("/configmaps", Some("default"), Some(first))
            .expect("watch");
        assert_eq!(backlog.len(), 1);
        assert_eq!(backlog[0].key.2, "b");
        let (all, _, _rx) = s.watch("/configmaps", None, None).expect("watch");
        assert_eq!(all.len(), 2);
    }
}
