//! `plumb app list|diff|sync|get` against a running `plumb serve`: a manual
//! Application stays OutOfSync until synced by hand; `--dry-run` changes nothing.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::Proc;

fn start(args: &[&str], log: &Path) -> (Proc, String) {
    common::plumb(args, &[], log)
}

fn plumb(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("plumb runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn a_manual_application_is_listed_diffed_and_synced_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let kubeconfig = d.join("kubeconfig");
    let (_sandbox, _) = start(
        &[
            "sandbox",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
        ],
        &d.join("sandbox.log"),
    );
    let repo = d.join("repo");
    std::fs::create_dir_all(repo.join("app")).expect("mkdir");
    std::fs::write(
        repo.join("app/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    )
    .expect("write");
    common::git(&repo, &["init", "-q", "-b", "main"]);
    common::git(&repo, &["add", "--all"]);
    common::git(&repo, &["commit", "-q", "-m", "init"]);
    let apps = d.join("apps");
    std::fs::create_dir_all(&apps).expect("mkdir");
    std::fs::write(
        apps.join("manual.yaml"),
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: manual}}\nspec:\n  source: {{repoURL: 'file://{}', path: app}}\n  destination: {{server: 'https://kubernetes.default.svc', namespace: default}}\n", repo.display()),
    )
    .expect("app");
    let (_serve, line) = start(
        &[
            "serve",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
            "--apps",
            apps.to_str().expect("utf-8"),
            "--state",
            d.join("state").to_str().expect("utf-8"),
            "--listen",
            "127.0.0.1:0",
        ],
        &d.join("serve.log"),
    );
    let api = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("API URL")
        .to_string();

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = stdout(&plumb(&["app", "list", "--server", &api]));
        if out.contains("manual") && out.contains("OutOfSync") {
            assert!(out.starts_with("NAME"), "{out}");
            break;
        }
        assert!(Instant::now() < deadline, "never listed OutOfSync: {out}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let diff = plumb(&["app", "diff", "manual", "--server", &api]);
    assert_eq!(
        diff.status.code(),
        Some(1),
        "a diff exits 1 like kubectl diff"
    );
    assert!(stdout(&diff).contains("mode: fast"), "{}", stdout(&diff));

    let dry = plumb(&["app", "sync", "manual", "--dry-run", "--server", &api]);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(stdout(&plumb(&["app", "list", "--server", &api])).contains("OutOfSync"));

    let sync = plumb(&["app", "sync", "manual", "--server", &api]);
    assert!(
        sync.status.success(),
        "{}",
        String::from_utf8_lossy(&sync.stderr)
    );
    assert!(
        stdout(&sync).starts_with("manual: Succeeded"),
        "{}",
        stdout(&sync)
    );
    let list = stdout(&plumb(&["app", "list", "--server", &api]));
    assert!(list.contains("Synced"), "{list}");
    let diff = plumb(&["app", "diff", "manual", "--server", &api]);
    assert_eq!(diff.status.code(), Some(0), "{}", stdout(&diff));
    let missing = plumb(&["app", "get", "nope", "--server", &api]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("application \"nope\" not found"));
}
