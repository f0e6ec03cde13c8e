//! The simulator's Job and CronJob controllers, driven by the real kubectl: what
//! `kubectl get`, `kubectl wait` and the Jobs' conditions show.

mod common;

use std::time::Duration;

use common::workloads::{cluster, columns, condition_types, items, name};
use common::{eventually, json};

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
