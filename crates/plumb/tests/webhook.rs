//! A commit pushed to a real Git server (`git daemon`, started here) is synced after a
//! webhook with a valid signature and not after one with a bad signature; a file removed
//! from Git is pruned; `Prune=false` keeps its object; CreateNamespace creates the
//! destination namespace.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use sha2::Sha256;

mod common;

use common::Proc;

fn start(args: &[&str], log: &Path, env: &[(&str, &str)]) -> (Proc, String) {
    common::plumb(args, env, log)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

fn wait_for(kubeconfig: &Path, args: &[&str], expected: &str, what: &str, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = String::new();
    while Instant::now() < deadline {
        last = common::kubectl(kubeconfig, args);
        if last == expected {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "{what}: expected {expected:?}, saw {last:?}\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

fn signed(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

const CM: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: one\n";
const KEEP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\ndata:\n  a: b\n";
const GONE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\ndata:\n  a: b\n";

#[test]
fn a_signed_webhook_syncs_a_pushed_commit_and_a_bad_signature_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();

    // A bare repository served by a real git daemon, and a working clone to push from.
    let served = d.join("served");
    std::fs::create_dir_all(&served).expect("mkdir");
    common::git(&served, &["init", "-q", "--bare", "-b", "main", "app.git"]);
    let port = free_port();
    let mut daemon = Command::new("git")
        .args([
            "daemon",
            "--export-all",
            "--reuseaddr",
            "--listen=127.0.0.1",
            "--enable=receive-pack",
        ])
        .arg(format!("--port={port}"))
        .arg(format!("--base-path={}", served.display()))
        .arg(&served)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("git daemon starts");
    let url = format!("git://127.0.0.1:{port}/app.git");
    let work = d.join("work");
    std::fs::create_dir_all(work.join("app")).expect("mkdir");
    std::fs::write(work.join("app/settings.yaml"), CM).expect("write");
    std::fs::write(work.join("app/keep.yaml"), KEEP).expect("write");
    std::fs::write(work.join("app/gone.yaml"), GONE).expect("write");
    common::git(&work, &["init", "-q", "-b", "main"]);
    common::git(&work, &["add", "--all"]);
    common::git(&work, &["commit", "-q", "-m", "init"]);
    common::git(&work, &["remote", "add", "origin", &url]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while Command::new("git")
        .arg("-C")
        .arg(&work)
        .args(["push", "-q", "origin", "main"])
        .stderr(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        assert!(
            Instant::now() < deadline,
            "git daemon never accepted the push"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let kubeconfig = d.join("kubeconfig");
    let (_sandbox, _) = start(
        &[
            "sandbox",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
        ],
        &d.join("sandbox.log"),
        &[],
    );
    let apps = d.join("apps");
    std::fs::create_dir_all(&apps).expect("mkdir");
    std::fs::write(
        apps.join("app.yaml"),
        format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: app, namespace: argocd}}\nspec:\n  source: {{repoURL: '{url}', targetRevision: main, path: app}}\n  destination: {{server: 'https://kubernetes.default.svc', namespace: production}}\n  syncPolicy:\n    automated: {{prune: true, selfHeal: true}}\n    syncOptions: [CreateNamespace=true]\n"),
    )
    .expect("write app");
    let log = d.join("serve.log");
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
            "--repo-poll-interval",
            "1h",
        ],
        &log,
        &[("PLUMB_WEBHOOK_GITHUB_SECRET", "s3cret")],
    );
    let api = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("API URL")
        .to_string();
    let mode = [
        "get",
        "configmap",
        "settings",
        "-n",
        "production",
        "-o",
        "jsonpath={.data.mode}",
    ];
    wait_for(
        &kubeconfig,
        &mode,
        "one",
        "the first sync (CreateNamespace creates production)",
        &log,
    );

    // Push: change a value, remove two files.
    std::fs::write(
        work.join("app/settings.yaml"),
        CM.replace("mode: one", "mode: two"),
    )
    .expect("write");
    common::git(&work, &["rm", "-q", "app/gone.yaml", "app/keep.yaml"]);
    common::git(&work, &["commit", "-q", "-am", "two"]);
    common::git(&work, &["push", "-q", "origin", "main"]);
    let sha = common::git(&work, &["rev-parse", "HEAD"]);
    let body = format!(
        r#"{{"ref":"refs/heads/main","after":"{sha}","repository":{{"clone_url":"{url}","html_url":"{url}"}}}}"#
    );

    let (bad, _) = common::http(
        &api,
        "POST",
        "/api/webhook",
        &[
            ("X-GitHub-Event", "push".into()),
            ("X-Hub-Signature-256", signed("wrong", &body)),
        ],
        &body,
    );
    assert_eq!(bad, 401);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        common::kubectl(&kubeconfig, &mode),
        "one",
        "a badly signed webhook changes nothing"
    );

    let (good, _) = common::http(
        &api,
        "POST",
        "/api/webhook",
        &[
            ("X-GitHub-Event", "push".into()),
            ("X-Hub-Signature-256", signed("s3cret", &body)),
        ],
        &body,
    );
    assert_eq!(good, 200);
    wait_for(
        &kubeconfig,
        &mode,
        "two",
        "the signed webhook syncs the commit",
        &log,
    );
    wait_for(
        &kubeconfig,
        &[
            "get",
            "configmaps",
            "-n",
            "production",
            "-o",
            "name",
            // What the cluster itself puts in every namespace.
            "--field-selector",
            "metadata.name!=kube-root-ca.crt",
        ],
        "configmap/keep\nconfigmap/settings\n",
        "gone is pruned, keep (Prune=false) stays",
        &log,
    );
    let _ = daemon.kill();
    let _ = daemon.wait();
}
