//! The simulated traffic's metrics, served at `GET /metrics` in the Prometheus text
//! exposition format (version 0.0.4):
//!
//! - `http_requests_total{namespace,host,service,pod,version,status}`: a counter of
//!   requests, by answer status (200, 500, 502, 503);
//! - `http_request_duration_seconds{namespace,host,service,pod,version}`: a histogram of
//!   their latency (Prometheus' default buckets, 5 ms to 10 s), every status together.
//!
//! `host` is the Service (or VirtualService host) the client called, `service` the
//! Service whose pod answered after VirtualService routing, `namespace` that Service's
//! namespace, `pod` the answering pod (empty when the destination had no ready pod and
//! the mesh answered 503 itself), `version` the pod's `app.kubernetes.io/version` label,
//! else its first container's image tag.
//!
//! Every series starts with all four statuses at zero, so `rate()` counts a series' first
//! requests. A series whose pod stopped serving keeps its last values for
//! [`STALE_AFTER`] and then disappears (Prometheus marks it stale). Samples carry no
//! timestamps: Prometheus stamps them when it scrapes, in real time, so under
//! `--time-scale F` a simulated rate R shows as F × R per real second (ratios are
//! unaffected).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::api::AppState;

/// Upper bounds of the latency buckets, in seconds (Prometheus' defaults).
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// The statuses a simulated request is answered with.
pub const STATUSES: [u16; 4] = [200, 500, 502, 503];
/// How long the series of a pod that no longer serves is still exported.
pub const STALE_AFTER: Duration = Duration::from_secs(300);

/// The labels of one series (without `status`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    pub namespace: String,
    pub host: String,
    pub service: String,
    pub pod: String,
    pub version: String,
}

/// One series' values.
#[derive(Debug)]
pub struct Series {
    key: SeriesKey,
    /// `namespace="…",host="…",…`, escaped, rendered once.
    labels: Arc<str>,
    /// Requests by status, in [`STATUSES`] order.
    pub status: [u64; 4],
    /// Requests by latency bucket (not cumulative; the last one is `+Inf`).
    pub buckets: [u64; BUCKETS.len() + 1],
    /// Total latency, in seconds.
    pub sum: f64,
    /// Since when no route uses the series.
    unused_since: Option<Instant>,
}

/// The traffic generator's own counters.
#[derive(Debug, Clone, Copy, Default)]
pub struct SelfStats {
    pub ticks: u64,
    /// Real time spent generating traffic (and rebuilding routes).
    pub busy: Duration,
    /// Simulated requests per simulated second over every client, as configured.
    pub offered_rps: f64,
    pub routes: usize,
}

/// The metrics of one sandbox.
#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
pub struct Inner {
    pub series: Vec<Series>,
    index: HashMap<SeriesKey, usize>,
    pub stats: SelfStats,
}

impl Metrics {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The text exposition of every series.
    pub fn render(&self) -> String {
        let (series, stats) = {
            let inner = self.lock();
            let values: Vec<Values> = inner
                .series
                .iter()
                .map(|s| Values {
                    labels: s.labels.clone(),
                    status: s.status,
                    buckets: s.buckets,
                    sum: s.sum,
                })
                .collect();
            (values, inner.stats)
        };
        render(&series, &stats)
    }
}

impl Inner {
    /// Marks the series of `keys` as used (creating them) and the others as unused,
    /// drops those unused for [`STALE_AFTER`], and returns the index of each key's series.
    pub fn use_only(&mut self, keys: &[SeriesKey], now: Instant) -> Vec<usize> {
        for s in &mut self.series {
            s.unused_since.get_or_insert(now);
        }
        for k in keys {
            let i = match self.index.get(k) {
                Some(&i) => i,
                None => {
                    self.series.push(Series::new(k));
                    self.index.insert(k.clone(), self.series.len() - 1);
                    self.series.len() - 1
                }
            };
            self.series[i].unused_since = None;
        }
        let before = self.series.len();
        self.series.retain(|s| {
            s.unused_since
                .is_none_or(|t| now.duration_since(t) < STALE_AFTER)
        });
        if self.series.len() != before {
            self.index = self
                .series
                .iter()
                .enumerate()
                .map(|(i, s)| (s.key.clone(), i))
                .collect();
        }
        keys.iter().map(|k| self.index[k]).collect()
    }
}

impl Series {
    /// The series' labels.
    pub fn key(&self) -> &SeriesKey {
        &self.key
    }

    fn new(k: &SeriesKey) -> Series {
        Series {
            key: k.clone(),
            labels: label_text(k).into(),
            status: [0; 4],
            buckets: [0; BUCKETS.len() + 1],
            sum: 0.0,
            unused_since: None,
        }
    }
}

fn label_text(k: &SeriesKey) -> String {
    format!(
        "namespace=\"{}\",host=\"{}\",service=\"{}\",pod=\"{}\",version=\"{}\"",
        escape(&k.namespace),
        escape(&k.host),
        escape(&k.service),
        escape(&k.pod),
        escape(&k.version)
    )
}

/// A label value as the exposition format writes it.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A float as Prometheus writes it.
fn num(v: f64) -> String {
    if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else {
        format!("{v}")
    }
}

/// A copy of a series' values, taken to render outside the lock.
struct Values {
    labels: Arc<str>,
    status: [u64; 4],
    buckets: [u64; BUCKETS.len() + 1],
    sum: f64,
}

