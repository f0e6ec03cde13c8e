//! Synthetic HTTP traffic: every Service with ready endpoints receives requests
//! (`SimOptions::traffic_rps` per simulated second, or its `plumb.dev/traffic-rps`
//! annotation), answered by its ready pods as their image profiles say (error rate,
//! mean latency). An Istio VirtualService routing a Service's host splits that host's
//! traffic by the weights of its first HTTP route; the Services it routes to receive no
//! traffic of their own (clients call the routed host), and a VirtualService whose hosts
//! name no Service (`shop.example.com`) is a client host of its own, at the rate of its
//! own annotation or the default.
//!
//! Requests are not simulated one by one: every tick (100 ms real) each route (client
//! host, serving pod) draws how many requests it got (Poisson, with the mean its rate ×
//! the simulated time since the last tick: a frozen clock sends nothing, `--time-scale
//! F` sends F times more per real second), how many failed (binomial with the pod's
//! error rate; 70 % 500, 10 % 502, 20 % 503) and how their latencies fall in the
//! histogram buckets (a multinomial draw; latency = mean/2 + an exponential of mean
//! mean/2, so the mean is the profile's). A tick costs O(routes), whatever the rates.
//!
//! A pod serves while its `Ready` condition is `True` and it is not being deleted; a
//! Service's requests are spread evenly over its serving pods (selected by
//! `spec.selector` in its namespace). A destination with no serving pod answers 503 (the
//! mesh's "no healthy upstream") with an empty `pod` label. The random draws come from
//! one generator seeded with `SimOptions::seed`: a run with the same seed and the same
//! tick timings draws the same numbers.
//!
//! The simulator keeps its own index of Pods, Services and VirtualServices, updated from
//! the store's events (a full relist when it lags); routes are rebuilt at most twice a
//! second when something changed (less often when that is slow), and profiles are re-read every second.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

use super::istio::{self, VIRTUAL_SERVICES};
use super::metrics::{self, BUCKETS, Metrics, Series, SeriesKey};
use super::profiles::Profiles;
use super::{PODS, SimOptions, terminating};
use crate::api::AppState;
use crate::store::{Event, EventKind, Store};

const SERVICES: &str = "/services";
/// The annotation of a Service (or VirtualService host) overriding its request rate.
pub const RPS_ANNOTATION: &str = "plumb.dev/traffic-rps";
/// How often traffic is generated (real time).
const TICK: Duration = Duration::from_millis(100);
/// Routes are rebuilt at most this often when objects change (less often when a
/// rebuild is slow: at most a fifth of the time goes to rebuilding).
const REBUILD_EVERY: Duration = Duration::from_millis(500);
/// Routes are rebuilt at least this often (unused series are swept then).
const SWEEP_EVERY: Duration = Duration::from_secs(30);
/// Profiles are re-read this often.
const REFRESH_EVERY: Duration = Duration::from_secs(1);
/// At most this much simulated time is generated in one tick (after a long stall).
const MAX_TICK_SIM_SECS: f64 = 60.0;
/// How the failed requests split over 500, 502 and 503.
const SHARE_500: f64 = 0.7;
const SHARE_502_OF_REST: f64 = 1.0 / 3.0;

/// The running traffic generator; stops when dropped.
pub struct Traffic(JoinHandle<()>);

impl Drop for Traffic {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Installs the VirtualService CRD when it is missing and starts generating traffic.
pub fn start(state: &Arc<AppState>, opts: &SimOptions) -> Traffic {
    if let Err(e) = istio::install_crd(state) {
        tracing::warn!(error = %e.message, "the VirtualService CRD is not installed");
    }
    let state = state.clone();
    let (rps, seed) = (opts.traffic_rps, opts.seed);
    Traffic(tokio::spawn(async move { run(state, rps, seed).await }))
}

async fn run(state: Arc<AppState>, default_rps: f64, seed: u64) {
    let metrics = metrics::for_state(&state);
    let mut rng = Rng::new(seed);
    let from = state.store.current_rv();
    let mut events = match state.store.watch(PODS, None, Some(from)) {
        Ok((_, _, rx)) => rx,
        Err(e) => {
            tracing::error!(error = %e, "the traffic simulator cannot watch the store");
            return;
        }
    };
    let mut world = World::load(&state.store);
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut routes: Vec<Route> = Vec::new();
    let mut dirty = true;
    let mut rebuild_every = REBUILD_EVERY;
    let mut last_rebuild: Option<Instant> = None;
    let mut last_refresh = Instant::now();
    let mut last_sim = state.clock.now();
    loop {
        tick.tick().await;
        let started = Instant::now();
        loop {
            match events.try_recv() {
                Ok(ev) => dirty |= world.apply(&ev),
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    world = World::load(&state.store);
                    dirty = true;
                }
                Err(broadcast::error::TryRecvError::Empty) => break,
                Err(broadcast::error::TryRecvError::Closed) => return,
            }
        }
        let since = last_rebuild.map(|t| started.duration_since(t));
        if since.is_none_or(|s| (dirty && s >= rebuild_every) || s >= SWEEP_EVERY) {
            routes = rebuild(&world, default_rps, &state.profiles, &metrics, started);
            // Rebuilding takes at most a fifth of the time while objects keep changing.
            rebuild_every = REBUILD_EVERY.max(started.elapsed() * 5);
            dirty = false;
            last_rebuild = Some(started);
            last_refresh = started;
        } else if started.duration_since(last_refresh) >= REFRESH_EVERY {
            for r in &mut routes {
                r.refresh(&state.profiles);
            }
            last_refresh = started;
        }
        let sim_now = state.clock.now();
        let dt = sim_now
            .duration_since(last_sim)
            .as_secs_f64()
            .clamp(0.0, MAX_TICK_SIM_SECS);
        last_sim = sim_now;
        let mut m = metrics.lock();
        generate(&routes, dt, &mut m.series, &mut rng);
        m.stats.ticks += 1;
        m.stats.busy += started.elapsed();
    }
}

