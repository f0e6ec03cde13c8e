//! `plumb up`: everything on the embedded default — the sandbox cluster, a demo Git
//! repository with the seed's application, the Application CRD and the seed's
//! Application, and the engine syncing it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context;

const DEMO_FILES: &[(&str, &str)] = &[
    (
        "manifests/prod/kustomization.yaml",
        include_str!("../assets/demo/manifests/prod/kustomization.yaml"),
    ),
    (
        "manifests/prod/deployment.yaml",
        include_str!("../assets/demo/manifests/prod/deployment.yaml"),
    ),
    (
        "manifests/prod/service.yaml",
        include_str!("../assets/demo/manifests/prod/service.yaml"),
    ),
    (
        "manifests/prod/configmap.yaml",
        include_str!("../assets/demo/manifests/prod/configmap.yaml"),
    ),
];
const DEMO_APPLICATION: &str = include_str!("../assets/demo/application.yaml");

/// Arguments of `plumb up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Address of the sandbox API server (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Address of plumb's HTTP API
    #[arg(long, default_value = "127.0.0.1:0")]
    pub api_listen: SocketAddr,
    /// Working directory: kubeconfig, demo repository, state
    #[arg(long, default_value = ".plumb")]
    pub dir: PathBuf,
    /// How often the demo repository is fetched (Go duration)
    #[arg(long, default_value = "5s", value_parser = |s: &str| plumb_model::duration::parse(s).map_err(|e| e.to_string()))]
    pub repo_poll_interval: Duration,
}

pub fn run(args: UpArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let stop = crate::sandbox::shutdown_signal()?;
        std::fs::create_dir_all(&args.dir)
            .with_context(|| format!("creating {}", args.dir.display()))?;
        let dir = args.dir.canonicalize()?;
        let sandbox = plumb_sandbox::Sandbox::start(plumb_sandbox::Options {
            listen: args.listen,
            // The demo runs pods: Deployments roll out and become healthy.
            simulate: true,
            ..Default::default()
        })
        .await
        .with_context(|| format!("starting the sandbox on {}", args.listen))?;
        let kubeconfig = dir.join("sandbox.kubeconfig");
        sandbox
            .write_kubeconfig(&kubeconfig)
            .with_context(|| format!("writing the kubeconfig {}", kubeconfig.display()))?;
        let repo = dir.join("demo-repo");
        ensure_demo_repo(&repo)?;

        let client = kube::Client::try_from(kube::Config::new(sandbox.url().parse()?))?;
        let cluster = plumb_cluster::Cluster::from_client(client);
        crate::install::install(&cluster).await?;
        let ns = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "argocd"}});
        cluster.apply(&ns, false).await.context("creating namespace argocd")?;
        let text = DEMO_APPLICATION.replace("REPO_URL", &format!("file://{}", repo.display()));
        let app: serde_json::Value = serde_saphyr::from_str(&text).context("the demo Application")?;
        cluster.apply(&app, false).await.context("registering the demo Application")?;

        let serve_args = crate::serve::ServeArgs {
            kubeconfig: None,
            apps: None,
            app_namespace: "argocd".into(),
            state: dir.join("state"),
            listen: args.api_listen,
            repo_poll_interval: args.repo_poll_interval,
        };
        let running = crate::serve::start(crate::engine::Clusters::local(cluster), &serve_args).await?;
        println!("plumb is up");
        println!("  sandbox cluster: {}", sandbox.url());
        println!("  kubeconfig:      {}", kubeconfig.display());
        println!("  plumb API:       http://{}", running.addr);
        println!("  demo repository: {} (Application my-app, path manifests/prod)", repo.display());
        println!();
        println!("Try, in another terminal:");
        println!("  export KUBECONFIG={}", kubeconfig.display());
        println!("  kubectl get applications -n argocd; kubectl get all -n production");
        println!("  1. kubectl scale deployment my-app -n production --replicas=5   # healed back to 3");
        println!("  2. edit {}/manifests/prod/configmap.yaml and git commit        # synced", repo.display());
        println!("  3. git rm manifests/prod/service.yaml (drop it from kustomization.yaml), commit  # pruned");
        println!();
        println!("Ctrl-C stops everything.");
        stop.await;
        sandbox.stop().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Creates the demo repository (once): the seed's application in `manifests/prod`.
fn ensure_demo_repo(repo: &Path) -> anyhow::Result<()> {
    if repo.join(".git").exists() {
        return Ok(());
    }
    for (path, content) in DEMO_FILES {
        let p = repo.join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, content)?;
    }
    git(repo, &["init", "-q", "-b", "main"])?;
    git(repo, &["add", "--all"])?;
    git(repo, &["commit", "-q", "-m", "Deploy my-app v1.1.0"])?;
    Ok(())
}

fn git(repo: &Path, args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args([
            "-c",
            "user.name=plumb-bot",
            "-c",
            "user.email=plumb-bot@users.noreply.local",
        ])
        .args(args)
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        anyhow::bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
