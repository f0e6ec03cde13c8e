use serde_json::{Value, json};

use super::*;
use crate::kinds::defaults::{DefaultsContext, apply_defaults};

struct Ctx;

impl DefaultsContext for Ctx {
    fn allocate_cluster_ip(&mut self) -> String {
        "10.96.0.10".to_owned()
    }
    fn allocate_node_port(&mut self) -> i64 {
        30000
    }
    fn new_uid(&mut self) -> String {
        "uid".to_owned()
    }
}

/// Defaults then validates, as the apiserver does on create.
fn check(api_version: &str, mut obj: Value) -> Result<(), Invalid> {
    let kind = obj["kind"].as_str().unwrap().to_owned();
    apply_defaults(api_version, &kind, &mut obj, &mut Ctx);
    validate(api_version, &kind, &obj)
}

fn message(api_version: &str, obj: Value) -> String {
    check(api_version, obj).unwrap_err().to_string()
}

fn deployment(selector: Value, labels: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "x", "namespace": "default"},
        "spec": {
            "selector": selector,
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
        }
    })
}

#[test]
fn a_valid_deployment_passes() {
    check(
        "apps/v1",
        deployment(json!({"matchLabels": {"app": "x"}}), json!({"app": "x"})),
    )
    .unwrap();
}

#[test]
fn selector_mismatch_reads_like_the_apiserver() {
    let m = message(
        "apps/v1",
        deployment(json!({"matchLabels": {"app": "x"}}), json!({"app": "y"})),
    );
    assert_eq!(
        m,
        "Deployment.apps \"x\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"y\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn status_details_list_one_cause_per_error() {
    let mut d = deployment(json!({"matchLabels": {"app": "x"}}), json!({"app": "x"}));
    d["spec"]["template"]["spec"]["containers"] = json!([{"name": "Web"}]);
    let err = check("apps/v1", d).unwrap_err();
    assert_eq!(
        err.to_status_details(),
        json!({
            "name": "x", "group": "apps", "kind": "Deployment",
            "causes": [
                {"reason": "FieldValueInvalid",
                 "message": "Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                 "field": "spec.template.spec.containers[0].name"},
                {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.template.spec.containers[0].image"}
            ]
        })
    );
    assert!(err.to_string().starts_with("Deployment.apps \"x\" is invalid: [spec.template.spec.containers[0].name: Invalid value: \"Web\": "));
    assert!(
        err.to_string()
            .ends_with(", spec.template.spec.containers[0].image: Required value]")
    );
    assert_eq!(err.to_status()["code"], 422);
    assert_eq!(err.to_status()["reason"], "Invalid");
}

#[test]
fn missing_selector_is_required() {
    let mut d = deployment(json!(null), json!({"app": "x"}));
    d["spec"].as_object_mut().unwrap().remove("selector");
    assert_eq!(
        message("apps/v1", d),
        "Deployment.apps \"x\" is invalid: spec.selector: Required value"
    );
}

#[test]
fn names_are_required_unless_generated() {
    let cm = json!({"kind": "ConfigMap", "metadata": {"namespace": "default"}});
    assert_eq!(
        message("v1", cm),
        "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required"
    );
    check(
        "v1",
        json!({"kind": "ConfigMap", "metadata": {"generateName": "cm-", "namespace": "default"}}),
    )
    .unwrap();
}

#[test]
fn service_names_must_be_dns_1035_labels() {
    let svc = json!({"kind": "Service", "metadata": {"name": "1web", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}});
    assert!(message("v1", svc).starts_with("Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist"));
}

#[test]
fn namespace_names_must_be_labels_not_subdomains() {
    let m = message(
        "v1",
        json!({"kind": "Namespace", "metadata": {"name": "a.b"}}),
    );
    assert!(m.starts_with("Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label"));
    check(
        "v1",
        json!({"kind": "Namespace", "metadata": {"name": "team-a"}}),
    )
    .unwrap();
}

#[test]
fn bad_label_keys_and_values_are_reported_on_the_map() {
    let cm = json!({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d", "labels": {"a/b/c": "ok", "k": "-bad"}}});
    let err = check("v1", cm).unwrap_err();
    assert_eq!(err.causes.len(), 2);
    assert_eq!(err.causes[0].field, "metadata.labels");
    assert!(
        err.causes[0].to_string().starts_with(
            "metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist"
        )
    );
    assert!(
        err.causes[1]
            .to_string()
            .starts_with("metadata.labels: Invalid value: \"-bad\": a valid label must be")
    );
}

#[test]
fn container_names_must_be_unique_and_ports_in_range() {
    let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "d"}, "spec": {"containers": [
        {"name": "a", "image": "x", "ports": [{"containerPort": 70000}]},
        {"name": "a", "image": "x"}
    ]}});
    let err = check("v1", pod).unwrap_err();
    let msgs: Vec<String> = err.causes.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[1].name: Duplicate value: \"a\""
        ]
    );
}

#[test]
fn volume_mounts_must_name_a_volume() {
    let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "d"}, "spec": {"containers": [
        {"name": "a", "image": "x", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}
    ]}});
    assert_eq!(
        message("v1", pod),
        "Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"data\""
    );
}

