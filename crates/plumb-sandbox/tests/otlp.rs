//! The simulated traffic pushed over OTLP/HTTP by the opentelemetry exporter, received
//! by an OTLP endpoint started here (protobuf `ExportMetricsServiceRequest` on
//! `/v1/metrics`): resources per Pod, counters by status and host, a latency histogram.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Cluster;
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::metric;
use plumb_sandbox::Options;
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::sim::otlp::OtlpOptions;
use plumb_sandbox::sim::profiles::Profiles;
use prost::Message;

/// A resource's attributes, host and status.
type CountKey = (Vec<(String, String)>, String, String);

/// What the receiver has seen: the latest cumulative value per series.
#[derive(Default)]
struct Received {
    requests: usize,
    /// (resource attributes, host, status) → count.
    counts: HashMap<CountKey, u64>,
    /// (k8s.pod.name, host) → (count, bucket bounds).
    histograms: HashMap<(String, String), (u64, Vec<f64>)>,
}

fn text(kv: &[KeyValue], key: &str) -> String {
    kv.iter()
        .find(|k| k.key == key)
        .and_then(|k| match k.value.as_ref()?.value.as_ref()? {
            any_value::Value::StringValue(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn absorb(r: &mut Received, req: ExportMetricsServiceRequest) {
    r.requests += 1;
    for rm in req.resource_metrics {
        let attrs = rm.resource.map(|r| r.attributes).unwrap_or_default();
        let mut resource: Vec<(String, String)> = attrs
            .iter()
            .map(|k| (k.key.clone(), text(&attrs, &k.key)))
            .collect();
        resource.sort();
        let pod = text(&attrs, "k8s.pod.name");
        for sm in rm.scope_metrics {
            for m in sm.metrics {
                match m.data {
                    Some(metric::Data::Sum(s)) if m.name == "http_requests_total" => {
                        assert!(s.is_monotonic, "a counter");
                        for p in s.data_points {
                            let n = match p.value {
                                Some(opentelemetry_proto::tonic::metrics::v1::number_data_point::Value::AsInt(n)) => n as u64,
                                other => panic!("an integer count: {other:?}"),
                            };
                            let key = (
                                resource.clone(),
                                text(&p.attributes, "host"),
                                text(&p.attributes, "status"),
                            );
                            r.counts.insert(key, n);
                        }
                    }
                    Some(metric::Data::Histogram(h))
                        if m.name == "http_request_duration_seconds" =>
                    {
                        for p in h.data_points {
                            let key = (pod.clone(), text(&p.attributes, "host"));
                            r.histograms
                                .insert(key, (p.count, p.explicit_bounds.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// An OTLP/HTTP metrics endpoint on a free loopback port.
fn receiver(rt: &tokio::runtime::Runtime) -> (String, Arc<Mutex<Received>>) {
    let got = Arc::new(Mutex::new(Received::default()));
    let state = got.clone();
    let app = axum::Router::new().route(
        "/v1/metrics",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let state = state.clone();
                async move {
                    assert_eq!(
                        headers.get("content-type").and_then(|v| v.to_str().ok()),
                        Some("application/x-protobuf")
                    );
                    let req = ExportMetricsServiceRequest::decode(body).expect("an OTLP request");
                    absorb(&mut state.lock().unwrap(), req);
                    (
                        [("content-type", "application/x-protobuf")],
                        ExportMetricsServiceResponse::default().encode_to_vec(),
                    )
                }
            },
        ),
    );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a free port");
    let addr = listener.local_addr().expect("an address");
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), got)
}

#[test]
fn traffic_is_pushed_over_otlp_with_a_resource_per_pod() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the receiver");
    let (endpoint, got) = receiver(&rt);
    let profiles = Profiles::new(
        Profiles::parse("profiles:\n  \"myapp:v1.2.0\": {errorRate: 0.08}\n", "t").unwrap(),
        Duration::from_millis(200),
    )
    .unwrap();
    let c = Cluster::start_opts(Options {
        simulate: true,
        time_scale: 5.0,
        sim: SimOptions {
            pod_ready_delay: Duration::from_millis(200),
            profiles: Arc::new(profiles),
            traffic_rps: 1000.0,
            seed: 3,
            otlp: Some(OtlpOptions {
                endpoint: endpoint.clone(),
                interval: Duration::from_millis(300),
            }),
            ..SimOptions::default()
        },
        ..Options::default()
    });
    let manifest = "apiVersion: apps/v1
kind: Deployment
metadata: {name: my-app}
spec:
  replicas: 2
  selector: {matchLabels: {app: my-app}}
  template:
    metadata: {labels: {app: my-app}}
    spec:
      containers: [{name: app, image: 'myapp:v1.2.0'}]
---
apiVersion: v1
kind: Service
metadata: {name: my-app}
spec:
  selector: {app: my-app}
  ports: [{port: 80}]
";
    c.ok(&["apply", "-f", "-"], Some(manifest));

    // Enough requests for a stable ratio: 2 pods × 2,500 each.
    let end = Instant::now() + Duration::from_secs(90);
    let (total, errors, pods) = loop {
        let (total, errors, pods) = {
            let r = got.lock().unwrap();
            let mut pods = std::collections::BTreeSet::new();
            let (mut total, mut errors) = (0u64, 0u64);
            for ((resource, host, status), n) in &r.counts {
                if host != "my-app" {
                    continue;
                }
                let attr = |k: &str| {
                    resource
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                pods.insert(attr("k8s.pod.name"));
                total += n;
                if status.starts_with('5') {
                    errors += n;
                }
                assert_eq!(attr("service.name"), "my-app");
                assert_eq!(attr("service.version"), "v1.2.0");
                assert_eq!(attr("k8s.namespace.name"), "default");
            }
            (total, errors, pods)
        };
        if total >= 5_000 && pods.len() == 2 {
            break (total, errors, pods);
        }
        assert!(
            Instant::now() < end,
            "not enough pushed: {total} requests from {pods:?} ({} pushes)",
            got.lock().unwrap().requests
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    let ratio = errors as f64 / total as f64;
    assert!(
        (0.06..=0.10).contains(&ratio),
        "error ratio {ratio} ({errors}/{total})"
    );
    for pod in &pods {
        assert!(pod.starts_with("my-app-"), "{pod}");
    }
    let r = got.lock().unwrap();
    for pod in &pods {
        let (count, bounds) = r
            .histograms
            .get(&(pod.clone(), "my-app".to_string()))
            .unwrap_or_else(|| panic!("a latency histogram for {pod}"));
        assert!(*count > 0, "{pod}");
        assert_eq!(bounds.first(), Some(&0.005));
        assert_eq!(bounds.last(), Some(&10.0));
    }
}