type Name = (String, String);

/// The objects traffic depends on, by (namespace, name).
#[derive(Debug, Default)]
struct World {
    pods: BTreeMap<Name, Arc<Value>>,
    services: BTreeMap<Name, Arc<Value>>,
    virtual_services: BTreeMap<Name, Arc<Value>>,
}

impl World {
    fn load(store: &Store) -> World {
        let by_name = |res: &str| {
            store
                .list(res, None)
                .0
                .into_iter()
                .map(|o| (name_of(&o), o))
                .collect()
        };
        World {
            pods: by_name(PODS),
            services: by_name(SERVICES),
            virtual_services: by_name(VIRTUAL_SERVICES),
        }
    }

    /// Applies a store event; whether it concerned traffic.
    fn apply(&mut self, ev: &Event) -> bool {
        let map = match ev.key.0.as_str() {
            PODS => &mut self.pods,
            SERVICES => &mut self.services,
            VIRTUAL_SERVICES => &mut self.virtual_services,
            _ => return false,
        };
        let k = (ev.key.1.clone(), ev.key.2.clone());
        if ev.kind == EventKind::Deleted {
            map.remove(&k);
        } else {
            map.insert(k, ev.object.clone());
        }
        true
    }
}

fn name_of(o: &Value) -> Name {
    let m = &o["metadata"];
    (
        m["namespace"].as_str().unwrap_or("").to_string(),
        m["name"].as_str().unwrap_or("").to_string(),
    )
}

