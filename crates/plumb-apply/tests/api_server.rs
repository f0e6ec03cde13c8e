//! Behaviour specific to the API server around structured-merge-diff: subresources and
//! reset fields, entry keys and order, times, the cap on `Update` entries, defaulted
//! list keys, custom resources.

use plumb_apply::{ApplyError, Manager, TypeRef, apply, update};
use serde_json::{Value, json};

fn t(s: u32) -> String {
    format!("2024-01-01T00:{:02}:{:02}Z", s / 60, s % 60)
}

fn deployment() -> TypeRef<'static> {
    TypeRef::builtin("apps/v1", "Deployment").expect("Deployment is built in")
}

fn configmap() -> TypeRef<'static> {
    TypeRef::builtin("v1", "ConfigMap").expect("ConfigMap is built in")
}

fn entries(obj: &Value) -> Vec<Value> {
    obj["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn cm(data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "uid": "u"}, "data": data})
}

#[test]
fn a_status_update_is_recorded_with_its_subresource_and_without_spec() {
    let t1 = t(1);
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "uid": "u"},
                     "spec": {"replicas": 1}});
    let obj = apply(
        None,
        &obj,
        &Manager::new("plumb", "apps/v1", &t1).with_reset_fields(&["status"]),
        false,
        deployment(),
    )
    .expect("creates");
    // As stored by the server: Go writes the empty status struct.
    let mut obj = obj;
    obj["status"] = json!({});
    let mut with_status = obj.clone();
    with_status["status"] = json!({"replicas": 1, "readyReplicas": 1});
    with_status["spec"]["replicas"] = json!(5);
    let t2 = t(2);
    let status_mgr = Manager::new("controller", "apps/v1", &t2)
        .with_subresource("status")
        .with_reset_fields(&["spec", "metadata"]);
    let out = update(Some(&obj), &with_status, &status_mgr, deployment()).expect("updates status");
    let e = entries(&out);
    let controller = e
        .iter()
        .find(|e| e["manager"] == "controller")
        .expect("controller entry");
    assert_eq!(controller["subresource"], "status");
    assert_eq!(
        controller["fieldsV1"],
        json!({"f:status": {"f:readyReplicas": {}, "f:replicas": {}}})
    );
    // The serialized entry keeps the API server's field order.
    let keys: Vec<&String> = controller.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "manager",
            "operation",
            "apiVersion",
            "time",
            "fieldsType",
            "fieldsV1",
            "subresource"
        ]
    );
}

#[test]
fn status_in_an_applied_configuration_is_not_owned_on_the_main_resource() {
    let t1 = t(1);
    let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                     "spec": {"replicas": 1}, "status": {"replicas": 3}});
    let mgr = Manager::new("plumb", "apps/v1", &t1).with_reset_fields(&["status"]);
    let out = apply(None, &cfg, &mgr, false, deployment()).expect("creates");
    assert_eq!(
        entries(&out)[0]["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
}

#[test]
fn conflicts_name_the_subresource_of_the_other_manager() {
    let t1 = t(1);
    let t2 = t(2);
    let base = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "uid": "u"},
                      "status": {"replicas": 1}});
    let a = Manager::new("a", "apps/v1", &t1)
        .with_subresource("status")
        .with_reset_fields(&["spec"]);
    let obj = update(None, &base, &a, deployment()).expect("creates");
    let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                     "status": {"replicas": 2}});
    let b = Manager::new("b", "apps/v1", &t2)
        .with_subresource("status")
        .with_reset_fields(&["spec"]);
    match apply(Some(&obj), &cfg, &b, false, deployment()) {
        Err(ApplyError::Conflicts(c)) => assert_eq!(
            c.to_string(),
            "Apply failed with 1 conflict: conflict with \"a\" with subresource \"status\" using apps/v1: .status.replicas"
        ),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn appliers_come_first_then_updaters_by_time_then_by_name() {
    let (t1, t2, t3) = (t(1), t(2), t(3));
    let obj = update(
        None,
        &cm(json!({"a": "1"})),
        &Manager::new("zed", "v1", &t1),
        configmap(),
    )
    .expect("creates");
    let obj = update(
        Some(&obj),
        &cm(json!({"a": "1", "b": "2"})),
        &Manager::new("amy", "v1", &t2),
        configmap(),
    )
    .expect("updates");
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"c": "3"}});
    let obj = apply(
        Some(&obj),
        &cfg,
        &Manager::new("plumb", "v1", &t3),
        false,
        configmap(),
    )
    .expect("applies");
    let order: Vec<(Value, Value)> = entries(&obj)
        .iter()
        .map(|e| (e["manager"].clone(), e["operation"].clone()))
        .collect();
    assert_eq!(
        order,
        [
            (json!("plumb"), json!("Apply")),
            (json!("zed"), json!("Update")),
            (json!("amy"), json!("Update"))
        ]
    );
}

