//! Helpers of the workload-controller tests (StatefulSets, DaemonSets, Jobs, CronJobs).

use std::sync::Arc;
use std::time::Duration;

use plumb_sandbox::Options;
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::sim::profiles::Profiles;
use serde_json::Value;

use super::{Cluster, eventually};

pub const PROFILES: &str = r#"
profiles:
  "crasher:*": {crashLoop: true}
  "stuck:*": {readyAfter: 100h}
"#;

/// A simulated sandbox with `nodes` nodes whose clock runs `scale`× faster.
pub fn cluster(nodes: usize, scale: f64) -> Cluster {
    let ready = Duration::from_millis(50);
    let file = Profiles::parse(PROFILES, "test").expect("profiles parse");
    let profiles = Profiles::new(file, ready).expect("valid profiles");
    Cluster::start_opts(Options {
        simulate: true,
        time_scale: scale,
        sim: SimOptions {
            pod_ready_delay: ready,
            resync: Duration::from_millis(250),
            nodes,
            profiles: Arc::new(profiles),
            ..SimOptions::default()
        },
        ..Options::default()
    })
}

/// The columns of `kubectl get <what> --no-headers`.
pub fn columns(c: &Cluster, what: &[&str]) -> Vec<String> {
    let mut args = vec!["get"];
    args.extend(what);
    args.push("--no-headers");
    c.kubectl(&args)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Waits until the columns of `kubectl get <what>` from the second on start with `want`.
pub fn wait_columns(c: &Cluster, what: &[&str], want: &[&str]) {
    eventually(60, &format!("{what:?} shows {want:?}"), || {
        let cols = columns(c, what);
        (
            cols.len() > want.len() && cols[1..=want.len()] == *want,
            cols.join(" "),
        )
    });
}

pub fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

pub fn name(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("")
}

pub fn condition_types(status: &Value) -> Vec<String> {
    status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["status"] == "True")
        .filter_map(|c| c["type"].as_str().map(str::to_string))
        .collect()
}
