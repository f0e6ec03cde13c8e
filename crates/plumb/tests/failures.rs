//! Failures leave the cluster as it was: malformed YAML, a missing revision, an
//! unreachable repository, an empty render with allowEmpty false, a symlink out of the
//! repository, a revision that is an option. Each shows a clear condition; no object is
//! changed or pruned.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

use common::Proc;

fn start(args: &[&str], log: &Path) -> (Proc, String) {
    common::plumb(args, &[], log)
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: web:1\n";

fn application(name: &str, repo: &str, revision: &str, path: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}, namespace: argocd}}\nspec:\n  source:\n    repoURL: {repo}\n    targetRevision: {revision:?}\n    path: {path}\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n  syncPolicy:\n    automated: {{prune: true, selfHeal: true}}\n    syncOptions: [CreateNamespace=true]\n---\n"
    )
}

/// Waits until the Application has a condition of `kind` whose message contains `part`.
fn wait_condition(api: &str, app: &str, kind: &str, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        last = common::get_json(api, &format!("/api/applications/{app}"));
        if let Some(c) = last["status"]["conditions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["type"] == kind))
        {
            let msg = c["message"].as_str().unwrap_or("").to_string();
            if msg.contains(part) {
                return msg;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{app}: no {kind} condition containing {part:?}; last status: {last}");
}

#[test]
fn failures_show_conditions_and_change_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let kubeconfig = d.join("kubeconfig");
    // No simulator: its status writes would move the resourceVersion this test watches
    // to prove that plumb wrote nothing.
    let (_sandbox, ready) = start(
        &[
            "sandbox",
            "--no-simulate",
            "--listen",
            "127.0.0.1:0",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
        ],
        &d.join("sandbox.log"),
    );
    assert!(ready.starts_with("sandbox ready:"), "{ready}");

    // A repository with a good app; another whose tree has a link out of it (such a
    // commit is refused whole, as Argo CD does).
    let repo = d.join("repo");
    std::fs::create_dir_all(repo.join("good")).expect("mkdir");
    std::fs::write(repo.join("good/web.yaml"), DEPLOYMENT).expect("write");
    common::git(&repo, &["init", "-q", "-b", "main"]);
    common::git(&repo, &["add", "--all"]);
    common::git(&repo, &["commit", "-q", "-m", "init"]);
    let url = format!("file://{}", repo.display());
    let evil = d.join("evil");
    std::fs::create_dir_all(evil.join("linked")).expect("mkdir");
    std::fs::write(d.join("outside.yaml"), DEPLOYMENT).expect("write");
    std::os::unix::fs::symlink("../../outside.yaml", evil.join("linked/web.yaml"))
        .expect("symlink");
    common::git(&evil, &["init", "-q", "-b", "main"]);
    common::git(&evil, &["add", "--all"]);
    common::git(&evil, &["commit", "-q", "-m", "init"]);
    let evil_url = format!("file://{}", evil.display());
    let marker = d.join("pwned");

    let apps = d.join("apps");
    std::fs::create_dir_all(&apps).expect("mkdir");
    let mut all = String::new();
    all += &application("good", &url, "main", "good");
    all += &application("missing-rev", &url, "no-such-branch", "good");
    all += &application(
        "unreachable",
        "git://127.0.0.1:9/nothing.git",
        "main",
        "good",
    );
    all += &application("links", &evil_url, "main", "linked");
    all += &application(
        "option",
        &url,
        &format!("--upload-pack=touch {}", marker.display()),
        "good",
    );
    std::fs::write(apps.join("apps.yaml"), all).expect("write apps");

    let state = d.join("state");
    let (_serve, line) = start(
        &[
            "serve",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
            "--apps",
            apps.to_str().expect("utf-8"),
            "--state",
            state.to_str().expect("utf-8"),
            "--listen",
            "127.0.0.1:0",
            "--repo-poll-interval",
            "1s",
        ],
        &d.join("serve.log"),
    );
    let api = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the API URL")
        .to_string();

    // The good app syncs.
    let deadline = Instant::now() + Duration::from_secs(20);
    while common::kubectl(
        &kubeconfig,
        &[
            "get",
            "deploy",
            "web",
            "-n",
            "good",
            "-o",
            "jsonpath={.spec.replicas}",
        ],
    ) != "2"
    {
        assert!(
            Instant::now() < deadline,
            "the good app never synced:\n{}",
            std::fs::read_to_string(d.join("serve.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let rv = common::kubectl(
        &kubeconfig,
        &[
            "get",
            "deploy",
            "web",
            "-n",
            "good",
            "-o",
            "jsonpath={.metadata.resourceVersion}",
        ],
    );

    let msg = wait_condition(&api, "missing-rev", "ComparisonError", "no-such-branch");
    assert!(msg.contains("not found"), "{msg}");
    wait_condition(&api, "unreachable", "ComparisonError", "127.0.0.1:9");
    let msg = wait_condition(&api, "links", "ComparisonError", "web.yaml");
    assert!(
        msg.to_lowercase().contains("symlink") || msg.contains("outside"),
        "{msg}"
    );
    wait_condition(&api, "option", "ComparisonError", "--upload-pack");
    assert!(
        !marker.exists(),
        "a revision was passed to git as an option"
    );
    for ns in ["missing-rev", "unreachable", "links", "option"] {
        assert_eq!(
            common::kubectl(&kubeconfig, &["get", "deploy", "-n", ns, "-o", "name"]),
            "",
            "{ns}"
        );
    }

    // A broken commit on the good app: a condition naming file and line, nothing applied.
    std::fs::write(
        repo.join("good/web.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web\n",
    )
    .expect("write");
    common::git(&repo, &["commit", "-q", "-am", "broken"]);
    let msg = wait_condition(&api, "good", "ComparisonError", "good/web.yaml");
    assert!(
        msg.contains("good/web.yaml:"),
        "names the file and line: {msg}"
    );
    // An empty render with allowEmpty false: nothing pruned.
    common::git(&repo, &["rm", "-q", "good/web.yaml"]);
    std::fs::create_dir_all(repo.join("good")).expect("mkdir");
    std::fs::write(repo.join("good/README.md"), "moved away\n").expect("write");
    common::git(&repo, &["add", "--all"]);
    common::git(&repo, &["commit", "-q", "-m", "empty"]);
    wait_condition(&api, "good", "SyncError", "allowEmpty is false");
    assert_eq!(
        common::kubectl(
            &kubeconfig,
            &[
                "get",
                "deploy",
                "web",
                "-n",
                "good",
                "-o",
                "jsonpath={.metadata.resourceVersion}"
            ]
        ),
        rv,
        "the deployment was not changed or pruned"
    );
}
