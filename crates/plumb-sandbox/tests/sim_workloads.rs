//! The simulator's StatefulSet and DaemonSet controllers, driven by the real kubectl: what
//! `kubectl get`, `kubectl rollout status` and `kubectl rollout undo` show.

mod common;

use common::workloads::{cluster, items, name, wait_columns};
use common::{Cluster, eventually, json};

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
