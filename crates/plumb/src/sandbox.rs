//! `plumb sandbox`: run the embedded cluster until SIGINT/SIGTERM.

use std::process::ExitCode;

/// Arguments of `plumb sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {}

pub fn run(_args: SandboxArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the sandbox is not available in this build yet")
}
