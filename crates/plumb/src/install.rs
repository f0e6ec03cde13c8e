//! `plumb install`: the Application CRD, so that `kubectl get applications` works and
//! `plumb serve` can watch Applications.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// The Application CRD plumb serves (Argo CD compatible, with its printer columns).
pub const APPLICATION_CRD: &str = include_str!("../assets/application-crd.yaml");

/// Arguments of `plumb install`.
#[derive(Debug, clap::Args)]
pub struct InstallArgs {
    /// Kubeconfig of the target cluster (default: as kubectl finds one)
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
}

pub fn run(args: InstallArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let cluster = plumb_cluster::Cluster::connect(args.kubeconfig.as_deref(), None)
            .await
            .context("connecting to the cluster")?;
        install(&cluster).await?;
        println!("customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io serverside-applied");
        Ok(ExitCode::SUCCESS)
    })
}

/// Applies the Application CRD and waits until it is served.
pub async fn install(cluster: &plumb_cluster::Cluster) -> anyhow::Result<()> {
    let crd: serde_json::Value = serde_saphyr::from_str(APPLICATION_CRD)
        .context("the embedded Application CRD is valid YAML")?;
    cluster
        .apply(&crd, false)
        .await
        .context("applying the Application CRD")?;
    for _ in 0..100 {
        if cluster
            .resolve("argoproj.io/v1alpha1", "Application")
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    anyhow::bail!("the Application CRD was applied but is not served after 10s")
}
