//! Ported from kubernetes `staging/src/k8s.io/apimachinery/pkg/util/managedfields/
//! internal/fieldmanager_test.go`: sequences of applies and updates through the whole
//! field manager, checked as the upstream tests check them.

use plumb_apply::{ApplyError, Manager, TypeRef, apply, update};
use serde_json::{Value, json};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The live object of a test field manager, written through `apply` and `update`.
struct Server {
    ty: TypeRef<'static>,
    api_version: &'static str,
    live: Option<Value>,
    clock: u32,
}

impl Server {
    fn new(api_version: &'static str, kind: &str) -> Server {
        Server {
            ty: TypeRef::builtin(api_version, kind).expect("a built-in kind"),
            api_version,
            live: None,
            clock: 0,
        }
    }

    fn tick(&mut self) -> String {
        self.clock += 1;
        format!("2024-01-01T00:00:{:02}Z", self.clock)
    }

    fn apply(&mut self, config: &Value, manager: &str, force: bool) -> Result<(), ApplyError> {
        let time = self.tick();
        let mgr = Manager::new(manager, self.api_version, &time);
        let out = apply(self.live.as_ref(), config, &mgr, force, self.ty)?;
        self.live = Some(out);
        Ok(())
    }

    fn update(&mut self, new: &Value, manager: &str) {
        let time = self.tick();
        let mgr = Manager::new(manager, self.api_version, &time);
        let out = update(self.live.as_ref(), new, &mgr, self.ty).expect("updates never fail");
        self.live = Some(out);
    }

    fn live(&self) -> Value {
        self.live.clone().unwrap_or(Value::Null)
    }

    fn managers(&self) -> Vec<String> {
        self.live()["metadata"]["managedFields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["manager"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn last_applied(&self) -> String {
        self.live()["metadata"]["annotations"][LAST_APPLIED]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn with_last_applied(mut obj: Value, last: &str) -> Value {
    obj["metadata"]["annotations"] = json!({ LAST_APPLIED: last });
    obj
}

#[test]
fn no_op_updates_and_applies_change_nothing_but_a_new_applier_is_recorded() {
    let mut f = Server::new("v1", "Pod");
    let obj = json!({"apiVersion": "v1", "kind": "Pod",
                     "metadata": {"labels": {"a": "b"}, "creationTimestamp": null}});
    f.apply(&obj, "fieldmanager_test_apply", false)
        .expect("applies");
    let before = f.live();
    f.apply(&obj, "fieldmanager_test_apply_other", false)
        .expect("applies");
    assert_ne!(before, f.live(), "a new applier is recorded");
    let before = f.live();
    f.update(&obj, "fieldmanager_test_update");
    assert_eq!(before, f.live(), "a no-op update changes nothing");
    f.apply(&obj, "fieldmanager_test_apply", true)
        .expect("re-applies");
    assert_eq!(before, f.live(), "a no-op apply changes nothing");
}

#[test]
fn an_empty_managed_fields_list_or_a_single_empty_entry_resets_them() {
    for reset in [json!([]), json!([{}])] {
        let mut f = Server::new("v1", "Pod");
        let obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"a": "b"}}});
        f.apply(&obj, "fieldmanager_test_apply", false)
            .expect("applies");
        let mut new = obj.clone();
        new["metadata"]["managedFields"] = reset;
        f.update(&new, "update_manager");
        assert!(f.managers().is_empty(), "{}", f.live());
    }
}

#[test]
fn applying_with_managed_fields_fails_and_without_them_succeeds() {
    let mut f = Server::new("v1", "Pod");
    let bad = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"managedFields": [{"manager": "test"}]}});
    assert!(f.apply(&bad, "fieldmanager_test", false).is_err());
    let good = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"a": "b"}}});
    f.apply(&good, "fieldmanager_test", false).expect("applies");
}

#[test]
fn stripped_fields_leave_no_entry_after_an_update() {
    let mut f = Server::new("apps/v1", "Deployment");
    let obj = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "b", "namespace": "b", "uid": "b", "generation": 0, "resourceVersion": "b",
                     "creationTimestamp": "2024-01-01T00:00:00Z",
                     "managedFields": [{"manager": "update", "operation": "Apply", "apiVersion": "apps/v1"}]}});
    f.update(&obj, "fieldmanager_test");
    assert!(f.managers().is_empty(), "{}", f.live());
}

#[test]
fn an_invalid_last_applied_annotation_gives_conflicts_until_forced() {
    let mut f = Server::new("apps/v1", "Deployment");
    let created = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "my-deployment", "labels": {"app": "my-app-v1"}}, "spec": {"replicas": 1}});
    f.update(
        &with_last_applied(created, "invalid-object"),
        "kubectl-client-side-apply-test",
    );
    assert_eq!(f.last_applied(), "invalid-object");
    let applied = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "my-deployment", "labels": {"app": "my-app-v2"}}, "spec": {"replicas": 100}});
    assert!(matches!(
        f.apply(&applied, "kubectl", false),
        Err(ApplyError::Conflicts(_))
    ));
    assert_eq!(f.last_applied(), "invalid-object");
    f.apply(&applied, "kubectl", true).expect("forced");
    assert!(
        f.last_applied().contains("my-app-v2"),
        "{}",
        f.last_applied()
    );
}

