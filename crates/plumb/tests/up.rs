//! `plumb up` end to end, as a newcomer runs it: the seed's self-healing demo with real
//! kubectl, a pushed commit synced, a removed file pruned.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Up {
    child: Child,
    dir: tempfile::TempDir,
    kubeconfig: PathBuf,
    log: PathBuf,
}

impl Up {
    fn start() -> Up {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("plumb.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_plumb"))
            .args(["up", "--repo-poll-interval", "1s", "--dir"])
            .arg(dir.path().join(".plumb"))
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("plumb up starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut kubeconfig = None;
        for line in lines.by_ref() {
            let line = line.expect("stdout line");
            if let Some(k) = line.trim().strip_prefix("kubeconfig:") {
                kubeconfig = Some(PathBuf::from(k.trim()));
            }
            if line.starts_with("Ctrl-C stops everything") {
                break;
            }
        }
        Up {
            child,
            kubeconfig: kubeconfig.expect("plumb up prints the kubeconfig"),
            dir,
            log,
        }
    }

    fn kubectl(&self, args: &[&str]) -> String {
        let out = Command::new("kubectl")
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.path())
            .output()
            .expect("kubectl runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, what: &str, args: &[&str], expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut last = String::new();
        while Instant::now() < deadline {
            last = self.kubectl(args);
            if last == expected {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "{what}: expected {expected:?}, last saw {last:?}\nlog:\n{}",
            self.log()
        );
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn repo(&self) -> PathBuf {
        self.dir.path().join(".plumb/demo-repo")
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_seed_demo_heals_a_scaled_deployment_and_follows_git() {
    let up = Up::start();
    let replicas = [
        "get",
        "deployment",
        "my-app",
        "-n",
        "production",
        "-o",
        "jsonpath={.spec.replicas}",
    ];
    up.wait_for("the seed's application is synced", &replicas, "3");
    assert_eq!(
        up.kubectl(&[
            "get",
            "deployment",
            "my-app",
            "-n",
            "production",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}"
        ]),
        "myapp:v1.2.0",
        "the Application's kustomize.images override is applied"
    );
    up.wait_for(
        "kubectl shows the Application's status",
        &[
            "get",
            "applications",
            "-n",
            "argocd",
            "-o",
            "jsonpath={.items[0].status.sync.status}",
        ],
        "Synced",
    );

    // The sandbox runs pods for the demo: the Deployment rolls out, the app is Healthy.
    up.wait_for(
        "the Deployment is ready",
        &[
            "get",
            "deployment",
            "my-app",
            "-n",
            "production",
            "-o",
            "jsonpath={.status.readyReplicas}",
        ],
        "3",
    );
    up.wait_for(
        "the Application is Healthy",
        &[
            "get",
            "applications",
            "-n",
            "argocd",
            "-o",
            "jsonpath={.items[0].status.health.status}",
        ],
        "Healthy",
    );

    // The seed's self-healing demo.
    up.kubectl(&[
        "scale",
        "deployment",
        "my-app",
        "-n",
        "production",
        "--replicas=5",
    ]);
    up.wait_for("the drift is healed", &replicas, "3");
    let log = up.log();
    let drift = log
        .find("Detected drift: deployment.apps/my-app replicas 5 != 3")
        .expect(&log);
    let heal = log
        .find("Auto-healing: syncing application my-app")
        .expect(&log);
    let done = log
        .find("Sync successful: deployment.apps/my-app scaled to 3")
        .expect(&log);
    assert!(drift < heal && heal < done, "{log}");

    // A commit is synced.
    let repo = up.repo();
    let cm = repo.join("manifests/prod/configmap.yaml");
    let text = std::fs::read_to_string(&cm)
        .expect("configmap")
        .replace("LOG_LEVEL: info", "LOG_LEVEL: debug");
    std::fs::write(&cm, text).expect("edit");
    common::git(&repo, &["commit", "-q", "-am", "debug logging"]);
    up.wait_for(
        "the pushed commit is synced",
        &[
            "get",
            "configmap",
            "my-app-config",
            "-n",
            "production",
            "-o",
            "jsonpath={.data.LOG_LEVEL}",
        ],
        "debug",
    );

    // A file removed from Git is pruned.
    let k = repo.join("manifests/prod/kustomization.yaml");
    let text = std::fs::read_to_string(&k)
        .expect("kustomization")
        .replace("- service.yaml\n", "");
    std::fs::write(&k, text).expect("edit");
    common::git(&repo, &["rm", "-q", "manifests/prod/service.yaml"]);
    common::git(&repo, &["commit", "-q", "-am", "drop the service"]);
    up.wait_for(
        "the removed service is pruned",
        &["get", "services", "-n", "production", "-o", "name"],
        "",
    );
}
