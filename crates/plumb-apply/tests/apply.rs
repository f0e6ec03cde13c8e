//! Apply and update as the API server records them: entries, conflicts, force, pruning.

use plumb_apply::{ApplyError, Manager, TypeRef, apply, update};
use serde_json::{Value, json};

const T1: &str = "2024-01-01T00:00:01Z";
const T2: &str = "2024-01-01T00:00:02Z";
const T3: &str = "2024-01-01T00:00:03Z";

fn deployment() -> TypeRef<'static> {
    TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in")
}

fn configmap() -> TypeRef<'static> {
    TypeRef::builtin("v1", "ConfigMap").expect("ConfigMap is built in")
}

fn deploy(replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image}]}
            }
        }
    })
}

fn entries(obj: &Value) -> Vec<Value> {
    obj["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn entry(obj: &Value, manager: &str) -> Value {
    entries(obj)
        .into_iter()
        .find(|e| e["manager"] == manager)
        .unwrap_or_else(|| panic!("no entry for {manager}: {obj:#}"))
}

fn conflicts(r: Result<Value, ApplyError>) -> plumb_apply::Conflicts {
    match r {
        Err(ApplyError::Conflicts(c)) => c,
        other => panic!("expected conflicts, got {other:?}"),
    }
}

#[test]
fn applying_a_new_object_records_one_apply_entry_with_the_configured_fields() {
    let mgr = Manager::new("plumb", "apps/v1", T1);
    let obj = apply(None, &deploy(2, "nginx:1"), &mgr, false, deployment()).expect("creates");
    assert_eq!(
        entries(&obj),
        vec![json!({
            "manager": "plumb", "operation": "Apply", "apiVersion": "apps/v1", "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {
                "f:replicas": {},
                "f:selector": {},
                "f:template": {
                    "f:metadata": {"f:labels": {"f:app": {}}},
                    "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}}
                }
            }}
        })]
    );
    assert_eq!(obj["spec"]["replicas"], 2);
}

#[test]
fn a_second_applier_with_the_same_value_shares_the_field_without_conflict() {
    let a = Manager::new("a", "apps/v1", T1);
    let b = Manager::new("b", "apps/v1", T2);
    let obj = apply(None, &deploy(2, "nginx:1"), &a, false, deployment()).expect("creates");
    let obj = apply(Some(&obj), &deploy(2, "nginx:1"), &b, false, deployment()).expect("shares");
    assert_eq!(entry(&obj, "a")["fieldsV1"], entry(&obj, "b")["fieldsV1"]);
    // Nothing changed, so b's entry has no time yet (managedFieldsUpdater).
    assert!(entry(&obj, "b").get("time").is_none(), "{obj:#}");
}

#[test]
fn applying_a_different_value_conflicts_with_the_other_applier() {
    let a = Manager::new("a", "apps/v1", T1);
    let b = Manager::new("b", "apps/v1", T2);
    let obj = apply(None, &deploy(2, "nginx:1"), &a, false, deployment()).expect("creates");
    let c = conflicts(apply(
        Some(&obj),
        &deploy(3, "nginx:1"),
        &b,
        false,
        deployment(),
    ));
    assert_eq!(
        c.to_string(),
        "Apply failed with 1 conflict: conflict with \"a\": .spec.replicas"
    );
    let first = c.iter().next().expect("one conflict");
    assert_eq!(first.manager, "a");
    assert_eq!(first.path, ".spec.replicas");
    assert_eq!(first.cause_message(), "conflict with \"a\"");
}

#[test]
fn force_moves_ownership_of_conflicting_fields_to_the_applier() {
    let a = Manager::new("a", "apps/v1", T1);
    let b = Manager::new("b", "apps/v1", T2);
    let obj = apply(None, &deploy(2, "nginx:1"), &a, false, deployment()).expect("creates");
    let obj = apply(Some(&obj), &deploy(3, "nginx:2"), &b, true, deployment()).expect("forced");
    assert_eq!(obj["spec"]["replicas"], 3);
    let a_fields = &entry(&obj, "a")["fieldsV1"]["f:spec"];
    assert!(a_fields.get("f:replicas").is_none(), "{a_fields}");
    assert_eq!(
        a_fields["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"nginx\"}"],
        json!({".": {}, "f:name": {}})
    );
    assert_eq!(entry(&obj, "b")["time"], T2);
}

