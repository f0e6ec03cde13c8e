//! `plumb`: the command-line entry point.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod api;
mod app_cmd;
mod engine;
mod install;
mod render;
mod sandbox;
mod serve;
mod up;

/// plumb keeps Kubernetes clusters in line with Git.
#[derive(Debug, Parser)]
#[command(name = "plumb", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start everything on the embedded default: the sandbox cluster (and, as they land,
    /// a demo Git repository and the engine)
    Up(up::UpArgs),
    /// Run the embedded sandbox cluster (a Kubernetes API server for kubectl and plumb)
    Sandbox(sandbox::SandboxArgs),
    /// Run the engine: sync Applications from Git, self-heal, serve the API
    Serve(serve::ServeArgs),
    /// Install the Application CRD into a cluster
    Install(install::InstallArgs),
    /// Inspect and sync Applications of a running `plumb serve`
    App(app_cmd::AppArgs),
    /// Print the desired objects of a path (Kustomize or plain YAML) as YAML
    Render(render::RenderArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command {
        Command::Up(args) => up::run(args),
        Command::Sandbox(args) => sandbox::run(args),
        Command::Render(args) => render::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Install(args) => install::run(args),
        Command::App(args) => app_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  Caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PLUMB_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(
            std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
        .init();
}
