//! Tests of the traffic generator: versions, routing, sampling, scale.

use super::*;
use serde_json::json;

#[test]
fn versions_come_from_the_label_or_the_image_tag() {
    assert_eq!(image_tag("myapp:v1.2.0"), "v1.2.0");
    assert_eq!(image_tag("registry.local:5000/team/myapp:v2"), "v2");
    assert_eq!(image_tag("registry.local:5000/team/myapp"), "latest");
    assert_eq!(image_tag("myapp@sha256:abcd"), "sha256:abcd");
    assert_eq!(image_tag("myapp:v3@sha256:abcd"), "v3");
    assert_eq!(image_tag("nginx"), "latest");
    let pod = json!({"metadata": {"labels": {"app.kubernetes.io/version": "9"}},
        "spec": {"containers": [{"image": "myapp:v1"}]}});
    assert_eq!(version_of(&pod), "9");
    let pod = json!({"spec": {"containers": [{"image": "myapp:v1"}, {"image": "side:v7"}]}});
    assert_eq!(version_of(&pod), "v1");
}

#[test]
fn draws_have_the_right_means() {
    let mut rng = Rng::new(42);
    for (lambda, runs) in [(0.3, 200_000), (5.0, 50_000), (200.0, 20_000)] {
        let total: u64 = (0..runs).map(|_| rng.poisson(lambda)).sum();
        let mean = total as f64 / runs as f64;
        assert!(
            (mean - lambda).abs() < 0.02 * lambda + 0.01,
            "{lambda}: {mean}"
        );
    }
    for (n, p) in [
        (10, 0.08),
        (1000, 0.001),
        (1000, 0.08),
        (100_000, 0.5),
        (50, 0.97),
    ] {
        let runs = 20_000;
        let total: u64 = (0..runs).map(|_| rng.binomial(n, p)).sum();
        let mean = total as f64 / runs as f64;
        let want = n as f64 * p;
        assert!((mean - want).abs() < 0.03 * want + 0.01, "{n} {p}: {mean}");
    }
    assert_eq!(Rng::new(7).poisson(3.0), Rng::new(7).poisson(3.0));
}

#[test]
fn latencies_average_the_profile_mean_both_ways() {
    let mut rng = Rng::new(1);
    for n in [5u64, 5000] {
        let mut s = fresh_series();
        let mut total = 0;
        while total < 200_000 {
            latencies(n, 0.02, &mut s, &mut rng);
            total += n;
        }
        let count: u64 = s.buckets.iter().sum();
        assert_eq!(count, total);
        let mean = s.sum / count as f64;
        assert!((mean - 0.02).abs() < 0.001, "{n}: {mean}");
        // Half the mean is the floor: nothing under 5 ms for a 20 ms mean... in
        // the 0.005 bucket, and ~1-e^-1.5 = 78 % at or under 25 ms.
        assert_eq!(s.buckets[0], 0);
        let under_25ms = (s.buckets[0] + s.buckets[1] + s.buckets[2]) as f64 / count as f64;
        assert!((under_25ms - 0.777).abs() < 0.01, "{n}: {under_25ms}");
    }
}

fn fresh_series() -> Series {
    let mut m = metrics::Inner::default();
    let key = SeriesKey {
        namespace: "n".into(),
        host: "h".into(),
        service: "s".into(),
        pod: "p".into(),
        version: "v".into(),
    };
    m.use_only(&[key], Instant::now());
    m.series.pop().expect("a series")
}

fn pod(ns: &str, name: &str, app: &str, image: &str, ready: bool) -> (Name, Arc<Value>) {
    let v = json!({
        "metadata": {"namespace": ns, "name": name, "labels": {"app": app, "pod-template-hash": "x"}},
        "spec": {"containers": [{"image": image}]},
        "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]},
    });
    ((ns.into(), name.into()), Arc::new(v))
}

fn service(ns: &str, name: &str, app: &str, ann: Option<&str>) -> (Name, Arc<Value>) {
    let mut v =
        json!({"metadata": {"namespace": ns, "name": name}, "spec": {"selector": {"app": app}}});
    if let Some(a) = ann {
        v["metadata"]["annotations"] = json!({RPS_ANNOTATION: a});
    }
    ((ns.into(), name.into()), Arc::new(v))
}

fn world() -> World {
    let mut w = World::default();
    w.pods.extend([
        pod("prod", "a-1", "a", "myapp:v1.2.0", true),
        pod("prod", "a-2", "a", "myapp:v1.2.0", true),
        pod("prod", "a-3", "a", "myapp:v1.2.0", false),
        pod("prod", "b-1", "b", "myapp:v1.1.0", true),
        pod("other", "a-9", "a", "myapp:v1.2.0", true),
    ]);
    w.services.extend([
        service("prod", "a", "a", None),
        service("prod", "b", "b", Some("10")),
        service("prod", "empty", "nothing", None),
    ]);
    w
}

