//! The simulated kubelets and their image profiles, seen through the real kubectl:
//! crash loops with back-off and the Deployment's progress deadline, OOM kills, a
//! profile fixed at runtime, graceful Pod deletion, Endpoints, several nodes, a frozen
//! clock, and `kubectl apply` converging through injected write failures.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Cluster, eventually, json};
use plumb_sandbox::Options;
use plumb_sandbox::api::faults::{FaultRule, Faults};
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::sim::profiles::Profiles;
use serde_json::Value;

const PROFILES: &str = r#"
profiles:
  "myapp:v1.2.0": {errorRate: 0.08}
  "myapp:v9":     {crashLoop: true}
  "slow:*":       {readyAfter: 30s}
  "oom:*":        {oomKill: true}
  "stubborn:*":   {shutdownAfter: 1h}
"#;

fn deployment(name: &str, image: &str, replicas: u32, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
{extra_spec}  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: app
        image: {image}
        ports:
        - {{name: http, containerPort: 8080}}
"
    )
}

/// A simulated sandbox whose clock runs `scale`× faster, with the profiles above.
fn cluster(scale: f64, nodes: usize) -> Cluster {
    let ready = Duration::from_millis(500);
    let profiles = Profiles::new(Profiles::parse(PROFILES, "test").unwrap(), ready).unwrap();
    Cluster::start_opts(Options {
        simulate: true,
        time_scale: scale,
        sim: SimOptions {
            pod_ready_delay: ready,
            resync: Duration::from_millis(200),
            nodes,
            profiles: Arc::new(profiles),
            ..SimOptions::default()
        },
        ..Options::default()
    })
}

fn condition<'a>(obj: &'a Value, kind: &str) -> &'a Value {
    obj["status"]["conditions"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["type"] == kind))
        .unwrap_or(&Value::Null)
}

#[test]
fn a_crash_looping_image_backs_off_and_exceeds_the_progress_deadline_until_fixed() {
    let c = cluster(10.0, 1);
    let spec = "  progressDeadlineSeconds: 30\n";
    c.ok(
        &["apply", "-f", "-"],
        Some(&deployment("web", "myapp:v9", 2, spec)),
    );

    // kubectl shows the kubelet's back-off and growing restart counts.
    eventually(60, "pods in CrashLoopBackOff with restarts", || {
        let out = c.kubectl(&["get", "pods", "--no-headers"]);
        let looping = out
            .lines()
            .filter(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.get(1) == Some(&"0/1")
                    && cols.get(2) == Some(&"CrashLoopBackOff")
                    && cols.get(3).and_then(|r| r.parse::<u32>().ok()) >= Some(2)
            })
            .count();
        (looping == 2, out)
    });
    let pods = json(&c, &["get", "pods"]);
    let cs = &pods["items"][0]["status"]["containerStatuses"][0];
    assert_eq!(cs["ready"], false);
    assert_eq!(cs["state"]["waiting"]["reason"], "CrashLoopBackOff");
    let msg = cs["state"]["waiting"]["message"].as_str().unwrap_or("");
    assert!(
        msg.starts_with("back-off ") && msg.contains("restarting failed container=app pod=web-"),
        "{msg}"
    );
    assert_eq!(cs["lastState"]["terminated"]["reason"], "Error");
    assert_eq!(cs["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(pods["items"][0]["status"]["phase"], "Running");
    assert_eq!(condition(&pods["items"][0], "Ready")["status"], "False");

    // The Deployment gives up with the real reason once the deadline passes.
    eventually(60, "Progressing=False ProgressDeadlineExceeded", || {
        let d = json(&c, &["get", "deployment", "web"]);
        let p = condition(&d, "Progressing");
        (
            p["status"] == "False" && p["reason"] == "ProgressDeadlineExceeded",
            format!("{:#}", d["status"]),
        )
    });
    let d = json(&c, &["get", "deployment", "web"]);
    let msg = condition(&d, "Progressing")["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        msg.starts_with("ReplicaSet \"web-") && msg.ends_with("\" has timed out progressing."),
        "{msg}"
    );
    assert_eq!(condition(&d, "Available")["status"], "False");
    let out = c.fails(
        &["rollout", "status", "deployment/web", "--timeout=20s"],
        None,
    );
    assert!(out.contains("exceeded its progress deadline"), "{out}");

    // Fixing the image's profile at runtime lets the pods start and the rollout finish.
    let fixed = PROFILES.replace("{crashLoop: true}", "{}");
    let path = c.file("fixed.yaml", &fixed);
    c.ok(
        &["replace", "--raw", "/sandbox/profiles", "-f", &path],
        None,
    );
    let now = c.kubectl(&["get", "--raw", "/sandbox/profiles"]);
    assert!(
        now.contains("myapp:v9") && !now.contains("crashLoop"),
        "{now}"
    );
    eventually(60, "web is 2/2 after the fix", || {
        let out = c.kubectl(&["get", "deployment", "web", "--no-headers"]);
        (out.split_whitespace().nth(1) == Some("2/2"), out)
    });
    let pods = json(&c, &["get", "pods"]);
    for p in pods["items"].as_array().unwrap() {
        let cs = &p["status"]["containerStatuses"][0];
        assert_eq!(cs["ready"], true, "{p:#}");
        assert!(cs["restartCount"].as_i64() >= Some(2), "{cs:#}");
    }
}

