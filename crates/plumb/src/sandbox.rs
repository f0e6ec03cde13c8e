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
}

pub fn run(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(serve(args))
}

async fn serve(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let opts = plumb_sandbox::Options {
        listen: args.listen,
        state: args.state.clone(),
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
    shutdown_signal().await;
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing a SIGTERM handler succeeds on Unix");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
