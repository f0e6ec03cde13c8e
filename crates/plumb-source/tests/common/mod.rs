//! Test harness: fixture repositories made with the real `git`, a real
//! `git daemon`, and a small HTTP server running `git http-backend` per request.

#![allow(dead_code)]

pub mod http;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Run `git` in `dir` with a configuration isolated from the machine's.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("git runs because it is installed on the test machine");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Run `git` in `dir` with `input` on stdin.
pub fn git_stdin(dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git runs because it is installed on the test machine");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("git finishes");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A work repository plus a bare copy served to the tests.
pub struct Fixture {
    pub _tmp: tempfile::TempDir,
    /// Work tree where commits are made.
    pub work: PathBuf,
    /// Directory holding `repo.git` (the base path of servers).
    pub base: PathBuf,
    /// The bare repository (`<base>/repo.git`).
    pub bare: PathBuf,
}

impl Fixture {
    /// A repository with `main` (two commits), branch `dev`, annotated tag
    /// `v1.0.0` and lightweight tag `light` on the first commit, files under
    /// `apps/web/`, and an internal relative symlink.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let work = tmp.path().join("work");
        let base = tmp.path().join("srv");
        std::fs::create_dir_all(work.join("apps/web")).expect("mkdir");
        std::fs::create_dir_all(&base).expect("mkdir");
        git(&work, &["init", "-q", "-b", "main"]);
        std::fs::write(
            work.join("apps/web/deployment.yaml"),
            "kind: Deployment\nreplicas: 1\n",
        )
        .expect("write");
        std::fs::write(work.join("README.md"), "fixture\n").expect("write");
        std::os::unix::fs::symlink("apps/web", work.join("web")).expect("symlink");
        git(&work, &["add", "-A"]);
        git(&work, &["commit", "-q", "-m", "first"]);
        git(&work, &["tag", "-a", "v1.0.0", "-m", "release 1.0.0"]);
        git(&work, &["tag", "light"]);
        git(&work, &["branch", "dev"]);
        std::fs::write(
            work.join("apps/web/deployment.yaml"),
            "kind: Deployment\nreplicas: 2\n",
        )
        .expect("write");
        git(&work, &["commit", "-q", "-am", "second"]);
        let bare = base.join("repo.git");
        git(
            tmp.path(),
            &[
                "clone",
                "-q",
                "--bare",
                work.to_str().expect("utf-8"),
                bare.to_str().expect("utf-8"),
            ],
        );
        Fixture {
            _tmp: tmp,
            work,
            base,
            bare,
        }
    }

    /// `file://` URL of the bare repository.
    pub fn file_url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// SHA of `rev` in the bare repository.
    pub fn rev(&self, rev: &str) -> String {
        git(&self.bare, &["rev-parse", &format!("{rev}^{{commit}}")])
    }

    /// Commit `content` to `path` on `main` and push it to the bare repository.
    pub fn commit_and_push(&self, path: &str, content: &str, message: &str) -> String {
        let file = self.work.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&file, content).expect("write");
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", message]);
        git(
            &self.work,
            &["push", "-q", "--all", self.bare.to_str().expect("utf-8")],
        );
        self.rev("main")
    }

    /// Add a symlink on `main` and push it.
    pub fn push_symlink(&self, path: &str, target: &str) -> String {
        std::os::unix::fs::symlink(target, self.work.join(path)).expect("symlink");
        git(&self.work, &["add", "-A"]);
        git(&self.work, &["commit", "-q", "-m", "symlink"]);
        git(
            &self.work,
            &["push", "-q", "--all", self.bare.to_str().expect("utf-8")],
        );
        self.rev("main")
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding an ephemeral port on loopback works")
}

/// Wait until something accepts connections on `addr`.
pub fn wait_for(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {addr}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A `git daemon` on loopback, killed on drop.
pub struct GitDaemon {
    child: Child,
    pub port: u16,
}

impl GitDaemon {
    pub fn start(base: &Path) -> Self {
        let port = free_port();
        let child = Command::new("git")
            .arg("daemon")
            .arg("--export-all")
            .arg(format!("--base-path={}", base.display()))
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg("--reuseaddr")
            .arg("--informative-errors")
            .arg(base)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("git daemon starts");
        wait_for(SocketAddr::from(([127, 0, 0, 1], port)));
        GitDaemon { child, port }
    }

    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }
}

impl Drop for GitDaemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
