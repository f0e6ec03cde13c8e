//! Destinations other than the local cluster resolve through the contexts of the
//! kubeconfig given to plumb (by context name or API server URL); an unknown one is a
//! clear condition.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::Proc;

fn start(args: &[&str], log: &Path) -> (Proc, String) {
    common::plumb(args, &[], log)
}

fn kubectl(kubeconfig: &Path, ctx: &str, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .args(["--context", ctx])
        .args(args)
        .env("KUBECONFIG", kubeconfig)
        .output()
        .expect("kubectl");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn app(name: &str, url: &str, dest: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  source: {{repoURL: '{url}', path: app}}\n  destination: {{{dest}, namespace: default}}\n  syncPolicy: {{automated: {{}}}}\n---\n"
    )
}

#[test]
fn applications_sync_to_kubeconfig_contexts_by_name_or_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let (_home, ready_home) = start(
        &[
            "sandbox",
            "--kubeconfig",
            d.join("home.kubeconfig").to_str().expect("utf-8"),
        ],
        &d.join("home.log"),
    );
    let (_remote, ready_remote) = start(
        &[
            "sandbox",
            "--kubeconfig",
            d.join("remote.kubeconfig").to_str().expect("utf-8"),
        ],
        &d.join("remote.log"),
    );
    let home = ready_home
        .split_whitespace()
        .nth(2)
        .expect("url")
        .to_string();
    let remote = ready_remote
        .split_whitespace()
        .nth(2)
        .expect("url")
        .to_string();
    let kubeconfig = d.join("kubeconfig");
    std::fs::write(&kubeconfig, format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: home\n  cluster: {{server: '{home}'}}\n- name: remote\n  cluster: {{server: '{remote}'}}\nusers:\n- name: u\n  user: {{}}\ncontexts:\n- name: home\n  context: {{cluster: home, user: u}}\n- name: remote\n  context: {{cluster: remote, user: u}}\ncurrent-context: home\n"
    )).expect("kubeconfig");

    let repo = d.join("repo");
    std::fs::create_dir_all(repo.join("app")).expect("mkdir");
    std::fs::write(
        repo.join("app/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: where}\ndata: {a: b}\n",
    )
    .expect("write");
    common::git(&repo, &["init", "-q", "-b", "main"]);
    common::git(&repo, &["add", "--all"]);
    common::git(&repo, &["commit", "-q", "-m", "init"]);
    let url = format!("file://{}", repo.display());
    let apps = d.join("apps");
    std::fs::create_dir_all(&apps).expect("mkdir");
    std::fs::write(
        apps.join("apps.yaml"),
        app("by-name", &url, "name: remote") + &app("nowhere", &url, "name: mars"),
    )
    .expect("apps");
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
        .expect("API")
        .to_string();

    let deadline = Instant::now() + Duration::from_secs(20);
    while kubectl(&kubeconfig, "remote", &["get", "cm", "where", "-o", "name"])
        != "configmap/where\n"
    {
        assert!(
            Instant::now() < deadline,
            "never synced to the remote context"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        kubectl(&kubeconfig, "home", &["get", "cm", "where", "-o", "name"]),
        "",
        "nothing on the local cluster"
    );
    let nowhere = loop {
        let v = common::get_json(&api, "/api/applications/nowhere");
        if v["status"]["conditions"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
        {
            break v;
        }
        assert!(
            Instant::now() < deadline,
            "no condition for an unknown destination: {v}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let c = &nowhere["status"]["conditions"][0];
    assert_eq!(c["type"], "InvalidSpecError");
    let msg = c["message"].as_str().unwrap_or("");
    assert!(msg.contains("\"mars\"") && msg.contains("remote"), "{msg}");

    // The same remote cluster named by its server URL.
    std::fs::write(
        apps.join("apps.yaml"),
        app("by-server", &url, &format!("server: '{remote}'")),
    )
    .expect("apps");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let v = common::get_json(&api, "/api/applications/by-server");
        if v["status"]["sync"]["status"] == "Synced" {
            break;
        }
        assert!(Instant::now() < deadline, "by-server never synced: {v}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
