//! Fixture tests on bodies real kubectl 1.32 sent, plus hand-built bodies for the special
//! types and the errors.
//!
//! `testdata/<case>.pb` is a captured request body and `<case>.kubectl.json` what
//! `kubectl … --dry-run=client -o json` prints for the same command: the JSON the request
//! would carry, which `decode` must return exactly. Where kubectl cannot print the object
//! (`create token`, `certificate approve`), `<case>.json` holds the expected JSON;
//! `PLUMB_BLESS=1 cargo test -p plumb-sandbox --lib protobuf::` rewrites those files, and
//! `testdata/capture/capture.sh` captures the bodies again from the installed kubectl.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{ProtoError, decode};

fn testdata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src/protobuf/testdata")
        .join(name)
}

fn read_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

/// Checks that `<case>.pb` decodes to `<case>.kubectl.json`, or else `<case>.json`.
fn check_fixture(case: &str) {
    let body = std::fs::read(testdata(&format!("{case}.pb"))).expect("fixture body is readable");
    let got = decode(&body).unwrap_or_else(|e| panic!("{case}: {e}"));
    let mut expected = testdata(&format!("{case}.kubectl.json"));
    if !expected.exists() {
        expected = testdata(&format!("{case}.json"));
        if std::env::var_os("PLUMB_BLESS").is_some() {
            let text = serde_json::to_string_pretty(&got).expect("JSON values serialise") + "\n";
            std::fs::write(&expected, text).expect("fixture is writable");
        }
    }
    assert_eq!(
        got,
        read_json(&expected),
        "{case}: decode differs from {expected:?}"
    );
}

macro_rules! fixtures {
    ($($test:ident => $case:literal,)*) => {$(
        #[test]
        fn $test() {
            check_fixture($case);
        }
    )*};
}

fixtures! {
    kubectl_create_namespace_decodes_to_its_json => "namespace",
    kubectl_create_configmap_decodes_data_as_an_object => "configmap",
    kubectl_create_configmap_from_files_decodes_binary_data_as_base64 => "configmap-files",
    kubectl_create_secret_generic_decodes_bytes_as_base64 => "secret-generic",
    kubectl_create_secret_docker_registry_decodes => "secret-docker-registry",
    kubectl_create_deployment_decodes_the_pod_template => "deployment",
    kubectl_create_deployment_with_zero_replicas_keeps_the_zero => "deployment-multi",
    kubectl_create_service_clusterip_decodes_int_or_string_ports => "service-clusterip",
    kubectl_create_service_nodeport_decodes_named_target_ports => "service-nodeport",
    kubectl_create_service_loadbalancer_decodes => "service-loadbalancer",
    kubectl_create_service_externalname_decodes => "service-externalname",
    kubectl_create_job_decodes => "job",
    kubectl_create_cronjob_decodes_the_job_template => "cronjob",
    kubectl_create_job_from_a_cronjob_decodes_owner_references_and_resources => "job-from-cronjob",
    kubectl_certificate_approve_decodes_conditions_times_and_extra => "csr-approve",
    kubectl_create_role_decodes_policy_rules => "role",
    kubectl_create_role_with_resource_names_decodes => "role-resource-names",
    kubectl_create_rolebinding_decodes_subjects => "rolebinding",
    kubectl_create_clusterrole_decodes_non_resource_urls => "clusterrole",
    kubectl_create_clusterrole_decodes_an_aggregation_rule => "clusterrole-aggregate",
    kubectl_create_clusterrolebinding_decodes => "clusterrolebinding",
    kubectl_create_serviceaccount_decodes => "serviceaccount",
    kubectl_create_quota_decodes_quantities_as_strings => "quota",
    kubectl_create_quota_with_scopes_decodes => "quota-scopes",
    kubectl_create_priorityclass_decodes => "priorityclass",
    kubectl_create_priorityclass_keeps_global_default_and_preemption_policy => "priorityclass-never",
    kubectl_create_pdb_decodes_a_percentage_as_a_string => "pdb",
    kubectl_create_pdb_decodes_an_integer_as_a_number => "pdb-max-unavailable",
    kubectl_create_ingress_merges_the_inline_rule_value => "ingress",
    kubectl_create_ingress_decodes_tls_and_the_default_backend => "ingress-tls",
    kubectl_create_token_decodes_a_token_request => "token",
    kubectl_create_token_decodes_a_bound_object_reference => "token-bound",
}

/// A protobuf writer for hand-built bodies.
#[derive(Default, Clone)]
struct Pb(Vec<u8>);

