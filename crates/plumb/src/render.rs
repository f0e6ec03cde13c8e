//! `plumb render PATH`: print the desired objects of a path as YAML, exactly as
//! `kubectl kustomize` prints them for a kustomization.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

/// Output order, as `kubectl kustomize --reorder`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReorderArg {
    /// kustomize's legacy kind order
    Legacy,
    /// input order
    None,
}

/// Which files a kustomization may read, as `kubectl kustomize --load-restrictor`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LoadRestrictorArg {
    /// only files under the kustomization's directory
    #[value(name = "LoadRestrictionsRootOnly")]
    RootOnly,
    /// any file
    #[value(name = "LoadRestrictionsNone")]
    None,
}

/// Arguments of `plumb render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The directory to render (a kustomization root or a directory of YAML)
    pub path: PathBuf,
    /// Output order
    #[arg(long, value_enum, default_value = "legacy")]
    pub reorder: ReorderArg,
    /// File load restrictions
    #[arg(
        long = "load-restrictor",
        value_enum,
        default_value = "LoadRestrictionsRootOnly"
    )]
    pub load_restrictor: LoadRestrictorArg,
}

pub fn run(args: RenderArgs) -> anyhow::Result<ExitCode> {
    let opts = plumb_kustomize::Options {
        reorder: match args.reorder {
            ReorderArg::Legacy => plumb_kustomize::Reorder::Legacy,
            ReorderArg::None => plumb_kustomize::Reorder::None,
        },
        load_restrictor: match args.load_restrictor {
            LoadRestrictorArg::RootOnly => plumb_kustomize::LoadRestrictor::RootOnly,
            LoadRestrictorArg::None => plumb_kustomize::LoadRestrictor::None,
        },
        repo_root: None,
    };
    // A missing path goes to the build, which reports it as kustomize does.
    let text = if plumb_kustomize::has_kustomization(&args.path) || !args.path.is_dir() {
        plumb_kustomize::build(&args.path, &opts)?
    } else {
        plumb_kustomize::render_plain_dir(&args.path)
            .with_context(|| format!("rendering {}", args.path.display()))?
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(ExitCode::SUCCESS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: RenderArgs,
    }

    #[test]
    fn flags_take_kubectl_kustomize_spellings_and_defaults() {
        let cli = Cli::parse_from(["render", "dir"]);
        assert!(matches!(cli.args.reorder, ReorderArg::Legacy));
        assert!(matches!(
            cli.args.load_restrictor,
            LoadRestrictorArg::RootOnly
        ));
        let cli = Cli::parse_from([
            "render",
            "dir",
            "--reorder",
            "none",
            "--load-restrictor",
            "LoadRestrictionsNone",
        ]);
        assert!(matches!(cli.args.reorder, ReorderArg::None));
        assert!(matches!(cli.args.load_restrictor, LoadRestrictorArg::None));
    }

    #[test]
    fn a_directory_without_a_kustomization_prints_its_objects() {
        let dir = std::env::temp_dir().join(format!("plumb-render-plain-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("a.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: \"1\"\n",
        )
        .expect("write");
        std::fs::write(dir.join("notes.txt"), "not yaml").expect("write");
        let out = plumb_kustomize::render_plain_dir(&dir).expect("renders");
        assert_eq!(
            out,
            "apiVersion: v1\ndata:\n  k: \"1\"\nkind: ConfigMap\nmetadata:\n  name: a\n"
        );
    }
}
