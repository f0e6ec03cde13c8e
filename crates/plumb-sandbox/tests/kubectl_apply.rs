//! Real kubectl against the sandbox: apply, patch, replace, scale, diff, delete.

mod common;

use common::Cluster;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
  labels: {app: my-app, tier: web}
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
        ports: [{containerPort: 8080}]
";

#[test]
fn client_side_apply_creates_then_is_unchanged_then_removes_a_dropped_field() {
    let c = Cluster::start();
    let f = c.file("dep.yaml", DEPLOYMENT);
    assert_eq!(
        c.kubectl(&["apply", "-f", &f]),
        "deployment.apps/my-app created\n"
    );
    assert_eq!(
        c.kubectl(&["apply", "-f", &f]),
        "deployment.apps/my-app unchanged\n"
    );
    let without_tier = DEPLOYMENT.replace(", tier: web", "");
    let f2 = c.file("dep2.yaml", &without_tier);
    assert_eq!(
        c.kubectl(&["apply", "-f", &f2]),
        "deployment.apps/my-app configured\n"
    );
    let labels = c.kubectl(&[
        "get",
        "deployment",
        "my-app",
        "-o",
        "jsonpath={.metadata.labels}",
    ]);
    assert_eq!(labels, r#"{"app":"my-app"}"#);
}

#[test]
fn server_side_apply_reports_a_conflict_and_force_takes_the_field() {
    let c = Cluster::start();
    let f = c.file("dep.yaml", DEPLOYMENT);
    assert_eq!(
        c.kubectl(&["apply", "--server-side", "-f", &f]),
        "deployment.apps/my-app serverside-applied\n"
    );
    let other =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-app\nspec:\n  replicas: 4\n";
    let f2 = c.file("other.yaml", other);
    let err = c.fails(
        &["apply", "--server-side", "--field-manager=other", "-f", &f2],
        None,
    );
    assert!(
        err.contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"),
        "{err}"
    );
    assert_eq!(
        c.kubectl(&[
            "apply",
            "--server-side",
            "--field-manager=other",
            "--force-conflicts",
            "-f",
            &f2
        ]),
        "deployment.apps/my-app serverside-applied\n"
    );
    let replicas = c.kubectl(&[
        "get",
        "deployment",
        "my-app",
        "-o",
        "jsonpath={.spec.replicas}",
    ]);
    assert_eq!(replicas, "4");
    let managers = c.kubectl(&[
        "get",
        "deployment",
        "my-app",
        "--show-managed-fields",
        "-o",
        "jsonpath={.metadata.managedFields[*].manager}",
    ]);
    assert_eq!(managers, "kubectl other");

    // The first manager stops applying its `tier` label: nobody else owns it, so it
    // goes (replicas agree with `other`'s value, so they are shared, not a conflict).
    let without_tier = DEPLOYMENT
        .replace(", tier: web", "")
        .replace("replicas: 3", "replicas: 4");
    let f3 = c.file("dep3.yaml", &without_tier);
    c.kubectl(&["apply", "--server-side", "-f", &f3]);
    let labels = c.kubectl(&[
        "get",
        "deployment",
        "my-app",
        "-o",
        "jsonpath={.metadata.labels}",
    ]);
    assert_eq!(labels, r#"{"app":"my-app"}"#);
}

#[test]
fn patches_of_all_three_kubectl_types_apply() {
    let c = Cluster::start();
    c.ok(&["apply", "-f", "-"], Some(DEPLOYMENT));
    assert_eq!(
        c.kubectl(&[
            "patch",
            "deployment",
            "my-app",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"replicas":2}}"#
        ]),
        "deployment.apps/my-app patched\n"
    );
    c.kubectl(&[
        "patch", "deployment", "my-app", "--type", "json",
        "-p", r#"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"myapp:v1.2.0"}]"#,
    ]);
    // Strategic merge keys containers by name: the sidecar is added, app is kept; a
    // new element goes before the server's own, as apimachinery orders them.
    c.kubectl(&[
        "patch",
        "deployment",
        "my-app",
        "--type",
        "strategic",
        "-p",
        r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"envoy:1"}]}}}}"#,
    ]);
    let images = c.kubectl(&[
        "get",
        "deployment",
        "my-app",
        "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image}",
    ]);
    assert_eq!(images, "2 envoy:1 myapp:v1.2.0");
    assert_eq!(
        c.kubectl(&[
            "patch",
            "deployment",
            "my-app",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"replicas":2}}"#
        ]),
        "deployment.apps/my-app patched (no change)\n"
    );
}

