//! Strategic merge patch on built-in kinds, with the merge keys and strategies of
//! `plumb-schema` (what `kubectl patch` and `kubectl apply` send to the API server).

use plumb_patch::{PatchError, strategic_merge_patch};
use serde_json::{Value, json};

fn deployment() -> Option<plumb_schema::Node<'static>> {
    plumb_schema::builtin().root("apps/v1", "Deployment")
}

fn apply(doc: Value, patch: Value) -> Result<Value, PatchError> {
    strategic_merge_patch(&doc, &patch, deployment())
}

fn pod_spec(spec: Value) -> Value {
    json!({"spec": {"template": {"spec": spec}}})
}

/// Without `$setElementOrder` (which `kubectl apply` sends), a new element lands right
/// after the patch element before it, ahead of server-only elements: apimachinery's order.
#[test]
fn containers_merge_by_name_and_new_ones_follow_the_patch_order() {
    let live = pod_spec(json!({"containers": [
        {"name": "app", "image": "app:1", "env": [{"name": "A", "value": "1"}]},
        {"name": "proxy", "image": "proxy:1"},
    ]}));
    let patch = pod_spec(json!({"containers": [
        {"name": "app", "image": "app:2", "env": [{"name": "B", "value": "2"}]},
        {"name": "debug", "image": "busybox"},
    ]}));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"containers": [
            {"name": "app", "image": "app:2", "env": [
                {"name": "B", "value": "2"}, {"name": "A", "value": "1"},
            ]},
            {"name": "debug", "image": "busybox"},
            {"name": "proxy", "image": "proxy:1"},
        ]}))
    );
}

#[test]
fn delete_directive_removes_the_keyed_element() {
    let live = pod_spec(json!({"containers": [
        {"name": "app", "image": "app:1"},
        {"name": "proxy", "image": "proxy:1"},
    ]}));
    let patch = pod_spec(json!({"containers": [{"name": "proxy", "$patch": "delete"}]}));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"containers": [{"name": "app", "image": "app:1"}]}))
    );
}

#[test]
fn lists_without_a_merge_strategy_are_replaced() {
    let live = pod_spec(json!({
        "containers": [{"name": "app", "args": ["a", "b"]}],
        "tolerations": [{"key": "x", "operator": "Exists"}],
    }));
    let patch = pod_spec(json!({
        "containers": [{"name": "app", "args": ["c"]}],
        "tolerations": [{"key": "y", "operator": "Exists"}],
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({
            "containers": [{"name": "app", "args": ["c"]}],
            "tolerations": [{"key": "y", "operator": "Exists"}],
        }))
    );
}

#[test]
fn retain_keys_switches_a_volume_source() {
    let live = pod_spec(json!({"volumes": [
        {"name": "data", "emptyDir": {}},
        {"name": "keep", "emptyDir": {}},
    ]}));
    let patch = pod_spec(json!({
        "$setElementOrder/volumes": [{"name": "data"}, {"name": "keep"}],
        "volumes": [{"$retainKeys": ["configMap", "name"], "name": "data", "configMap": {"name": "cm"}}],
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"volumes": [
            {"name": "data", "configMap": {"name": "cm"}},
            {"name": "keep", "emptyDir": {}},
        ]}))
    );
}

#[test]
fn retain_keys_clears_rolling_update_when_switching_to_recreate() {
    let live = json!({"spec": {"strategy": {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }}});
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}});
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(got, json!({"spec": {"strategy": {"type": "Recreate"}}}));
}

#[test]
fn retain_keys_rejects_a_patch_setting_an_unlisted_field() {
    let live = json!({"spec": {"strategy": {"type": "RollingUpdate"}}});
    let patch = json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}});
    let err = apply(live, patch).expect_err("rollingUpdate is not retained");
    assert!(err.is_invalid_patch());
    assert_eq!(err.to_string(), "invalid patch format of retainKeys");
}

#[test]
fn finalizers_are_a_union_and_delete_from_primitive_list_removes() {
    let live = json!({"metadata": {"finalizers": ["a", "b", "c"]}});
    let patch = json!({"metadata": {
        "finalizers": ["d", "a"],
        "$deleteFromPrimitiveList/finalizers": ["b"],
    }});
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(got, json!({"metadata": {"finalizers": ["d", "a", "c"]}}));
}

/// Server-only elements keep their place relative to the live elements around them.
#[test]
fn set_element_order_reorders_containers_and_keeps_server_only_ones_in_place() {
    let live = pod_spec(json!({"containers": [
        {"name": "a"}, {"name": "server-only"}, {"name": "b"},
    ]}));
    let patch = pod_spec(json!({
        "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"containers": [
            {"name": "server-only"}, {"name": "b"}, {"name": "a"},
        ]}))
    );
}

#[test]
fn null_deletes_a_label_and_maps_merge() {
    let live = json!({"metadata": {"labels": {"app": "web", "tier": "front"}}});
    let patch = json!({"metadata": {"labels": {"tier": null, "team": "a"}}});
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        json!({"metadata": {"labels": {"app": "web", "team": "a"}}})
    );
}

