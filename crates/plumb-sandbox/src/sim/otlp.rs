//! Pushes the simulated traffic as OTLP metrics (`plumb sandbox --otlp-endpoint URL`),
//! with the opentelemetry SDK and the standard OTLP/HTTP (protobuf) exporter.
//!
//! Each serving Pod is one OpenTelemetry resource (`service.name` — the Service whose
//! pod served —, `service.version`, `k8s.namespace.name`, `k8s.pod.name`) with its own
//! meter provider; one exporter sends them all. Every interval the pusher moves what the
//! traffic generator counted since the last push into the SDK instruments:
//! `http_requests_total` (a monotonic sum, attributes `host` and `status`) and
//! `http_request_duration_seconds` (a histogram with the Prometheus buckets, attribute
//! `host`; each request is recorded at the middle of the bucket it fell in, so the sum
//! is approximate), collects each provider and exports it (cumulative temporality, as
//! Prometheus reads counters).

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, MeterProvider as _};
use opentelemetry_otlp::{MetricExporter, Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::reader::MetricReader;
use opentelemetry_sdk::metrics::{
    InstrumentKind, ManualReader, Pipeline, SdkMeterProvider, Temporality,
};
use tokio::task::JoinHandle;

use super::metrics::{self, BUCKETS, STATUSES, SeriesKey};
use crate::api::AppState;

/// Where and how often to push.
#[derive(Debug, Clone)]
pub struct OtlpOptions {
    /// `http://host:4318` (then `/v1/metrics` is added) or the full metrics URL.
    pub endpoint: String,
    /// Real time between pushes.
    pub interval: Duration,
}

/// The metrics URL of an endpoint: `/v1/metrics` is added to a bare `http://host:port`.
pub fn metrics_url(endpoint: &str) -> String {
    let e = endpoint.trim_end_matches('/');
    let bare = e
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.contains('/'));
    if bare {
        format!("{e}/v1/metrics")
    } else {
        e.to_string()
    }
}

/// Starts pushing; fails when the exporter cannot be built (a bad URL).
pub fn start(state: &Arc<AppState>, opts: &OtlpOptions) -> Result<JoinHandle<()>, String> {
    let url = metrics_url(&opts.endpoint);
    // reqwest built with rustls (another crate of the process may ask for it) refuses
    // to build a client without a process-wide provider; one installed already stays.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let exporter = MetricExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(url.clone())
        .with_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("OTLP exporter for {url}: {e}"))?;
    let state = Arc::downgrade(state);
    let interval = opts.interval.max(Duration::from_millis(100));
    Ok(tokio::spawn(run(state, exporter, interval)))
}

/// A meter provider's reader that the pusher keeps a handle on.
#[derive(Debug, Clone)]
struct SharedReader(Arc<ManualReader>);

impl MetricReader for SharedReader {
    fn register_pipeline(&self, pipeline: Weak<Pipeline>) {
        self.0.register_pipeline(pipeline);
    }
    fn collect(&self, rm: &mut ResourceMetrics) -> OTelSdkResult {
        self.0.collect(rm)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }
    fn temporality(&self, kind: InstrumentKind) -> Temporality {
        self.0.temporality(kind)
    }
}

/// One Pod's resource and instruments, and what was already pushed per host.
struct PodPipeline {
    provider: SdkMeterProvider,
    reader: SharedReader,
    requests: Counter<u64>,
    duration: Histogram<f64>,
    /// Per host: the counts already recorded (statuses, buckets).
    seen: HashMap<String, ([u64; 4], [u64; BUCKETS.len() + 1])>,
}

/// Identifies a Pod's resource.
type PodId = (String, String, String, String);

fn pod_id(k: &SeriesKey) -> PodId {
    (
        k.namespace.clone(),
        k.pod.clone(),
        k.service.clone(),
        k.version.clone(),
    )
}

impl PodPipeline {
    fn new(id: &PodId) -> PodPipeline {
        let (ns, pod, service, version) = id;
        let resource = Resource::builder_empty()
            .with_attributes([
                KeyValue::new("service.name", service.clone()),
                KeyValue::new("service.version", version.clone()),
                KeyValue::new("k8s.namespace.name", ns.clone()),
                KeyValue::new("k8s.pod.name", pod.clone()),
            ])
            .build();
        let reader = SharedReader(Arc::new(ManualReader::builder().build()));
        let provider = SdkMeterProvider::builder()
            .with_resource(resource)
            .with_reader(reader.clone())
            .build();
        let meter = provider.meter("plumb-sandbox");
        let requests = meter
            .u64_counter("http_requests_total")
            .with_description("Simulated HTTP requests served, by host and status.")
            .build();
        let duration = meter
            .f64_histogram("http_request_duration_seconds")
            .with_description("Latency of the simulated HTTP requests.")
            .with_unit("s")
            .with_boundaries(BUCKETS.to_vec())
            .build();
        PodPipeline {
            provider,
            reader,
            requests,
            duration,
            seen: HashMap::new(),
        }
    }

