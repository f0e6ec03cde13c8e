//! `plumb sandbox`: run the embedded cluster until SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `plumb sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Where to write the kubeconfig for kubectl and plumb
    #[arg(long, default_value = ".plumb/sandbox.kubeconfig")]
    pub kubeconfig: PathBuf,
    /// Keep objects in this directory across restarts (in memory otherwise)
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Faults to inject (YAML or JSON: rules of verbs, kinds, code, rate; latencyMs;
    /// seed); also settable at runtime with PUT /sandbox/faults
    #[arg(long)]
    pub faults: Option<PathBuf>,
    /// Run the workload simulator: Deployments get ReplicaSets, ReplicaSets get Pods,
    /// and Pods become Running and Ready
    #[arg(long)]
    pub simulate: bool,
}

pub fn run(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve(args))
}

async fn serve(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    // Handlers first: a signal right after the ready line must stop cleanly.
    let stop = shutdown_signal()?;
    let faults = match &args.faults {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_saphyr::from_str(&text)
                .with_context(|| format!("{}: not a fault configuration", path.display()))?
        }
        None => Default::default(),
    };
    let opts = plumb_sandbox::Options {
        listen: args.listen,
        state: args.state.clone(),
        faults,
        simulate: args.simulate,
        ..Default::default()
    };
    let sandbox = plumb_sandbox::Sandbox::start(opts)
        .await
        .with_context(|| format!("starting the sandbox on {}", args.listen))?;
    sandbox
        .write_kubeconfig(&args.kubeconfig)
        .with_context(|| format!("writing the kubeconfig {}", args.kubeconfig.display()))?;
    println!(
        "sandbox ready: {} kubeconfig={}",
        sandbox.url(),
        args.kubeconfig.display()
    );
    stop.await;
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// Installs SIGINT and SIGTERM handlers; the future resolves on either.
pub fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("installing a SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("installing a SIGINT handler")?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
        }
    })
}
