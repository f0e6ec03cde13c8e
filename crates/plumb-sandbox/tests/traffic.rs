//! Synthetic traffic and its metrics: `GET /metrics` in the Prometheus text format, read
//! by a real Prometheus (`/usr/bin/prometheus`, Debian package `prometheus`, which
//! scripts/test.sh installs) that this test starts on a free loopback port and stops.

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Cluster;
use plumb_sandbox::Options;
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::sim::profiles::Profiles;
use serde_json::Value;

const PROFILES: &str = r#"
profiles:
  "myapp:v1.2.0": {errorRate: 0.08}
"#;

/// A Deployment of `image` with `replicas` pods labelled `app: name`, and its Service.
fn workload(name: &str, image: &str, replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: app
        image: {image}
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {name}}}
  ports:
  - port: 80
    targetPort: 8080
"
    )
}

/// `stable` answers 90 % of its host's traffic, `my-app` (v1.2.0) 10 %.
const VIRTUAL_SERVICE: &str = "apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: stable
spec:
  hosts:
  - stable.default.svc.cluster.local
  http:
  - route:
    - destination:
        host: stable
      weight: 90
    - destination:
        host: my-app
      weight: 10
";

fn simulated(traffic_rps: f64, time_scale: f64) -> Cluster {
    let file = Profiles::parse(PROFILES, "test").expect("profiles parse");
    let profiles = Profiles::new(file, Duration::from_secs(1)).expect("valid profiles");
    Cluster::start_opts(Options {
        simulate: true,
        time_scale,
        sim: SimOptions {
            profiles: Arc::new(profiles),
            traffic_rps,
            seed: 7,
            ..SimOptions::default()
        },
        ..Options::default()
    })
}

/// A plain HTTP/1.0 GET: (status code, headers, body).
fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((code, head.to_string(), body.to_string()))
}

fn metrics(c: &Cluster) -> (String, String) {
    let (code, head, body) = http_get(c.sandbox().addr(), "/metrics").expect("GET /metrics");
    assert_eq!(code, 200, "{head}\n{body}");
    (head, body)
}