#[test]
fn fields_an_applier_stops_applying_are_removed() {
    let a = Manager::new("a", "v1", T1);
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data});
    let obj = apply(
        None,
        &cm(json!({"x": "1", "y": "2"})),
        &a,
        false,
        configmap(),
    )
    .expect("creates");
    let a2 = Manager::new("a", "v1", T2);
    let obj = apply(Some(&obj), &cm(json!({"x": "1"})), &a2, false, configmap()).expect("applies");
    assert_eq!(obj["data"], json!({"x": "1"}));
    assert_eq!(entry(&obj, "a")["fieldsV1"], json!({"f:data": {"f:x": {}}}));
    assert_eq!(entry(&obj, "a")["time"], T2);
}

#[test]
fn fields_another_applier_still_owns_are_kept_when_one_applier_drops_them() {
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data});
    let a = Manager::new("a", "v1", T1);
    let b = Manager::new("b", "v1", T2);
    let obj = apply(
        None,
        &cm(json!({"x": "1", "y": "2"})),
        &a,
        false,
        configmap(),
    )
    .expect("creates");
    let obj = apply(Some(&obj), &cm(json!({"y": "2"})), &b, false, configmap()).expect("shares");
    let obj = apply(
        Some(&obj),
        &cm(json!({"x": "1"})),
        &Manager::new("a", "v1", T3),
        false,
        configmap(),
    )
    .expect("applies");
    assert_eq!(obj["data"], json!({"x": "1", "y": "2"}));
}

#[test]
fn fields_set_by_an_updater_are_not_removed_when_an_applier_drops_them() {
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data});
    let a = Manager::new("a", "v1", T1);
    let obj = apply(None, &cm(json!({"x": "1"})), &a, false, configmap()).expect("creates");
    let mut edited = obj.clone();
    edited["data"]["z"] = json!("3");
    let obj = update(
        Some(&obj),
        &edited,
        &Manager::new("editor", "v1", T2),
        configmap(),
    )
    .expect("updates");
    assert_eq!(
        entry(&obj, "editor")["fieldsV1"],
        json!({"f:data": {"f:z": {}}})
    );
    let bare = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    let a3 = Manager::new("a", "v1", T3);
    let obj = apply(Some(&obj), &bare, &a3, false, configmap()).expect("applies");
    assert_eq!(obj["data"], json!({"z": "3"}));
    assert!(entries(&obj).iter().all(|e| e["manager"] != "a"), "{obj:#}");
    // An empty map in the configuration is owned as such.
    let obj = apply(Some(&obj), &cm(json!({})), &a3, false, configmap()).expect("applies");
    assert_eq!(entry(&obj, "a")["fieldsV1"], json!({"f:data": {}}));
}

#[test]
fn kubectl_create_then_a_different_apply_conflicts_with_the_update_manager_and_its_version() {
    let created = update(
        None,
        &deploy(1, "nginx:1"),
        &Manager::new("kubectl-client-side-apply", "apps/v1", T1),
        deployment(),
    )
    .expect("creates");
    let e = entry(&created, "kubectl-client-side-apply");
    assert_eq!(e["operation"], "Update");
    assert_eq!(
        e["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"],
        json!({"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}})
    );
    // The template's pod spec and metadata exist in an empty Deployment: no "." for them.
    assert!(e["fieldsV1"]["f:spec"]["f:template"].get(".").is_none());
    let c = conflicts(apply(
        Some(&created),
        &deploy(5, "nginx:2"),
        &Manager::new("plumb", "apps/v1", T2),
        false,
        deployment(),
    ));
    assert_eq!(
        c.to_string(),
        "Apply failed with 2 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image"
    );
}

#[test]
fn conflicts_with_several_managers_are_grouped_by_manager_in_sorted_order() {
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data});
    let obj = apply(
        None,
        &cm(json!({"a": "1"})),
        &Manager::new("zeta", "v1", T1),
        false,
        configmap(),
    )
    .expect("creates");
    let mut edited = obj.clone();
    edited["data"]["b"] = json!("2");
    let obj = update(
        Some(&obj),
        &edited,
        &Manager::new("alpha", "v1", T2),
        configmap(),
    )
    .expect("updates");
    let c = conflicts(apply(
        Some(&obj),
        &cm(json!({"a": "x", "b": "y"})),
        &Manager::new("me", "v1", T3),
        false,
        configmap(),
    ));
    assert_eq!(
        c.to_string(),
        "Apply failed with 2 conflicts: conflicts with \"alpha\" using v1:\n- .data.b\nconflicts with \"zeta\":\n- .data.a"
    );
}