/// Whether a pod answers requests: Ready and not being deleted.
fn serving(pod: &Value) -> bool {
    !terminating(pod)
        && pod["status"]["conditions"].as_array().is_some_and(|cs| {
            cs.iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
}

/// The `version` label of a pod's series: its `app.kubernetes.io/version` label, else its
/// first container's image tag.
pub fn version_of(pod: &Value) -> String {
    if let Some(v) = pod["metadata"]["labels"]["app.kubernetes.io/version"].as_str() {
        return v.to_string();
    }
    image_tag(pod["spec"]["containers"][0]["image"].as_str().unwrap_or(""))
}

/// An image reference's tag (`myapp:v1.2.0` → `v1.2.0`); without a tag its digest
/// (`sha256:…`), else `latest`.
pub fn image_tag(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.split_once(':') {
        Some((_, tag)) if !tag.is_empty() => tag.to_string(),
        _ => digest.unwrap_or("latest").to_string(),
    }
}

/// The request rate of a client host: the annotation when it parses as a non-negative
/// number, else the default.
fn rps_of(obj: &Value, default: f64) -> f64 {
    obj["metadata"]["annotations"][RPS_ANNOTATION]
        .as_str()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|r| r.is_finite() && *r >= 0.0)
        .unwrap_or(default)
}

/// One planned route: a series and its request rate per simulated second, answered by
/// `pod` (none: the mesh answers 503).
#[derive(Debug, Clone, PartialEq)]
struct Planned {
    key: SeriesKey,
    rate: f64,
    pod: Option<Arc<Value>>,
}

/// The routes of every client host, in a stable order, and the total offered rate.
fn plan(world: &World, default_rps: f64) -> (Vec<Planned>, f64) {
    let pods: Vec<(&Name, &Arc<Value>)> = world.pods.iter().filter(|(_, p)| serving(p)).collect();
    // (namespace, label, value) → serving pods.
    let mut index: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, (k, p)) in pods.iter().enumerate() {
        for (lk, lv) in p["metadata"]["labels"].as_object().into_iter().flatten() {
            if let Some(v) = lv.as_str() {
                index
                    .entry((k.0.as_str(), lk.as_str(), v))
                    .or_default()
                    .push(i);
            }
        }
    }
    let members = |svc: &Name| -> Vec<usize> {
        let Some(obj) = world.services.get(svc) else {
            return Vec::new();
        };
        let Some(sel) = obj["spec"]["selector"]
            .as_object()
            .filter(|s| !s.is_empty())
        else {
            return Vec::new();
        };
        let pairs: Vec<(&str, &str)> = sel
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
            .collect();
        if pairs.len() != sel.len() {
            return Vec::new();
        }
        let smallest = pairs
            .iter()
            .map(|(k, v)| {
                index
                    .get(&(svc.0.as_str(), k, v))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|l| l.len())
            .unwrap_or(&[]);
        smallest
            .iter()
            .copied()
            .filter(|&i| {
                let labels = &pods[i].1["metadata"]["labels"];
                pairs.iter().all(|(k, v)| labels[*k].as_str() == Some(v))
            })
            .collect()
    };

    // VirtualServices: the Service hosts they claim (first by namespace/name wins), the
    // Services they route to, and the hosts that are no Service.
    let mut claimed: HashMap<Name, Vec<istio::Destination>> = HashMap::new();
    let mut backends: HashSet<Name> = HashSet::new();
    let mut clients: Vec<(String, String, f64, Vec<istio::Destination>)> = Vec::new();
    let mut foreign: Vec<(String, String, f64, Vec<istio::Destination>)> = Vec::new();
    for (vk, vs) in &world.virtual_services {
        let r = istio::routing(vs);
        backends.extend(r.destinations.iter().map(|d| d.service.clone()));
        let mut names_a_service = false;
        for h in &r.hosts {
            if let Some(sk) = istio::resolve_host(h, &vk.0)
                && world.services.contains_key(&sk)
            {
                names_a_service = true;
                claimed.entry(sk).or_insert_with(|| r.destinations.clone());
            }
        }
        if !names_a_service && let Some(h) = r.hosts.first() {
            foreign.push((
                vk.0.clone(),
                h.clone(),
                rps_of(vs, default_rps),
                r.destinations,
            ));
        }
    }
    let mut own: HashMap<Name, Vec<usize>> = HashMap::new();
    for (sk, svc) in &world.services {
        let rps = rps_of(svc, default_rps);
        let dests = match claimed.remove(sk) {
            Some(d) => d,
            None if backends.contains(sk) => continue,
            None => {
                let m = members(sk);
                if m.is_empty() {
                    continue;
                }
                own.insert(sk.clone(), m);
                vec![istio::Destination {
                    service: sk.clone(),
                    share: 1.0,
                }]
            }
        };
        clients.push((sk.0.clone(), sk.1.clone(), rps, dests));
    }
    clients.extend(foreign);

    let mut routes: BTreeMap<SeriesKey, Planned> = BTreeMap::new();
    let mut offered = 0.0;
    for (_ns, host, rps, dests) in clients {
        if rps <= 0.0 || dests.is_empty() {
            continue;
        }
        offered += rps;
        for d in dests {
            let m = own
                .remove(&d.service)
                .unwrap_or_else(|| members(&d.service));
            let rate = rps * d.share;
            let mut add = |key: SeriesKey, rate: f64, pod: Option<Arc<Value>>| {
                routes
                    .entry(key.clone())
                    .and_modify(|p| p.rate += rate)
                    .or_insert(Planned { key, rate, pod });
            };
            if m.is_empty() {
                let key = SeriesKey {
                    namespace: d.service.0.clone(),
                    host: host.clone(),
                    service: d.service.1.clone(),
                    pod: String::new(),
                    version: String::new(),
                };
                add(key, rate, None);
                continue;
            }
            let per_pod = rate / m.len() as f64;
            for &i in &m {
                let (pk, pod) = pods[i];
                let key = SeriesKey {
                    namespace: pk.0.clone(),
                    host: host.clone(),
                    service: d.service.1.clone(),
                    pod: pk.1.clone(),
                    version: version_of(pod),
                };
                add(key, per_pod, Some(pod.clone()));
            }
            own.insert(d.service, m);
        }
    }
    (routes.into_values().collect(), offered)
}

/// A live route: its series, rate and the behaviour of the pod answering.
#[derive(Debug)]
struct Route {
    series: usize,
    rate: f64,
    error_rate: f64,
    /// Mean latency, seconds.
    latency: f64,
    pod: Option<Arc<Value>>,
}

impl Route {
    fn refresh(&mut self, profiles: &Profiles) {
        if let Some(pod) = &self.pod {
            let b = profiles.for_pod(pod);
            self.error_rate = b.error_rate;
            self.latency = b.latency.as_secs_f64();
        }
    }
}

fn rebuild(
    world: &World,
    default_rps: f64,
    profiles: &Profiles,
    metrics: &Metrics,
    now: Instant,
) -> Vec<Route> {
    let (planned, offered) = plan(world, default_rps);
    let keys: Vec<SeriesKey> = planned.iter().map(|p| p.key.clone()).collect();
    let idx = {
        let mut m = metrics.lock();
        m.stats.offered_rps = offered;
        m.stats.routes = planned.len();
        m.use_only(&keys, now)
    };
    planned
        .into_iter()
        .zip(idx)
        .map(|(p, series)| {
            let mut r = Route {
                series,
                rate: p.rate,
                error_rate: 1.0,
                latency: 0.0,
                pod: p.pod,
            };
            r.refresh(profiles);
            r
        })
        .collect()
}

/// Draws `dt` simulated seconds of traffic on every route.
fn generate(routes: &[Route], dt: f64, series: &mut [Series], rng: &mut Rng) {
    if dt <= 0.0 {
        return;
    }
    for r in routes {
        let n = rng.poisson(r.rate * dt);
        if n == 0 {
            continue;
        }
        let s = &mut series[r.series];
        if r.pod.is_none() {
            s.status[3] += n;
            s.buckets[0] += n;
            continue;
        }
        let errors = rng.binomial(n, r.error_rate);
        s.status[0] += n - errors;
        if errors > 0 {
            let e500 = rng.binomial(errors, SHARE_500);
            let e502 = rng.binomial(errors - e500, SHARE_502_OF_REST);
            s.status[1] += e500;
            s.status[2] += e502;
            s.status[3] += errors - e500 - e502;
        }
        latencies(n, r.latency, s, rng);
    }
}

/// Adds `n` latencies of mean `mean` seconds to the histogram: mean/2 plus an
/// exponential of mean mean/2.
fn latencies(n: u64, mean: f64, s: &mut Series, rng: &mut Rng) {
    let half = mean / 2.0;
    if half <= 0.0 {
        s.buckets[0] += n;
        return;
    }
    if n <= 16 {
        for _ in 0..n {
            let x = half - half * rng.open_unit().ln();
            let b = BUCKETS
                .iter()
                .position(|&le| x <= le)
                .unwrap_or(BUCKETS.len());
            s.buckets[b] += 1;
            s.sum += x;
        }
        return;
    }
    let cdf = |b: f64| {
        if b < half {
            0.0
        } else {
            1.0 - (-(b - half) / half).exp()
        }
    };
    let mut left = n;
    let mut below = 0.0;
    for (i, &le) in BUCKETS.iter().enumerate() {
        if left == 0 {
            break;
        }
        let f = cdf(le);
        let rest = 1.0 - below;
        if rest <= 1e-12 {
            break;
        }
        let p = ((f - below) / rest).clamp(0.0, 1.0);
        if p > 0.0 {
            let k = rng.binomial(left, p);
            s.buckets[i] += k;
            left -= k;
        }
        below = f;
    }
    s.buckets[BUCKETS.len()] += left;
    let nf = n as f64;
    s.sum += (nf * mean + nf.sqrt() * half * rng.normal()).max(0.0);
}

/// A small seedable generator (SplitMix64) with the draws traffic needs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn open_unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.open_unit(), self.open_unit());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Poisson with mean `lambda` (a normal approximation from 30 on).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 || !lambda.is_finite() {
            return 0;
        }
        if lambda >= 30.0 {
            return (lambda + lambda.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut k = 0;
        let mut p = self.open_unit();
        while p > limit {
            k += 1;
            p *= self.open_unit();
        }
        k
    }

    /// Binomial: successes in `n` trials of probability `p` (exact for small n or n·p,
    /// a normal approximation otherwise).
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n == 0 || p.is_nan() || p <= 0.0 {
            return 0;
        }
        if p >= 1.0 {
            return n;
        }
        if p > 0.5 {
            return n - self.binomial(n, 1.0 - p);
        }
        if n <= 16 {
            return (0..n).filter(|_| self.open_unit() < p).count() as u64;
        }
        let nf = n as f64;
        if nf * p < 20.0 {
            // Skip from success to success: the gaps are geometric.
            let lq = (-p).ln_1p();
            let (mut count, mut pos) = (0u64, 0u64);
            loop {
                let gap = (self.open_unit().ln() / lq).floor();
                pos = pos.saturating_add(gap.min(u64::MAX as f64) as u64 + 1);
                if pos > n {
                    return count;
                }
                count += 1;
            }
        }
        let sd = (nf * p * (1.0 - p)).sqrt();
        (nf * p + sd * self.normal()).round().clamp(0.0, nf) as u64
    }
}

#[cfg(test)]
#[path = "traffic_tests.rs"]
mod tests;
