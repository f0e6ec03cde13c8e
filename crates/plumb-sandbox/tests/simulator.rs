//! The workload simulator, driven by the real kubectl: Deployments get ReplicaSets and
//! Pods that become ready, scale, roll out new templates and are garbage-collected.

mod common;

use common::{Cluster, eventually, json};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 3
  selector:
    matchLabels: {app: my-app}
  template:
    metadata:
      labels: {app: my-app}
    spec:
      containers:
      - name: app
        image: nginx:1.25
";

/// Waits until `kubectl get deployment my-app` shows `ready` and up-to-date/available `n`.
fn wait_ready(c: &Cluster, n: usize) {
    wait_columns(c, &format!("{n}/{n}"), n, n);
}

/// Waits until `kubectl get deployment my-app` shows READY, UP-TO-DATE and AVAILABLE.
fn wait_columns(c: &Cluster, ready: &str, updated: usize, available: usize) {
    let want = [
        ready.to_string(),
        updated.to_string(),
        available.to_string(),
    ];
    eventually(30, &format!("my-app shows {want:?}"), || {
        let out = c.kubectl(&["get", "deployment", "my-app", "--no-headers"]);
        let cols: Vec<&str> = out.split_whitespace().collect();
        (
            cols.get(1..4) == Some(&[&*want[0], &*want[1], &*want[2]][..]),
            out,
        )
    });
}