#[test]
fn jobs_must_not_restart_always() {
    let job = json!({"kind": "Job", "metadata": {"name": "j", "namespace": "d", "uid": "u"},
        "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
    assert_eq!(
        message("batch/v1", job),
        "Job.batch \"j\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
    );
}

#[test]
fn deployments_must_restart_always() {
    let mut d = deployment(json!({"matchLabels": {"app": "x"}}), json!({"app": "x"}));
    d["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
    assert_eq!(
        message("apps/v1", d),
        "Deployment.apps \"x\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
    );
}

#[test]
fn services_need_named_ports_when_there_are_several() {
    let svc = json!({"kind": "Service", "metadata": {"name": "s", "namespace": "d"}, "spec": {"ports": [{"port": 80}, {"port": 0, "name": "b"}]}});
    let msgs: Vec<String> = check("v1", svc)
        .unwrap_err()
        .causes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        msgs,
        [
            "spec.ports[0].name: Required value",
            "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive"
        ]
    );
}

#[test]
fn cluster_ip_services_may_not_set_node_ports() {
    let svc = json!({"kind": "Service", "metadata": {"name": "s", "namespace": "d"}, "spec": {"ports": [{"port": 80, "nodePort": 30001}]}});
    assert_eq!(
        message("v1", svc),
        "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    );
}

#[test]
fn config_map_keys_are_checked() {
    let cm = json!({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}, "data": {"a/b": "x"}});
    assert!(message("v1", cm).starts_with("ConfigMap \"c\" is invalid: data[a/b]: Invalid value: \"a/b\": a valid config key must consist"));
}

#[test]
fn tls_secrets_need_both_keys() {
    let s = json!({"kind": "Secret", "metadata": {"name": "t", "namespace": "d"}, "type": "kubernetes.io/tls", "data": {"tls.crt": "eA=="}});
    assert_eq!(
        message("v1", s),
        "Secret \"t\" is invalid: data[tls.key]: Required value"
    );
}

#[test]
fn crds_need_one_storage_version_and_a_matching_name() {
    let crd = json!({"kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"}, "spec": {
        "group": "example.com", "scope": "Namespaced",
        "names": {"plural": "widgets", "kind": "Widget"},
        "versions": [
            {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}},
            {"name": "v2", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"}}}
        ]
    }});
    let m = message("apiextensions.k8s.io/v1", crd.clone());
    assert!(m.starts_with("CustomResourceDefinition.apiextensions.k8s.io \"widgets.example.com\" is invalid: spec.versions: Invalid value: "));
    assert!(m.ends_with(": must have exactly one version marked as storage version"));
    let mut ok = crd;
    ok["spec"]["versions"][1]["storage"] = json!(false);
    check("apiextensions.k8s.io/v1", ok.clone()).unwrap();
    ok["metadata"]["name"] = json!("widgets");
    assert!(message("apiextensions.k8s.io/v1", ok).contains(
        "metadata.name: Invalid value: \"widgets\": must be spec.names.plural+\".\"+spec.group"
    ));
}

#[test]
fn cluster_role_bindings_need_service_account_namespaces() {
    let b = json!({"kind": "ClusterRoleBinding", "metadata": {"name": "b"},
        "roleRef": {"kind": "ClusterRole", "name": "view"}, "subjects": [{"kind": "ServiceAccount", "name": "sa"}]});
    assert_eq!(
        message("rbac.authorization.k8s.io/v1", b),
        "ClusterRoleBinding.rbac.authorization.k8s.io \"b\" is invalid: subjects[0].namespace: Required value"
    );
}

#[test]
fn unknown_kinds_get_metadata_checks_only() {
    check(
        "example.com/v1",
        json!({"kind": "Widget", "metadata": {"name": "w"}, "spec": {"anything": 1}}),
    )
    .unwrap();
    assert!(
        check(
            "example.com/v1",
            json!({"kind": "Widget", "metadata": {"name": "W"}})
        )
        .is_err()
    );
}

#[test]
fn requests_may_not_exceed_limits() {
    let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "d"}, "spec": {"containers": [
        {"name": "a", "image": "x", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1500m"}}}
    ]}});
    assert_eq!(
        message("v1", pod),
        "Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1500m\": must be less than or equal to cpu limit of 1"
    );
}

#[test]
fn generate_name_prefixes_may_end_with_a_dash() {
    check(
        "v1",
        json!({"kind": "ConfigMap", "metadata": {"generateName": "web-", "namespace": "d"}}),
    )
    .unwrap();
    let m = message(
        "v1",
        json!({"kind": "ConfigMap", "metadata": {"generateName": "Web-", "namespace": "d"}}),
    );
    assert!(m.starts_with("ConfigMap \"\" is invalid: metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain"));
}

/// Every defaulting fixture is a valid object once defaulted, and an update that changes
/// nothing is allowed.
#[test]
fn defaulted_fixtures_validate_and_accept_a_no_op_update() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds/testdata/defaults");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_str().unwrap().ends_with(".in.yaml") {
            continue;
        }
        let obj: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let api_version = obj["apiVersion"].as_str().unwrap().to_owned();
        let kind = obj["kind"].as_str().unwrap().to_owned();
        let mut defaulted = obj;
        apply_defaults(&api_version, &kind, &mut defaulted, &mut Ctx);
        validate(&api_version, &kind, &defaulted)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        crate::kinds::validate_update(&api_version, &kind, &defaulted, &defaulted)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

/// Each `testdata/invalid/<case>.yaml`, defaulted, is refused with the message in
/// `<case>.error` (what the apiserver puts in the 422 `Status`).
#[test]
fn invalid_fixtures_fail_with_the_apiserver_message() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds/testdata/invalid");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let obj: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let expected = std::fs::read_to_string(path.with_extension("error")).unwrap();
        let api_version = obj["apiVersion"].as_str().unwrap().to_owned();
        let got = message(&api_version, obj);
        assert_eq!(got, expected.trim_end(), "{}", path.display());
        cases += 1;
    }
    assert!(cases >= 5);
}
