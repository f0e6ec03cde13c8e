//! [`Source`]: the async entry point the engine calls. One bare mirror per
//! repository, one fetch at a time per mirror with concurrent callers
//! coalesced, commit trees cached on disk under an LRU bound.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::mirror::Mirror;
use crate::revision::{RemoteRefs, ResolvedRevision, looks_like_sha, validate_revision};
use crate::tree;
use crate::url::RepoUrl;

/// Settings of a [`Source`]; `SourceOptions::new(cache_dir)` gives the defaults.
#[derive(Debug, Clone)]
pub struct SourceOptions {
    /// Root of the cache: mirrors go to `repos/`, trees to `trees/`.
    pub cache_dir: PathBuf,
    /// Credentials for http(s) remotes.
    pub credentials: Credentials,
    /// Commit trees kept on disk; the least recently used beyond this are
    /// deleted (never one held by a live [`Checkout`]). Default 64.
    pub max_trees: usize,
    /// Give up on a fetch after this long (a transient [`Error::FetchFailed`]). Default 5 minutes.
    pub fetch_timeout: Duration,
    /// Reuse the result of a fetch younger than this instead of fetching again
    /// (webhooks call [`Source::refresh`] to skip it). Default zero: always fetch.
    pub min_fetch_interval: Duration,
}

impl SourceOptions {
    /// Defaults with the given cache directory and no credentials.
    pub fn new(cache_dir: impl Into<PathBuf>) -> Self {
        SourceOptions {
            cache_dir: cache_dir.into(),
            credentials: Credentials::none(),
            max_trees: 64,
            fetch_timeout: Duration::from_secs(300),
            min_fetch_interval: Duration::ZERO,
        }
    }
}

/// A materialized commit tree and the Application directory inside it.
///
/// The tree stays on disk at least as long as this value lives: keep it while
/// rendering. Files are read-only and shared with other Applications.
#[derive(Debug, Clone)]
pub struct Checkout {
    /// The revision that was asked for, resolved.
    pub revision: ResolvedRevision,
    /// Root of the repository tree at that commit (`<cache>/trees/<sha>`).
    pub root: PathBuf,
    /// The Application directory: `root` joined with the confined `path`.
    pub dir: PathBuf,
    _lease: Arc<()>,
}

/// The result of the latest fetch of one mirror.
struct LastFetch {
    seq: u64,
    at: Instant,
    result: Result<Arc<RemoteRefs>>,
}

#[derive(Default)]
struct Counters {
    /// Sequence number of the latest fetch started.
    started: u64,
    /// Sequence number of the latest fetch finished.
    completed: u64,
}

#[derive(Default)]
struct RepoSlot {
    /// Read on arrival to know which fetch results are fresh enough.
    counters: Mutex<Counters>,
    /// Held for the whole of a fetch: one fetch per mirror at a time.
    last: tokio::sync::Mutex<Option<LastFetch>>,
}

#[derive(Default)]
struct TreeLru {
    tick: u64,
    entries: HashMap<String, (u64, Arc<()>)>,
}

struct Inner {
    options: SourceOptions,
    repos: Mutex<HashMap<String, Arc<RepoSlot>>>,
    trees: Mutex<TreeLru>,
}

