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
    /// Serve the API only: no controllers, no kubelets (Deployments get no Pods)
    #[arg(long, conflicts_with = "simulate")]
    pub no_simulate: bool,
    /// Run the workload simulator (the default; kept for compatibility)
    #[arg(long, hide = true)]
    pub simulate: bool,
    /// Image behaviour profiles (YAML: `profiles: {"myapp:v9": {crashLoop: true}}`),
    /// reloaded when the file changes; also settable with PUT /sandbox/profiles
    #[arg(long)]
    pub profiles: Option<PathBuf>,
    /// Simulated seconds per real second (delays, back-offs, deadlines, traffic)
    #[arg(long, default_value_t = 1.0, value_parser = positive_f64)]
    pub time_scale: f64,
    /// Seed of the simulator's random choices (reproducible traffic and errors)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of simulated nodes (DaemonSets run one Pod on each)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub nodes: u16,
    /// Synthetic requests per simulated second to each Service with ready pods (a
    /// Service's `plumb.dev/traffic-rps` annotation overrides it; 0 turns traffic off)
    #[arg(long, default_value_t = 50.0, value_parser = non_negative_f64)]
    pub traffic_rps: f64,
    /// Also push the traffic's metrics as OTLP/HTTP to this endpoint
    /// (`http://collector:4318`; `/v1/metrics` is added to a bare host:port)
    #[arg(long, value_parser = otlp_endpoint)]
    pub otlp_endpoint: Option<String>,
    /// How often the OTLP metrics are pushed (Go duration, real time)
    #[arg(long, default_value = "10s", value_parser = |s: &str| plumb_model::duration::parse(s).map_err(|e| e.to_string()))]
    pub otlp_interval: std::time::Duration,
    /// How long a Pod of an image without a profile takes to become ready (Go duration)
    #[arg(long, default_value = "1s", value_parser = |s: &str| plumb_model::duration::parse(s).map_err(|e| e.to_string()))]
    pub pod_ready_delay: std::time::Duration,
}

fn otlp_endpoint(s: &str) -> Result<String, String> {
    let ok = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not an http:// or https:// URL"))
    }
}

fn non_negative_f64(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 => Ok(f),
        _ => Err(format!("{s:?} is not a number of requests per second")),
    }
}

fn positive_f64(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!("{s:?} is not a positive number")),
    }
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
    let ready = args.pod_ready_delay;
    let profiles = match &args.profiles {
        Some(path) => plumb_sandbox::sim::profiles::Profiles::from_path(path, ready)?,
        None => plumb_sandbox::sim::profiles::Profiles::empty(ready),
    };
    let opts = plumb_sandbox::Options {
        listen: args.listen,
        state: args.state.clone(),
        faults,
        simulate: !args.no_simulate,
        time_scale: args.time_scale,
        sim: plumb_sandbox::sim::SimOptions {
            pod_ready_delay: ready,
            nodes: usize::from(args.nodes),
            profiles: std::sync::Arc::new(profiles),
            seed: args.seed,
            traffic_rps: args.traffic_rps,
            otlp: args.otlp_endpoint.clone().map(|endpoint| {
                plumb_sandbox::sim::otlp::OtlpOptions {
                    endpoint,
                    interval: args.otlp_interval,
                }
            }),
            ..Default::default()
        },
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