fn render(series: &[Values], stats: &SelfStats) -> String {
    let mut out = String::with_capacity(series.len() * 1200 + 1024);
    out.push_str(
        "# HELP http_requests_total Requests answered by the simulated workloads, by status.\n\
         # TYPE http_requests_total counter\n",
    );
    for s in series {
        for (code, n) in STATUSES.iter().zip(s.status) {
            let _ = writeln!(
                out,
                "http_requests_total{{{},status=\"{code}\"}} {n}",
                s.labels
            );
        }
    }
    out.push_str(
        "# HELP http_request_duration_seconds Latency of the simulated requests (every status).\n\
         # TYPE http_request_duration_seconds histogram\n",
    );
    for s in series {
        let mut cumulative = 0u64;
        for (i, n) in s.buckets.iter().enumerate() {
            cumulative += n;
            let le = BUCKETS.get(i).copied().unwrap_or(f64::INFINITY);
            let _ = writeln!(
                out,
                "http_request_duration_seconds_bucket{{{},le=\"{}\"}} {cumulative}",
                s.labels,
                num(le)
            );
        }
        let _ = writeln!(
            out,
            "http_request_duration_seconds_sum{{{}}} {}",
            s.labels,
            num(s.sum)
        );
        let _ = writeln!(
            out,
            "http_request_duration_seconds_count{{{}}} {cumulative}",
            s.labels
        );
    }
    let _ = write!(
        out,
        "# HELP plumb_sandbox_traffic_ticks_total Traffic generation ticks.\n\
         # TYPE plumb_sandbox_traffic_ticks_total counter\n\
         plumb_sandbox_traffic_ticks_total {}\n\
         # HELP plumb_sandbox_traffic_busy_seconds_total Real time the traffic generator spent working.\n\
         # TYPE plumb_sandbox_traffic_busy_seconds_total counter\n\
         plumb_sandbox_traffic_busy_seconds_total {}\n\
         # HELP plumb_sandbox_traffic_offered_rps Simulated requests per simulated second offered to every client host.\n\
         # TYPE plumb_sandbox_traffic_offered_rps gauge\n\
         plumb_sandbox_traffic_offered_rps {}\n\
         # HELP plumb_sandbox_traffic_routes Routes (host, serving pod) traffic is generated on.\n\
         # TYPE plumb_sandbox_traffic_routes gauge\n\
         plumb_sandbox_traffic_routes {}\n",
        stats.ticks,
        num(stats.busy.as_secs_f64()),
        num(stats.offered_rps),
        stats.routes
    );
    out
}

/// The metrics of every running sandbox in this process, by its state.
static REGISTRY: Mutex<Vec<(Weak<AppState>, Arc<Metrics>)>> = Mutex::new(Vec::new());

/// The metrics of the sandbox whose state is `state` (created on first use).
pub fn for_state(state: &Arc<AppState>) -> Arc<Metrics> {
    let mut reg = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    reg.retain(|(w, _)| w.strong_count() > 0);
    if let Some((_, m)) = reg
        .iter()
        .find(|(w, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(state)))
    {
        return m.clone();
    }
    let m = Arc::new(Metrics::default());
    reg.push((Arc::downgrade(state), m.clone()));
    m
}

/// `GET /metrics`.
pub fn response(state: &Arc<AppState>) -> Response {
    let text = for_state(state).render();
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(pod: &str) -> SeriesKey {
        SeriesKey {
            namespace: "default".into(),
            host: "front".into(),
            service: "my-app".into(),
            pod: pod.into(),
            version: "v1.2.0".into(),
        }
    }

    #[test]
    fn the_exposition_has_help_type_and_cumulative_buckets() {
        let m = Metrics::default();
        {
            let mut inner = m.lock();
            let idx = inner.use_only(&[key("p\"1")], Instant::now());
            let s = &mut inner.series[idx[0]];
            s.status = [90, 5, 3, 2];
            s.buckets[0] = 10;
            s.buckets[3] = 80;
            s.buckets[BUCKETS.len()] = 10;
            s.sum = 12.5;
        }
        let text = m.render();
        assert!(
            text.contains("# TYPE http_requests_total counter\n"),
            "{text}"
        );
        assert!(text.contains("# TYPE http_request_duration_seconds histogram\n"));
        let labels =
            r#"namespace="default",host="front",service="my-app",pod="p\"1",version="v1.2.0""#;
        for line in [
            format!("http_requests_total{{{labels},status=\"200\"}} 90"),
            format!("http_requests_total{{{labels},status=\"503\"}} 2"),
            format!("http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 10"),
            format!("http_request_duration_seconds_bucket{{{labels},le=\"0.05\"}} 90"),
            format!("http_request_duration_seconds_bucket{{{labels},le=\"10\"}} 90"),
            format!("http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 100"),
            format!("http_request_duration_seconds_sum{{{labels}}} 12.5"),
            format!("http_request_duration_seconds_count{{{labels}}} 100"),
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
    }

    #[test]
    fn unused_series_linger_then_go() {
        let mut inner = Inner::default();
        let t0 = Instant::now();
        let idx = inner.use_only(&[key("a"), key("b")], t0);
        inner.series[idx[1]].status[0] = 7;
        let idx = inner.use_only(&[key("b")], t0 + Duration::from_secs(10));
        assert_eq!(inner.series.len(), 2);
        assert_eq!(inner.series[idx[0]].status[0], 7);
        let idx = inner.use_only(
            &[key("b"), key("c")],
            t0 + STALE_AFTER + Duration::from_secs(11),
        );
        assert_eq!(inner.series.len(), 2, "a is gone");
        assert_eq!(inner.series[idx[0]].status[0], 7, "b kept its count");
        assert_eq!(inner.series[idx[1]].status[0], 0);
    }
}