impl Pb {
    fn key(mut self, tag: u32, wire_type: u8) -> Self {
        self = self.raw_varint(u64::from(tag) << 3 | u64::from(wire_type));
        self
    }
    fn raw_varint(mut self, mut v: u64) -> Self {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
        self
    }
    fn varint(self, tag: u32, v: u64) -> Self {
        self.key(tag, 0).raw_varint(v)
    }
    fn bytes(self, tag: u32, b: &[u8]) -> Self {
        let mut out = self.key(tag, 2).raw_varint(b.len() as u64);
        out.0.extend_from_slice(b);
        out
    }
    fn str(self, tag: u32, s: &str) -> Self {
        self.bytes(tag, s.as_bytes())
    }
    fn msg(self, tag: u32, m: Pb) -> Self {
        self.bytes(tag, &m.0)
    }
    fn double(self, tag: u32, v: f64) -> Self {
        let mut out = self.key(tag, 1);
        out.0.extend_from_slice(&v.to_bits().to_le_bytes());
        out
    }
    fn entry(self, tag: u32, key: &str, value: Pb) -> Self {
        self.msg(tag, Pb::default().str(1, key).msg(2, value))
    }
}

/// `k8s\0` + `runtime.Unknown{typeMeta, raw}`.
fn body(api_version: &str, kind: &str, raw: Pb) -> Vec<u8> {
    let type_meta = Pb::default().str(1, api_version).str(2, kind);
    let mut out = b"k8s\0".to_vec();
    out.extend(Pb::default().msg(1, type_meta).msg(2, raw).0);
    out
}

fn name(n: &str) -> Pb {
    Pb::default().str(1, n)
}

#[test]
fn times_decode_to_rfc3339_micro_times_keep_microseconds_and_zero_times_are_null() {
    let time = Pb::default()
        .varint(1, 1_767_323_045)
        .varint(2, 999_000_000);
    let micro = Pb::default()
        .varint(1, 1_767_323_045)
        .varint(2, 123_456_789);
    let event = Pb::default()
        .msg(1, name("e"))
        .msg(6, time)
        .msg(7, Pb::default())
        .msg(10, micro)
        .varint(8, 3);
    let got = decode(&body("v1", "Event", event)).expect("decodes");
    assert_eq!(got["firstTimestamp"], json!("2026-01-02T03:04:05Z"));
    assert_eq!(got["lastTimestamp"], Value::Null);
    assert_eq!(got["eventTime"], json!("2026-01-02T03:04:05.123456Z"));
    assert_eq!(got["count"], json!(3));
}

#[test]
fn durations_decode_to_go_duration_strings() {
    let metrics = Pb::default()
        .msg(1, name("p"))
        .msg(3, Pb::default().varint(1, 90_000_000_000));
    let got = decode(&body("metrics.k8s.io/v1beta1", "PodMetrics", metrics)).expect("decodes");
    assert_eq!(got["window"], json!("1m30s"));
}

#[test]
fn negative_int32_values_survive_sign_extension() {
    // Lease spec.leaseDurationSeconds = -1, sent as a ten-byte varint.
    let lease = Pb::default().msg(2, Pb::default().varint(2, (-1i64) as u64));
    let got = decode(&body("coordination.k8s.io/v1", "Lease", lease)).expect("decodes");
    assert_eq!(got["spec"], json!({"leaseDurationSeconds": -1}));
}

#[test]
fn raw_extensions_embed_their_json() {
    let revision = Pb::default()
        .msg(1, name("r"))
        .msg(2, Pb::default().str(1, r#"{"spec":{"replicas":1}}"#))
        .varint(3, 4);
    let got = decode(&body("apps/v1", "ControllerRevision", revision)).expect("decodes");
    assert_eq!(got["data"], json!({"spec": {"replicas": 1}}));
    assert_eq!(got["revision"], json!(4));
}

#[test]
fn raw_extensions_holding_protobuf_decode_it_too() {
    let inner = body("v1", "ConfigMap", Pb::default().msg(1, name("c")));
    let list = Pb::default().msg(2, Pb::default().bytes(1, &inner));
    let got = decode(&body("v1", "List", list)).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
        ]})
    );
}

#[test]
fn delete_options_decode_in_any_group_version() {
    let opts = Pb::default()
        .varint(1, 0)
        .msg(2, Pb::default().str(1, "uid-1"))
        .str(4, "Foreground")
        .str(5, "All");
    let got = decode(&body("apps/v1", "DeleteOptions", opts)).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "apps/v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0,
               "preconditions": {"uid": "uid-1"}, "propagationPolicy": "Foreground", "dryRun": ["All"]})
    );
}