#[test]
fn one_manager_updating_through_two_versions_has_two_entries_but_applies_have_one() {
    let (t1, t2) = (t(1), t(2));
    let obj = update(
        None,
        &cm(json!({"a": "1"})),
        &Manager::new("m", "v1", &t1),
        configmap(),
    )
    .expect("creates");
    let obj = update(
        Some(&obj),
        &cm(json!({"a": "1", "b": "2"})),
        &Manager::new("m", "v1beta1", &t2),
        configmap(),
    )
    .expect("updates");
    assert_eq!(entries(&obj).len(), 2);
    let cfg = |v: &str| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": v}});
    let obj = apply(
        Some(&obj),
        &cfg("1"),
        &Manager::new("p", "v1", &t1),
        false,
        configmap(),
    )
    .expect("applies");
    let obj = apply(
        Some(&obj),
        &cfg("2"),
        &Manager::new("p", "v1beta1", &t2),
        false,
        configmap(),
    )
    .expect("applies");
    let appliers: Vec<Value> = entries(&obj)
        .into_iter()
        .filter(|e| e["operation"] == "Apply")
        .collect();
    assert_eq!(appliers.len(), 1);
    assert_eq!(appliers[0]["apiVersion"], "v1beta1");
}

#[test]
fn an_apply_that_changes_nothing_keeps_the_entry_time() {
    let (t1, t2) = (t(1), t(2));
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    let obj = apply(
        None,
        &cfg,
        &Manager::new("p", "v1", &t1),
        false,
        configmap(),
    )
    .expect("creates");
    let again = apply(
        Some(&obj),
        &cfg,
        &Manager::new("p", "v1", &t2),
        false,
        configmap(),
    )
    .expect("applies");
    assert_eq!(entries(&again)[0]["time"], t1.as_str());
    let changed = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}});
    let after = apply(
        Some(&again),
        &changed,
        &Manager::new("p", "v1", &t2),
        false,
        configmap(),
    )
    .expect("applies");
    assert_eq!(entries(&after)[0]["time"], t2.as_str());
}

#[test]
fn more_than_ten_updaters_are_folded_into_ancient_changes() {
    let mut obj = update(
        None,
        &cm(json!({"k0": "v"})),
        &Manager::new("m0", "v1", &t(0)),
        configmap(),
    )
    .expect("creates");
    let mut data = json!({"k0": "v"});
    for i in 1..=11 {
        data[format!("k{i}")] = json!("v");
        let time = t(i);
        obj = update(
            Some(&obj),
            &cm(data.clone()),
            &Manager::new(&format!("m{i}"), "v1", &time),
            configmap(),
        )
        .expect("updates");
    }
    let e = entries(&obj);
    assert_eq!(e.len(), 10, "{obj:#}");
    let ancient = e
        .iter()
        .find(|e| e["manager"] == "ancient-changes")
        .expect("a bucket");
    assert_eq!(ancient["operation"], "Update");
    assert_eq!(ancient["time"], t(2).as_str());
    assert_eq!(
        ancient["fieldsV1"],
        json!({"f:data": {".": {}, "f:k0": {}, "f:k1": {}, "f:k2": {}}})
    );
    assert!(e.iter().any(|e| e["manager"] == "m11"));
}

#[test]
fn container_ports_without_protocol_are_keyed_with_the_default_tcp() {
    let t1 = t(1);
    let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i", "ports": [{"containerPort": 8080}]}]}}}});
    let out = apply(
        None,
        &cfg,
        &Manager::new("p", "apps/v1", &t1),
        false,
        deployment(),
    )
    .expect("creates");
    let c = &entries(&out)[0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"c\"}"];
    assert_eq!(
        c["f:ports"],
        json!({"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}})
    );
}

#[test]
fn env_vars_merge_by_name_and_a_dropped_one_is_removed() {
    let (t1, t2) = (t(1), t(2));
    let dep = |env: Value| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i", "env": env}]}}}})
    };
    let obj = apply(
        None,
        &dep(json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])),
        &Manager::new("p", "apps/v1", &t1),
        false,
        deployment(),
    )
    .expect("creates");
    let out = apply(
        Some(&obj),
        &dep(json!([{"name": "B", "value": "3"}])),
        &Manager::new("p", "apps/v1", &t2),
        false,
        deployment(),
    )
    .expect("applies");
    assert_eq!(
        out["spec"]["template"]["spec"]["containers"][0]["env"],
        json!([{"name": "B", "value": "3"}])
    );
}