#[test]
fn client_side_apply_then_server_side_apply_by_kubectl_needs_no_force() {
    let mut f = Server::new("apps/v1", "Deployment");
    let deployment = |label: &str, replicas: i64, image: &str| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "my-deployment", "labels": {"app": label}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": label}},
                     "template": {"metadata": {"labels": {"app": label}},
                                  "spec": {"containers": [{"name": "my-c", "image": image}]}}}})
    };
    let created = deployment("my-app", 100, "my-image-v1");
    let last = serde_json::to_string(&created).expect("serializable");
    f.update(
        &with_last_applied(created, &last),
        "kubectl-client-side-apply-test",
    );
    assert!(f.last_applied().contains("my-image-v1"));
    f.apply(&deployment("my-app-v2", 8, "my-image-v2"), "kubectl", false)
        .expect("no conflicts for what kubectl last applied");
    assert!(
        f.last_applied().contains("my-image-v2"),
        "{}",
        f.last_applied()
    );
}

#[test]
fn an_object_whose_managed_fields_were_reset_stays_untracked_until_applied() {
    let mut f = Server::new("apps/v1", "Deployment");
    let deployment = |label: &str, replicas: i64| {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "my-deployment", "labels": {"app": label}}, "spec": {"replicas": replicas}})
    };
    f.update(&deployment("my-app", 100), "test_kubectl_create");
    assert!(!f.managers().is_empty());

    let mut replace = deployment("my-app", 100);
    replace["metadata"]["managedFields"] = json!([]);
    replace["metadata"]["uid"] = json!("nonempty");
    f.update(&replace, "test_kubectl_replace");
    assert!(f.managers().is_empty(), "{}", f.live());

    let csa = deployment("my-app", 100);
    let last = serde_json::to_string(&csa).expect("serializable");
    f.update(&with_last_applied(csa, &last), "test_k_client_side_apply");
    assert!(f.managers().is_empty(), "{}", f.live());
    assert!(f.last_applied().contains("my-app"));

    f.apply(
        &deployment("my-app", 100),
        "test_server_side_apply_without_upgrade",
        false,
    )
    .expect("applies");
    let managers = f.managers();
    assert!(managers.len() >= 2, "{managers:?}");
    assert_eq!(managers[0], "test_server_side_apply_without_upgrade");
    assert_eq!(managers[1], "before-first-apply");

    f.apply(&deployment("my-app-v2", 8), "kubectl", false)
        .expect("kubectl takes over what it last applied");
    assert!(
        f.last_applied().contains("my-app-v2"),
        "{}",
        f.last_applied()
    );
}

#[test]
fn managed_fields_sent_to_a_subresource_are_ignored() {
    let mut f = Server::new("v1", "Pod");
    let obj =
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"}}});
    f.apply(&obj, "fieldmanager_test", false).expect("applies");
    let mut new = f.live();
    new["metadata"]["managedFields"] = json!([{"manager": "test", "operation": "Apply", "apiVersion": "v1",
        "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:another_field": {}}}}}]);
    let mgr = Manager::new("scaler", "v1", "2024-01-01T00:01:00Z").with_subresource("scale");
    let out = update(f.live.as_ref(), &new, &mgr, f.ty).expect("updates");
    let names: Vec<&str> = out["metadata"]["managedFields"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    assert_eq!(names, ["fieldmanager_test"]);
}

#[test]
fn managed_fields_cannot_be_set_or_reset_through_a_subresource() {
    let ty = TypeRef::builtin("v1", "Pod").expect("Pod is built in");
    let mgr = Manager::new(
        "fieldmanager_test_subresource",
        "v1",
        "2024-01-01T00:00:01Z",
    )
    .with_subresource("scale");
    let mut obj = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"a": "b"}}});
    obj["metadata"]["managedFields"] = json!([{"manager": "test", "operation": "Apply", "apiVersion": "apps/v1",
        "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:labels": {"f:another_field": {}}}}}]);
    let live = update(None, &obj, &mgr, ty).expect("creates");
    let entries = live["metadata"]["managedFields"]
        .as_array()
        .expect("entries")
        .clone();
    assert_eq!(entries.len(), 1, "{live:#}");
    assert_eq!(entries[0]["manager"], "fieldmanager_test_subresource");
    let mut reset = obj.clone();
    reset["metadata"]["managedFields"] = json!([]);
    let out = update(Some(&live), &reset, &mgr, ty).expect("updates");
    assert_eq!(
        out["metadata"]["managedFields"].as_array().map(Vec::len),
        Some(1)
    );
}

fn nginx() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "deployment", "labels": {"app": "nginx"}},
        "spec": {"selector": {"matchLabels": {"app": "nginx"}},
                 "template": {"metadata": {"labels": {"app": "nginx"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}}}})
}

#[test]
fn a_no_op_apply_leaves_managed_fields_and_times_alone() {
    let mut f = Server::new("apps/v1", "Deployment");
    f.apply(&nginx(), "fieldmanager_z", false).expect("applies");
    let replicas = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "deployment"},
                          "spec": {"replicas": 101}});
    f.apply(&replicas, "fieldmanager_b", false)
        .expect("applies");
    let before = f.live()["metadata"]["managedFields"].clone();
    f.apply(&nginx(), "fieldmanager_z", false)
        .expect("re-applies");
    assert_eq!(before, f.live()["metadata"]["managedFields"]);
}

#[test]
fn a_no_op_update_leaves_managed_fields_and_times_alone() {
    let mut f = Server::new("apps/v1", "Deployment");
    f.update(&nginx(), "fieldmanager_z");
    let before = f.live()["metadata"]["managedFields"].clone();
    f.update(&nginx(), "fieldmanager_z");
    assert_eq!(before, f.live()["metadata"]["managedFields"]);
}
