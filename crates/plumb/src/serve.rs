//! `plumb serve`: the engine, its Applications (from the cluster or a directory), the
//! HTTP API and webhooks.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::core::{ApiResource, GroupVersionKind};
use kube::runtime::watcher;
use plumb_model::Application;
use serde_json::Value;

use crate::engine::store::{ClusterStore, FileStore};
use crate::engine::{Clusters, Engine, EngineOptions, StatusStore};

/// Arguments of `plumb serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Kubeconfig of the cluster plumb runs against (default: as kubectl finds one)
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Read Applications from this directory (standalone mode) instead of the cluster
    #[arg(long)]
    pub apps: Option<PathBuf>,
    /// Namespace whose Application objects plumb manages (cluster mode)
    #[arg(long, default_value = "argocd")]
    pub app_namespace: String,
    /// State directory: Git cache, and status in standalone mode
    #[arg(long, default_value = ".plumb/state")]
    pub state: PathBuf,
    /// Address of the HTTP API and webhooks
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// How often every repository is fetched (Go duration, e.g. 3m)
    #[arg(long, default_value = "3m", value_parser = parse_duration)]
    pub repo_poll_interval: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    plumb_model::duration::parse(s).map_err(|e| e.to_string())
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let stop = crate::sandbox::shutdown_signal()?;
        let clusters = load_clusters(args.kubeconfig.as_deref()).await?;
        let server = start(clusters, &args).await?;
        println!(
            "plumb serving: http://{} state={}",
            server.addr,
            args.state.display()
        );
        stop.await;
        Ok(ExitCode::SUCCESS)
    })
}

/// A running engine with its API.
pub struct Running {
    pub addr: SocketAddr,
}

/// The local cluster (the kubeconfig's current context, or in-cluster config) and every
/// other context of the kubeconfig as a destination.
pub async fn load_clusters(kubeconfig: Option<&Path>) -> anyhow::Result<Clusters> {
    let local = plumb_cluster::Cluster::connect(kubeconfig, None)
        .await
        .context("connecting to the cluster")?;
    let kc = match kubeconfig {
        Some(p) => kube::config::Kubeconfig::read_from(p).ok(),
        None => kube::config::Kubeconfig::read().ok(),
    };
    let Some(kc) = kc else {
        return Ok(Clusters::local(local));
    };
    let server_of = |ctx: &kube::config::NamedContext| -> Option<String> {
        let cluster = ctx.context.as_ref()?.cluster.clone();
        kc.clusters
            .iter()
            .find(|c| c.name == cluster)?
            .cluster
            .as_ref()?
            .server
            .clone()
    };
    let current = kc.current_context.clone();
    let mut clusters = Clusters::local(local);
    for ctx in &kc.contexts {
        if Some(&ctx.name) == current.as_ref() {
            clusters.local_server = server_of(ctx);
            continue;
        }
        let Some(server) = server_of(ctx) else {
            continue;
        };
        let path = kubeconfig.map(Path::to_path_buf);
        match plumb_cluster::Cluster::connect(path.as_deref(), Some(&ctx.name)).await {
            Ok(cluster) => clusters.others.push(crate::engine::clusters::NamedCluster {
                name: ctx.name.clone(),
                server,
                cluster,
            }),
            Err(e) => {
                tracing::warn!(context = %ctx.name, error = %e, "kubeconfig context not usable as a destination")
            }
        }
    }
    Ok(clusters)
}

