//! `plumb up`: everything on the embedded default, in one command.
//!
//! Today this is the sandbox cluster; the demo Git repository and the engine join it as
//! they land (see the README).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `plumb up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// Address of the sandbox API server (port 0 picks a free port)
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Working directory for the kubeconfig and state
    #[arg(long, default_value = ".plumb")]
    pub dir: PathBuf,
}

pub fn run(args: UpArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let stop = crate::sandbox::shutdown_signal()?;
        let opts = plumb_sandbox::Options {
            listen: args.listen,
            state: None,
        };
        let sandbox = plumb_sandbox::Sandbox::start(opts)
            .await
            .with_context(|| format!("starting the sandbox on {}", args.listen))?;
        let kubeconfig = args.dir.join("sandbox.kubeconfig");
        sandbox
            .write_kubeconfig(&kubeconfig)
            .with_context(|| format!("writing the kubeconfig {}", kubeconfig.display()))?;
        println!("plumb is up");
        println!("  sandbox cluster: {}", sandbox.url());
        println!("  kubeconfig:      {}", kubeconfig.display());
        println!();
        println!("Try, in another terminal:");
        println!("  export KUBECONFIG={}", kubeconfig.display());
        println!("  kubectl create deployment my-app --image=myapp:v1.1.0 --replicas=3");
        println!("  kubectl scale deployment my-app --replicas=5");
        println!("  kubectl get deployments,namespaces");
        println!();
        println!("Ctrl-C stops everything.");
        stop.await;
        sandbox.stop().await;
        Ok(ExitCode::SUCCESS)
    })
}