#[test]
fn an_oom_killed_container_shows_oomkilled_as_its_last_state() {
    let c = cluster(10.0, 1);
    c.ok(&["run", "hog", "--image=oom:1", "--restart=Always"], None);
    eventually(60, "hog was OOM-killed", || {
        let p = json(&c, &["get", "pod", "hog"]);
        let last = &p["status"]["containerStatuses"][0]["lastState"]["terminated"];
        (
            last["reason"] == "OOMKilled" && last["exitCode"] == 137,
            format!("{:#}", p["status"]),
        )
    });
    // A Pod that never restarts fails instead.
    c.ok(
        &["run", "once", "--image=myapp:v9", "--restart=Never"],
        None,
    );
    eventually(60, "once failed", || {
        let out = c.kubectl(&["get", "pod", "once", "--no-headers"]);
        (out.split_whitespace().nth(2) == Some("Error"), out)
    });
    let p = json(&c, &["get", "pod", "once"]);
    assert_eq!(p["status"]["phase"], "Failed");
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0);
}

#[test]
fn a_deleted_pod_terminates_within_its_grace_period() {
    let c = cluster(1.0, 1);
    let manifest = "apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 3
  containers: [{name: app, image: 'stubborn:1'}]
";
    c.ok(&["apply", "-f", "-"], Some(manifest));
    c.ok(
        &[
            "wait",
            "--for=condition=Ready",
            "pod/stubborn",
            "--timeout=60s",
        ],
        None,
    );
    let started = Instant::now();
    c.ok(&["delete", "pod", "stubborn", "--wait=false"], None);
    let p = json(&c, &["get", "pod", "stubborn"]);
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 3);
    assert!(p["metadata"]["deletionTimestamp"].is_string(), "{p:#}");
    let out = c.kubectl(&["get", "pod", "stubborn", "--no-headers"]);
    assert!(out.contains("Terminating"), "{out}");
    // The container ignores SIGTERM: the kubelet kills it when the grace period ends.
    c.ok(
        &["wait", "--for=delete", "pod/stubborn", "--timeout=60s"],
        None,
    );
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "removed after {:?}, before its grace period",
        started.elapsed()
    );

    // A healthy container exits on SIGTERM, well before a long grace period.
    c.ok(&["run", "quick", "--image=nginx"], None);
    c.ok(
        &[
            "wait",
            "--for=condition=Ready",
            "pod/quick",
            "--timeout=60s",
        ],
        None,
    );
    c.ok(&["delete", "pod", "quick", "--timeout=20s"], None);
    // --force --grace-period=0 removes at once.
    c.ok(&["apply", "-f", "-"], Some(manifest));
    c.ok(
        &[
            "wait",
            "--for=condition=Ready",
            "pod/stubborn",
            "--timeout=60s",
        ],
        None,
    );
    c.ok(
        &["delete", "pod", "stubborn", "--force", "--grace-period=0"],
        None,
    );
    c.fails(&["get", "pod", "stubborn"], None);
}

