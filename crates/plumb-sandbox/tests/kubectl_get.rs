//! Real kubectl's view: `kubectl get` tables (default, wide, label selectors, watch),
//! `-o yaml`, api-resources and CRD printer columns.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Cluster, normalize};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
  labels: {app: my-app}
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
        image: myapp:v1.1.0
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: my-app
  labels: {app: my-app}
spec:
  selector: {app: my-app}
  ports:
  - port: 80
    targetPort: 8080
";

#[test]
fn get_deployments_prints_the_real_columns() {
    let c = Cluster::start();
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    assert_eq!(
        normalize(&c.kubectl(&["get", "deployments"])),
        "NAME READY UP-TO-DATE AVAILABLE AGE\nmy-app 0/3 0 0 <age>"
    );
    assert_eq!(
        normalize(&c.kubectl(&["get", "deployment", "my-app", "-o", "wide"])),
        "NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR\nmy-app 0/3 0 0 <age> app myapp:v1.1.0 app=my-app"
    );
}

#[test]
fn get_services_namespaces_and_label_selection() {
    let c = Cluster::start();
    c.ok(&["apply", "-f", "-"], Some(SERVICE));
    let svc = normalize(&c.kubectl(&["get", "services", "-l", "app=my-app"]));
    let lines: Vec<&str> = svc.lines().collect();
    assert_eq!(lines[0], "NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE");
    let cells: Vec<&str> = lines[1].split(' ').collect();
    assert_eq!(cells[0], "my-app");
    assert_eq!(cells[1], "ClusterIP");
    assert!(cells[2].starts_with("10.96."), "{svc}");
    assert_eq!(&cells[3..], ["<none>", "80/TCP", "<age>"]);
    assert_eq!(lines.len(), 2, "only the selected service: {svc}");
    let all = normalize(&c.kubectl(&["get", "services"]));
    assert!(
        all.contains("\nkubernetes ClusterIP 10.96.0.1 <none> 443/TCP <age>"),
        "{all}"
    );

    let ns = normalize(&c.kubectl(&["get", "namespaces"]));
    assert_eq!(
        ns,
        "NAME STATUS AGE\ndefault Active <age>\nkube-node-lease Active <age>\nkube-public Active <age>\nkube-system Active <age>"
    );
    let none = c.kubectl_in(&["get", "deployments", "-l", "app=nothing"], None);
    assert_eq!(
        String::from_utf8_lossy(&none.stderr),
        "No resources found in default namespace.\n"
    );
}

#[test]
fn get_yaml_shows_server_set_metadata_and_defaults() {
    let c = Cluster::start();
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    let y = c.kubectl(&["get", "deployment", "my-app", "-o", "yaml"]);
    for expected in [
        "  generation: 1\n",
        "  progressDeadlineSeconds: 600\n",
        "  revisionHistoryLimit: 10\n",
        "      maxSurge: 25%\n",
        "      maxUnavailable: 25%\n",
        "    type: RollingUpdate\n",
        "        imagePullPolicy: IfNotPresent\n",
        "        terminationMessagePath: /dev/termination-log\n",
        "      dnsPolicy: ClusterFirst\n",
        "      restartPolicy: Always\n",
        "      schedulerName: default-scheduler\n",
        "      terminationGracePeriodSeconds: 30\n",
    ] {
        assert!(y.contains(expected), "missing {expected:?} in\n{y}");
    }
    assert!(y.contains("  uid: "), "{y}");
    assert!(y.contains("  resourceVersion: \""), "{y}");
    assert!(y.contains("  creationTimestamp: \""), "{y}");
}

#[test]
fn api_resources_lists_builtins_and_a_new_crd() {
    let c = Cluster::start();
    let out = normalize(&c.kubectl(&["api-resources"]));
    assert!(
        out.starts_with("NAME SHORTNAMES APIVERSION NAMESPACED KIND\n"),
        "{out}"
    );
    for line in [
        "deployments deploy apps/v1 true Deployment",
        "namespaces ns v1 false Namespace",
        "configmaps cm v1 true ConfigMap",
        "customresourcedefinitions crd,crds apiextensions.k8s.io/v1 false CustomResourceDefinition",
        "leases coordination.k8s.io/v1 true Lease",
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line:?} in\n{out}");
    }
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
";

#[test]
fn a_crd_installs_and_its_objects_print_their_columns() {
    let c = Cluster::start();
    assert_eq!(
        c.ok(&["apply", "-f", "-"], Some(CRD)),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"
    );
    let w = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3, color: blue}\n";
    assert_eq!(
        c.ok(&["apply", "-f", "-"], Some(w)),
        "widget.example.com/w1 created\n"
    );
    // Declared printer columns replace the default Age column, as in apiextensions.
    assert_eq!(
        normalize(&c.kubectl(&["get", "widgets"])),
        "NAME SIZE\nw1 3"
    );
    assert_eq!(
        normalize(&c.kubectl(&["get", "wd", "-o", "wide"])),
        "NAME SIZE COLOR\nw1 3 blue"
    );
    let crds = normalize(&c.kubectl(&["get", "crds"]));
    let lines: Vec<&str> = crds.lines().collect();
    assert_eq!(lines[0], "NAME CREATED AT");
    assert!(lines[1].starts_with("widgets.example.com 20"), "{crds}");
}

#[test]
fn get_watch_prints_a_line_per_change() {
    let c = Cluster::start();
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    let mut child = Command::new("kubectl")
        .args(["get", "deployment", "my-app", "-w"])
        .env("KUBECONFIG", &c.kubeconfig)
        .env("HOME", c.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl -w starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut scaled = false;
    while lines.len() < 3 && Instant::now() < deadline {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(normalize(&l));
        }
        if lines.len() == 2 && !scaled {
            c.kubectl(&["scale", "deployment", "my-app", "--replicas=5"]);
            scaled = true;
        }
    }
    child.kill().expect("stop kubectl -w");
    child.wait().expect("kubectl -w exits");
    assert_eq!(
        lines.first().map(String::as_str),
        Some("NAME READY UP-TO-DATE AVAILABLE AGE")
    );
    assert_eq!(
        lines.get(1).map(String::as_str),
        Some("my-app 0/3 0 0 <age>")
    );
    assert_eq!(
        lines.get(2).map(String::as_str),
        Some("my-app 0/5 0 0 <age>")
    );
}

#[test]
fn auth_can_i_version_and_cluster_info_answer() {
    let c = Cluster::start();
    assert_eq!(
        c.kubectl(&["auth", "can-i", "create", "deployments"]),
        "yes\n"
    );
    let version = c.kubectl(&["version"]);
    assert!(version.contains("Server Version: v1.32.0"), "{version}");
    let info = c.kubectl(&["cluster-info"]);
    assert!(
        info.contains(&format!(
            "Kubernetes control plane is running at {}",
            c.sandbox().url()
        )),
        "{info}"
    );
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    let all = normalize(&c.kubectl(&["get", "all"]));
    assert!(
        all.contains("service/kubernetes ClusterIP 10.96.0.1 <none> 443/TCP <age>"),
        "{all}"
    );
    assert!(
        all.contains("deployment.apps/my-app 0/3 0 0 <age>"),
        "{all}"
    );
}
