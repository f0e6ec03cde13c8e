//! The diff against `plumb-apply`'s server-side apply: after plumb applies desired the
//! diff is empty; changes by other managers are drift only when applying would undo
//! them; fields the diff says will be removed are removed by the next apply.

use plumb_apply::{Manager, TypeRef, apply, update};
use plumb_diff::{DiffOptions, diff};
use serde_json::{Value, json};

const T0: &str = "2026-11-28T10:00:00Z";

fn ty() -> TypeRef<'static> {
    TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in")
}

fn plumb_apply(live: Option<&Value>, desired: &Value) -> Value {
    let mgr = Manager::new("plumb", "apps/v1", T0);
    apply(live, desired, &mgr, true, ty()).expect("the desired object applies")
}

fn deployment(labels: Value, containers: Value, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "my-app", "namespace": "production", "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "my-app"}},
            "template": {
                "metadata": {"labels": {"app": "my-app"}},
                "spec": {"containers": containers}
            }
        }
    })
}

fn app_container() -> Value {
    json!({"name": "app", "image": "myapp:v1", "ports": [{"containerPort": 8080, "protocol": "TCP"}],
           "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]})
}

fn v1() -> Value {
    deployment(
        json!({"app": "my-app", "tier": "web"}),
        json!([app_container(), {"name": "sidecar", "image": "shipper:1"}]),
        3,
    )
}

fn opts() -> DiffOptions<'static> {
    DiffOptions::default()
}

#[test]
fn after_plumb_applies_desired_the_diff_is_empty() {
    let live = plumb_apply(None, &v1());
    let d = diff(&v1(), Some(&live), &opts());
    assert!(d.in_sync(), "{}", d.summary("d"));
}

#[test]
fn another_managers_label_survives_apply_and_is_not_drift() {
    let live = plumb_apply(None, &v1());
    let mut edited = live.clone();
    edited["metadata"]["labels"]["team"] = json!("payments");
    let mgr = Manager::new("kubectl-label", "apps/v1", T0);
    let live = update(Some(&live), &edited, &mgr, ty()).expect("update records");
    assert!(diff(&v1(), Some(&live), &opts()).in_sync());
    let reapplied = plumb_apply(Some(&live), &v1());
    assert_eq!(reapplied["metadata"]["labels"]["team"], "payments");
}

#[test]
fn kubectl_scale_is_drift_and_a_forced_apply_undoes_it() {
    let live = plumb_apply(None, &v1());
    let mut scaled = live.clone();
    scaled["spec"]["replicas"] = json!(5);
    let mgr = Manager::new("kubectl", "apps/v1", T0).with_subresource("scale");
    let live = update(Some(&live), &scaled, &mgr, ty()).expect("update records");
    let d = diff(&v1(), Some(&live), &opts());
    assert_eq!(
        d.summary("deployment.apps/my-app"),
        "deployment.apps/my-app replicas 5 != 3"
    );
    let healed = plumb_apply(Some(&live), &v1());
    assert!(diff(&v1(), Some(&healed), &opts()).in_sync());
}

#[test]
fn what_the_diff_says_will_be_removed_is_removed_by_the_next_apply() {
    let live = plumb_apply(None, &v1());
    let v2 = deployment(
        json!({"app": "my-app"}),
        json!([{"name": "app", "image": "myapp:v1", "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                "env": [{"name": "A", "value": "1"}]}]),
        3,
    );
    let d = diff(&v2, Some(&live), &opts());
    let mut removed: Vec<String> = d
        .changes
        .iter()
        .filter(|c| c.desired.is_none())
        .map(|c| {
            c.to_string()
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        [
            "metadata.labels.tier",
            "spec.template.spec.containers[name=app].env[name=B]",
            "spec.template.spec.containers[name=sidecar]",
        ]
    );
    let after = plumb_apply(Some(&live), &v2);
    assert!(after["metadata"]["labels"].get("tier").is_none());
    assert_eq!(
        after["spec"]["template"]["spec"]["containers"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let d = diff(&v2, Some(&after), &opts());
    assert!(d.in_sync(), "{}", d.summary("d"));
}

#[test]
fn a_field_shared_with_another_manager_is_kept_by_apply_and_not_drift() {
    let live = plumb_apply(None, &v1());
    // Another applier also sets the tier label: it co-owns it.
    let other = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "my-app", "namespace": "production", "labels": {"tier": "web"}}});
    let mgr = Manager::new("other-applier", "apps/v1", T0);
    let live = apply(Some(&live), &other, &mgr, true, ty()).expect("co-owning apply");
    let v2 = deployment(
        json!({"app": "my-app"}),
        v1()["spec"]["template"]["spec"]["containers"].clone(),
        3,
    );
    assert!(diff(&v2, Some(&live), &opts()).in_sync());
    let after = plumb_apply(Some(&live), &v2);
    assert_eq!(after["metadata"]["labels"]["tier"], "web");
}
