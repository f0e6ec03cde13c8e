//! Workload simulator benchmarks (issue 3): simulated pods sustained with traffic on, and
//! CPU used per 1,000 simulated requests per second.
//!
//! Run: `cargo bench -p plumb-sandbox --bench sim` (results are printed; record them in
//! BENCHMARKS.md). Environment: `PODS` (default 20000), `REPLICAS` per Deployment
//! (default 10; one Service each), `WINDOW` seconds of CPU measurement (default 20),
//! `SETTLE` seconds between all pods Ready and the window (default 10), `VERBOSE`.
//!
//! For each traffic setting a fresh sandbox (2 tokio workers, as `plumb sandbox` on a
//! 2-core machine) gets the Deployments and Services over HTTP, the simulator brings
//! every pod to Ready, and the process's CPU time (/proc/self/stat utime + stime) is
//! measured over the window while the simulator idles and the traffic generator runs.
//! The setting with `traffic_rps = 0` is the baseline; CPU per 1,000 rps is the extra
//! CPU over it divided by the offered rate. A last run puts a high rate on few pods, to
//! show a tick's cost follows routes, not requests.

use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Api, PostParams};
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::{Options, Sandbox};
use serde_json::json;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) this process has used.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of stat(5), counted from the state (field 3) here.
    let ticks = f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0);
    ticks / 100.0 // USER_HZ
}

fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

fn deployment(i: usize, replicas: usize) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("app-{i}")},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": format!("app-{i}")}},
            "template": {"metadata": {"labels": {"app": format!("app-{i}")}},
                "spec": {"containers": [{"name": "app", "image": format!("registry.local/app-{i}:v1.2.3"),
                    "ports": [{"containerPort": 8080}]}]}}}
    }))
    .expect("a Deployment")
}

fn service(i: usize) -> Service {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": format!("app-{i}")},
        "spec": {"selector": {"app": format!("app-{i}")}, "ports": [{"port": 80, "targetPort": 8080}]},
    }))
    .expect("a Service")
}