#[test]
fn services_get_endpoints_of_their_ready_pods_across_nodes() {
    let c = cluster(1.0, 3);
    let nodes = c.kubectl(&["get", "nodes", "--no-headers"]);
    assert_eq!(
        nodes.lines().filter(|l| l.contains(" Ready ")).count(),
        3,
        "{nodes}"
    );
    c.ok(
        &["apply", "-f", "-"],
        Some(&deployment("api", "nginx:1.27", 3, "")),
    );
    let svc = "apiVersion: v1
kind: Service
metadata: {name: api, labels: {team: a}}
spec:
  selector: {app: api}
  ports: [{name: web, port: 80, targetPort: http}]
";
    c.ok(&["apply", "-f", "-"], Some(svc));
    eventually(60, "three endpoints on port 8080", || {
        let out = c.kubectl(&["get", "endpoints", "api", "--no-headers"]);
        let eps = out.split_whitespace().nth(1).unwrap_or("");
        (
            eps.split(',').filter(|e| e.ends_with(":8080")).count() == 3,
            out,
        )
    });
    let ep = json(&c, &["get", "endpoints", "api"]);
    assert_eq!(ep["metadata"]["labels"]["team"], "a");
    let subset = &ep["subsets"][0];
    assert_eq!(subset["ports"][0]["name"], "web");
    assert_eq!(subset["ports"][0]["port"], 8080);
    let nodes: std::collections::BTreeSet<&str> = subset["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            assert_eq!(a["targetRef"]["kind"], "Pod");
            a["nodeName"].as_str().unwrap()
        })
        .collect();
    assert_eq!(nodes.len(), 3, "pods spread over the nodes: {ep:#}");

    // A Pod that is not ready is listed apart; scaled to 0 the subsets go.
    c.kubectl(&["scale", "deployment/api", "--replicas=0"]);
    eventually(60, "no endpoints", || {
        let ep = json(&c, &["get", "endpoints", "api"]);
        (ep.get("subsets").is_none(), format!("{ep:#}"))
    });
    c.ok(&["delete", "service", "api"], None);
    eventually(30, "the Endpoints go with the Service", || {
        let out = c.kubectl_in(&["get", "endpoints", "api"], None);
        (
            !out.status.success(),
            String::from_utf8_lossy(&out.stdout).into(),
        )
    });
}

