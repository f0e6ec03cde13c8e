//! The simulator's StatefulSet, DaemonSet, Job and CronJob controllers, driven by the real
//! kubectl: what `kubectl get`, `kubectl rollout status` and `kubectl wait` show.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Cluster, eventually, json};
use plumb_sandbox::Options;
use plumb_sandbox::sim::SimOptions;
use plumb_sandbox::sim::profiles::Profiles;
use serde_json::Value;

const PROFILES: &str = r#"
profiles:
  "crasher:*": {crashLoop: true}
  "stuck:*": {readyAfter: 100h}
"#;

/// A simulated sandbox with `nodes` nodes whose clock runs `scale`× faster.
fn cluster(nodes: usize, scale: f64) -> Cluster {
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
fn columns(c: &Cluster, what: &[&str]) -> Vec<String> {
    let mut args = vec!["get"];
    args.extend(what);
    args.push("--no-headers");
    c.kubectl(&args)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// Waits until the columns of `kubectl get <what>` from the second on start with `want`.
fn wait_columns(c: &Cluster, what: &[&str], want: &[&str]) {
    eventually(60, &format!("{what:?} shows {want:?}"), || {
        let cols = columns(c, what);
        (
            cols.len() > want.len() && cols[1..=want.len()] == *want,
            cols.join(" "),
        )
    });
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn name(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("")
}

fn condition_types(status: &Value) -> Vec<String> {
    status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["status"] == "True")
        .filter_map(|c| c["type"].as_str().map(str::to_string))
        .collect()
}

const STATEFULSET: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - {port: 80, name: web}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        volumeMounts:
        - {name: www, mountPath: /usr/share/nginx/html}
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests: {storage: 1Gi}
";

/// The StatefulSet's Pods as (ordinal, ready) from one listing.
fn set_pods(c: &Cluster) -> Vec<(i64, bool)> {
    let pods = json(c, &["get", "pods", "-l", "app=web"]);
    let mut out: Vec<(i64, bool)> = items(&pods)
        .iter()
        .filter_map(|p| {
            let ord = name(p).strip_prefix("web-")?.parse().ok()?;
            let ready = p["status"]["phase"] == "Running"
                && p["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True");
            Some((ord, ready))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_statefulset_starts_in_order_rolls_out_from_the_top_and_scales_down_in_reverse() {
    let c = cluster(1, 1.0);
    c.ok(&["apply", "-f", "-"], Some(STATEFULSET));
    // OrderedReady: a Pod exists only once every lower ordinal runs and is ready.
    eventually(60, "web has 3 ready pods, created in order", || {
        let pods = set_pods(&c);
        for (i, (ord, _)) in pods.iter().enumerate() {
            assert_eq!(*ord, i as i64, "ordinals are contiguous: {pods:?}");
            if i > 0 {
                assert!(
                    pods[i - 1].1,
                    "web-{ord} exists before web-{} is ready: {pods:?}",
                    i - 1
                );
            }
        }
        (
            pods == [(0, true), (1, true), (2, true)],
            format!("{pods:?}"),
        )
    });
    wait_columns(&c, &["statefulset", "web"], &["3/3"]);
    let out = c.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    // The API server defaults `partition: 0`, so kubectl reports a partitioned roll out.
    assert!(
        out.contains("partitioned roll out complete: 3 new pods have been updated..."),
        "{out}"
    );

    let sts = json(&c, &["get", "statefulset", "web"]);
    let st = &sts["status"];
    let rev = st["updateRevision"]
        .as_str()
        .expect("updateRevision")
        .to_string();
    assert_eq!(st["currentRevision"], rev.as_str());
    for (k, v) in [
        ("replicas", 3),
        ("readyReplicas", 3),
        ("currentReplicas", 3),
        ("updatedReplicas", 3),
        ("availableReplicas", 3),
        ("collisionCount", 0),
        ("observedGeneration", 1),
    ] {
        assert_eq!(st[k], v, "{k} in {st:#}");
    }

    let pod = json(&c, &["get", "pod", "web-1"]);
    let labels = &pod["metadata"]["labels"];
    assert_eq!(labels["controller-revision-hash"], rev.as_str());
    assert_eq!(labels["statefulset.kubernetes.io/pod-name"], "web-1");
    assert_eq!(labels["apps.kubernetes.io/pod-index"], "1");
    assert_eq!(pod["spec"]["hostname"], "web-1");
    assert_eq!(pod["spec"]["subdomain"], "nginx");
    assert_eq!(pod["metadata"]["ownerReferences"][0]["kind"], "StatefulSet");
    let claim = pod["spec"]["volumes"]
        .as_array()
        .expect("volumes")
        .iter()
        .find(|v| v["name"] == "www")
        .expect("the www volume")
        .clone();
    assert_eq!(claim["persistentVolumeClaim"]["claimName"], "www-web-1");

    // Claims per ordinal, bound.
    let pvcs = c.kubectl(&["get", "pvc", "--no-headers"]);
    for n in 0..3 {
        let line = pvcs
            .lines()
            .find(|l| l.starts_with(&format!("www-web-{n} ")))
            .unwrap_or_else(|| panic!("www-web-{n} in\n{pvcs}"));
        assert!(line.contains("Bound") && line.contains("1Gi"), "{line}");
    }
    let events = c.kubectl(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.kind=StatefulSet",
    ]);
    for want in [
        "SuccessfulCreate",
        "create Pod web-0 in StatefulSet web successful",
        "create Claim www-web-2 Pod web-2 in StatefulSet web success",
    ] {
        assert!(events.contains(want), "{want} in\n{events}");
    }
    let revs = json(&c, &["get", "controllerrevisions"]);
    let names: Vec<String> = items(&revs).iter().map(|r| name(r).to_string()).collect();
    assert_eq!(names, std::slice::from_ref(&rev));
    assert_eq!(items(&revs)[0]["revision"], 1);

    // A new template rolls from the highest ordinal down.
    c.kubectl(&["set", "image", "statefulset/web", "nginx=nginx:1.26"]);
    let out = c.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    assert!(
        out.contains("partitioned roll out complete: 3 new pods have been updated..."),
        "{out}"
    );
    let sts = json(&c, &["get", "statefulset", "web"]);
    let new_rev = sts["status"]["updateRevision"]
        .as_str()
        .expect("rev")
        .to_string();
    assert_ne!(new_rev, rev);
    assert_eq!(sts["status"]["currentRevision"], new_rev.as_str());
    assert_eq!(sts["status"]["updatedReplicas"], 3);
    let pods = json(&c, &["get", "pods", "-l", "app=web"]);
    for p in items(&pods) {
        assert_eq!(
            p["metadata"]["labels"]["controller-revision-hash"],
            new_rev.as_str()
        );
        assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.26");
    }
    let revs = json(&c, &["get", "controllerrevisions"]);
    assert_eq!(items(&revs).len(), 2, "{revs:#}");

    // Scaling down removes the highest ordinals first; the claims stay.
    c.kubectl(&["scale", "statefulset/web", "--replicas=1"]);
    eventually(60, "web is down to web-0", || {
        let pods = set_pods(&c);
        let ords: Vec<i64> = pods.iter().map(|p| p.0).collect();
        assert!(
            ords.iter().enumerate().all(|(i, o)| *o == i as i64),
            "a lower ordinal went first: {ords:?}"
        );
        (ords == [0], format!("{ords:?}"))
    });
    wait_columns(&c, &["statefulset", "web"], &["1/1"]);
    let pvcs = c.kubectl(&["get", "pvc", "--no-headers"]);
    assert_eq!(pvcs.lines().count(), 3, "{pvcs}");
}

#[test]
fn a_parallel_statefulset_updates_only_the_ordinals_from_its_partition_up() {
    let c = cluster(1, 1.0);
    let manifest = STATEFULSET
        .replace("  serviceName: nginx\n", "  serviceName: nginx\n  podManagementPolicy: Parallel\n  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete}\n  updateStrategy:\n    rollingUpdate: {partition: 2}\n");
    c.ok(&["apply", "-f", "-"], Some(&manifest));
    wait_columns(&c, &["statefulset", "web"], &["3/3"]);
    let old = json(&c, &["get", "statefulset", "web"])["status"]["updateRevision"]
        .as_str()
        .expect("rev")
        .to_string();
    c.kubectl(&["set", "image", "statefulset/web", "nginx=nginx:1.26"]);
    let out = c.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    assert!(
        out.contains("partitioned roll out complete: 1 new pods have been updated"),
        "{out}"
    );
    let sts = json(&c, &["get", "statefulset", "web"]);
    let new = sts["status"]["updateRevision"]
        .as_str()
        .expect("rev")
        .to_string();
    assert_eq!(sts["status"]["currentRevision"], old.as_str());
    assert_eq!(sts["status"]["updatedReplicas"], 1);
    assert_eq!(sts["status"]["currentReplicas"], 2);
    for (pod, rev) in [("web-0", &old), ("web-1", &old), ("web-2", &new)] {
        let p = json(&c, &["get", "pod", pod]);
        assert_eq!(
            p["metadata"]["labels"]["controller-revision-hash"],
            rev.as_str(),
            "{pod}"
        );
    }

    // Scaled down at once (Parallel); the claims of the removed ordinals go with them.
    c.kubectl(&["scale", "statefulset/web", "--replicas=1"]);
    wait_columns(&c, &["statefulset", "web"], &["1/1"]);
    eventually(60, "only www-web-0 is left", || {
        let out = c.kubectl(&["get", "pvc", "-o", "name"]);
        (out.trim() == "persistentvolumeclaim/www-web-0", out)
    });
}

const DAEMONSET: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox:1.36
";

#[test]
fn a_daemonset_runs_one_pod_per_node_and_rolls_out() {
    let c = cluster(3, 1.0);
    c.ok(&["apply", "-f", "-"], Some(DAEMONSET));
    // DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE-SELECTOR
    wait_columns(
        &c,
        &["daemonset", "agent"],
        &["3", "3", "3", "3", "3", "<none>"],
    );
    let out = c.kubectl(&["rollout", "status", "daemonset/agent", "--timeout=60s"]);
    assert!(
        out.contains("daemon set \"agent\" successfully rolled out"),
        "{out}"
    );
    let ds = json(&c, &["get", "daemonset", "agent"]);
    let st = &ds["status"];
    for (k, v) in [
        ("currentNumberScheduled", 3),
        ("desiredNumberScheduled", 3),
        ("numberMisscheduled", 0),
        ("numberReady", 3),
        ("numberAvailable", 3),
        ("updatedNumberScheduled", 3),
        ("observedGeneration", 1),
    ] {
        assert_eq!(st[k], v, "{k} in {st:#}");
    }
    assert!(st.get("numberUnavailable").is_none(), "{st:#}");

    let pods = json(&c, &["get", "pods", "-l", "app=agent"]);
    let mut nodes: Vec<String> = items(&pods)
        .iter()
        .map(|p| p["spec"]["nodeName"].as_str().unwrap_or("").to_string())
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["sandbox-node", "sandbox-node-2", "sandbox-node-3"]);
    let p = &items(&pods)[0];
    let term = &p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
        ["nodeSelectorTerms"][0]["matchFields"][0];
    assert_eq!(term["key"], "metadata.name");
    assert_eq!(term["values"][0], p["spec"]["nodeName"]);
    assert_eq!(p["metadata"]["labels"]["pod-template-generation"], "1");
    assert!(p["metadata"]["labels"]["controller-revision-hash"].is_string());

    // A new image replaces the pods one node at a time.
    c.kubectl(&["set", "image", "daemonset/agent", "agent=busybox:1.37"]);
    let out = c.kubectl(&["rollout", "status", "daemonset/agent", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    eventually(60, "every agent pod runs the new image", || {
        let pods = json(&c, &["get", "pods", "-l", "app=agent"]);
        let images: Vec<String> = items(&pods)
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["spec"]["containers"][0]["image"].as_str().unwrap_or(""),
                    p["metadata"]["labels"]["pod-template-generation"]
                        .as_str()
                        .unwrap_or("")
                )
            })
            .collect();
        (images == ["busybox:1.37 2"; 3], format!("{images:?}"))
    });

    // A nodeSelector narrows it to one node; the others' pods go.
    c.kubectl(&[
        "patch",
        "daemonset/agent",
        "-p",
        r#"{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/hostname":"sandbox-node-2"}}}}}"#,
    ]);
    wait_columns(
        &c,
        &["daemonset", "agent"],
        &[
            "1",
            "1",
            "1",
            "1",
            "1",
            "kubernetes.io/hostname=sandbox-node-2",
        ],
    );
    eventually(60, "one agent pod is left, on sandbox-node-2", || {
        let pods = json(&c, &["get", "pods", "-l", "app=agent"]);
        let nodes: Vec<String> = items(&pods)
            .iter()
            .map(|p| p["spec"]["nodeName"].as_str().unwrap_or("").to_string())
            .collect();
        (nodes == ["sandbox-node-2"], format!("{nodes:?}"))
    });
}

const JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  completions: 3
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34
        command: [perl, -e, print 1]
";

#[test]
fn a_job_completes_its_completions() {
    let c = cluster(1, 1.0);
    c.ok(&["apply", "-f", "-"], Some(JOB));
    let out = c.kubectl(&[
        "wait",
        "--for=condition=complete",
        "job/pi",
        "--timeout=60s",
    ]);
    assert!(out.contains("job.batch/pi condition met"), "{out}");
    let cols = columns(&c, &["job", "pi"]);
    assert_eq!(cols[1..3], ["Complete", "3/3"], "{cols:?}");

    let job = json(&c, &["get", "job", "pi"]);
    let st = &job["status"];
    assert_eq!(st["succeeded"], 3);
    assert_eq!(st["ready"], 0);
    assert_eq!(st["terminating"], 0);
    assert_eq!(st["uncountedTerminatedPods"], serde_json::json!({}));
    assert!(
        st.get("active").is_none() && st.get("failed").is_none(),
        "{st:#}"
    );
    assert!(st["startTime"].is_string() && st["completionTime"].is_string());
    assert_eq!(condition_types(st), ["SuccessCriteriaMet", "Complete"]);
    for c in st["conditions"].as_array().expect("conditions") {
        assert_eq!(c["reason"], "CompletionsReached");
        assert_eq!(c["message"], "Reached expected number of succeeded pods");
    }

    let pods = json(&c, &["get", "pods", "-l", "job-name=pi"]);
    let pods = items(&pods);
    assert_eq!(pods.len(), 3);
    for p in &pods {
        assert_eq!(p["status"]["phase"], "Succeeded");
        assert!(name(p).starts_with("pi-"));
        let l = &p["metadata"]["labels"];
        assert_eq!(l["batch.kubernetes.io/job-name"], "pi");
        assert_eq!(
            l["batch.kubernetes.io/controller-uid"],
            job["metadata"]["uid"]
        );
        let t = &p["status"]["containerStatuses"][0]["state"]["terminated"];
        assert_eq!(t["exitCode"], 0);
        assert_eq!(t["reason"], "Completed");
        let owner = &p["metadata"]["ownerReferences"][0];
        assert_eq!(owner["apiVersion"], "batch/v1");
        assert_eq!(owner["kind"], "Job");
    }
    let events = c.kubectl(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=pi",
    ]);
    assert!(events.contains("Created pod: pi-"), "{events}");
    assert!(events.contains("Job completed"), "{events}");
    let table = c.kubectl(&["get", "pods", "-l", "job-name=pi", "--no-headers"]);
    assert_eq!(
        table
            .lines()
            .filter(|l| l.contains("0/1") && l.contains("Completed"))
            .count(),
        3,
        "{table}"
    );
}

#[test]
fn an_indexed_job_completes_every_index() {
    let c = cluster(1, 1.0);
    let manifest = JOB.replace(
        "  parallelism: 2\n",
        "  parallelism: 3\n  completionMode: Indexed\n",
    );
    c.ok(&["apply", "-f", "-"], Some(&manifest));
    c.kubectl(&[
        "wait",
        "--for=condition=complete",
        "job/pi",
        "--timeout=60s",
    ]);
    let job = json(&c, &["get", "job", "pi"]);
    assert_eq!(job["status"]["completedIndexes"], "0-2");
    assert_eq!(job["status"]["succeeded"], 3);
    let pods = json(&c, &["get", "pods", "-l", "job-name=pi"]);
    let mut indexes: Vec<String> = items(&pods)
        .iter()
        .map(|p| {
            let i = p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
                .as_str()
                .expect("the completion index")
                .to_string();
            assert!(name(p).starts_with(&format!("pi-{i}-")), "{}", name(p));
            assert_eq!(p["spec"]["hostname"], format!("pi-{i}"));
            i
        })
        .collect();
    indexes.sort();
    assert_eq!(indexes, ["0", "1", "2"]);
}

#[test]
fn a_failing_job_stops_at_its_backoff_limit_and_a_stuck_one_at_its_deadline() {
    // Ten times faster: the 10 s back-off between attempts takes a second.
    let c = cluster(1, 10.0);
    let failing = JOB
        .replace("name: pi\nspec:", "name: crash\nspec:\n  backoffLimit: 1")
        .replace("  completions: 3\n  parallelism: 2\n", "")
        .replace("perl:5.34", "crasher:1");
    c.ok(&["apply", "-f", "-"], Some(&failing));
    let out = c.kubectl(&[
        "wait",
        "--for=condition=failed",
        "job/crash",
        "--timeout=60s",
    ]);
    assert!(out.contains("condition met"), "{out}");
    let cols = columns(&c, &["job", "crash"]);
    assert_eq!(cols[1..3], ["Failed", "0/1"], "{cols:?}");
    let job = json(&c, &["get", "job", "crash"]);
    let st = &job["status"];
    assert_eq!(st["failed"], 2);
    assert!(st.get("completionTime").is_none(), "{st:#}");
    assert_eq!(condition_types(st), ["FailureTarget", "Failed"]);
    for c in st["conditions"].as_array().expect("conditions") {
        assert_eq!(c["reason"], "BackoffLimitExceeded");
        assert_eq!(c["message"], "Job has reached the specified backoff limit");
    }

    // With restartPolicy OnFailure the kubelet restarts the container; the restarts
    // count against the limit.
    let restarting = failing
        .replace("name: crash", "name: restarting")
        .replace("restartPolicy: Never", "restartPolicy: OnFailure");
    c.ok(&["apply", "-f", "-"], Some(&restarting));
    c.kubectl(&[
        "wait",
        "--for=condition=failed",
        "job/restarting",
        "--timeout=60s",
    ]);
    let job = json(&c, &["get", "job", "restarting"]);
    let reasons: Vec<&str> = job["status"]["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .filter_map(|c| c["reason"].as_str())
        .collect();
    assert_eq!(reasons, ["BackoffLimitExceeded", "BackoffLimitExceeded"]);
    assert_eq!(job["status"]["failed"], 1, "{job:#}");

    let stuck = JOB
        .replace(
            "name: pi\nspec:",
            "name: stuck\nspec:\n  activeDeadlineSeconds: 5",
        )
        .replace("perl:5.34", "stuck:1");
    c.ok(&["apply", "-f", "-"], Some(&stuck));
    c.kubectl(&[
        "wait",
        "--for=condition=failed",
        "job/stuck",
        "--timeout=60s",
    ]);
    let job = json(&c, &["get", "job", "stuck"]);
    let failed = job["status"]["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .find(|c| c["type"] == "Failed")
        .expect("Failed")
        .clone();
    assert_eq!(failed["reason"], "DeadlineExceeded");
    assert_eq!(
        failed["message"],
        "Job was active longer than specified deadline"
    );
    // Both running pods were stopped, and count as failed.
    assert_eq!(job["status"]["failed"], 2, "{job:#}");
    assert!(job["status"].get("active").is_none(), "{job:#}");
    eventually(60, "the stuck job's pods are gone", || {
        let out = c.kubectl(&["get", "pods", "-l", "job-name=stuck", "-o", "name"]);
        (out.trim().is_empty(), out)
    });
}

const CRONJOB: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: '*/1 * * * *'
  jobTemplate:
    metadata:
      labels: {app: hello}
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: hello
            image: busybox:1.36
            command: [echo, hello]
";

#[test]
fn a_cronjob_starts_jobs_on_its_schedule_and_keeps_its_history() {
    // A simulated minute per real second.
    let c = cluster(1, 60.0);
    c.ok(&["apply", "-f", "-"], Some(CRONJOB));
    // Three successful Jobs are kept; the older ones go.
    eventually(
        60,
        "hello has run more often than its history keeps",
        || {
            let cj = json(&c, &["get", "cronjob", "hello"]);
            let jobs = json(&c, &["get", "jobs", "-l", "app=hello"]);
            let complete = items(&jobs)
                .iter()
                .filter(|j| condition_types(&j["status"]).contains(&"Complete".to_string()))
                .count();
            let created: i64 = cj["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| t.as_second())
                .unwrap_or(0);
            let last = cj["status"]["lastScheduleTime"]
                .as_str()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok())
                .map(|t| t.as_second())
                .unwrap_or(0);
            // Finished Jobs beyond the limits go soon after the next one finishes.
            assert!(
                items(&jobs).len() <= 8,
                "history limits keep 3 succeeded jobs besides the running ones: {jobs:#}"
            );
            (
                last - created >= 5 * 60 && complete == 3,
                format!("{:#}", cj["status"]),
            )
        },
    );
    let cols = columns(&c, &["cronjob", "hello"]);
    // NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST-SCHEDULE AGE
    assert_eq!(cols[1..6], ["*/1", "*", "*", "*", "*"], "{cols:?}");
    assert_eq!(cols[6..8], ["<none>", "False"], "{cols:?}");

    let cj = json(&c, &["get", "cronjob", "hello"]);
    assert!(cj["status"]["lastSuccessfulTime"].is_string(), "{cj:#}");
    let jobs = json(&c, &["get", "jobs", "-l", "app=hello"]);
    for j in items(&jobs) {
        let owner = &j["metadata"]["ownerReferences"][0];
        assert_eq!(owner["kind"], "CronJob");
        assert_eq!(owner["apiVersion"], "batch/v1");
        let at = j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"]
            .as_str()
            .expect("the scheduled timestamp")
            .parse::<jiff::Timestamp>()
            .expect("RFC 3339");
        assert_eq!(at.as_second() % 60, 0);
        assert_eq!(name(&j), format!("hello-{}", at.as_second() / 60));
    }

    let events = c.kubectl(&[
        "get",
        "events",
        "--field-selector",
        "involvedObject.name=hello",
    ]);
    for want in [
        "Created job hello-",
        "Saw completed job: hello-",
        "Deleted job hello-",
    ] {
        assert!(events.contains(want), "{want} in\n{events}");
    }

    // Suspended: no more Jobs.
    c.kubectl(&[
        "patch",
        "cronjob/hello",
        "-p",
        r#"{"spec":{"suspend":true}}"#,
    ]);
    std::thread::sleep(Duration::from_millis(500));
    let before = json(&c, &["get", "cronjob", "hello"])["status"]["lastScheduleTime"].clone();
    std::thread::sleep(Duration::from_secs(3));
    let after = json(&c, &["get", "cronjob", "hello"]);
    assert_eq!(after["status"]["lastScheduleTime"], before);
    let cols = columns(&c, &["cronjob", "hello"]);
    assert_eq!(cols[7], "True", "{cols:?}");
}

#[test]
fn statefulset_and_daemonset_history_undoes_a_rollout() {
    let c = cluster(1, 1.0);
    c.ok(&["apply", "-f", "-"], Some(STATEFULSET));
    c.ok(&["apply", "-f", "-"], Some(DAEMONSET));
    c.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    c.kubectl(&["rollout", "status", "daemonset/agent", "--timeout=60s"]);
    c.kubectl(&["set", "image", "statefulset/web", "nginx=nginx:1.26"]);
    c.kubectl(&["set", "image", "daemonset/agent", "agent=busybox:1.37"]);
    c.kubectl(&["rollout", "status", "statefulset/web", "--timeout=60s"]);
    c.kubectl(&["rollout", "status", "daemonset/agent", "--timeout=60s"]);
    for what in ["statefulset/web", "daemonset/agent"] {
        let history = c.kubectl(&["rollout", "history", what]);
        let revisions: Vec<&str> = history
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.parse::<u32>().is_ok())
            .collect();
        assert_eq!(revisions, ["1", "2"], "{what}: {history}");
        c.kubectl(&["rollout", "undo", what]);
        c.kubectl(&["rollout", "status", what, "--timeout=60s"]);
    }
    eventually(60, "the pods are back at the first images", || {
        let pods = json(&c, &["get", "pods"]);
        let images: Vec<String> = items(&pods)
            .iter()
            .map(|p| {
                p["spec"]["containers"][0]["image"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .filter(|i| i.ends_with("1.26") || i.ends_with("1.37"))
            .collect();
        (
            images.is_empty() && items(&pods).len() == 4,
            format!("{pods:#}"),
        )
    });
    let history = c.kubectl(&["rollout", "history", "statefulset/web"]);
    assert!(
        history.contains("\n2 ") && history.contains("\n3 "),
        "{history}"
    );
}

#[test]
fn a_suspended_job_waits_and_a_forbidding_cronjob_does_not_overlap() {
    let c = cluster(1, 60.0);
    let suspended = JOB.replace("  completions: 3\n", "  completions: 3\n  suspend: true\n");
    c.ok(&["apply", "-f", "-"], Some(&suspended));
    eventually(60, "pi shows Suspended", || {
        let cols = columns(&c, &["job", "pi"]);
        (
            cols.get(1).map(String::as_str) == Some("Suspended"),
            cols.join(" "),
        )
    });
    let pods = c.kubectl(&["get", "pods", "-l", "job-name=pi", "-o", "name"]);
    assert!(pods.trim().is_empty(), "{pods}");
    c.kubectl(&["patch", "job/pi", "-p", r#"{"spec":{"suspend":false}}"#]);
    c.kubectl(&[
        "wait",
        "--for=condition=complete",
        "job/pi",
        "--timeout=60s",
    ]);
    let job = json(&c, &["get", "job", "pi"]);
    let suspended = job["status"]["conditions"]
        .as_array()
        .expect("conditions")
        .iter()
        .find(|c| c["type"] == "Suspended")
        .expect("the Suspended condition")
        .clone();
    assert_eq!(suspended["status"], "False");
    assert_eq!(suspended["reason"], "JobResumed");

    // Forbid: a Job that never finishes keeps the next ones from starting.
    let forbid = CRONJOB
        .replace("  schedule:", "  concurrencyPolicy: Forbid\n  schedule:")
        .replace("busybox:1.36", "stuck:1");
    c.ok(&["apply", "-f", "-"], Some(&forbid));
    eventually(60, "hello has an active job", || {
        let cols = columns(&c, &["cronjob", "hello"]);
        (cols.get(8).map(String::as_str) == Some("1"), cols.join(" "))
    });
    std::thread::sleep(Duration::from_secs(3));
    let jobs = json(&c, &["get", "jobs", "-l", "app=hello"]);
    assert_eq!(items(&jobs).len(), 1, "{jobs:#}");
    let cj = json(&c, &["get", "cronjob", "hello"]);
    assert_eq!(cj["status"]["active"][0]["name"], name(&items(&jobs)[0]));
    assert_eq!(cj["status"]["active"][0]["kind"], "Job");
}