#[test]
fn custom_resources_use_their_schema_and_metadata_is_object_meta() {
    let schema = json!({
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "properties": {
                    "routes": {"type": "array", "x-kubernetes-list-type": "map",
                               "x-kubernetes-list-map-keys": ["host", "port"],
                               "items": {"type": "object", "properties": {
                                   "host": {"type": "string"}, "port": {"type": "integer", "default": 80},
                                   "weight": {"type": "integer"}}}},
                    "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                                 "additionalProperties": {"type": "string"}},
                    "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                }
            }
        }
    });
    let ty = TypeRef::crd(&schema);
    let t1 = t(1);
    let cfg = json!({"apiVersion": "example.com/v1", "kind": "Route", "metadata": {"name": "r", "finalizers": ["f"]},
        "spec": {"routes": [{"host": "a", "weight": 1}], "selector": {"app": "x"}, "extra": {"deep": {"x": 1}}}});
    let out = apply(
        None,
        &cfg,
        &Manager::new("p", "example.com/v1", &t1),
        false,
        ty,
    )
    .expect("creates");
    assert_eq!(
        entries(&out)[0]["fieldsV1"],
        json!({
            "f:metadata": {"f:finalizers": {"v:\"f\"": {}}},
            "f:spec": {
                "f:extra": {"f:deep": {".": {}, "f:x": {}}},
                "f:routes": {"k:{\"host\":\"a\",\"port\":80}": {".": {}, "f:host": {}, "f:weight": {}}},
                "f:selector": {}
            }
        })
    );
}

#[test]
fn update_of_an_object_that_is_not_a_map_is_invalid() {
    let t1 = t(1);
    let err = update(
        None,
        &json!([1]),
        &Manager::new("m", "v1", &t1),
        configmap(),
    )
    .expect_err("invalid");
    assert!(matches!(err, ApplyError::Invalid(_)));
}

#[test]
fn stored_managed_fields_that_cannot_be_decoded_fail_an_apply() {
    let t1 = t(1);
    let mut live = cm(json!({"a": "1"}));
    live["metadata"]["managedFields"] = json!([{"manager": "x", "operation": "Apply", "apiVersion": "v1", "fieldsType": "FieldsV2"}]);
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    let err = apply(
        Some(&live),
        &cfg,
        &Manager::new("p", "v1", &t1),
        false,
        configmap(),
    )
    .expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "failed to decode managed fields: failed to convert managed fields from API: invalid fieldsType \"FieldsV2\" in managed fields entry 0"
    );
}

#[test]
fn an_invalid_configuration_fails_as_a_typed_patch_object_error() {
    let t1 = t(1);
    let cfg = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "a"}]}}}});
    let err = apply(
        None,
        &cfg,
        &Manager::new("p", "apps/v1", &t1),
        false,
        deployment(),
    )
    .expect_err("invalid");
    assert_eq!(
        err.to_string(),
        "failed to create typed patch object (apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name=\"a\"]"
    );
}

#[test]
fn owner_references_and_selectors_are_atomic_as_in_kubernetes_1_32() {
    let t1 = t(1);
    let cfg = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s",
            "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "o", "uid": "u-1"}]},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}});
    let ty = TypeRef::builtin("v1", "Service").expect("Service is built in");
    let out = apply(None, &cfg, &Manager::new("p", "v1", &t1), false, ty).expect("creates");
    assert_eq!(
        entries(&out)[0]["fieldsV1"],
        json!({
            "f:metadata": {"f:ownerReferences": {"k:{\"uid\":\"u-1\"}": {}}},
            "f:spec": {
                "f:ports": {"k:{\"port\":80,\"protocol\":\"TCP\"}": {".": {}, "f:port": {}}},
                "f:selector": {}
            }
        })
    );
    let pod = TypeRef::builtin("v1", "Pod").expect("Pod is built in");
    let cfg = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "c", "image": "i",
            "env": [{"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}]}]}});
    let out = apply(None, &cfg, &Manager::new("p", "v1", &t1), false, pod).expect("creates");
    let spec = &entries(&out)[0]["fieldsV1"]["f:spec"];
    assert_eq!(spec["f:nodeSelector"], json!({}));
    assert_eq!(
        spec["f:containers"]["k:{\"name\":\"c\"}"]["f:env"]["k:{\"name\":\"N\"}"]["f:valueFrom"],
        json!({"f:fieldRef": {}})
    );
}

/// `testdata/golden/*.yaml`: objects created by `kubectl create` and the entry real
/// clusters record for them.
#[test]
fn creates_record_the_entries_real_clusters_show() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/golden");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("golden dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc: Value = serde_saphyr::from_str(&text).expect("YAML");
        let obj = &doc["object"];
        let av = obj["apiVersion"].as_str().expect("apiVersion");
        let ty = TypeRef::builtin(av, obj["kind"].as_str().expect("kind")).expect("built in");
        let t1 = t(1);
        let mgr = Manager::new("kubectl-create", av, &t1).with_reset_fields(&["status"]);
        let out = update(None, obj, &mgr, ty).expect("creates");
        let e = entries(&out);
        assert_eq!(e.len(), 1, "{}: {out:#}", path.display());
        assert_eq!(e[0]["fieldsV1"], doc["fieldsV1"], "{}", path.display());
        checked += 1;
    }
    assert!(checked >= 2);
}
