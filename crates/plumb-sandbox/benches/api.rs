//! Sandbox API benchmarks (issue 2): memory per 10,000 stored objects, list latency with
//! 50,000 objects, one change fanned out to 100 watchers, get and SSA-apply requests/s.
//!
//! Run: `cargo bench -p plumb-sandbox --bench api` (results are printed; record them in
//! BENCHMARKS.md). Everything runs in this process on loopback.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use plumb_sandbox::{Options, Sandbox};
use serde_json::json;

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn deployment(i: usize) -> serde_json::Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": format!("app-{i}"), "namespace": "default",
                     "labels": {"app": format!("app-{i}"), "team": "bench"}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": format!("app-{i}")}},
            "template": {"metadata": {"labels": {"app": format!("app-{i}")}},
                "spec": {"containers": [{"name": "app", "image": format!("registry.local/app-{i}:v1.2.3"),
                    "ports": [{"containerPort": 8080}],
                    "env": [{"name": "MODE", "value": "production"}]}]}}}
    })
}

fn configmap(i: usize) -> ConfigMap {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": format!("cm-{i}"), "labels": {"set": "bench"}},
        "data": {"key": format!("value-{i}"), "other": "x".repeat(64)},
    }))
    .expect("a ConfigMap")
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sandbox = Sandbox::start(Options::default()).await.expect("sandbox");
    let config = kube::Config::new(sandbox.url().parse().expect("url"));
    let client = kube::Client::try_from(config).expect("client");

    // 1. Memory per 10,000 stored objects (Deployments of a realistic size, stored
    //    through the store directly so that only storage is measured).
    let store = sandbox.store().clone();
    let before = rss_bytes();
    for i in 0..10_000 {
        let obj = deployment(i);
        store
            .mutate::<std::io::Error>(
                "apps/deployments",
                "default",
                &format!("app-{i}"),
                |_, _| Ok(plumb_sandbox::store::Change::Put(obj)),
            )
            .expect("stored");
    }
    let after = rss_bytes();
    println!(
        "memory: {:.1} MiB RSS growth for 10,000 Deployments ({} bytes/object)",
        (after.saturating_sub(before)) as f64 / 1048576.0,
        after.saturating_sub(before) / 10_000
    );

    // 2. List latency with 50,000 objects (ConfigMaps via the API).
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let created = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for w in 0..8 {
        let cms = cms.clone();
        let created = created.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..50_000).step_by(8) {
                cms.create(&PostParams::default(), &configmap(i))
                    .await
                    .expect("create");
                created.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let t = Instant::now();
    for task in tasks {
        task.await.expect("creator");
    }
    let create_rate = 50_000.0 / t.elapsed().as_secs_f64();
    // The server's answer, measured as raw bytes (what any client waits for before it
    // decodes; kube-rs' typed decoding of 50,000 objects is client time).
    let mut list_times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let req = http::Request::get("/api/v1/namespaces/default/configmaps")
            .body(Vec::new())
            .expect("request");
        let body = client.request_text(req).await.expect("list");
        list_times.push(t.elapsed());
        assert!(body.len() > 50_000 * 100);
    }
    list_times.sort();
    let t = Instant::now();
    let typed = cms.list(&ListParams::default()).await.expect("typed list");
    assert_eq!(typed.items.len(), 50_000);
    let typed_time = t.elapsed();
    let mut page_times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let list = cms
            .list(&ListParams::default().limit(500))
            .await
            .expect("list");
        page_times.push(t.elapsed());
        assert_eq!(list.items.len(), 500);
    }
    page_times.sort();
    let mut sel_times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        cms.list(&ListParams::default().fields("metadata.name=cm-49999"))
            .await
            .expect("list");
        sel_times.push(t.elapsed());
    }
    sel_times.sort();
    println!(
        "list 50,000 ConfigMaps: full p50 {:?} p90 {:?} (kube-rs typed, incl. decoding: {:?}); limit=500 p50 {:?}; fieldSelector p50 {:?} (creates: {:.0}/s)",
        percentile(&list_times, 0.5),
        percentile(&list_times, 0.9),
        typed_time,
        percentile(&page_times, 0.5),
        percentile(&sel_times, 0.5),
        create_rate
    );

    // 3. One change fanned out to 100 watchers.
    let rv = cms
        .list(&ListParams::default().limit(1))
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    let mut streams = Vec::new();
    for _ in 0..100 {
        let s = cms
            .watch(&WatchParams::default().fields("metadata.name=cm-0"), &rv)
            .await
            .expect("watch")
            .boxed();
        streams.push(s);
    }
    let mut fan = Vec::new();
    for round in 0..20 {
        let t = Instant::now();
        cms.patch(
            "cm-0",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"key": format!("round-{round}")}})),
        )
        .await
        .expect("patch");
        let waits = streams.iter_mut().map(|s| async move {
            loop {
                match s.next().await {
                    Some(Ok(WatchEvent::Modified(_))) => return Instant::now(),
                    Some(Ok(_)) => continue,
                    other => panic!("watch ended: {:?}", other.map(|r| r.map(|_| ()))),
                }
            }
        });
        let done = futures::future::join_all(waits).await;
        let last = done.into_iter().max().expect("watchers");
        fan.push(last - t);
    }
    fan.sort();
    println!(
        "fan-out: one change seen by all 100 watchers p50 {:?} p90 {:?}",
        percentile(&fan, 0.5),
        percentile(&fan, 0.9)
    );
    drop(streams);

    // 4. get and SSA-apply requests per second (8 concurrent clients, 5 s each).
    let rate = |label: &'static str, apply: bool| {
        let cms = cms.clone();
        async move {
            let count = Arc::new(AtomicUsize::new(0));
            let deadline = Instant::now() + Duration::from_secs(5);
            let mut tasks = Vec::new();
            for w in 0..8usize {
                let cms = cms.clone();
                let count = count.clone();
                tasks.push(tokio::spawn(async move {
                    let mut i = 0usize;
                    while Instant::now() < deadline {
                        let name = format!("cm-{}", (w * 997 + i * 13) % 50_000);
                        if apply {
                            let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap",
                                "metadata": {"name": name}, "data": {"applied": i.to_string()}});
                            cms.patch(
                                &name,
                                &PatchParams::apply("bench").force(),
                                &Patch::Apply(&cfg),
                            )
                            .await
                            .expect("apply");
                        } else {
                            cms.get(&name).await.expect("get");
                        }
                        i += 1;
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
            for t in tasks {
                t.await.expect("worker");
            }
            println!(
                "{label}: {:.0} requests/s",
                count.load(Ordering::Relaxed) as f64 / 5.0
            );
        }
    };
    rate("get", false).await;
    rate("server-side apply", true).await;
    sandbox.stop().await;
}
