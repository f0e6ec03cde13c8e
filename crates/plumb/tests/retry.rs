//! With the sandbox failing 30% of writes, a sync retries on the spec's backoff schedule
//! and converges; when the retry limit is exhausted, the Application shows the failure.

use std::path::Path;
use std::time::{Duration, Instant};

mod common;

use common::Proc;

fn start(args: &[&str], log: &Path) -> (Proc, String) {
    common::plumb(args, &[], log)
}

fn app(name: &str, url: &str, path: &str, limit: i64) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  source: {{repoURL: '{url}', targetRevision: main, path: {path}}}\n  destination: {{server: 'https://kubernetes.default.svc', namespace: default}}\n  syncPolicy:\n    automated: {{prune: true}}\n    retry: {{limit: {limit}, backoff: {{duration: 50ms, factor: 2, maxDuration: 400ms}}}}\n---\n"
    )
}

#[test]
fn syncs_retry_on_schedule_through_injected_errors_and_report_an_exhausted_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let faults = d.join("faults.yaml");
    std::fs::write(
        &faults,
        "seed: 42\nrules:\n- {verbs: [create, update, patch, delete], kinds: [Secret], code: 500, rate: 1.0}\n- {verbs: [create, update, patch, delete], code: 500, rate: 0.3}\n",
    )
    .expect("faults");
    let kubeconfig = d.join("kubeconfig");
    let (_sandbox, _) = start(
        &[
            "sandbox",
            "--kubeconfig",
            kubeconfig.to_str().expect("utf-8"),
            "--faults",
            faults.to_str().expect("utf-8"),
        ],
        &d.join("sandbox.log"),
    );

    let repo = d.join("repo");
    std::fs::create_dir_all(repo.join("ok")).expect("mkdir");
    std::fs::create_dir_all(repo.join("doomed")).expect("mkdir");
    for i in 0..24 {
        std::fs::write(
            repo.join(format!("ok/cm{i:02}.yaml")),
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i:02}}}\ndata: {{i: '{i}'}}\n"),
        )
        .expect("write");
    }
    std::fs::write(
        repo.join("doomed/secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: never}\nstringData: {password: hunter2}\n",
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
        app("ok", &url, "ok", 20) + &app("doomed", &url, "doomed", 2),
    )
    .expect("apps");
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
    );
    let api = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("API URL")
        .to_string();

    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok = common::get_json(&api, "/api/applications/ok");
        let doomed = common::get_json(&api, "/api/applications/doomed");
        let ok_done = ok["status"]["sync"]["status"] == "Synced"
            && ok["status"]["operationState"]["phase"] == "Succeeded";
        let log_text = std::fs::read_to_string(&log).unwrap_or_default();
        let doomed_done = log_text.contains("retry limit reached")
            && doomed["status"]["operationState"]["phase"] == "Failed";
        if ok_done && doomed_done {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no convergence:\nok: {ok}\ndoomed: {doomed}\n{log_text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    // The doomed app's retries follow 50ms, 100ms, then the limit of 2 is spent.
    let delays: Vec<&str> = log_text
        .lines()
        .filter(|l| l.contains("sync failed; retrying") && l.contains("app=doomed"))
        .filter_map(|l| l.split("delay_ms=").nth(1))
        .map(|rest| rest.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(delays, ["50", "100"], "{log_text}");
    // The successful app's delays, if it needed retries, follow the same doubling.
    let ok_delays: Vec<u64> = log_text
        .lines()
        .filter(|l| l.contains("sync failed; retrying") && l.contains("app=ok"))
        .filter_map(|l| {
            l.split("delay_ms=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect();
    assert!(
        !ok_delays.is_empty(),
        "30% of writes failed, so the ok app needed retries:\n{log_text}"
    );
    for (i, d) in ok_delays.iter().enumerate() {
        let expected = (50u64 << i).min(400);
        assert_eq!(*d, expected, "retry {} of ok: {ok_delays:?}", i + 1);
    }
    let doomed = common::get_json(&api, "/api/applications/doomed");
    let msg = doomed["status"]["operationState"]["message"]
        .as_str()
        .unwrap_or("");
    assert!(msg.contains("secret/never"), "{doomed}");
    assert!(
        !msg.contains("hunter2") && !log_text.contains("hunter2"),
        "no secret value leaks"
    );
}