#[test]
fn replace_directive_replaces_a_map() {
    let live = json!({"metadata": {"labels": {"app": "web", "tier": "front"}}});
    let patch = json!({"metadata": {"labels": {"$patch": "replace", "team": "a"}}});
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(got, json!({"metadata": {"labels": {"team": "a"}}}));
}

#[test]
fn replace_directive_replaces_a_merge_list() {
    let live = pod_spec(json!({"containers": [{"name": "a"}, {"name": "b"}]}));
    let patch = pod_spec(json!({"containers": [{"$patch": "replace"}, {"name": "c"}]}));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(got, pod_spec(json!({"containers": [{"name": "c"}]})));
}

#[test]
fn directives_in_new_fields_never_reach_the_result() {
    let live = json!({"metadata": {"name": "x"}});
    let patch = pod_spec(json!({
        "$setElementOrder/containers": [{"name": "a"}],
        "containers": [{"name": "a", "ports": [{"containerPort": 80, "$patch": "delete"}]}],
        "securityContext": {"$patch": "replace", "runAsUser": 1},
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        json!({
            "metadata": {"name": "x"},
            "spec": {"template": {"spec": {"containers": [{"name": "a", "ports": []}]}}},
        })
    );
}

#[test]
fn merge_directive_is_rejected_as_apimachinery_rejects_it() {
    let live = pod_spec(json!({"containers": [{"name": "a"}]}));
    let patch = pod_spec(json!({"containers": [{"$patch": "merge"}]}));
    let err = apply(live.clone(), patch).expect_err("merge is not supported on lists");
    assert_eq!(
        err.to_string(),
        "merging lists cannot yet be specified in the patch"
    );
    let err = apply(live, json!({"spec": {"$patch": "merge"}})).expect_err("nor on maps");
    assert_eq!(
        err.to_string(),
        "unknown patch type: merge in map: map[$patch:merge]"
    );
    assert_eq!(err.http_status(), 500);
}

#[test]
fn a_list_element_without_its_merge_key_is_an_error() {
    let live = pod_spec(json!({"containers": [{"name": "a"}]}));
    let patch = pod_spec(json!({"containers": [{"image": "x"}]}));
    let err = apply(live, patch).expect_err("containers are keyed by name");
    assert_eq!(
        err.to_string(),
        "map: map[image:x] does not contain declared merge key: name"
    );
}

#[test]
fn a_patch_that_is_not_an_object_is_a_bad_request() {
    let err = apply(json!({}), json!([1])).expect_err("not an object");
    assert!(err.is_invalid_patch());
    assert_eq!(
        err.to_string(),
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    );
}

#[test]
fn without_a_schema_maps_merge_and_lists_are_replaced() {
    let live = json!({"spec": {"a": 1, "items": [{"name": "x"}, {"name": "y"}]}});
    let patch = json!({"spec": {"b": 2, "items": [{"name": "z"}]}});
    let got = strategic_merge_patch(&live, &patch, None).expect("the patch applies");
    assert_eq!(
        got,
        json!({"spec": {"a": 1, "b": 2, "items": [{"name": "z"}]}})
    );
}

#[test]
fn below_an_unknown_field_lists_are_replaced() {
    let live = json!({"spec": {"unknownThing": {"items": [1, 2]}}});
    let patch = json!({"spec": {"unknownThing": {"items": [3]}}});
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(got, json!({"spec": {"unknownThing": {"items": [3]}}}));
}

/// The shape of patch `kubectl apply` sends after a change to a container: parallel
/// `$setElementOrder` lists at each merge list, a deletion by merge key.
#[test]
fn a_kubectl_apply_patch_updates_a_container_in_place() {
    let live = pod_spec(json!({"containers": [{
        "name": "app",
        "image": "app:1",
        "env": [{"name": "A", "value": "1"}],
        "ports": [{"containerPort": 8080, "protocol": "TCP"}, {"containerPort": 9090, "protocol": "TCP"}],
        "terminationMessagePath": "/dev/termination-log",
    }]}));
    let patch = pod_spec(json!({
        "$setElementOrder/containers": [{"name": "app"}],
        "containers": [{
            "$setElementOrder/env": [{"name": "A"}, {"name": "B"}],
            "$setElementOrder/ports": [{"containerPort": 8080}],
            "env": [{"name": "B", "value": "2"}],
            "image": "app:2",
            "name": "app",
            "ports": [{"$patch": "delete", "containerPort": 9090}],
        }],
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"containers": [{
            "name": "app",
            "image": "app:2",
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "terminationMessagePath": "/dev/termination-log",
        }]}))
    );
}

/// `kubectl apply` switching a volume source sends `$retainKeys` and a `null` for the old
/// source.
#[test]
fn a_kubectl_apply_patch_switches_a_volume_source() {
    let live = pod_spec(json!({"volumes": [{"name": "data", "emptyDir": {"medium": "Memory"}}]}));
    let patch = pod_spec(json!({
        "$setElementOrder/volumes": [{"name": "data"}],
        "volumes": [{
            "$retainKeys": ["configMap", "name"],
            "configMap": {"name": "settings"},
            "emptyDir": null,
            "name": "data",
        }],
    }));
    let got = apply(live, patch).expect("the patch applies");
    assert_eq!(
        got,
        pod_spec(json!({"volumes": [{"name": "data", "configMap": {"name": "settings"}}]}))
    );
}

#[test]
fn service_ports_merge_by_port() {
    let schema = plumb_schema::builtin().root("v1", "Service");
    let live = json!({"spec": {"ports": [
        {"name": "http", "port": 80, "targetPort": 8080},
        {"name": "https", "port": 443, "targetPort": 8443},
    ]}});
    let patch = json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}]}});
    let got = strategic_merge_patch(&live, &patch, schema).expect("the patch applies");
    assert_eq!(
        got,
        json!({"spec": {"ports": [
            {"name": "http", "port": 80, "targetPort": 9090},
            {"name": "https", "port": 443, "targetPort": 8443},
        ]}})
    );
}

