//! A sandbox started inside the test, and the real kubectl pointed at it.

#![allow(dead_code)]

pub mod workloads;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use plumb_sandbox::{Options, Sandbox};

/// A sandbox on a free loopback port, with its own runtime; stops when dropped.
pub struct Cluster {
    pub rt: tokio::runtime::Runtime,
    sandbox: Option<Sandbox>,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

impl Cluster {
    pub fn start() -> Cluster {
        Self::start_with(None)
    }

    pub fn start_with(state: Option<&Path>) -> Cluster {
        Self::start_opts(Options {
            state: state.map(Path::to_path_buf),
            ..Options::default()
        })
    }

    /// A sandbox running the workload simulator.
    pub fn start_simulated() -> Cluster {
        Self::start_opts(Options {
            simulate: true,
            ..Options::default()
        })
    }

    pub fn start_opts(opts: Options) -> Cluster {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let sandbox = rt
            .block_on(Sandbox::start(opts))
            .expect("the sandbox starts");
        let dir = tempfile::tempdir().expect("a temp dir");
        let kubeconfig = dir.path().join("kubeconfig");
        sandbox
            .write_kubeconfig(&kubeconfig)
            .expect("the kubeconfig is written");
        Cluster {
            rt,
            sandbox: Some(sandbox),
            dir,
            kubeconfig,
        }
    }

    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox.as_ref().expect("running")
    }

    /// Runs kubectl with `args`; stdin when given.
    pub fn kubectl_in(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new("kubectl");
        cmd.args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.dir.path())
            .env("KUBECACHEDIR", self.dir.path().join("cache"))
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .expect("kubectl is installed (scripts/test.sh installs it)");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(input.as_bytes())
                .expect("kubectl reads stdin");
        }
        child.wait_with_output().expect("kubectl runs")
    }

    /// Runs kubectl and returns stdout, failing the test when kubectl fails.
    pub fn kubectl(&self, args: &[&str]) -> String {
        self.ok(args, None)
    }

    /// Runs kubectl with stdin and returns stdout, failing the test when kubectl fails.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.kubectl_in(args, stdin);
        assert!(
            out.status.success(),
            "kubectl {} failed:\nstdout: {}\nstderr: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs kubectl expecting failure; returns stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.kubectl_in(args, stdin);
        assert!(
            !out.status.success(),
            "kubectl {} should have failed:\nstdout: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// Writes a file in the test's directory and returns its path.
    pub fn file(&self, name: &str, content: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("write a test file");
        p.to_string_lossy().into_owned()
    }

    /// A kube-rs client for the sandbox.
    pub fn client(&self) -> kube::Client {
        let url = self.sandbox().url();
        let config = kube::Config::new(url.parse().expect("a valid URL"));
        let _guard = self.rt.enter();
        kube::Client::try_from(config).expect("a kube client")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(s) = self.sandbox.take() {
            self.rt.block_on(s.stop());
        }
    }
}

/// Each line's words joined by one space, with ages (`12s`, `3m4s`) as `<age>`: kubectl
/// aligns columns itself, and ages depend on when the test runs.
pub fn normalize(s: &str) -> String {
    s.lines()
        .map(|l| {
            l.split_whitespace()
                .map(|w| if is_age(w) { "<age>" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_age(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
        && w.chars()
            .last()
            .is_some_and(|c| matches!(c, 's' | 'm' | 'h' | 'd' | 'y'))
        && w.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, 's' | 'm' | 'h' | 'd' | 'y'))
}

/// Polls `f` until it returns true, failing after `secs` seconds with `what` and the last
/// thing `f` saw.
pub fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> (bool, String)) {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let (ok, seen) = f();
        if ok {
            return;
        }
        assert!(
            std::time::Instant::now() < end,
            "{what}; last seen:\n{seen}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// `kubectl <args> -o json`, parsed.
pub fn json(c: &Cluster, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&c.kubectl(&all)).expect("kubectl prints JSON")
}