    /// Records what the traffic generator counted since the last push.
    fn record(&mut self, host: &str, status: &[u64; 4], buckets: &[u64; BUCKETS.len() + 1]) {
        let (seen_status, seen_buckets) = self
            .seen
            .entry(host.to_string())
            .or_insert(([0; 4], [0; BUCKETS.len() + 1]));
        for (i, code) in STATUSES.iter().enumerate() {
            let delta = status[i].saturating_sub(seen_status[i]);
            if delta > 0 || seen_status[i] == 0 {
                // A zero add makes the series exist from the first push.
                self.requests.add(
                    delta,
                    &[
                        KeyValue::new("host", host.to_string()),
                        KeyValue::new("status", code.to_string()),
                    ],
                );
            }
        }
        let attrs = [KeyValue::new("host", host.to_string())];
        for (j, count) in buckets.iter().enumerate() {
            let delta = count.saturating_sub(seen_buckets[j]);
            let value = bucket_middle(j);
            for _ in 0..delta {
                self.duration.record(value, &attrs);
            }
        }
        *seen_status = *status;
        *seen_buckets = *buckets;
    }
}

/// A value inside latency bucket `j` (the last one is `+Inf`).
fn bucket_middle(j: usize) -> f64 {
    let upper = BUCKETS.get(j).copied();
    let lower = if j == 0 { 0.0 } else { BUCKETS[j - 1] };
    match upper {
        Some(u) => (lower + u) / 2.0,
        None => lower * 1.5,
    }
}

async fn run(state: Weak<AppState>, exporter: MetricExporter, interval: Duration) {
    let mut pods: HashMap<PodId, PodPipeline> = HashMap::new();
    let mut failing = false;
    loop {
        tokio::time::sleep(interval).await;
        let Some(state) = state.upgrade() else {
            return;
        };
        let series: Vec<(SeriesKey, [u64; 4], [u64; BUCKETS.len() + 1])> = {
            let m = metrics::for_state(&state);
            let inner = m.lock();
            inner
                .series
                .iter()
                .filter(|s| !s.key().pod.is_empty())
                .map(|s| (s.key().clone(), s.status, s.buckets))
                .collect()
        };
        drop(state);
        let mut live = std::collections::HashSet::new();
        for (key, status, buckets) in &series {
            let id = pod_id(key);
            pods.entry(id.clone())
                .or_insert_with(|| PodPipeline::new(&id))
                .record(&key.host, status, buckets);
            live.insert(id);
        }
        pods.retain(|id, p| {
            let keep = live.contains(id);
            if !keep {
                let _ = p.provider.shutdown();
            }
            keep
        });
        for p in pods.values() {
            let mut rm = ResourceMetrics::default();
            if let Err(e) = p.reader.collect(&mut rm) {
                tracing::debug!(error = %e, "OTLP collect failed");
                continue;
            }
            match exporter.export(&rm).await {
                Ok(()) if failing => {
                    failing = false;
                    tracing::info!("OTLP export works again");
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "OTLP export failed; retrying every interval");
                }
                Err(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_endpoint_gets_the_metrics_path() {
        assert_eq!(
            metrics_url("http://127.0.0.1:4318"),
            "http://127.0.0.1:4318/v1/metrics"
        );
        assert_eq!(
            metrics_url("http://127.0.0.1:4318/"),
            "http://127.0.0.1:4318/v1/metrics"
        );
        assert_eq!(
            metrics_url("http://c:4318/v1/metrics"),
            "http://c:4318/v1/metrics"
        );
        assert_eq!(
            metrics_url("http://c:4318/otlp/v1/metrics"),
            "http://c:4318/otlp/v1/metrics"
        );
    }

    #[test]
    fn bucket_middles_fall_inside_their_buckets() {
        for j in 0..=BUCKETS.len() {
            let v = bucket_middle(j);
            let lower = if j == 0 { 0.0 } else { BUCKETS[j - 1] };
            assert!(v > lower, "{j}: {v}");
            if let Some(u) = BUCKETS.get(j) {
                assert!(v <= *u, "{j}: {v}");
            }
        }
    }
}