#[test]
fn an_update_takes_changed_fields_from_other_managers_and_removed_fields_from_everyone() {
    let cm = |data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data});
    let obj = apply(
        None,
        &cm(json!({"a": "1", "b": "2"})),
        &Manager::new("ap", "v1", T1),
        false,
        configmap(),
    )
    .expect("creates");
    let mut edited = obj.clone();
    edited["data"] = json!({"a": "changed"});
    let obj = update(
        Some(&obj),
        &edited,
        &Manager::new("ed", "v1", T2),
        configmap(),
    )
    .expect("updates");
    assert!(
        entries(&obj).iter().all(|e| e["manager"] != "ap"),
        "{obj:#}"
    );
    assert_eq!(
        entry(&obj, "ed")["fieldsV1"],
        json!({"f:data": {"f:a": {}}})
    );
    assert_eq!(entry(&obj, "ed")["time"], T2);
}

#[test]
fn an_update_that_changes_nothing_keeps_entries_and_times() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    let obj = update(None, &cm, &Manager::new("ed", "v1", T1), configmap()).expect("creates");
    let again = update(
        Some(&obj),
        &obj,
        &Manager::new("other", "v1", T2),
        configmap(),
    )
    .expect("updates");
    assert_eq!(entries(&again), entries(&obj));
}

#[test]
fn creating_a_configmap_by_update_marks_the_data_map_itself() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "c", "labels": {"l": "v"}}, "data": {"a": "1"}});
    let obj = update(
        None,
        &cm,
        &Manager::new("kubectl-create", "v1", T1),
        configmap(),
    )
    .expect("creates");
    assert_eq!(
        entries(&obj),
        vec![json!({
            "manager": "kubectl-create", "operation": "Update", "apiVersion": "v1", "time": T1,
            "fieldsType": "FieldsV1",
            "fieldsV1": {
                "f:data": {".": {}, "f:a": {}},
                "f:metadata": {"f:labels": {".": {}, "f:l": {}}}
            }
        })]
    );
}

#[test]
fn an_applied_configuration_with_managed_fields_is_rejected() {
    let mut cfg = deploy(1, "x");
    cfg["metadata"]["managedFields"] = json!([]);
    let err = apply(
        None,
        &cfg,
        &Manager::new("a", "apps/v1", T1),
        false,
        deployment(),
    )
    .expect_err("rejected");
    assert_eq!(err.to_string(), "metadata.managedFields must be nil");
}

#[test]
fn dropping_every_label_removes_the_label_map_but_keeps_server_set_metadata() {
    let with_labels = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"a": "1", "b": "2"}}, "data": {"x": "1"}});
    let obj = apply(
        None,
        &with_labels,
        &Manager::new("plumb", "v1", T1),
        false,
        configmap(),
    )
    .expect("creates");
    let mut stored = obj.clone();
    stored["metadata"]["uid"] = json!("u1");
    stored["metadata"]["resourceVersion"] = json!("7");
    let without = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": "1"}});
    let out = apply(
        Some(&stored),
        &without,
        &Manager::new("plumb", "v1", T2),
        false,
        configmap(),
    )
    .expect("applies");
    assert!(out["metadata"].get("labels").is_none(), "{out:#}");
    assert_eq!(out["metadata"]["uid"], "u1");
    assert_eq!(out["metadata"]["resourceVersion"], "7");
    assert_eq!(
        entry(&out, "plumb")["fieldsV1"],
        json!({"f:data": {"f:x": {}}})
    );
}