/// A line of the sandbox's /metrics (a self-metric without labels).
async fn self_metric(url: &str, name: &str) -> f64 {
    let body = get(url, "/metrics").await.0;
    body.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

/// GET over a plain TCP connection: (body, seconds taken).
async fn get(url: &str, path: &str) -> (String, f64) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://").to_string();
    let started = Instant::now();
    let mut s = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    s.write_all(format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .expect("request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (body.to_string(), started.elapsed().as_secs_f64())
}

struct Run {
    pods: usize,
    ready_secs: f64,
    cpu_cores: f64,
    offered_rps: f64,
    routes: f64,
    busy_share: f64,
    scrape: Option<(f64, usize)>,
    rss_mb: f64,
}

async fn run(services: usize, replicas: usize, traffic_rps: f64, window: u64, scrape: bool) -> Run {
    let sandbox = Sandbox::start(Options {
        simulate: true,
        sim: SimOptions {
            traffic_rps,
            ..SimOptions::default()
        },
        ..Options::default()
    })
    .await
    .expect("sandbox");
    let url = sandbox.url();
    let client =
        kube::Client::try_from(kube::Config::new(url.parse().expect("url"))).expect("client");
    let deploys: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let svcs: Api<Service> = Api::namespaced(client, "default");
    let started = Instant::now();
    futures::stream::iter(0..services)
        .map(|i| {
            let (deploys, svcs) = (deploys.clone(), svcs.clone());
            async move {
                svcs.create(&PostParams::default(), &service(i))
                    .await
                    .expect("create svc");
                deploys
                    .create(&PostParams::default(), &deployment(i, replicas))
                    .await
                    .expect("create deployment");
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    let want = services * replicas;
    let store = sandbox.store().clone();
    loop {
        let (pods, _) = store.list("/pods", None);
        let ready = pods
            .iter()
            .filter(|p| {
                p["status"]["conditions"].as_array().is_some_and(|cs| {
                    cs.iter()
                        .any(|c| c["type"] == "Ready" && c["status"] == "True")
                })
            })
            .count();
        if ready >= want {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1800),
            "only {ready}/{want} pods ready after 30 minutes"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let ready_secs = started.elapsed().as_secs_f64();
    let ramp_busy = self_metric(&url, "plumb_sandbox_traffic_busy_seconds_total").await;
    if std::env::var_os("VERBOSE").is_some() {
        println!("  (traffic generator busy {ramp_busy:.3}s while the pods came up)");
    }
    // Let the simulator settle (ReplicaSet/Deployment status, routes rebuilt).
    tokio::time::sleep(Duration::from_secs(env("SETTLE", 10) as u64)).await;
    let busy0 = self_metric(&url, "plumb_sandbox_traffic_busy_seconds_total").await;
    let (cpu0, t0) = (cpu_seconds(), Instant::now());
    tokio::time::sleep(Duration::from_secs(window)).await;
    let (cpu1, t1) = (cpu_seconds(), Instant::now());
    let busy1 = self_metric(&url, "plumb_sandbox_traffic_busy_seconds_total").await;
    let secs = t1.duration_since(t0).as_secs_f64();
    let offered_rps = self_metric(&url, "plumb_sandbox_traffic_offered_rps").await;
    let routes = self_metric(&url, "plumb_sandbox_traffic_routes").await;
    let scrape = if scrape {
        let (body, took) = get(&url, "/metrics").await;
        Some((took, body.len()))
    } else {
        None
    };
    let rss = rss_mb();
    sandbox.stop().await;
    Run {
        pods: want,
        ready_secs,
        cpu_cores: (cpu1 - cpu0) / secs,
        offered_rps,
        routes,
        busy_share: (busy1 - busy0) / secs,
        scrape,
        rss_mb: rss,
    }
}

fn report(label: &str, r: &Run) {
    println!(
        "{label}: {} pods ready in {:.1}s; CPU {:.3} cores; offered {:.0} rps over {:.0} routes; \
         traffic generator busy {:.4} of a core; RSS {:.0} MB",
        r.pods, r.ready_secs, r.cpu_cores, r.offered_rps, r.routes, r.busy_share, r.rss_mb
    );
    if let Some((took, bytes)) = r.scrape {
        println!(
            "  one GET /metrics: {:.3}s, {:.1} MB",
            took,
            bytes as f64 / 1e6
        );
    }
}

/// Runs one setting in a fresh process (so runs do not share an allocator or leftover
/// tasks) and reads its result line.
fn child(services: usize, replicas: usize, traffic_rps: f64, window: u64, scrape: bool) -> Run {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = std::process::Command::new(exe)
        .env(
            "SIM_BENCH_RUN",
            format!("{services}:{replicas}:{traffic_rps}:{window}:{scrape}"),
        )
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("the bench runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no result:\n{text}"));
    let v: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap_or(-1.0)).collect();
    Run {
        pods: v[0] as usize,
        ready_secs: v[1],
        cpu_cores: v[2],
        offered_rps: v[3],
        routes: v[4],
        busy_share: v[5],
        scrape: (v[6] >= 0.0).then_some((v[6], v[7] as usize)),
        rss_mb: v[8],
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn one(spec: String) {
    let p: Vec<&str> = spec.split(':').collect();
    let r = run(
        p[0].parse().expect("services"),
        p[1].parse().expect("replicas"),
        p[2].parse().expect("rps"),
        p[3].parse().expect("window"),
        p[4] == "true",
    )
    .await;
    let (took, bytes) = r.scrape.unwrap_or((-1.0, 0));
    println!(
        "RESULT {} {} {} {} {} {} {} {} {}",
        r.pods,
        r.ready_secs,
        r.cpu_cores,
        r.offered_rps,
        r.routes,
        r.busy_share,
        took,
        bytes,
        r.rss_mb
    );
}

fn main() {
    if let Ok(spec) = std::env::var("SIM_BENCH_RUN") {
        return one(spec);
    }
    let pods = env("PODS", 20_000);
    let replicas = env("REPLICAS", 10).max(1);
    let window = env("WINDOW", 20) as u64;
    let services = pods.div_ceil(replicas);
    println!(
        "sim bench: {services} Deployments × {replicas} replicas, {window}s CPU windows, 2 workers"
    );

    let base = child(services, replicas, 0.0, window, false);
    report("traffic off (traffic_rps 0)", &base);
    let on = child(services, replicas, 50.0, window, true);
    report("traffic on (traffic_rps 50)", &on);
    let extra = on.cpu_cores - base.cpu_cores;
    println!(
        "  => process CPU +{:.3} cores for {:.0} rps: {:.4} CPU-seconds per second per 1,000 rps; \
         the generator's own busy time: {:.5} per 1,000 rps",
        extra,
        on.offered_rps,
        extra / (on.offered_rps / 1000.0),
        on.busy_share / (on.offered_rps / 1000.0)
    );

    // Few routes, a high rate: the cost follows routes, not requests.
    let hot = child(10, 10, 10_000.0, window, true);
    report("100 pods, traffic_rps 10000", &hot);
    println!(
        "  => generator busy {:.5} cores for {:.0} rps: {:.6} per 1,000 rps",
        hot.busy_share,
        hot.offered_rps,
        hot.busy_share / (hot.offered_rps / 1000.0)
    );
}