#[test]
fn a_deployment_gets_ready_scales_rolls_out_and_is_collected() {
    let c = Cluster::start_simulated();
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    wait_ready(&c, 3);

    // The ReplicaSet and its Pods have the shapes the controllers give them.
    let rs = json(&c, &["get", "rs"]);
    let items = rs["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{rs:#}");
    let rs = &items[0];
    let hash = rs["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .expect("pod-template-hash");
    let rs_name = format!("my-app-{hash}");
    assert_eq!(rs["metadata"]["name"], rs_name.as_str());
    let ann = &rs["metadata"]["annotations"];
    assert_eq!(ann["deployment.kubernetes.io/revision"], "1");
    assert_eq!(ann["deployment.kubernetes.io/desired-replicas"], "3");
    assert_eq!(ann["deployment.kubernetes.io/max-replicas"], "4");
    let owner = &rs["metadata"]["ownerReferences"][0];
    assert_eq!(owner["kind"], "Deployment");
    assert_eq!(owner["controller"], true);
    assert_eq!(rs["status"]["readyReplicas"], 3);
    assert_eq!(rs["status"]["availableReplicas"], 3);
    assert_eq!(rs["status"]["fullyLabeledReplicas"], 3);

    let pods = json(&c, &["get", "pods"]);
    let pods = pods["items"].as_array().expect("items").clone();
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let name = p["metadata"]["name"].as_str().expect("name");
        let suffix = name
            .strip_prefix(&format!("{rs_name}-"))
            .expect("rs prefix");
        assert_eq!(suffix.len(), 5, "{name}");
        assert_eq!(p["spec"]["nodeName"], "sandbox-node");
        assert_eq!(p["status"]["phase"], "Running");
        assert!(p["status"]["podIP"].is_string());
        let cs = &p["status"]["containerStatuses"][0];
        assert_eq!(cs["ready"], true);
        assert_eq!(cs["restartCount"], 0);
        assert!(cs["state"]["running"]["startedAt"].is_string());
        let conds: Vec<&str> = p["status"]["conditions"]
            .as_array()
            .expect("conditions")
            .iter()
            .filter(|c| c["status"] == "True")
            .filter_map(|c| c["type"].as_str())
            .collect();
        for want in ["PodScheduled", "Initialized", "ContainersReady", "Ready"] {
            assert!(conds.contains(&want), "{want} in {conds:?}");
        }
    }
    let nodes = c.kubectl(&["get", "nodes"]);
    assert!(
        nodes.contains("sandbox-node") && nodes.contains("Ready"),
        "{nodes}"
    );
    let table = c.kubectl(&["get", "pods"]);
    assert!(
        table.contains("1/1") && table.contains("Running"),
        "{table}"
    );
    let table = c.kubectl(&["get", "rs"]);
    assert!(table.contains(&rs_name), "{table}");

    let d = json(&c, &["get", "deployment", "my-app"]);
    assert_eq!(d["metadata"]["generation"], 1);
    assert_eq!(d["status"]["observedGeneration"], 1);
    let conds = d["status"]["conditions"].as_array().expect("conditions");
    let reason = |t: &str| {
        conds
            .iter()
            .find(|c| c["type"] == t)
            .map(|c| c["reason"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(
        reason("Available").as_deref(),
        Some("MinimumReplicasAvailable")
    );
    assert_eq!(
        reason("Progressing").as_deref(),
        Some("NewReplicaSetAvailable")
    );

    // Scale up.
    c.kubectl(&["scale", "deployment/my-app", "--replicas=5"]);
    wait_ready(&c, 5);

    // A new image rolls out.
    c.kubectl(&["set", "image", "deployment/my-app", "app=nginx:1.26"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(
        out.contains("deployment \"my-app\" successfully rolled out"),
        "{out}"
    );
    wait_ready(&c, 5);
    let rs = json(&c, &["get", "rs"]);
    let items = rs["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{rs:#}");
    let by_rev = |r: &str| {
        items
            .iter()
            .find(|rs| rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == r)
            .expect("a ReplicaSet of the revision")
    };
    assert_eq!(by_rev("1")["spec"]["replicas"], 0);
    assert_eq!(by_rev("2")["spec"]["replicas"], 5);
    eventually(30, "old pods are gone", || {
        let pods = json(&c, &["get", "pods"]);
        let images: Vec<String> = pods["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["spec"]["containers"][0]["image"].to_string())
            .collect();
        (
            images.len() == 5 && images.iter().all(|i| i.contains("1.26")),
            format!("{images:?}"),
        )
    });
    let d = json(&c, &["get", "deployment", "my-app"]);
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "2"
    );

    // A deleted Pod is replaced.
    let pods = json(&c, &["get", "pods"]);
    let victim = pods["items"][0]["metadata"]["name"]
        .as_str()
        .expect("a pod")
        .to_string();
    c.kubectl(&["delete", "pod", &victim]);
    eventually(30, "the deleted pod is replaced", || {
        let out = c.kubectl(&["get", "pods", "-o", "name"]);
        (out.lines().count() == 5 && !out.contains(&victim), out)
    });
    wait_ready(&c, 5);

    // Undo brings revision 1's template back as revision 3.
    c.kubectl(&["rollout", "undo", "deployment/my-app"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    let rs = json(&c, &["get", "rs"]);
    let items = rs["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{rs:#}");
    let current = items
        .iter()
        .find(|rs| rs["spec"]["replicas"] == 5)
        .expect("the active ReplicaSet");
    assert_eq!(
        current["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        current["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );

    // While paused, a template change waits and scaling still works.
    c.kubectl(&["rollout", "pause", "deployment/my-app"]);
    c.kubectl(&["set", "image", "deployment/my-app", "app=nginx:1.27"]);
    c.kubectl(&["scale", "deployment/my-app", "--replicas=4"]);
    wait_columns(&c, "4/4", 0, 4);
    eventually(30, "the paused condition is reported", || {
        let d = json(&c, &["get", "deployment", "my-app"]);
        let reason = d["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Progressing")
            .map(|c| c["reason"].clone());
        (
            reason == Some("DeploymentPaused".into()),
            d["status"].to_string(),
        )
    });
    let rs = json(&c, &["get", "rs"]);
    assert_eq!(rs["items"].as_array().map(Vec::len), Some(2), "{rs:#}");
    c.kubectl(&["rollout", "resume", "deployment/my-app"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    wait_ready(&c, 4);
    let rs = json(&c, &["get", "rs"]);
    assert_eq!(rs["items"].as_array().map(Vec::len), Some(3), "{rs:#}");

    // Scale down.
    c.kubectl(&["scale", "deployment/my-app", "--replicas=2"]);
    wait_ready(&c, 2);

    // Orphaned by a deletion, the ReplicaSet is adopted by the next Deployment.
    let rs_before = c.kubectl(&["get", "rs", "-o", "name"]);
    c.kubectl(&["delete", "deployment", "my-app", "--cascade=orphan"]);
    eventually(30, "the ReplicaSets lose their owner", || {
        let rs = json(&c, &["get", "rs"]);
        let owned = rs["items"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|rs| rs["metadata"].get("ownerReferences").is_some());
        (!owned, rs.to_string())
    });
    c.ok(
        &["apply", "-f", "-"],
        Some(&DEPLOYMENT.replace("replicas: 3", "replicas: 2")),
    );
    eventually(30, "the ReplicaSets are adopted", || {
        let rs = json(&c, &["get", "rs"]);
        let all_owned = rs["items"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|rs| rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment");
        (all_owned, rs.to_string())
    });
    c.kubectl(&["set", "image", "deployment/my-app", "app=nginx:1.27"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    wait_ready(&c, 2);
    assert_eq!(c.kubectl(&["get", "rs", "-o", "name"]), rs_before);

    // Deleting the Deployment collects its ReplicaSets and Pods.
    c.kubectl(&["delete", "deployment", "my-app"]);
    eventually(30, "ReplicaSets and Pods are collected", || {
        let out = c.kubectl(&["get", "rs,pods", "-o", "name"]);
        (out.trim().is_empty(), out)
    });
}

#[test]
fn a_recreate_deployment_replaces_all_pods_and_a_bare_replicaset_gets_pods() {
    let c = Cluster::start_simulated();
    let recreate = DEPLOYMENT.replace(
        "replicas: 3\n",
        "replicas: 2\n  strategy: {type: Recreate}\n",
    );
    c.ok(&["apply", "-f", "-"], Some(&recreate));
    wait_ready(&c, 2);
    c.kubectl(&["set", "image", "deployment/my-app", "app=nginx:1.26"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");

    // A foreign ReplicaSet holding the name of the next template's set forces a
    // collision: the Deployment counts it and picks another name.
    let d = json(&c, &["get", "deployment", "my-app"]);
    let mut next = d["spec"]["template"].clone();
    next["spec"]["containers"][0]["image"] = "nginx:1.27".into();
    let hash = plumb_sandbox::sim::pod_template_hash(&next, None);
    let squatter = format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: my-app-{hash}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {{app: other}}\n  template:\n    metadata:\n      labels: {{app: other}}\n    spec:\n      containers:\n      - name: app\n        image: busybox\n"
    );
    c.ok(&["apply", "-f", "-"], Some(&squatter));
    c.kubectl(&["set", "image", "deployment/my-app", "app=nginx:1.27"]);
    let out = c.kubectl(&["rollout", "status", "deployment/my-app", "--timeout=60s"]);
    assert!(out.contains("successfully rolled out"), "{out}");
    let d = json(&c, &["get", "deployment", "my-app"]);
    assert_eq!(d["status"]["collisionCount"], 1, "{:#}", d["status"]);

    let rs = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: bare
spec:
  replicas: 2
  selector:
    matchLabels: {app: bare}
  template:
    metadata:
      labels: {app: bare}
    spec:
      containers:
      - name: app
        image: busybox
";
    c.ok(&["apply", "-f", "-"], Some(rs));
    eventually(30, "the bare ReplicaSet has 2 ready pods", || {
        let rs = json(&c, &["get", "rs", "bare"]);
        (
            rs["status"]["readyReplicas"] == 2 && rs["status"]["observedGeneration"] == 1,
            rs["status"].to_string(),
        )
    });
    // A Pod relabelled out of the selector is released and replaced.
    let pods = c.kubectl(&["get", "pods", "-l", "app=bare", "-o", "name"]);
    let first = pods.lines().next().expect("a pod").to_string();
    c.kubectl(&["label", &first, "app=debug", "--overwrite"]);
    eventually(30, "the relabelled pod is released and replaced", || {
        let pod = json(&c, &["get", &first]);
        let out = c.kubectl(&["get", "pods", "-l", "app=bare", "-o", "name"]);
        let released = pod["metadata"].get("ownerReferences").is_none();
        (released && out.lines().count() == 2, format!("{out}{pod}"))
    });
    c.kubectl(&["scale", "rs/bare", "--replicas=1"]);
    eventually(30, "the bare ReplicaSet has 1 pod", || {
        let out = c.kubectl(&["get", "pods", "-l", "app=bare", "-o", "name"]);
        (out.lines().count() == 1, out)
    });
}