#[test]
fn services_spread_over_their_ready_pods() {
    let (routes, offered) = plan(&world(), 50.0);
    let got: Vec<(&str, &str, &str, f64)> = routes
        .iter()
        .map(|r| {
            (
                r.key.host.as_str(),
                r.key.pod.as_str(),
                r.key.version.as_str(),
                r.rate,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("a", "a-1", "v1.2.0", 25.0),
            ("a", "a-2", "v1.2.0", 25.0),
            ("b", "b-1", "v1.1.0", 10.0)
        ]
    );
    assert_eq!(offered, 60.0);
}

#[test]
fn a_virtual_service_splits_its_host() {
    let mut w = world();
    let vs = json!({"metadata": {"namespace": "prod", "name": "b"}, "spec": {"hosts": ["b.prod.svc.cluster.local"],
        "http": [{"route": [{"destination": {"host": "b"}, "weight": 90},
                            {"destination": {"host": "a"}, "weight": 10}]}]}});
    w.virtual_services
        .insert(("prod".into(), "b".into()), Arc::new(vs));
    let shop = json!({"metadata": {"namespace": "prod", "name": "shop"}, "spec": {"hosts": ["shop.example.com"],
        "http": [{"route": [{"destination": {"host": "empty"}}]}]}});
    w.virtual_services
        .insert(("prod".into(), "shop".into()), Arc::new(shop));
    let (routes, offered) = plan(&w, 50.0);
    let got: Vec<(&str, &str, &str, f64)> = routes
        .iter()
        .map(|r| {
            (
                r.key.host.as_str(),
                r.key.service.as_str(),
                r.key.pod.as_str(),
                r.rate,
            )
        })
        .collect();
    // a is a destination now: it gets no traffic of its own.
    assert_eq!(
        got,
        vec![
            ("b", "a", "a-1", 0.5),
            ("b", "a", "a-2", 0.5),
            ("b", "b", "b-1", 9.0),
            ("shop.example.com", "empty", "", 50.0),
        ]
    );
    assert_eq!(offered, 60.0);
}

#[test]
fn generated_traffic_follows_rate_and_error_rate() {
    let profiles = Profiles::new(
        Profiles::parse("profiles:\n  'myapp:v1.2.0': {errorRate: 0.08}\n", "t").unwrap(),
        Duration::ZERO,
    )
    .unwrap();
    let metrics = Metrics::default();
    let routes = rebuild(&world(), 50.0, &profiles, &metrics, Instant::now());
    let mut rng = Rng::new(3);
    let mut m = metrics.lock();
    for _ in 0..1000 {
        generate(&routes, 0.1, &mut m.series, &mut rng);
    }
    let a: Vec<&Series> = m.series.iter().take(2).collect();
    let total: u64 = a.iter().map(|s| s.status.iter().sum::<u64>()).sum();
    let errors: u64 = a.iter().map(|s| s.status[1..].iter().sum::<u64>()).sum();
    assert!((4700..5300).contains(&total), "{total}");
    let ratio = errors as f64 / total as f64;
    assert!((ratio - 0.08).abs() < 0.015, "{ratio}");
}

/// The generator alone at scale (no API server, no simulator): route planning and
/// ticks for 20,000 ready pods behind 2,000 Services. Run:
/// `cargo test --release -p plumb-sandbox --lib traffic_at_scale -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement; run it explicitly"]
fn traffic_at_scale() {
    let (services, replicas) = (2000, 10);
    let mut w = World::default();
    for s in 0..services {
        let app = format!("app-{s}");
        w.services.extend([service("default", &app, &app, None)]);
        for r in 0..replicas {
            w.pods
                .extend([pod("default", &format!("{app}-{r}"), &app, "img:v1", true)]);
        }
    }
    let profiles = Profiles::empty(Duration::ZERO);
    let metrics = Metrics::default();
    let t = Instant::now();
    let _ = rebuild(&w, 50.0, &profiles, &metrics, Instant::now());
    let first_plan_secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut routes = rebuild(&w, 50.0, &profiles, &metrics, Instant::now());
    let plan_secs = t.elapsed().as_secs_f64();
    let mut rng = Rng::new(1);
    let ticks = 600;
    let t = Instant::now();
    for i in 0..ticks {
        if i % 10 == 0 {
            for r in &mut routes {
                r.refresh(&profiles);
            }
        }
        let mut m = metrics.lock();
        generate(&routes, 0.1, &mut m.series, &mut rng);
    }
    let tick_secs = t.elapsed().as_secs_f64() / ticks as f64;
    let rps = (services as f64) * 50.0;
    let cores = tick_secs / 0.1;
    let t = Instant::now();
    let text = metrics.render();
    let render_secs = t.elapsed().as_secs_f64();
    let requests: u64 = metrics
        .lock()
        .series
        .iter()
        .map(|s| s.status.iter().sum::<u64>())
        .sum();
    eprintln!(
        "{} pods, {} routes, {rps} rps: plan {first_plan_secs:.3}s first, {plan_secs:.3}s again; tick {:.3} ms = {cores:.4} cores \
         at 10 ticks/s = {:.5} cores per 1,000 rps; {requests} requests drawn (want ~{}); \
         /metrics render {render_secs:.3}s, {:.1} MB",
        services * replicas,
        routes.len(),
        tick_secs * 1000.0,
        cores / (rps / 1000.0),
        (rps * 0.1 * ticks as f64) as u64,
        text.len() as f64 / 1e6
    );
}