#[test]
fn a_slow_image_becomes_ready_after_its_profile_delay_and_a_frozen_clock_holds_it() {
    let c = cluster(10.0, 1);
    // Frozen: a scheduled Pod never gets ready, timestamps stand still.
    let faults = c.file("faults.json", r#"{"frozenClock": true}"#);
    c.ok(
        &["replace", "--raw", "/sandbox/faults", "-f", &faults],
        None,
    );
    c.ok(&["run", "slow", "--image=slow:1"], None);
    std::thread::sleep(Duration::from_secs(5));
    let p = json(&c, &["get", "pod", "slow"]);
    assert_eq!(p["status"]["phase"], "Pending", "{p:#}");
    let created = p["metadata"]["creationTimestamp"].clone();
    c.ok(&["run", "later", "--image=nginx"], None);
    let later = json(&c, &["get", "pod", "later"]);
    assert_eq!(later["metadata"]["creationTimestamp"], created);

    // Thawed: readyAfter 30 s at 10× is about 3 s.
    let faults = c.file("faults.json", r#"{"frozenClock": false}"#);
    c.ok(
        &["replace", "--raw", "/sandbox/faults", "-f", &faults],
        None,
    );
    c.ok(
        &["wait", "--for=condition=Ready", "pod/slow", "--timeout=60s"],
        None,
    );
}

#[test]
fn kubectl_apply_converges_through_injected_write_failures_without_half_applied_objects() {
    let c = cluster(1.0, 1);
    let faults = Faults {
        rules: ["create", "update", "patch", "delete"]
            .iter()
            .map(|v| FaultRule {
                verbs: vec![v.to_string()],
                kinds: vec![],
                code: 500,
                rate: 0.2,
            })
            .collect(),
        seed: 42,
        ..Faults::default()
    };
    let path = c.file("faults.json", &serde_json::to_string(&faults).unwrap());
    c.ok(&["replace", "--raw", "/sandbox/faults", "-f", &path], None);

    let mut docs = Vec::new();
    for i in 0..20 {
        docs.push(format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels: {{set: a, n: \"{i}\"}}\ndata:\n  a: \"1\"\n  b: \"2\"\n  c: \"3\"\n"
        ));
    }
    docs.push(deployment("web", "nginx:1.27", 2, ""));
    let manifest = docs.join("---\n");
    let mut attempts = 0;
    let mut failures = 0;
    loop {
        attempts += 1;
        let out = c.kubectl_in(&["apply", "-f", "-"], Some(&manifest));
        // Whatever failed, every object in the store is whole.
        let cms = c.sandbox().store().list("/configmaps", Some("default")).0;
        for cm in &cms {
            if cm["metadata"]["name"] == "kube-root-ca.crt" {
                continue;
            }
            assert_eq!(cm["data"].as_object().map(|d| d.len()), Some(3), "{cm:#}");
            assert_eq!(cm["metadata"]["labels"]["set"], "a", "{cm:#}");
        }
        if out.status.success() {
            break;
        }
        failures += 1;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("injected fault"), "{err}");
        assert!(attempts < 40, "kubectl apply never converged: {err}");
    }
    assert!(failures > 0, "with 20% failures some apply failed");
    let n = c.kubectl(&["get", "configmaps", "-l", "set=a", "--no-headers"]);
    assert_eq!(n.lines().count(), 20, "{n}");
    // With the faults cleared, the Deployment rolls out as usual.
    let clear = c.file("clear.json", "{}");
    c.ok(&["replace", "--raw", "/sandbox/faults", "-f", &clear], None);
    c.ok(
        &["rollout", "status", "deployment/web", "--timeout=60s"],
        None,
    );
}

#[test]
fn a_fault_ends_watches_early() {
    let c = cluster(1.0, 1);
    let faults = c.file("faults.json", r#"{"closeWatchesAfterMs": 300}"#);
    c.ok(
        &["replace", "--raw", "/sandbox/faults", "-f", &faults],
        None,
    );
    // Without the fault this watch would stay open for ten minutes.
    let started = Instant::now();
    c.ok(
        &[
            "get",
            "--raw",
            "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=600",
        ],
        None,
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let now = c.kubectl(&["get", "--raw", "/sandbox/faults"]);
    assert!(now.contains("\"closeWatchesAfterMs\":300"), "{now}");
}

#[test]
fn every_namespace_gets_its_default_service_account_and_root_ca() {
    let c = cluster(1.0, 1);
    c.ok(&["create", "namespace", "team"], None);
    eventually(
        30,
        "default ServiceAccount and kube-root-ca.crt in team",
        || {
            let sa = c.kubectl_in(&["get", "serviceaccount", "default", "-n", "team"], None);
            let cm = c.kubectl_in(
                &["get", "configmap", "kube-root-ca.crt", "-n", "team"],
                None,
            );
            (
                sa.status.success() && cm.status.success(),
                String::from_utf8_lossy(&sa.stderr).into_owned(),
            )
        },
    );
    let cm = json(&c, &["get", "configmap", "kube-root-ca.crt", "-n", "team"]);
    let ca = cm["data"]["ca.crt"].as_str().unwrap_or("");
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"), "{cm:#}");
    // Deleted, it comes back.
    c.ok(&["delete", "serviceaccount", "default", "-n", "team"], None);
    eventually(30, "default ServiceAccount recreated", || {
        let sa = c.kubectl_in(&["get", "serviceaccount", "default", "-n", "team"], None);
        (
            sa.status.success(),
            String::from_utf8_lossy(&sa.stderr).into_owned(),
        )
    });
    let sas = c.kubectl(&["get", "serviceaccounts", "-A", "--no-headers"]);
    for ns in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "team",
    ] {
        assert!(
            sas.lines().any(|l| l.starts_with(&format!("{ns} "))),
            "{ns}: {sas}"
        );
    }
}

#[test]
fn controllers_scheduler_and_kubelets_record_events_kubectl_describe_shows() {
    let c = cluster(10.0, 1);
    c.ok(
        &["apply", "-f", "-"],
        Some(&deployment("web", "nginx:1.27", 2, "")),
    );
    c.ok(
        &["rollout", "status", "deployment/web", "--timeout=60s"],
        None,
    );
    let rs = json(&c, &["get", "rs", "-l", "app=web"]);
    let rs_name = rs["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let d = c.kubectl(&["describe", "deployment", "web"]);
    assert!(
        d.contains(&format!("Scaled up replica set {rs_name} from 0 to 2")),
        "{d}"
    );
    assert!(
        d.contains("ScalingReplicaSet") && d.contains("deployment-controller"),
        "{d}"
    );
    let r = c.kubectl(&["describe", "rs", &rs_name]);
    assert!(
        r.contains("SuccessfulCreate") && r.contains("Created pod: web-"),
        "{r}"
    );
    let pods = json(&c, &["get", "pods", "-l", "app=web"]);
    let pod = pods["items"][0]["metadata"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let p = c.kubectl(&["describe", "pod", &pod]);
    for want in [
        format!("Successfully assigned default/{pod} to sandbox-node"),
        "Container image \"nginx:1.27\" already present on machine".to_string(),
        "Created container: app".to_string(),
        "Started container app".to_string(),
    ] {
        assert!(p.contains(&want), "{want} in\n{p}");
    }

    // Crash loops are warned about, repeatedly: one event counted up.
    c.ok(&["run", "bad", "--image=myapp:v9"], None);
    eventually(60, "a BackOff warning seen more than once", || {
        let ev = json(
            &c,
            &[
                "get",
                "events",
                "--field-selector",
                "involvedObject.name=bad,reason=BackOff",
            ],
        );
        let count = ev["items"][0]["count"].as_i64().unwrap_or(0);
        (
            count >= 2 && ev["items"][0]["type"] == "Warning",
            format!("{ev:#}"),
        )
    });
    let all = c.kubectl(&["get", "events", "--field-selector", "type=Warning"]);
    assert!(
        all.contains("Back-off restarting failed container bad in pod bad_default("),
        "{all}"
    );

    // Scaling down: the pods get deleted and stop.
    c.kubectl(&["scale", "deployment/web", "--replicas=1"]);
    eventually(60, "a pod stopped", || {
        let ev = c.kubectl(&["get", "events", "--field-selector", "reason=Killing"]);
        (ev.contains("Stopping container app"), ev)
    });
    let d = c.kubectl(&["describe", "deployment", "web"]);
    assert!(
        d.contains(&format!("Scaled down replica set {rs_name} from 2 to 1")),
        "{d}"
    );
}

#[test]
fn a_burst_of_pods_all_get_ready_while_periodic_passes_run() {
    // Frequent periodic passes: pod events that arrive with a tick must not be dropped.
    let ready = Duration::from_millis(100);
    let c = Cluster::start_opts(Options {
        simulate: true,
        sim: SimOptions {
            pod_ready_delay: ready,
            resync: Duration::from_millis(20),
            profiles: Arc::new(Profiles::empty(ready)),
            traffic_rps: 0.0,
            ..SimOptions::default()
        },
        ..Options::default()
    });
    let pods: Vec<String> = (0..400)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, labels: {{burst: \"yes\"}}}}\nspec:\n  containers: [{{name: app, image: nginx}}]\n"
            )
        })
        .collect();
    c.ok(&["apply", "-f", "-"], Some(&pods.join("---\n")));
    eventually(90, "all 400 pods Running and ready", || {
        let out = c.kubectl(&["get", "pods", "-l", "burst=yes", "--no-headers"]);
        let running = out
            .lines()
            .filter(|l| l.contains(" 1/1 ") && l.contains("Running"))
            .count();
        (running == 400, format!("{running} running\n{out}"))
    });
}