#[test]
fn a_scale_through_the_subresource_conflicts_with_a_later_apply_of_replicas() {
    let obj = apply(
        None,
        &deploy(2, "nginx:1"),
        &Manager::new("plumb", "apps/v1", T1),
        false,
        deployment(),
    )
    .expect("creates");
    let mut scaled = obj.clone();
    scaled["spec"]["replicas"] = json!(5);
    let scaler = Manager::new("kubectl", "apps/v1", T2).with_subresource("scale");
    let obj = update(Some(&obj), &scaled, &scaler, deployment()).expect("scales");
    let e = entries(&obj)
        .into_iter()
        .find(|e| e["subresource"] == "scale")
        .expect("a scale entry");
    assert_eq!(e["fieldsV1"], json!({"f:spec": {"f:replicas": {}}}));
    let c = conflicts(apply(
        Some(&obj),
        &deploy(2, "nginx:2"),
        &Manager::new("plumb", "apps/v1", T3),
        false,
        deployment(),
    ));
    assert_eq!(
        c.to_string(),
        "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"
    );
    // Applying without replicas hands them over: plumb no longer owns them, nothing is removed.
    let mut cfg = deploy(2, "nginx:2");
    cfg["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("replicas");
    let out = apply(
        Some(&obj),
        &cfg,
        &Manager::new("plumb", "apps/v1", T3),
        false,
        deployment(),
    )
    .expect("applies");
    assert_eq!(out["spec"]["replicas"], 5);
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:2"
    );
}

#[test]
fn a_controller_writing_status_never_conflicts_with_the_applier() {
    let reset_main: &[&str] = &["status"];
    let reset_status: &[&str] = &["spec", "metadata"];
    let mut obj = apply(
        None,
        &deploy(2, "nginx:1"),
        &Manager::new("plumb", "apps/v1", T1).with_reset_fields(reset_main),
        false,
        deployment(),
    )
    .expect("creates");
    obj["status"] = json!({});
    let mut with_status = obj.clone();
    with_status["status"] =
        json!({"replicas": 2, "conditions": [{"type": "Available", "status": "True"}]});
    let ctrl = Manager::new("deployment-controller", "apps/v1", T2)
        .with_subresource("status")
        .with_reset_fields(reset_status);
    let obj = update(Some(&obj), &with_status, &ctrl, deployment()).expect("status");
    assert_eq!(
        entry(&obj, "deployment-controller")["fieldsV1"],
        json!({"f:status": {"f:conditions": {".": {}, "k:{\"type\":\"Available\"}": {".": {}, "f:status": {}, "f:type": {}}}, "f:replicas": {}}})
    );
    let out = apply(
        Some(&obj),
        &deploy(2, "nginx:2"),
        &Manager::new("plumb", "apps/v1", T3).with_reset_fields(reset_main),
        false,
        deployment(),
    )
    .expect("no conflict");
    assert_eq!(out["status"]["replicas"], 2);
}

#[test]
fn nulls_the_configuration_or_the_live_object_hold_are_kept_on_built_in_kinds() {
    let mut cfg = deploy(1, "nginx:1");
    cfg["spec"]["template"]["metadata"]["creationTimestamp"] = Value::Null;
    let obj = apply(
        None,
        &cfg,
        &Manager::new("plumb", "apps/v1", T1),
        false,
        deployment(),
    )
    .expect("creates");
    assert!(obj["spec"]["template"]["metadata"]["creationTimestamp"].is_null());
    assert!(
        obj["spec"]["template"]["metadata"]
            .get("creationTimestamp")
            .is_some()
    );
    assert_eq!(
        entry(&obj, "plumb")["fieldsV1"]["f:spec"]["f:template"]["f:metadata"]["f:creationTimestamp"],
        json!({})
    );
}
