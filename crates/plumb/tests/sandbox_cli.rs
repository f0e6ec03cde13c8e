//! `plumb sandbox` as a process: the ready line, the kubeconfig, clean exit on SIGTERM,
//! and durability with `--state` across `kill -9`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Starts `plumb sandbox` and returns the child and the URL from its ready line.
fn start(dir: &Path, state: Option<&Path>) -> (Child, String) {
    start_with(dir, state, &[])
}

/// Starts `plumb sandbox` with extra arguments.
fn start_with(dir: &Path, state: Option<&Path>, extra: &[&str]) -> (Child, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_plumb"));
    cmd.arg("sandbox")
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--kubeconfig")
        .arg(dir.join("kubeconfig"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(s) = state {
        cmd.arg("--state").arg(s);
    }
    cmd.args(extra);
    let mut child = cmd.spawn().expect("plumb starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("the ready line");
    let expected = format!("kubeconfig={}", dir.join("kubeconfig").display());
    assert!(
        line.starts_with("sandbox ready: http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.trim_end().ends_with(&expected), "{line}");
    let url = line["sandbox ready: ".len()..]
        .split_whitespace()
        .next()
        .expect("a URL")
        .to_string();
    (child, url)
}

/// One HTTP/1.1 request; returns (status, body).
fn http(url: &str, method: &str, path: &str, body: Option<&str>) -> std::io::Result<(u16, String)> {
    let addr = url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut resp = String::new();
    s.read_to_string(&mut resp)?;
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn rv_of(body: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(body).expect("a JSON object");
    v["metadata"]["resourceVersion"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a resourceVersion")
}

#[test]
fn sigterm_stops_the_sandbox_with_exit_code_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, url) = start(dir.path(), None);
    let (code, _) = http(&url, "GET", "/api/v1/namespaces/default", None).expect("GET");
    assert_eq!(code, 200);
    let kubeconfig = std::fs::read_to_string(dir.path().join("kubeconfig")).expect("kubeconfig");
    assert!(
        kubeconfig.contains(&format!("server: {url}")),
        "{kubeconfig}"
    );
    assert!(
        kubeconfig.contains("current-context: plumb-sandbox"),
        "{kubeconfig}"
    );
    // SAFETY: plain libc kill on our own child's pid.
    let rc = unsafe { libc_kill(child.id() as i32, 15) };
    assert_eq!(rc, 0);
    let status = child.wait().expect("exit");
    assert_eq!(status.code(), Some(0));
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[test]
fn every_acknowledged_write_survives_kill_dash_nine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let (mut child, url) = start(dir.path(), Some(&state));
    let acked: Arc<Mutex<Vec<(String, u64)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (url, acked, stop) = (url.clone(), acked.clone(), stop.clone());
            std::thread::spawn(move || {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let name = format!("cm-{w}-{i}");
                    let body = format!(
                        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}},"data":{{"i":"{i}"}}}}"#
                    );
                    match http(&url, "POST", "/api/v1/namespaces/default/configmaps", Some(&body)) {
                        Ok((201, resp)) => acked.lock().expect("lock").push((name, rv_of(&resp))),
                        Ok((code, resp)) => panic!("unexpected {code}: {resp}"),
                        Err(_) => break, // the server was killed
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer thread");
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 20, "the load ran: {} writes", acked.len());
    let max_rv = acked.iter().map(|(_, rv)| *rv).max().expect("writes");

    let (mut child, url) = start(dir.path(), Some(&state));
    for (name, rv) in &acked {
        let (code, body) = http(
            &url,
            "GET",
            &format!("/api/v1/namespaces/default/configmaps/{name}"),
            None,
        )
        .expect("GET");
        assert_eq!(
            code, 200,
            "{name} was acknowledged and must be there: {body}"
        );
        assert_eq!(rv_of(&body), *rv, "{name} keeps its resourceVersion");
    }
    let (code, list) =
        http(&url, "GET", "/api/v1/namespaces/default/configmaps", None).expect("list");
    assert_eq!(code, 200);
    let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|o| o["metadata"]["name"].as_str())
        .collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no object is duplicated");
    let body = r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after"}}"#;
    let (code, resp) = http(
        &url,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        Some(body),
    )
    .expect("POST");
    assert_eq!(code, 201);
    assert!(
        rv_of(&resp) > max_rv,
        "resourceVersions keep increasing after a restart"
    );
    child.kill().expect("kill");
    child.wait().expect("reaped");
}

fn kubectl(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", dir.join("kubeconfig"))
        .env("HOME", dir)
        .output()
        .expect("kubectl runs");
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_simulator_runs_by_default_with_profiles_nodes_and_a_time_scale() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let profiles = dir.path().join("profiles.yaml");
    std::fs::write(&profiles, "profiles:\n  \"myapp:v9\": {crashLoop: true}\n").unwrap();
    // An OTLP endpoint that records the first request line and content type it gets.
    let otlp = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let otlp_url = format!("http://{}", otlp.local_addr().expect("address"));
    let (seen_tx, seen_rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for conn in otlp.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                head.push(byte[0]);
            }
            let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            let _ = seen_tx.send(String::from_utf8_lossy(&head).to_lowercase());
        }
    });
    let (mut child, url) = start_with(
        dir.path(),
        None,
        &[
            "--otlp-endpoint",
            &otlp_url,
            "--otlp-interval",
            "200ms",
            "--profiles",
            profiles.to_str().unwrap(),
            "--time-scale",
            "10",
            "--nodes",
            "2",
            "--pod-ready-delay",
            "200ms",
            "--traffic-rps",
            "200",
            "--seed",
            "7",
        ],
    );
    let nodes = kubectl(dir.path(), &["get", "nodes", "--no-headers"]);
    assert_eq!(
        nodes.lines().filter(|l| l.contains(" Ready ")).count(),
        2,
        "{nodes}"
    );
    kubectl(
        dir.path(),
        &[
            "create",
            "deployment",
            "ok",
            "--image=nginx",
            "--replicas=2",
        ],
    );
    kubectl(
        dir.path(),
        &["create", "deployment", "bad", "--image=myapp:v9"],
    );
    kubectl(
        dir.path(),
        &["rollout", "status", "deployment/ok", "--timeout=60s"],
    );
    // Traffic to the Service's ready pods shows on /metrics.
    kubectl(dir.path(), &["expose", "deployment", "ok", "--port=80"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (code, body) = http(&url, "GET", "/metrics", None).expect("GET /metrics");
        assert_eq!(code, 200);
        let served = body.lines().any(|l| {
            l.starts_with("http_requests_total{")
                && l.contains("namespace=\"default\"")
                && l.contains("host=\"ok\"")
                && l.contains("service=\"ok\"")
        });
        if served {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no traffic to ok:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // ... and is pushed over OTLP/HTTP.
    let head = seen_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("an OTLP export request");
    assert!(
        head.starts_with("post /v1/metrics http/1.1")
            && head.contains("content-type: application/x-protobuf"),
        "{head}"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let pods = kubectl(
            dir.path(),
            &["get", "pods", "-l", "app=bad", "--no-headers"],
        );
        if pods.contains("CrashLoopBackOff") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no CrashLoopBackOff: {pods}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    // The profile file is reloaded when it changes: the image is fixed.
    std::fs::write(&profiles, "profiles: {}\n").unwrap();
    let f = std::fs::File::options()
        .write(true)
        .open(&profiles)
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    kubectl(
        dir.path(),
        &["rollout", "status", "deployment/bad", "--timeout=90s"],
    );
    // SIGTERM: a clean stop.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    assert!(child.wait().expect("exit status").success());
}

#[test]
fn a_bad_otlp_endpoint_is_refused_naming_the_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(["sandbox", "--otlp-endpoint", "collector:4318"])
        .output()
        .expect("plumb runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--otlp-endpoint") && err.contains("not an http:// or https:// URL"),
        "{err}"
    );
}

#[test]
fn a_bad_time_scale_is_refused_naming_the_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_plumb"))
        .args(["sandbox", "--time-scale", "0"])
        .output()
        .expect("plumb runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--time-scale") && err.contains("not a positive number"),
        "{err}"
    );
}
