//! Fuzzes a whole build: the input is split at the first NUL byte into a
//! kustomization and a resource file (`res.yaml`, also usable as `patch.yaml`), written
//! to a scratch directory that is also the repository root. Any input must give
//! output or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("plumb-kustomize-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch dir");
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (kust, res) = text.split_once('\0').unwrap_or((text, ""));
    let dir = scratch();
    if std::fs::write(dir.join("kustomization.yaml"), kust).is_err()
        || std::fs::write(dir.join("res.yaml"), res).is_err()
        || std::fs::write(dir.join("patch.yaml"), res).is_err()
    {
        return;
    }
    let opts = plumb_kustomize::Options {
        repo_root: Some(dir.clone()),
        ..Default::default()
    };
    let _ = plumb_kustomize::build(dir, &opts);
});
