//! Fixture pairs `testdata/<case>/{desired,live}.yaml`: live as an API server returns
//! it (defaults, managedFields, status). Each file starts with a comment saying what
//! the case is about.

use std::path::Path;

use plumb_diff::{DiffOptions, IgnoreRule, ObjectDiff, REDACTED, diff};
use serde_json::Value;

fn load_all(case: &str, which: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(case)
        .join(format!("{which}.yaml"));
    let text = std::fs::read_to_string(&path).expect("fixture files exist");
    serde_saphyr::from_multiple(&text).expect("fixture files are valid YAML")
}

fn load(case: &str, which: &str) -> Value {
    let mut docs = load_all(case, which);
    assert_eq!(docs.len(), 1, "{case}/{which}.yaml holds one object");
    docs.remove(0)
}

fn diff_case(case: &str, ignore: &[IgnoreRule]) -> ObjectDiff {
    let desired = load(case, "desired");
    let live = load(case, "live");
    diff(
        &desired,
        Some(&live),
        &DiffOptions {
            ignore,
            manager: "plumb",
        },
    )
}

const DEPLOY: &str = "deployment.apps/my-app";

fn summary(case: &str) -> String {
    diff_case(case, &[]).summary(DEPLOY)
}

#[test]
fn a_freshly_synced_deployment_with_server_defaults_is_in_sync() {
    let d = diff_case("in-sync-with-defaults", &[]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
    assert_eq!(d.unified(DEPLOY), "");
}

#[test]
fn fifteen_kinds_created_through_the_sandbox_are_in_sync() {
    let desired = load_all("many-kinds-from-the-sandbox", "desired");
    let live = load_all("many-kinds-from-the-sandbox", "live");
    assert_eq!(desired.len(), 15);
    assert_eq!(desired.len(), live.len());
    for (d, l) in desired.iter().zip(&live) {
        let r = diff(d, Some(l), &DiffOptions::default());
        assert!(r.in_sync(), "{}", r.summary(&plumb_diff::kind_ref(d)));
    }
}

#[test]
fn kubectl_scale_reads_as_replicas_live_not_equal_desired() {
    assert_eq!(
        summary("replicas-drift"),
        "deployment.apps/my-app replicas 5 != 3"
    );
}

#[test]
fn changes_name_their_field_for_messages_of_the_sync_loop() {
    let d = diff_case("replicas-drift", &[]);
    assert_eq!(d.changes[0].name(), "replicas");
    assert_eq!(d.changes[0].dotted_path(), "spec.replicas");
    assert_eq!(d.changes[0].desired, Some(Value::from(3)));
}

#[test]
fn an_image_change_names_the_container_by_key() {
    assert_eq!(
        summary("image-drift"),
        "deployment.apps/my-app spec.template.spec.containers[name=app].image myapp:v1.1.0 != myapp:v1.2.0"
    );
}

#[test]
fn a_label_added_by_someone_else_is_not_drift() {
    let d = diff_case("label-added-by-someone-else", &[]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn a_label_plumb_owned_and_git_dropped_is_drift() {
    assert_eq!(
        summary("label-removed-that-plumb-owned"),
        "deployment.apps/my-app metadata.labels.tier web != (absent)"
    );
}

#[test]
fn a_container_git_adds_is_drift() {
    let d = diff_case("container-added", &[]);
    assert_eq!(d.changes.len(), 1, "{}", d.summary(DEPLOY));
    assert_eq!(
        d.summary(DEPLOY),
        "deployment.apps/my-app spec.template.spec.containers[name=sidecar] (absent) != {\"name\":\"sidecar\",\"image\":\"log-shipper:1.0\"}"
    );
}

#[test]
fn a_container_plumb_applied_and_git_removed_is_drift() {
    let d = diff_case("container-removed", &[]);
    assert_eq!(d.changes.len(), 1, "{}", d.summary(DEPLOY));
    let c = &d.changes[0];
    assert_eq!(c.desired, None);
    assert_eq!(
        c.live.as_ref().and_then(|l| l.get("image")),
        Some(&Value::from("log-shipper:1.0"))
    );
    assert!(
        d.summary(DEPLOY)
            .starts_with("deployment.apps/my-app spec.template.spec.containers[name=sidecar] {")
    );
}

#[test]
fn a_container_another_manager_added_is_not_drift() {
    let d = diff_case("container-added-by-someone-else", &[]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn env_vars_compare_by_name_not_position() {
    assert_eq!(
        summary("env-by-name"),
        "deployment.apps/my-app spec.template.spec.containers[name=app].env[name=LOG_LEVEL].value info != debug"
    );
}

#[test]
fn ports_match_by_container_port_and_defaulted_protocol() {
    let d = diff_case("ports-by-container-port-and-protocol", &[]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn quantities_compare_by_value() {
    assert_eq!(
        summary("quantities"),
        "deployment.apps/my-app spec.template.spec.containers[name=app].resources.limits.cpu 1 != 2"
    );
}

#[test]
fn an_int_or_string_port_as_a_string_is_not_the_number() {
    let d = diff_case("int-or-string-port", &[]);
    assert_eq!(
        d.summary("service/my-app"),
        "service/my-app spec.ports[port=80].targetPort 8080 != \"8080\""
    );
}

#[test]
fn secret_values_never_appear_in_summary_unified_diff_or_debug() {
    let d = diff_case("secret-redaction", &[]);
    assert!(!d.in_sync());
    let outputs = [
        d.summary("secret/db-credentials"),
        d.unified("secret/db-credentials"),
        format!("{d:?}"),
        d.changes.iter().map(|c| format!("{c} {c:?}")).collect(),
    ];
    for out in &outputs {
        for secret in ["s3cr3t", "czNjcjN0", "YWRtaW4", "admin"] {
            assert!(!out.contains(secret), "{secret} leaked in:\n{out}");
        }
    }
    assert_eq!(
        d.summary("secret/db-credentials"),
        "secret/db-credentials data.password ++++++++ != ++++++++ (changed)"
    );
    assert!(d.unified("secret/db-credentials").contains(REDACTED));
    assert_eq!(
        d.desired_view()["data"]["password"],
        plumb_diff::REDACTED_CHANGED
    );
    assert_eq!(
        d.live_view().map(|l| &l["data"]["password"]),
        Some(&Value::from(REDACTED))
    );
}

#[test]
fn unchanged_secret_string_data_is_in_sync_with_live_data() {
    let desired = serde_json::json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db-credentials"}, "stringData": {"password": "s3cr3t-OLD"}});
    let live = load("secret-redaction", "live");
    let d = diff(&desired, Some(&live), &DiffOptions::default());
    assert!(d.in_sync(), "{}", d.summary("secret/s"));
}

fn deployment_rule() -> IgnoreRule {
    IgnoreRule {
        group: Some("apps".into()),
        kind: "Deployment".into(),
        ..Default::default()
    }
}

#[test]
fn ignore_differences_json_pointers_hide_replicas_drift() {
    assert!(!diff_case("ignore-json-pointers", &[]).in_sync());
    let rule = IgnoreRule {
        json_pointers: vec!["/spec/replicas".into()],
        ..deployment_rule()
    };
    let d = diff_case("ignore-json-pointers", &[rule]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn ignore_differences_jq_select_hides_a_webhook_rewritten_image() {
    assert!(!diff_case("ignore-jq-path-expressions", &[]).in_sync());
    let rule = IgnoreRule {
        jq_path_expressions: vec![
            ".spec.template.spec.containers[] | select(.name == \"log-shipper\") | .image".into(),
        ],
        ..deployment_rule()
    };
    let d = diff_case("ignore-jq-path-expressions", &[rule]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn ignore_differences_managed_fields_managers_hide_autoscaler_replicas() {
    assert!(!diff_case("ignore-managed-fields-managers", &[]).in_sync());
    let rule = IgnoreRule {
        managed_fields_managers: vec!["kube-controller-manager".into()],
        ..deployment_rule()
    };
    let d = diff_case("ignore-managed-fields-managers", &[rule]);
    assert!(d.in_sync(), "{}", d.summary(DEPLOY));
}

#[test]
fn a_rule_for_another_kind_ignores_nothing() {
    let rule = IgnoreRule {
        kind: "StatefulSet".into(),
        json_pointers: vec!["/spec/replicas".into()],
        ..deployment_rule()
    };
    assert!(!diff_case("ignore-json-pointers", &[rule]).in_sync());
}

#[test]
fn unsupported_jq_is_refused_by_validation_and_skipped_with_a_warning() {
    let rule = IgnoreRule {
        jq_path_expressions: vec![".spec.replicas | tostring".into()],
        ..deployment_rule()
    };
    let err = plumb_diff::validate_ignore_rules(std::slice::from_ref(&rule))
        .expect_err("tostring is outside the subset");
    assert!(err.to_string().contains("supported"), "{err}");
    let d = diff_case("ignore-json-pointers", &[rule]);
    assert_eq!(d.warnings.len(), 1);
    assert!(!d.in_sync());
}

#[test]
fn the_unified_diff_shows_live_and_desired_replicas() {
    let u = diff_case("replicas-drift", &[]).unified(DEPLOY);
    assert!(
        u.starts_with("--- live/deployment.apps/my-app\n+++ desired/deployment.apps/my-app\n@@"),
        "{u}"
    );
    assert!(u.contains("\n-  replicas: 5\n+  replicas: 3\n"), "{u}");
}

#[test]
fn a_missing_live_object_is_not_in_sync() {
    let desired = load("in-sync-with-defaults", "desired");
    let d = diff(&desired, None, &DiffOptions::default());
    assert!(!d.in_sync());
    assert_eq!(d.summary(DEPLOY), "deployment.apps/my-app missing");
    assert!(d.unified(DEPLOY).contains("+  replicas: 3"));
}

#[test]
fn a_missing_or_data_less_live_secret_still_hides_values() {
    let desired = load("secret-redaction", "desired");
    let missing = diff(&desired, None, &DiffOptions::default());
    let mut live = load("secret-redaction", "live");
    live.as_object_mut().map(|m| m.shift_remove("data"));
    let data_less = diff(&desired, Some(&live), &DiffOptions::default());
    assert!(!data_less.in_sync());
    for d in [&missing, &data_less] {
        let out = format!(
            "{}\n{}\n{d:?}",
            d.summary("secret/db"),
            d.unified("secret/db")
        );
        for secret in ["s3cr3t", "czNjcjN0", "YWRtaW4"] {
            assert!(!out.contains(secret), "{secret} leaked in:\n{out}");
        }
    }
}

#[test]
fn live_items_without_api_version_and_kind_are_compared_by_their_fields() {
    let desired = load("in-sync-with-defaults", "desired");
    let mut live = load("in-sync-with-defaults", "live");
    live.as_object_mut().map(|m| {
        m.shift_remove("apiVersion");
        m.shift_remove("kind")
    });
    assert!(diff(&desired, Some(&live), &DiffOptions::default()).in_sync());
}

#[test]
fn kind_refs_name_the_group_unless_core() {
    assert_eq!(
        plumb_diff::kind_ref(&load("image-drift", "desired")),
        DEPLOY
    );
    assert_eq!(
        plumb_diff::kind_ref(&load("int-or-string-port", "desired")),
        "service/my-app"
    );
}

#[test]
fn every_fixture_object_is_in_sync_with_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("testdata exists")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    cases.sort();
    assert!(cases.len() >= 16);
    for case in cases {
        for which in ["desired", "live"] {
            for obj in load_all(&case, which) {
                let d = diff(&obj, Some(&obj), &DiffOptions::default());
                assert!(d.in_sync(), "{case}/{which}: {}", d.summary("x"));
            }
        }
    }
}

#[test]
fn route_weights_a_rollout_sets_are_drift_unless_ignored() {
    let case = "virtualservice-weights-set-by-a-rollout";
    let vs = "virtualservice.networking.istio.io/myapp";
    assert_eq!(
        diff_case(case, &[]).summary(vs),
        format!(
            "{vs} spec.http[0].route[0].weight 90 != 100; spec.http[0].route[1].weight 10 != 0"
        )
    );
    let rule = |jq: &[&str], managers: &[&str]| IgnoreRule {
        group: Some("networking.istio.io".into()),
        kind: "VirtualService".into(),
        jq_path_expressions: jq.iter().map(|s| s.to_string()).collect(),
        managed_fields_managers: managers.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    assert!(diff_case(case, &[rule(&[".spec.http[].route[].weight"], &[])]).in_sync());
    assert!(diff_case(case, &[rule(&[], &["plumb-rollout"])]).in_sync());
}

#[test]
fn a_crd_schema_makes_custom_resource_lists_keyed() {
    let crd = serde_json::json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {"spec": {"type": "object", "properties": {
            "routes": {"type": "array", "x-kubernetes-list-type": "map",
                       "x-kubernetes-list-map-keys": ["name"],
                       "items": {"type": "object", "properties": {
                           "name": {"type": "string"}, "weight": {"type": "integer"}}}}}}}}}}]}});
    let schema = plumb_diff::crd_schema(&crd, "v1");
    let cr = |routes: Value| {
        serde_json::json!({"apiVersion": "example.com/v1", "kind": "Router",
            "metadata": {"name": "r"}, "spec": {"routes": routes}})
    };
    let desired = cr(serde_json::json!([{"name": "a", "weight": 1}, {"name": "b", "weight": 2}]));
    let reordered = cr(serde_json::json!([{"name": "b", "weight": 2}, {"name": "a", "weight": 1}]));
    let opts = DiffOptions::default();
    assert!(plumb_diff::diff_with_schema(&desired, Some(&reordered), &opts, schema).in_sync());
    assert!(
        !diff(&desired, Some(&reordered), &opts).in_sync(),
        "without a schema, by position"
    );
    let changed = cr(serde_json::json!([{"name": "b", "weight": 2}, {"name": "a", "weight": 5}]));
    assert_eq!(
        plumb_diff::diff_with_schema(&desired, Some(&changed), &opts, schema).summary("router/r"),
        "router/r spec.routes[name=a].weight 5 != 1"
    );
}

/// JSON pointers of the scalars an object specifies.
fn scalar_pointers(v: &Value, prefix: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let k = k.replace('~', "~0").replace('/', "~1");
                scalar_pointers(c, format!("{prefix}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                scalar_pointers(c, format!("{prefix}/{i}"), out);
            }
        }
        _ => out.push(prefix),
    }
}

#[test]
fn changing_any_scalar_desired_specifies_is_drift() {
    let desired = load_all("many-kinds-from-the-sandbox", "desired");
    let live = load_all("many-kinds-from-the-sandbox", "live");
    let mut checked = 0;
    for (d, l) in desired.iter().zip(&live) {
        let mut pointers = Vec::new();
        scalar_pointers(d, String::new(), &mut pointers);
        for p in pointers {
            if [
                "/apiVersion",
                "/kind",
                "/metadata/name",
                "/metadata/namespace",
            ]
            .contains(&p.as_str())
                || d.pointer(&p).is_some_and(|v| v.is_null())
            {
                continue;
            }
            let Some(target) = l.pointer(&p) else {
                continue;
            };
            let mutated_value = match target {
                Value::Number(n) => Value::from(n.as_f64().unwrap_or(0.0) + 7.0),
                Value::Bool(b) => Value::from(!b),
                _ => Value::from("mutated-by-someone-else"),
            };
            let mut mutated = l.clone();
            if let Some(slot) = mutated.pointer_mut(&p) {
                *slot = mutated_value;
            }
            let r = diff(d, Some(&mutated), &DiffOptions::default());
            assert!(
                !r.in_sync(),
                "{} {p}: change not detected",
                plumb_diff::kind_ref(d)
            );
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
}
