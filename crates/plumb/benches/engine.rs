//! Engine benchmarks (issue 4): drift → healed latency after a scale, webhook → synced
//! latency, and a full refresh of 1,000 Applications × 10 objects with the engine's
//! peak RSS. Real processes: `plumb sandbox` and `plumb serve`, on loopback.
//!
//! Run: `cargo bench -p plumb --bench engine` (add `-- quick` for 100 Applications).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures::StreamExt;
use hmac::{Hmac, Mac};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, Patch, PatchParams, WatchEvent, WatchParams};
use sha2::Sha256;

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str], env: &[(&str, &str)], log: &Path) -> (Proc, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(args)
        .envs(env.iter().copied())
        .env("NO_COLOR", "1")
        .env("PLUMB_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).expect("log"))
        .spawn()
        .expect("plumb starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    (Proc(child), line)
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@example.com",
        ])
        .args(args)
        .output()
        .expect("git");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn http(base: &str, method: &str, path: &str, headers: &[(&str, String)], body: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("write");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    resp.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn deployment(name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: app\n        image: {name}:v1\n"
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "quick");
    let apps_n = if quick { 100 } else { 1000 };
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let kubeconfig = d.join("kubeconfig");
    let (_sandbox, ready) = start(
        &[
            "sandbox",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
        ],
        &[],
        &d.join("sandbox.log"),
    );
    let sandbox_url = ready.split_whitespace().nth(2).expect("url").to_string();

    // Repository: app-N/ with 10 objects (1 Deployment, 9 ConfigMaps).
    let repo = d.join("repo");
    for i in 0..apps_n {
        let app_dir = repo.join(format!("app-{i}"));
        std::fs::create_dir_all(&app_dir).expect("mkdir");
        let mut text = deployment("web");
        for c in 0..9 {
            text.push_str(&format!("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{c}\ndata:\n  key: value-{c}\n"));
        }
        std::fs::write(app_dir.join("objects.yaml"), text).expect("write");
    }
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "--all"]);
    git(&repo, &["commit", "-q", "-m", "init"]);
    let url = format!("file://{}", repo.display());
    let apps = d.join("apps");
    std::fs::create_dir_all(&apps).expect("mkdir");
    let mut all = String::new();
    for i in 0..apps_n {
        all.push_str(&format!("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: app-{i}}}\nspec:\n  source: {{repoURL: '{url}', targetRevision: main, path: app-{i}}}\n  destination: {{server: 'https://kubernetes.default.svc', namespace: ns-{i}}}\n  syncPolicy:\n    automated: {{prune: true, selfHeal: true}}\n    syncOptions: [CreateNamespace=true]\n---\n"));
    }
    std::fs::write(apps.join("apps.yaml"), all).expect("apps");

    let t = Instant::now();
    let (serve, line) = start(
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
        &[("PLUMB_WEBHOOK_GITHUB_SECRET", "bench")],
        &d.join("serve.log"),
    );
    let api = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("api")
        .to_string();
    loop {
        let body = http(&api, "GET", "/api/applications", &[], "");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let synced = v["items"].as_array().map_or(0, |a| {
            a.iter()
                .filter(|i| i["status"]["sync"]["status"] == "Synced")
                .count()
        });
        if synced == apps_n {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(900),
            "only {synced} of {apps_n} synced"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let full = t.elapsed();
    println!(
        "full refresh: {apps_n} Applications x 10 objects synced from start in {:.2?}; engine peak RSS {:.0} MiB",
        full,
        peak_rss_mib(serve.0.id())
    );

    let client = kube::Client::try_from(kube::Config::new(sandbox_url.parse().expect("url")))
        .expect("client");

    // Drift → healed: scale app-0's deployment to 5, time until it is back at 3.
    let deps: Api<Deployment> = Api::namespaced(client.clone(), "ns-0");
    let mut heal = Vec::new();
    for _ in 0..50 {
        let rv = deps
            .get("web")
            .await
            .expect("get")
            .metadata
            .resource_version
            .expect("rv");
        let mut stream = deps
            .watch(&WatchParams::default().fields("metadata.name=web"), &rv)
            .await
            .expect("watch")
            .boxed();
        let t = Instant::now();
        deps.patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"spec": {"replicas": 5}})),
        )
        .await
        .expect("scale");
        loop {
            match tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
                Ok(Some(Ok(WatchEvent::Modified(d)))) if d.spec.replicas == Some(3) => break,
                Ok(Some(Ok(_))) => continue,
                other => panic!("no heal: {:?}", other.map(|o| o.map(|r| r.map(|_| ())))),
            }
        }
        heal.push(t.elapsed());
    }
    println!(
        "drift -> healed (scale to 5 until back at 3, 50 runs): p50 {:?} p99 {:?}",
        pct(&mut heal, 0.5),
        pct(&mut heal, 0.99)
    );

    // Webhook → synced: commit a change to app-1, post a signed webhook, time until the
    // ConfigMap carries it.
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "ns-1");
    let mut hook = Vec::new();
    for round in 0..10 {
        let file = repo.join("app-1/objects.yaml");
        let text = std::fs::read_to_string(&file).expect("read");
        let next = text.replacen(
            &format!(
                "value-0{}",
                if round == 0 {
                    String::new()
                } else {
                    format!("-{}", round - 1)
                }
            ),
            &format!("value-0-{round}"),
            1,
        );
        std::fs::write(&file, next).expect("write");
        git(&repo, &["commit", "-q", "-am", "change"]);
        let sha = git(&repo, &["rev-parse", "HEAD"]);
        let body = format!(
            r#"{{"ref":"refs/heads/main","after":"{sha}","repository":{{"clone_url":"{url}"}}}}"#
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"bench").expect("key");
        mac.update(body.as_bytes());
        let sig: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let t = Instant::now();
        http(
            &api,
            "POST",
            "/api/webhook",
            &[
                ("X-GitHub-Event", "push".into()),
                ("X-Hub-Signature-256", format!("sha256={sig}")),
                ("Content-Type", "application/json".into()),
            ],
            &body,
        );
        let want = format!("value-0-{round}");
        loop {
            let cm = cms.get("cfg-0").await.expect("get");
            if cm.data.as_ref().and_then(|d| d.get("key")) == Some(&want) {
                break;
            }
            assert!(
                t.elapsed() < Duration::from_secs(60),
                "webhook never synced"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        hook.push(t.elapsed());
    }
    println!(
        "webhook -> synced (10 runs, {apps_n} Applications on the repository): p50 {:?} max {:?}",
        pct(&mut hook, 0.5),
        pct(&mut hook, 1.0)
    );
    println!(
        "engine peak RSS after all runs: {:.0} MiB",
        peak_rss_mib(serve.0.id())
    );
}