#[test]
fn replace_and_scale_change_the_object_and_bump_generation() {
    let c = Cluster::start();
    c.ok(&["create", "-f", "-"], Some(DEPLOYMENT));
    let replaced = DEPLOYMENT.replace("myapp:v1.1.0", "myapp:v1.3.0");
    assert_eq!(
        c.ok(&["replace", "-f", "-"], Some(&replaced)),
        "deployment.apps/my-app replaced\n"
    );
    assert_eq!(
        c.kubectl(&["scale", "deployment", "my-app", "--replicas=5"]),
        "deployment.apps/my-app scaled\n"
    );
    let got = c.kubectl(&[
        "get", "deployment", "my-app", "-o",
        "jsonpath={.metadata.generation} {.spec.replicas} {.spec.template.spec.containers[0].image}",
    ]);
    assert_eq!(got, "3 5 myapp:v1.3.0");
}

#[test]
fn diff_shows_drift_and_exits_one_then_nothing_after_apply() {
    let c = Cluster::start();
    let f = c.file("dep.yaml", DEPLOYMENT);
    c.kubectl(&["apply", "-f", &f]);
    c.kubectl(&["scale", "deployment", "my-app", "--replicas=5"]);
    let out = c.kubectl_in(&["diff", "-f", &f], None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("-  replicas: 5\n+  replicas: 3\n"), "{diff}");
    assert!(
        diff.contains("-  generation: 2\n+  generation: 3\n"),
        "{diff}"
    );
    c.kubectl(&["apply", "-f", &f]);
    let out = c.kubectl_in(&["diff", "-f", &f], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn delete_waits_until_the_object_is_gone() {
    let c = Cluster::start();
    let f = c.file("dep.yaml", DEPLOYMENT);
    c.kubectl(&["apply", "-f", &f]);
    assert_eq!(
        c.kubectl(&["delete", "-f", &f, "--wait=true"]),
        "deployment.apps \"my-app\" deleted\n"
    );
    let err = c.fails(&["get", "deployment", "my-app"], None);
    assert_eq!(
        err,
        "Error from server (NotFound): deployments.apps \"my-app\" not found\n"
    );
}

#[test]
fn create_namespace_then_objects_in_it_and_delete_the_namespace_removes_them() {
    let c = Cluster::start();
    assert_eq!(
        c.kubectl(&["create", "namespace", "production"]),
        "namespace/production created\n"
    );
    c.ok(&["apply", "-n", "production", "-f", "-"], Some(DEPLOYMENT));
    c.kubectl(&[
        "create",
        "configmap",
        "cfg",
        "-n",
        "production",
        "--from-literal=a=b",
    ]);
    assert_eq!(
        c.kubectl(&["delete", "namespace", "production"]),
        "namespace \"production\" deleted\n"
    );
    let err = c.fails(&["get", "namespace", "production"], None);
    assert!(err.contains("namespaces \"production\" not found"), "{err}");
    // kubectl explains a NotFound in a missing namespace by the namespace.
    let err = c.fails(&["get", "configmap", "cfg", "-n", "production"], None);
    assert!(err.contains("namespaces \"production\" not found"), "{err}");
    let all = c.kubectl(&["get", "configmaps,deployments", "-A", "-o", "name"]);
    assert!(
        !all.contains("configmap/cfg") && !all.contains("deployment.apps/my-app"),
        "{all}"
    );
}

#[test]
fn kubectl_create_generators_work_over_protobuf() {
    let c = Cluster::start();
    assert_eq!(
        c.kubectl(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=2",
            "--port=80"
        ]),
        "deployment.apps/web created\n"
    );
    assert_eq!(
        c.kubectl(&["create", "configmap", "cfg", "--from-literal=mode=prod"]),
        "configmap/cfg created\n"
    );
    assert_eq!(
        c.kubectl(&[
            "create",
            "secret",
            "generic",
            "creds",
            "--from-literal=token=s3cr3t"
        ]),
        "secret/creds created\n"
    );
    assert_eq!(
        c.kubectl(&["create", "service", "clusterip", "web", "--tcp=80:8080"]),
        "service/web created\n"
    );
    let got = c.kubectl(&[
        "get", "deployment", "web", "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}",
    ]);
    assert_eq!(got, "2 nginx:1.27 80");
    assert_eq!(
        c.kubectl(&["get", "configmap", "cfg", "-o", "jsonpath={.data.mode}"]),
        "prod"
    );
    assert_eq!(
        c.kubectl(&["get", "secret", "creds", "-o", "jsonpath={.data.token}"]),
        "czNjcjN0"
    );
    assert_eq!(
        c.kubectl(&[
            "get",
            "service",
            "web",
            "-o",
            "jsonpath={.spec.ports[0].targetPort}"
        ]),
        "8080"
    );
}