/// The Git read path: fetch, resolve, materialize. Cheap to clone; clones share
/// mirrors, in-flight fetches and the tree cache.
#[derive(Clone)]
pub struct Source {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl Source {
    /// A source caching under `options.cache_dir` (created if missing).
    ///
    /// Trees already on disk are adopted into the LRU, oldest first.
    pub fn new(options: SourceOptions) -> Result<Self> {
        // reqwest is built without a TLS provider of its own: install ring's
        // as the process default (a no-op if the host program installed one).
        #[cfg(feature = "https")]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let trees_dir = options.cache_dir.join("trees");
        for dir in [options.cache_dir.join("repos"), trees_dir.clone()] {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        }
        let mut found = Vec::new();
        for entry in
            std::fs::read_dir(&trees_dir).map_err(|e| Error::io("reading", &trees_dir, e))?
        {
            let entry = entry.map_err(|e| Error::io("reading", &trees_dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                // A leftover of an interrupted write.
                tree::remove_tree(&entry.path());
                continue;
            }
            let modified = entry.metadata().and_then(|m| m.modified()).ok();
            found.push((modified, name));
        }
        found.sort();
        let mut lru = TreeLru::default();
        for (_, name) in found {
            lru.tick += 1;
            lru.entries.insert(name, (lru.tick, Arc::new(())));
        }
        Ok(Source {
            inner: Arc::new(Inner {
                options,
                repos: Mutex::new(HashMap::new()),
                trees: Mutex::new(lru),
            }),
        })
    }

    fn mirror(&self, url: &RepoUrl) -> Mirror {
        Mirror {
            path: self
                .inner
                .options
                .cache_dir
                .join("repos")
                .join(url.cache_name()),
            url: url.clone(),
        }
    }

    fn slot(&self, url: &RepoUrl) -> Arc<RepoSlot> {
        let mut repos = self
            .inner
            .repos
            .lock()
            .expect("repo map lock is never poisoned: no panics under it");
        repos.entry(url.key.clone()).or_default().clone()
    }

    /// Number of fetches started for `repo_url` by this source (for metrics and tests).
    pub fn fetches_started(&self, repo_url: &str) -> u64 {
        RepoUrl::parse(repo_url).map_or(0, |url| {
            self.slot(&url)
                .counters
                .lock()
                .expect("counter lock is never poisoned: no panics under it")
                .started
        })
    }

    /// Fetch `repo_url` into its mirror, unless a fetch younger than
    /// `min_fetch_interval` exists, and return the refs the remote advertised.
    ///
    /// Callers arriving while a fetch of the same repository runs wait for it
    /// and share its result: one fetch per repository at a time, however many
    /// Applications use it. The fetch runs to completion even if the caller
    /// is dropped.
    pub async fn fetch(&self, repo_url: &str) -> Result<Arc<RemoteRefs>> {
        self.spawn_fetch(repo_url, self.inner.options.min_fetch_interval, true)
            .await
    }

    /// Fetch `repo_url` with a fetch that starts after this call, ignoring
    /// `min_fetch_interval`: for webhooks, so a push announced before the call
    /// is always seen. Concurrent `refresh` calls still share one fetch.
    pub async fn refresh(&self, repo_url: &str) -> Result<Arc<RemoteRefs>> {
        self.spawn_fetch(repo_url, Duration::ZERO, false).await
    }

    async fn spawn_fetch(
        &self,
        repo_url: &str,
        max_age: Duration,
        join_in_flight: bool,
    ) -> Result<Arc<RemoteRefs>> {
        let url = RepoUrl::parse(repo_url)?;
        let this = self.clone();
        tokio::spawn(async move { this.fetch_coalesced(url, max_age, join_in_flight).await })
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    }

    async fn fetch_coalesced(
        &self,
        url: RepoUrl,
        max_age: Duration,
        join_in_flight: bool,
    ) -> Result<Arc<RemoteRefs>> {
        let slot = self.slot(&url);
        let (arrived, in_flight) = {
            let c = slot
                .counters
                .lock()
                .expect("counter lock is never poisoned: no panics under it");
            (c.started, c.started > c.completed)
        };
        let mut last = slot.last.lock().await;
        if let Some(prev) = last.as_ref() {
            let fresh = prev.seq > arrived
                || (join_in_flight && in_flight && prev.seq == arrived)
                || (prev.result.is_ok() && !max_age.is_zero() && prev.at.elapsed() < max_age);
            if fresh {
                return prev.result.clone();
            }
        }
        let seq = {
            let mut c = slot
                .counters
                .lock()
                .expect("counter lock is never poisoned: no panics under it");
            c.started += 1;
            c.started
        };
        let account = match url.userinfo {
            Some(_) => None,
            None => self
                .inner
                .options
                .credentials
                .lookup(&url.fetch_url)
                .cloned(),
        };
        let mirror = self.mirror(&url);
        let interrupt = Arc::new(AtomicBool::new(false));
        let span = tracing::info_span!("fetch", repo.url = %url.display, repo.scheme = ?url.scheme, fetch.seq = seq);
        let task = {
            let interrupt = interrupt.clone();
            let span = span.clone();
            tokio::task::spawn_blocking(move || {
                let _entered = span.enter();
                let started = Instant::now();
                let result = mirror.fetch(account.as_ref(), &interrupt);
                match &result {
                    Ok(refs) => tracing::info!(
                        duration_ms = started.elapsed().as_millis() as u64,
                        refs = refs.refs.len(),
                        "fetched"
                    ),
                    Err(e) => {
                        tracing::warn!(duration_ms = started.elapsed().as_millis() as u64, error = %e, "fetch failed")
                    }
                }
                result
            })
        };
        let result = match tokio::time::timeout(self.inner.options.fetch_timeout, task).await {
            Ok(Ok(result)) => result.map(Arc::new),
            Ok(Err(join)) => Err(Error::Task(join.to_string())),
            Err(_) => {
                interrupt.store(true, Ordering::SeqCst);
                Err(Error::FetchFailed {
                    url: url.display.clone(),
                    message: format!("timed out after {:?}", self.inner.options.fetch_timeout),
                    transient: true,
                })
            }
        };
        *last = Some(LastFetch {
            seq,
            at: Instant::now(),
            result: result.clone(),
        });
        slot.counters
            .lock()
            .expect("counter lock is never poisoned: no panics under it")
            .completed = seq;
        result
    }

    /// Resolve `revision` (branch, tag, full or abbreviated SHA, `HEAD`; empty
    /// means `HEAD`) in `repo_url` to a commit, fetching first.
    ///
    /// The revision is validated before anything touches the network. A full
    /// SHA already in the mirror is resolved without fetching.
    pub async fn resolve(&self, repo_url: &str, revision: &str) -> Result<ResolvedRevision> {
        let revision = if revision.is_empty() {
            "HEAD"
        } else {
            revision
        };
        validate_revision(revision)?;
        let url = RepoUrl::parse(repo_url)?;
        let mirror = self.mirror(&url);
        if revision.len() == 40 && looks_like_sha(revision) {
            let rev = revision.to_ascii_lowercase();
            let found = blocking(move || {
                if !mirror.path.join("HEAD").is_file() {
                    return Ok(None);
                }
                let repo = mirror.open()?;
                mirror.lookup_sha(&repo, &rev)
            })
            .await?;
            if let Some(id) = found {
                return Ok(ResolvedRevision {
                    name: None,
                    commit: id.to_hex().to_string(),
                });
            }
        }
        let refs = self.fetch(repo_url).await?;
        let mirror = self.mirror(&url);
        let revision = revision.to_owned();
        blocking(move || {
            let repo = mirror.open()?;
            if let Some((name, id)) = refs.lookup(&revision) {
                let commit = mirror.peel_to_commit(&repo, id, &revision)?;
                return Ok(ResolvedRevision {
                    name: Some(name),
                    commit: commit.to_hex().to_string(),
                });
            }
            if looks_like_sha(&revision)
                && let Some(id) = mirror.lookup_sha(&repo, &revision.to_ascii_lowercase())?
            {
                return Ok(ResolvedRevision {
                    name: None,
                    commit: id.to_hex().to_string(),
                });
            }
            Err(Error::RevisionNotFound {
                revision,
                url: mirror.url.display.clone(),
            })
        })
        .await
    }

    /// Fetch, resolve `revision`, materialize the commit's tree and confine
    /// the Application `path` (empty or `.` for the root) to it.
    pub async fn checkout(&self, repo_url: &str, revision: &str, path: &str) -> Result<Checkout> {
        let resolved = self.resolve(repo_url, revision).await?;
        let (root, lease) = self.materialize(repo_url, &resolved.commit).await?;
        let path = path.to_owned();
        let root2 = root.clone();
        let dir = blocking(move || tree::confine(&root2, &path)).await?;
        Ok(Checkout {
            revision: resolved,
            root,
            dir,
            _lease: lease,
        })
    }

    /// Materialize the tree of `commit` (full hex SHA, present in the mirror
    /// of `repo_url`) to `<cache>/trees/<sha>/` and return it, with a lease
    /// that keeps it from eviction while held.
    async fn materialize(&self, repo_url: &str, commit: &str) -> Result<(PathBuf, Arc<()>)> {
        let url = RepoUrl::parse(repo_url)?;
        let mirror = self.mirror(&url);
        let id = gix::ObjectId::from_hex(commit.as_bytes()).map_err(|e| Error::MirrorFailed {
            url: url.display.clone(),
            message: e.to_string(),
        })?;
        let trees_dir = self.inner.options.cache_dir.join("trees");
        let span = tracing::info_span!("materialize", repo.url = %url.display, commit = %commit);
        let root = blocking(move || {
            let _entered = span.enter();
            let repo = mirror.open()?;
            tree::materialize(&mirror, &repo, id, &trees_dir)
        })
        .await?;
        let (lease, evict) = self.touch_tree(commit);
        for dir in evict {
            let path = self.inner.options.cache_dir.join("trees").join(dir);
            blocking(move || {
                tree::remove_tree(&path);
                Ok(())
            })
            .await?;
        }
        Ok((root, lease))
    }

    /// Mark `commit` as used now; return its lease and the trees to evict.
    fn touch_tree(&self, commit: &str) -> (Arc<()>, Vec<String>) {
        let mut lru = self
            .inner
            .trees
            .lock()
            .expect("tree LRU lock is never poisoned: no panics under it");
        lru.tick += 1;
        let tick = lru.tick;
        let lease = {
            let entry = lru
                .entries
                .entry(commit.to_owned())
                .or_insert_with(|| (tick, Arc::new(())));
            entry.0 = tick;
            entry.1.clone()
        };
        let max = self.inner.options.max_trees.max(1);
        let mut evict = Vec::new();
        if lru.entries.len() > max {
            let mut candidates: Vec<(u64, String)> = lru
                .entries
                .iter()
                .filter(|(_, (_, lease))| Arc::strong_count(lease) == 1)
                .map(|(name, (tick, _))| (*tick, name.clone()))
                .collect();
            candidates.sort();
            let excess = lru.entries.len() - max;
            for (_, name) in candidates.into_iter().take(excess) {
                lru.entries.remove(&name);
                evict.push(name);
            }
        }
        (lease, evict)
    }

    /// The cache directory trees and mirrors live in.
    pub fn cache_dir(&self) -> &Path {
        &self.inner.options.cache_dir
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Task(e.to_string()))?
}