#[test]
fn owner_references_merge_by_uid() {
    let schema = plumb_schema::builtin().root("v1", "ConfigMap");
    let live = json!({"metadata": {"ownerReferences": [
        {"apiVersion": "v1", "kind": "Secret", "name": "a", "uid": "1"},
    ]}});
    let patch = json!({"metadata": {"ownerReferences": [
        {"apiVersion": "v1", "kind": "Secret", "name": "b", "uid": "2"},
    ]}});
    let got = strategic_merge_patch(&live, &patch, schema).expect("the patch applies");
    assert_eq!(
        got["metadata"]["ownerReferences"]
            .as_array()
            .map(|refs| refs.iter().map(|r| r["uid"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("2"), json!("1")])
    );
}

#[test]
fn kubectl_set_image_and_rollout_restart_patches_apply() {
    let live = pod_spec(json!({"containers": [{"name": "app", "image": "app:1"}]}));
    let set_image = pod_spec(json!({"containers": [{"image": "app:3", "name": "app"}]}));
    let got = apply(live, set_image).expect("the patch applies");
    let restart = json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": "2026-11-28T11:00:00Z",
    }}}}});
    let got = apply(got, restart).expect("the patch applies");
    assert_eq!(
        got,
        json!({"spec": {"template": {
            "spec": {"containers": [{"name": "app", "image": "app:3"}]},
            "metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2026-11-28T11:00:00Z"}},
        }}})
    );
}

#[test]
fn a_null_patch_changes_nothing_and_a_top_level_delete_empties_the_object() {
    let live = json!({"metadata": {"name": "x"}});
    assert_eq!(apply(live.clone(), Value::Null).ok(), Some(live.clone()));
    assert_eq!(
        apply(live, json!({"$patch": "delete"})).ok(),
        Some(json!({}))
    );
}

#[test]
fn malformed_directives_are_bad_requests() {
    let live = json!({
        "metadata": {"finalizers": ["a"]},
        "spec": {"strategy": {"type": "Recreate"}},
    });
    for patch in [
        json!({"metadata": {"$deleteFromPrimitiveListfinalizers": ["a"]}}),
        json!({"metadata": {"$setElementOrderfinalizers": ["a"]}}),
        json!({"spec": {"strategy": {"$retainKeys": "type"}}}),
    ] {
        let err = apply(live.clone(), patch.clone()).expect_err("malformed directive");
        assert!(err.is_invalid_patch(), "{patch}: {err}");
        assert_eq!(err.http_status(), 400);
    }
}

#[test]
fn list_element_type_mismatch_and_lists_of_lists_fail_like_apimachinery() {
    let live = json!({"metadata": {"finalizers": ["a"]}});
    let err = apply(live.clone(), json!({"metadata": {"finalizers": [1]}}))
        .expect_err("mixed element types");
    assert_eq!(
        err.to_string(),
        "list element types are not identical: [[a] [1]]"
    );
    assert_eq!(err.http_status(), 500);
    let err = apply(
        json!({"metadata": {"finalizers": [["a"]]}}),
        json!({"metadata": {"finalizers": [["b"]]}}),
    )
    .expect_err("lists of lists");
    assert_eq!(err.to_string(), "lists of lists are not supported");
    assert_eq!(err.http_status(), 422);
    assert_eq!(err.status_reason(), "Invalid");
}

/// apimachinery's `TestNumberConversion`: numbers at the edges of their Go types survive.
#[test]
fn numbers_survive_a_merge_at_full_precision() {
    for (doc, want) in [
        (
            json!({"int32": 2147483647}),
            json!({"int32": 2147483647, "name": "newname"}),
        ),
        (
            json!({"int64": 9223372036854775807_i64}),
            json!({"int64": 9223372036854775807_i64, "name": "newname"}),
        ),
        (
            json!({"float32": 3.4028234663852886e38}),
            json!({"float32": 3.4028234663852886e38, "name": "newname"}),
        ),
        (
            json!({"float64": 1.7976931348623157e308}),
            json!({"float64": 1.7976931348623157e308, "name": "newname"}),
        ),
    ] {
        let got = strategic_merge_patch(&doc, &json!({"name": "newname"}), None);
        assert_eq!(got.ok(), Some(want));
    }
}