/// Starts the engine, the Application source and the HTTP API.
pub async fn start(clusters: Clusters, args: &ServeArgs) -> anyhow::Result<Running> {
    let cluster = clusters.local.clone();
    let mut source_opts = plumb_source::SourceOptions::new(args.state.join("git"));
    source_opts.credentials =
        plumb_source::Credentials::from_env().context("reading Git credentials")?;
    let source = plumb_source::Source::new(source_opts).context("opening the Git cache")?;
    let store: Arc<dyn StatusStore> = match &args.apps {
        Some(_) => Arc::new(FileStore {
            dir: args.state.join("apps"),
        }),
        None => Arc::new(ClusterStore {
            client: cluster.client().clone(),
        }),
    };
    let engine = Engine::start(
        clusters,
        source,
        store,
        EngineOptions {
            poll_interval: args.repo_poll_interval,
            workers: 4,
        },
    );
    match &args.apps {
        Some(dir) => spawn_dir_loader(engine.clone(), dir.clone()).await?,
        None => spawn_cluster_loader(
            engine.clone(),
            cluster.client().clone(),
            &args.app_namespace,
        ),
    }
    let secrets = crate::api::webhook_secrets_from_env();
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = crate::api::router(engine.clone(), secrets);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "HTTP API stopped");
        }
    });
    if let Some(parent) = args.state.parent() {
        let _ = std::fs::create_dir_all(parent);
        let _ = std::fs::write(parent.join("server"), format!("http://{addr}\n"));
    }
    Ok(Running { addr })
}

/// Parses Application documents from YAML text.
pub fn parse_applications(text: &str, file: &Path) -> anyhow::Result<Vec<(Application, Value)>> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text)
        .with_context(|| format!("{}: not valid YAML", file.display()))?;
    let mut out = Vec::new();
    for doc in docs {
        if doc.is_null() {
            continue;
        }
        if doc["kind"] != "Application" {
            continue;
        }
        let app = Application::from_value(&doc).with_context(|| format!("{}", file.display()))?;
        out.push((app, doc));
    }
    Ok(out)
}

async fn load_dir(engine: &Engine, dir: &Path) -> anyhow::Result<()> {
    let mut seen = Vec::new();
    let mut entries = tokio::fs::read_dir(dir)
        .await
        .with_context(|| format!("reading Applications from {}", dir.display()))?;
    let mut files = Vec::new();
    while let Some(e) = entries.next_entry().await? {
        let p = e.path();
        if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            files.push(p);
        }
    }
    files.sort();
    for p in files {
        let text = tokio::fs::read_to_string(&p).await?;
        match parse_applications(&text, &p) {
            Ok(apps) => {
                for (app, raw) in apps {
                    seen.push(app.metadata.name.clone());
                    engine.upsert(app, raw).await;
                }
            }
            Err(e) => tracing::error!(error = format!("{e:#}"), "Application file refused"),
        }
    }
    for name in engine.names() {
        if !seen.contains(&name) {
            tracing::info!(app = %name, "Application file removed; no longer managed");
            engine.remove(&name);
        }
    }
    Ok(())
}

async fn spawn_dir_loader(engine: Engine, dir: PathBuf) -> anyhow::Result<()> {
    load_dir(&engine, &dir).await?;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            if let Err(e) = load_dir(&engine, &dir).await {
                tracing::warn!(error = format!("{e:#}"), "reloading Applications");
            }
        }
    });
    Ok(())
}

fn spawn_cluster_loader(engine: Engine, client: kube::Client, namespace: &str) {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("argoproj.io", "v1alpha1", "Application"),
        "applications",
    );
    let api: Api<DynamicObject> = Api::namespaced_with(client, namespace, &ar);
    tokio::spawn(async move {
        let mut stream = watcher(api, watcher::Config::default()).boxed();
        while let Some(ev) = stream.next().await {
            let (obj, deleted) = match ev {
                Ok(watcher::Event::Apply(o) | watcher::Event::InitApply(o)) => (o, false),
                Ok(watcher::Event::Delete(o)) => (o, true),
                Ok(_) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "watching Applications; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            let Ok(raw) = serde_json::to_value(&obj) else {
                continue;
            };
            if deleted {
                if let Some(n) = raw["metadata"]["name"].as_str() {
                    engine.remove(n);
                }
                continue;
            }
            match Application::from_value(&raw) {
                Ok(app) => engine.upsert(app, raw).await,
                Err(e) => tracing::error!(error = %e, "Application refused"),
            }
        }
    });
}
