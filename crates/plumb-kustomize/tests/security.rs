//! Load restrictions and hostile input: what a build refuses to read, and inputs that
//! must fail fast instead of exhausting memory or recursing forever.

use std::fs;
use std::path::{Path, PathBuf};

use plumb_kustomize::{LoadRestrictor, Options, build};

fn tree(files: &[(&str, &str)]) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let root = std::env::temp_dir().join(format!("plumb-kustomize-sec-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    for (path, text) in files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().expect("files live in directories")).expect("mkdir");
        fs::write(p, text).expect("write");
    }
    root
}

fn opts(root: &Path) -> Options {
    Options {
        repo_root: Some(root.to_path_buf()),
        ..Options::default()
    }
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

#[test]
fn a_patch_file_outside_the_kustomization_root_is_refused() {
    let root = tree(&[
        (
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- path: ../patch.yaml\n",
        ),
        ("app/cm.yaml", CM),
        ("patch.yaml", CM),
    ]);
    let err = build(&root.join("app"), &opts(&root)).expect_err("outside the root");
    let text = err.to_string();
    assert!(text.contains("security"), "{text}");
    assert!(text.contains("kustomization.yaml"), "{text}");
    assert!(text.contains("patch.yaml"), "{text}");
}

#[test]
fn load_restrictions_none_reads_a_file_outside_the_root() {
    let root = tree(&[
        (
            "app/kustomization.yaml",
            "resources:\n- cm.yaml\npatches:\n- path: ../patch.yaml\n",
        ),
        ("app/cm.yaml", CM),
        (
            "patch.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
        ),
    ]);
    let o = Options {
        load_restrictor: LoadRestrictor::None,
        ..opts(&root)
    };
    let out = build(&root.join("app"), &o).expect("allowed");
    assert!(out.contains("k: v"), "{out}");
}

#[test]
fn a_resource_directory_outside_the_root_is_allowed_but_not_outside_the_repository() {
    let root = tree(&[
        ("repo/app/kustomization.yaml", "resources:\n- ../base\n"),
        ("repo/base/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("repo/base/cm.yaml", CM),
        (
            "repo/escape/kustomization.yaml",
            "resources:\n- ../../outside\n",
        ),
        ("outside/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("outside/cm.yaml", CM),
    ]);
    let repo = root.join("repo");
    assert!(build(&repo.join("app"), &opts(&repo)).is_ok());
    let err = build(&repo.join("escape"), &opts(&repo)).expect_err("outside the repo");
    assert!(err.to_string().contains("repository root"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_pointing_outside_the_repository_is_not_followed() {
    let root = tree(&[
        ("repo/app/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("secret.yaml", CM),
    ]);
    std::os::unix::fs::symlink(root.join("secret.yaml"), root.join("repo/app/cm.yaml"))
        .expect("symlink");
    let repo = root.join("repo");
    let err = build(&repo.join("app"), &opts(&repo)).expect_err("symlink escape");
    assert!(err.to_string().contains("repository root"), "{err}");
}

#[test]
fn a_cycle_between_kustomizations_is_an_error() {
    let root = tree(&[
        ("a/kustomization.yaml", "resources:\n- ../b\n"),
        ("b/kustomization.yaml", "resources:\n- ../a\n"),
    ]);
    let err = build(&root.join("a"), &opts(&root)).expect_err("cycle");
    assert!(err.to_string().contains("cycle"), "{err}");
}

#[test]
fn a_kustomization_including_its_own_ancestor_is_a_cycle() {
    let root = tree(&[
        ("a/b/kustomization.yaml", "resources:\n- ..\n"),
        ("a/kustomization.yaml", "resources:\n- b\n"),
    ]);
    let err = build(&root.join("a/b"), &opts(&root)).expect_err("cycle");
    assert!(err.to_string().contains("cycle"), "{err}");
}

#[test]
fn an_alias_bomb_in_a_resource_fails_fast() {
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let root = tree(&[
        ("kustomization.yaml", "resources:\n- bomb.yaml\n"),
        ("bomb.yaml", &bomb),
    ]);
    let start = std::time::Instant::now();
    let err = build(&root, &opts(&root)).expect_err("bomb");
    assert!(err.to_string().contains("bomb.yaml"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn remote_resources_and_helm_charts_are_refused_by_name() {
    let root = tree(&[(
        "kustomization.yaml",
        "resources:\n- https://github.com/org/repo//base?ref=v1\n",
    )]);
    let err = build(&root, &opts(&root)).expect_err("remote");
    assert!(
        err.to_string().contains("https://github.com/org/repo"),
        "{err}"
    );
    let root = tree(&[(
        "kustomization.yaml",
        "helmCharts:\n- name: x\n  repo: https://charts\n",
    )]);
    let err = build(&root, &opts(&root)).expect_err("helm");
    assert!(err.to_string().contains("helmCharts"), "{err}");
}