#[test]
fn scale_and_horizontal_pod_autoscalers_decode() {
    let scale = Pb::default()
        .msg(1, name("d"))
        .msg(2, Pb::default().varint(1, 3));
    let got = decode(&body("autoscaling/v1", "Scale", scale)).expect("decodes");
    assert_eq!(got["spec"], json!({"replicas": 3}));

    let target = Pb::default().str(1, "Utilization").varint(4, 50);
    let metric = Pb::default()
        .str(1, "Resource")
        .msg(4, Pb::default().str(1, "cpu").msg(2, target));
    let scale_ref = Pb::default()
        .str(1, "Deployment")
        .str(2, "d")
        .str(3, "apps/v1");
    let spec = Pb::default()
        .msg(1, scale_ref)
        .varint(2, 1)
        .varint(3, 3)
        .msg(4, metric);
    let hpa = Pb::default().msg(1, name("d")).msg(2, spec);
    let got = decode(&body("autoscaling/v2", "HorizontalPodAutoscaler", hpa)).expect("decodes");
    assert_eq!(
        got["spec"],
        json!({"scaleTargetRef": {"kind": "Deployment", "name": "d", "apiVersion": "apps/v1"},
               "minReplicas": 1, "maxReplicas": 3,
               "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                   "target": {"type": "Utilization", "averageUtilization": 50}}}]})
    );
}

#[test]
fn embedded_volume_sources_and_local_object_references_merge_into_their_parent() {
    let config_map = Pb::default().msg(1, name("settings")).varint(3, 0o644);
    let volume = Pb::default()
        .str(1, "cfg")
        .msg(2, Pb::default().msg(19, config_map));
    let pod = Pb::default()
        .msg(1, name("p"))
        .msg(2, Pb::default().msg(1, volume));
    let got = decode(&body("v1", "Pod", pod)).expect("decodes");
    assert_eq!(
        got["spec"]["volumes"],
        json!([{"name": "cfg", "configMap": {"name": "settings", "defaultMode": 420}}])
    );
}

#[test]
fn packed_and_unpacked_repeated_numbers_both_decode() {
    // PodSecurityContext.supplementalGroups (tag 4), once packed and once not.
    let mut packed = Pb::default().raw_varint(1).raw_varint(2);
    packed.0.push(3);
    let context = Pb::default().bytes(4, &packed.0).varint(4, 4);
    let pod = Pb::default().msg(2, Pb::default().msg(14, context));
    let got = decode(&body("v1", "Pod", pod)).expect("decodes");
    assert_eq!(
        got["spec"]["securityContext"]["supplementalGroups"],
        json!([1, 2, 3, 4])
    );
}

#[test]
fn custom_resource_definition_schemas_decode_their_hand_written_json_forms() {
    let string = Pb::default().str(5, "string");
    let props = Pb::default()
        .str(5, "object")
        .entry(
            29,
            "name",
            string.clone().msg(8, Pb::default().str(1, r#""x""#)),
        )
        .msg(24, Pb::default().msg(1, string.clone()))
        .msg(30, Pb::default().varint(1, 1))
        .entry(32, "name", Pb::default().str(2, "other"))
        .double(9, 10.0)
        .double(19, 0.5)
        .varint(38, 1);
    let validation = Pb::default().msg(1, props);
    let version = Pb::default()
        .str(1, "v1")
        .varint(2, 1)
        .varint(3, 1)
        .msg(4, validation);
    let names = Pb::default().str(1, "widgets").str(4, "Widget");
    let spec = Pb::default()
        .str(1, "example.com")
        .msg(3, names)
        .str(4, "Namespaced")
        .msg(7, version);
    let crd = Pb::default()
        .msg(1, name("widgets.example.com"))
        .msg(2, spec);
    let got = decode(&body(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        crd,
    ))
    .expect("decodes");
    assert_eq!(
        got["spec"]["versions"][0]["schema"]["openAPIV3Schema"],
        json!({"type": "object", "maximum": 10, "multipleOf": 0.5,
               "items": {"type": "string"},
               "properties": {"name": {"type": "string", "default": "x"}},
               "additionalProperties": true,
               "dependencies": {"name": ["other"]},
               "x-kubernetes-preserve-unknown-fields": true})
    );
}

#[test]
fn extra_values_decode_as_string_arrays() {
    let extra = Pb::default().str(1, "a").str(1, "b");
    let spec = Pb::default().str(3, "alice").entry(5, "scopes", extra);
    let review = Pb::default().msg(2, spec);
    let got = decode(&body(
        "authorization.k8s.io/v1",
        "SubjectAccessReview",
        review,
    ))
    .expect("decodes");
    assert_eq!(
        got["spec"],
        json!({"user": "alice", "extra": {"scopes": ["a", "b"]}})
    );
}

#[test]
fn unknown_field_numbers_are_skipped() {
    let ns = Pb::default()
        .msg(1, name("x"))
        .varint(99, 7)
        .str(98, "later field");
    let got = decode(&body("v1", "Namespace", ns)).expect("decodes");
    assert_eq!(
        got,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}})
    );
}

#[test]
fn kinds_match_go_type_names_that_prost_renamed() {
    let service = Pb::default().msg(1, name("v1.example.com"));
    let got = decode(&body("apiregistration.k8s.io/v1", "APIService", service)).expect("decodes");
    assert_eq!(got["metadata"]["name"], json!("v1.example.com"));
}

#[test]
fn a_body_without_the_magic_is_rejected() {
    let err = decode(br#"{"kind":"Namespace"}"#).expect_err("JSON is not protobuf");
    assert!(matches!(err, ProtoError::MissingMagic), "{err:?}");
}

#[test]
fn an_unknown_kind_names_the_kind_and_api_version() {
    let err = decode(&body("example.com/v1", "Widget", Pb::default())).expect_err("no such kind");
    assert_eq!(
        err.to_string(),
        "unknown kind `Widget` in apiVersion `example.com/v1`"
    );
}

#[test]
fn a_truncated_field_names_the_field_and_the_message_type() {
    let mut raw = Pb::default().msg(1, name("x"));
    raw.0.extend([0x12, 0x05, 0x0a]); // field 2 (spec) claims 5 bytes, has 1
    let err = decode(&body("v1", "Namespace", raw)).expect_err("truncated");
    assert_eq!(
        err.to_string(),
        "truncated field 2 of io.k8s.api.core.v1.Namespace"
    );
}

#[test]
fn a_field_with_the_wrong_wire_type_is_rejected() {
    let raw = Pb::default().msg(1, Pb::default().varint(1, 5)); // metadata.name as a varint
    let err = decode(&body("v1", "Namespace", raw)).expect_err("wrong wire type");
    assert_eq!(
        err.to_string(),
        "field 1 of io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta has wire type 0, expected 2"
    );
}

#[test]
fn a_string_that_is_not_utf8_is_rejected() {
    let raw = Pb::default().msg(1, Pb::default().bytes(1, &[0xff, 0xfe]));
    let err = decode(&body("v1", "Namespace", raw)).expect_err("not UTF-8");
    assert!(
        matches!(err, ProtoError::InvalidUtf8 { field: 1, .. }),
        "{err:?}"
    );
}

#[test]
fn compressed_envelopes_are_rejected() {
    let type_meta = Pb::default().str(1, "v1").str(2, "Namespace");
    let mut raw = b"k8s\0".to_vec();
    raw.extend(
        Pb::default()
            .msg(1, type_meta)
            .bytes(2, b"")
            .str(3, "gzip")
            .0,
    );
    let err = decode(&raw).expect_err("gzip is not supported");
    assert_eq!(
        err.to_string(),
        "unsupported contentEncoding `gzip` in the runtime.Unknown envelope"
    );
}

#[test]
fn a_missing_kind_is_reported() {
    let mut raw = b"k8s\0".to_vec();
    raw.extend(Pb::default().msg(1, Pb::default().str(1, "v1")).0);
    let err = decode(&raw).expect_err("no kind");
    assert!(
        matches!(err, ProtoError::MissingTypeMeta("kind")),
        "{err:?}"
    );
}

#[test]
fn runaway_nesting_is_refused() {
    let mut schema = Pb::default().str(5, "object");
    for _ in 0..120 {
        schema = Pb::default().msg(28, schema); // not: {not: {...}}
    }
    let crd_spec = Pb::default().msg(7, Pb::default().msg(4, Pb::default().msg(1, schema)));
    let crd = Pb::default().msg(2, crd_spec);
    let err = decode(&body(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        crd,
    ))
    .expect_err("too deep");
    assert!(matches!(err, ProtoError::TooDeep(_)), "{err:?}");
}