/// Polls `f` every 500 ms until it returns `Ok`, failing after `secs` seconds with the
/// last `Err`.
fn eventually<T>(secs: u64, what: &str, mut f: impl FnMut() -> Result<T, String>) -> T {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        match f() {
            Ok(v) => return v,
            Err(seen) => assert!(Instant::now() < end, "{what}; last seen: {seen}"),
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

#[test]
fn metrics_are_exported_per_pod_with_the_profile_version_and_error_statuses() {
    let c = simulated(500.0, 1.0);
    // The VirtualService CRD is there from the start, as Istio installs it.
    let crd = c.kubectl(&[
        "get",
        "crd",
        "virtualservices.networking.istio.io",
        "-o",
        "json",
    ]);
    let crd: Value = serde_json::from_str(&crd).expect("JSON");
    let versions: Vec<(&str, bool)> = crd["spec"]["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| (v["name"].as_str().unwrap_or(""), v["storage"] == true))
        .collect();
    assert_eq!(
        versions,
        [("v1", false), ("v1alpha3", true), ("v1beta1", false)]
    );
    assert!(c.kubectl(&["get", "vs"]).is_empty());

    c.ok(
        &["apply", "-f", "-"],
        Some(&workload("my-app", "myapp:v1.2.0", 2)),
    );
    let (head, body) = eventually(60, "my-app's pods answer requests with 5xx", || {
        let (head, body) = metrics(&c);
        let errors: u64 = body
            .lines()
            .filter(|l| l.starts_with("http_requests_total{") && l.contains("status=\"5"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if errors > 0 {
            Ok((head, body))
        } else {
            Err(body)
        }
    });
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/plain; version=0.0.4"),
        "{head}"
    );
    for want in [
        "# HELP http_requests_total ",
        "# TYPE http_requests_total counter",
        "# HELP http_request_duration_seconds ",
        "# TYPE http_request_duration_seconds histogram",
    ] {
        assert!(
            body.lines().any(|l| l.starts_with(want)),
            "{want} in\n{body}"
        );
    }
    let pods = c.kubectl(&["get", "pods", "-o", "name"]);
    let pods: Vec<&str> = pods
        .lines()
        .filter_map(|l| l.strip_prefix("pod/"))
        .collect();
    assert_eq!(pods.len(), 2, "{pods:?}");
    for pod in pods {
        let labels = format!(
            "namespace=\"default\",host=\"my-app\",service=\"my-app\",pod=\"{pod}\",version=\"v1.2.0\""
        );
        for status in ["200", "500", "502", "503"] {
            let prefix = format!("http_requests_total{{{labels},status=\"{status}\"}} ");
            assert!(
                body.lines().any(|l| l.starts_with(&prefix)),
                "{prefix} in\n{body}"
            );
        }
        for suffix in [
            "_bucket{LABELS,le=\"0.005\"} ",
            "_bucket{LABELS,le=\"+Inf\"} ",
            "_sum{LABELS} ",
            "_count{LABELS} ",
        ] {
            let prefix = format!(
                "http_request_duration_seconds{}",
                suffix.replace("LABELS", &labels)
            );
            assert!(
                body.lines().any(|l| l.starts_with(&prefix)),
                "{prefix} in\n{body}"
            );
        }
    }
    // The kubernetes Service has no selector: it gets no traffic.
    assert!(!body.contains("host=\"kubernetes\""), "{body}");
}

#[test]
fn a_service_annotation_overrides_the_rate_and_zero_turns_it_off() {
    let c = simulated(50.0, 1.0);
    let quiet = workload("quiet", "nginx:1.25", 1).replace(
        "kind: Service\nmetadata:\n  name: quiet\n",
        "kind: Service\nmetadata:\n  name: quiet\n  annotations: {plumb.dev/traffic-rps: \"0\"}\n",
    );
    assert!(quiet.contains("traffic-rps"));
    c.ok(&["apply", "-f", "-"], Some(&quiet));
    c.ok(
        &["apply", "-f", "-"],
        Some(&workload("busy", "nginx:1.25", 1)),
    );
    eventually(60, "busy receives requests", || {
        let (_, body) = metrics(&c);
        let n: u64 = body
            .lines()
            .filter(|l| l.starts_with("http_requests_total{") && l.contains("host=\"busy\""))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        if n > 0 { Ok(()) } else { Err(body) }
    });
    let (_, body) = metrics(&c);
    assert!(!body.contains("host=\"quiet\""), "{body}");
}

/// A Prometheus server scraping the sandbox every second; killed when dropped.
struct Prometheus {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
    log: PathBuf,
}

impl Prometheus {
    fn start(target: SocketAddr) -> Prometheus {
        let bin = std::env::var_os("PLUMB_PROMETHEUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/prometheus"));
        assert!(
            bin.exists(),
            "{} is missing: install the Debian package `prometheus` (scripts/test.sh does) \
             or set PLUMB_PROMETHEUS",
            bin.display()
        );
        let dir = tempfile::tempdir().expect("a temp dir");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n- job_name: sandbox\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  \
                 static_configs:\n  - targets: ['{target}']\n"
            ),
        )
        .expect("write the config");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = dir.path().join("prometheus.log");
        let out = std::fs::File::create(&log).expect("a log file");
        let child = Command::new(&bin)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("a log file"))
            .stderr(out)
            .spawn()
            .expect("prometheus starts");
        let mut p = Prometheus {
            child,
            addr,
            _dir: dir,
            log,
        };
        eventually(60, "prometheus is ready", || {
            if let Ok(Some(status)) = p.child.try_wait() {
                panic!("prometheus exited ({status}):\n{}", p.log_text());
            }
            match http_get(p.addr, "/-/ready") {
                Ok((200, _, _)) => Ok(()),
                other => Err(format!("{other:?}")),
            }
        });
        p
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The value of an instant query that yields one sample (`None` when it yields none).
    fn query(&self, q: &str) -> Result<Option<f64>, String> {
        let qs = serde_urlencoded::to_string([("query", q)]).expect("encodable");
        let (code, _, body) =
            http_get(self.addr, &format!("/api/v1/query?{qs}")).map_err(|e| e.to_string())?;
        if code != 200 {
            return Err(format!("{code}: {body}"));
        }
        let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
        match v["data"]["result"].as_array().map(Vec::as_slice) {
            Some([]) => Ok(None),
            Some([one]) => one["value"][1]
                .as_str()
                .and_then(|s| s.parse().ok())
                .map(Some)
                .ok_or_else(|| body.clone()),
            _ => Err(body),
        }
    }

    /// Polls `q` until its value is within `want ± tol`.
    fn wait_for(&self, secs: u64, q: &str, want: f64, tol: f64) -> f64 {
        eventually(secs, &format!("{q} ≈ {want} ± {tol}"), || {
            match self.query(q) {
                Ok(Some(v)) if (v - want).abs() <= tol => Ok(v),
                Ok(v) => Err(format!("{v:?}")),
                Err(e) => Err(format!("{e}\nprometheus log:\n{}", self.log_text())),
            }
        })
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn error_ratio(selector: &str, window: &str) -> String {
    format!(
        "sum(rate(http_requests_total{{status=~\"5..\",{selector}}}[{window}])) / \
         sum(rate(http_requests_total{{{selector}}}[{window}]))"
    )
}

#[test]
fn prometheus_sees_the_profile_error_rate_and_the_virtual_service_split() {
    // 2000 requests per simulated second per host, 10 simulated seconds per real one:
    // a 30 s window holds ~600,000 requests per host, so the ratios below are off by
    // well under a thousandth (one standard deviation ~0.00035 for 8 %).
    let c = simulated(2000.0, 10.0);
    let prom = Prometheus::start(c.sandbox().addr());
    c.ok(
        &["apply", "-f", "-"],
        Some(&workload("my-app", "myapp:v1.2.0", 3)),
    );
    c.ok(
        &["apply", "-f", "-"],
        Some(&workload("stable", "myapp:v1.1.0", 3)),
    );

    // The seed's query shape, for the Service whose pods run v1.2.0.
    let got = prom.wait_for(120, &error_ratio("service=\"my-app\"", "1m"), 0.08, 0.02);
    eprintln!("my-app error ratio: {got}");
    let mean = "sum(rate(http_request_duration_seconds_sum{service=\"my-app\"}[1m])) / \
                sum(rate(http_request_duration_seconds_count{service=\"my-app\"}[1m]))";
    let got = prom.wait_for(30, mean, 0.020, 0.004);
    eprintln!("my-app mean latency: {got}");

    // 10 % of stable's host goes to v1.2.0 now: 0.1 × 8 % + 0.9 × 0.1 % (the default
    // error rate of a healthy image) = 0.89 %.
    c.ok(&["apply", "-f", "-"], Some(VIRTUAL_SERVICE));
    assert!(c.kubectl(&["get", "vs"]).contains("stable"));
    // Let a 30 s window hold only routed traffic before judging it.
    std::thread::sleep(Duration::from_secs(33));
    let got = prom.wait_for(60, &error_ratio("host=\"stable\"", "30s"), 0.0089, 0.003);
    eprintln!("stable host error ratio: {got}");
    let share = "sum(rate(http_requests_total{host=\"stable\",service=\"my-app\"}[30s])) / \
                 sum(rate(http_requests_total{host=\"stable\"}[30s]))";
    let got = prom.wait_for(30, share, 0.10, 0.01);
    eprintln!("share of stable's host answered by my-app: {got}");
    // my-app is a destination now: no client calls it directly any more.
    let direct = "sum(rate(http_requests_total{host=\"my-app\"}[30s]))";
    let got = prom.wait_for(30, direct, 0.0, 0.0);
    eprintln!("direct rate to my-app: {got}");
}
