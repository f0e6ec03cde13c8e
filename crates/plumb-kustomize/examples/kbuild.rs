//! `cargo run -p plumb-kustomize --example kbuild -- DIR [--reorder none]`: prints what
//! `plumb_kustomize::build` makes of a kustomization (for comparing with
//! `kubectl kustomize DIR` by hand).

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: kbuild DIR [--reorder none]");
        return std::process::ExitCode::FAILURE;
    };
    let mut opts = plumb_kustomize::Options::default();
    if args.iter().any(|a| a == "none") {
        opts.reorder = plumb_kustomize::Reorder::None;
    }
    match plumb_kustomize::build(std::path::Path::new(dir), &opts) {
        Ok(out) => {
            print!("{out}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
