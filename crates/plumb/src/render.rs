//! `plumb render PATH`: print the desired objects of a path as YAML, exactly as
//! `kubectl kustomize` prints them for a kustomization.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `plumb render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The directory to render (a kustomization root or a directory of YAML)
    pub path: PathBuf,
}

pub fn run(args: RenderArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "{}: rendering is not available in this build yet",
        args.path.display()
    )
}
