//! The embedded default cluster: a single process that speaks the Kubernetes REST API
//! well enough that real `kubectl` and real kube-rs work against it unchanged.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sandbox = plumb_sandbox::Sandbox::start(plumb_sandbox::Options::default()).await?;
//! println!("{}", sandbox.url());
//! sandbox.stop().await;
//! # Ok(()) }
//! ```

pub mod api;
pub mod clock;
pub mod kinds;
pub mod protobuf;
pub mod registry;
pub mod sim;
pub mod store;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use api::AppState;
use registry::Registry;
use store::Store;

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Keep objects in this directory across restarts (in memory when `None`).
    pub state: Option<PathBuf>,
    /// Faults to inject from the start (also settable at `/sandbox/faults`).
    pub faults: api::faults::Faults,
    /// Run the workload simulator (Deployments → ReplicaSets → Pods, a kubelet).
    pub simulate: bool,
    /// How the simulator behaves (pod readiness delay, resync period).
    pub sim: sim::SimOptions,
    /// Simulated seconds per real second (timestamps, delays, deadlines, traffic).
    pub time_scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            state: None,
            faults: api::faults::Faults::default(),
            simulate: false,
            sim: sim::SimOptions::default(),
            time_scale: 1.0,
        }
    }
}

/// A running sandbox API server.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
    simulator: Option<JoinHandle<()>>,
}

/// The namespaces every cluster starts with.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

impl Sandbox {
    /// Starts the server on `opts.listen` and returns once it accepts requests.
    pub async fn start(opts: Options) -> std::io::Result<Sandbox> {
        let store = Arc::new(Store::open(opts.state.as_deref())?);
        let registry = Registry::with_builtins();
        // CRDs stored before a restart serve their resources again.
        let (crds, _) = store.list("apiextensions.k8s.io/customresourcedefinitions", None);
        for crd in crds {
            if let Err(e) = registry.register_crd(&crd) {
                tracing::warn!(crd = %crd["metadata"]["name"], error = %e, "stored CRD not registered");
            }
        }
        let listener = tokio::net::TcpListener::bind(opts.listen).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let state = Arc::new(AppState::new(
            store,
            registry,
            url,
            opts.faults.clone(),
            clock::Clock::new(opts.time_scale),
            opts.sim.profiles.clone(),
        ));
        bootstrap(&state)?;
        let simulator = opts
            .simulate
            .then(|| sim::spawn(state.clone(), opts.sim.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        let app = api::router(state.clone());
        // Watch events are small writes: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold each one back for ~40 ms.
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY not set");
            }
        });
        let task = tokio::spawn(async move {
            let server = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = rx.await;
            });
            if let Err(e) = server.await {
                tracing::error!(error = %e, "sandbox server failed");
            }
        });
        Ok(Sandbox {
            addr,
            state,
            shutdown: Some(tx),
            task,
            simulator,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The object store (for in-process inspection).
    pub fn store(&self) -> &Arc<Store> {
        &self.state.store
    }

    /// A kubeconfig for this server: cluster, user and context `plumb-sandbox`.
    pub fn kubeconfig(&self) -> String {
        kubeconfig_yaml(&self.url())
    }

    /// Writes the kubeconfig to `path` (parent directories created).
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, self.kubeconfig())?;
        std::fs::rename(tmp, path)
    }

    /// Stops the server: open watches end, the listener closes.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(sim) = self.simulator.take() {
            sim.abort();
        }
        self.task.abort();
        let _ = (&mut self.task).await;
    }
}

/// Kubeconfig text pointing at `url`.
pub fn kubeconfig_yaml(url: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: plumb-sandbox\n  cluster:\n    server: {url}\nusers:\n- name: plumb-sandbox\n  user: {{}}\ncontexts:\n- name: plumb-sandbox\n  context:\n    cluster: plumb-sandbox\n    user: plumb-sandbox\n    namespace: default\ncurrent-context: plumb-sandbox\n"
    )
}

/// Creates the system namespaces when they are missing.
fn bootstrap(state: &Arc<AppState>) -> std::io::Result<()> {
    let ty = state
        .registry
        .get("", "v1", "namespaces")
        .ok_or_else(|| std::io::Error::other("the namespaces resource is not registered"))?;
    let opts = api::write::WriteOpts {
        manager: "kube-apiserver",
        subresource: None,
        dry_run: false,
    };
    for ns in SYSTEM_NAMESPACES {
        if state.store.get("/namespaces", "", ns).is_some() {
            continue;
        }
        let obj = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        api::write::create_object(state, &ty, "", obj, &opts)
            .map_err(|e| std::io::Error::other(e.message))?;
    }
    // The API server's own Service, as every cluster has it.
    if state
        .store
        .get("/services", "default", "kubernetes")
        .is_none()
    {
        let svc_ty = state
            .registry
            .get("", "v1", "services")
            .ok_or_else(|| std::io::Error::other("the services resource is not registered"))?;
        let obj = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "type": "ClusterIP",
                     "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]},
        });
        api::write::create_object(state, &svc_ty, "default", obj, &opts)
            .map_err(|e| std::io::Error::other(e.message))?;
    }
    Ok(())
}
