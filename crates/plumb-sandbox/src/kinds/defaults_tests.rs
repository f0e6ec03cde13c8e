use serde_json::{Value, json};

use super::*;

/// Hands out addresses and ports in order, as a fresh server would.
struct Seq {
    ip: u32,
    port: i64,
}

impl DefaultsContext for Seq {
    fn allocate_cluster_ip(&mut self) -> String {
        self.ip += 1;
        format!("10.96.0.{}", self.ip)
    }
    fn allocate_node_port(&mut self) -> i64 {
        self.port += 1;
        self.port
    }
    fn new_uid(&mut self) -> String {
        "generated-uid".to_owned()
    }
}

fn defaulted(api_version: &str, mut obj: Value) -> Value {
    let kind = obj["kind"].as_str().unwrap().to_owned();
    apply_defaults(
        api_version,
        &kind,
        &mut obj,
        &mut Seq { ip: 9, port: 30999 },
    );
    obj
}

fn nginx_template() -> Value {
    json!({
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}
    })
}

#[test]
fn deployments_get_the_full_set_of_defaults_a_real_apiserver_returns() {
    let d = defaulted(
        "apps/v1",
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": nginx_template()}
        }),
    );
    let expected = json!({
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
        "revisionHistoryLimit": 10,
        "progressDeadlineSeconds": 600,
        "template": {
            "metadata": {"labels": {"app": "web"}, "creationTimestamp": null},
            "spec": {
                "containers": [{
                    "name": "nginx", "image": "nginx:1.27",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "imagePullPolicy": "IfNotPresent",
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "resources": {}
                }],
                "dnsPolicy": "ClusterFirst",
                "restartPolicy": "Always",
                "securityContext": {},
                "terminationGracePeriodSeconds": 30,
                "schedulerName": "default-scheduler"
            }
        }
    });
    assert_eq!(d["spec"], expected);
    assert_eq!(d["status"], json!({}));
}

#[test]
fn recreate_deployments_get_no_rolling_update_block() {
    let d = defaulted(
        "apps/v1",
        json!({"kind": "Deployment", "spec": {"strategy": {"type": "Recreate"}, "template": nginx_template()}}),
    );
    assert_eq!(d["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn user_values_are_never_overwritten() {
    let d = defaulted(
        "apps/v1",
        json!({"kind": "Deployment", "spec": {"replicas": 0, "revisionHistoryLimit": 2,
            "strategy": {"rollingUpdate": {"maxSurge": 1}}, "template": nginx_template()}}),
    );
    assert_eq!(d["spec"]["replicas"], 0);
    assert_eq!(d["spec"]["revisionHistoryLimit"], 2);
    assert_eq!(
        d["spec"]["strategy"]["rollingUpdate"],
        json!({"maxSurge": 1, "maxUnavailable": "25%"})
    );
}

#[test]
fn latest_and_untagged_images_are_always_pulled() {
    let d = defaulted(
        "v1",
        json!({"kind": "Pod", "spec": {"containers": [
            {"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox:latest"}, {"name": "c", "image": "busybox:1.36"}
        ]}}),
    );
    let policies: Vec<&str> = d["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["imagePullPolicy"].as_str().unwrap())
        .collect();
    assert_eq!(policies, ["Always", "Always", "IfNotPresent"]);
    assert_eq!(d["spec"]["enableServiceLinks"], true);
}

#[test]
fn services_get_a_cluster_ip_and_target_ports() {
    let s = defaulted(
        "v1",
        json!({"kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}, {"port": 443, "targetPort": "https"}]}}),
    );
    assert_eq!(
        s["spec"],
        json!({
            "selector": {"app": "web"},
            "ports": [
                {"port": 80, "protocol": "TCP", "targetPort": 80},
                {"port": 443, "targetPort": "https", "protocol": "TCP"}
            ],
            "sessionAffinity": "None",
            "type": "ClusterIP",
            "internalTrafficPolicy": "Cluster",
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack"
        })
    );
    assert_eq!(s["status"], json!({"loadBalancer": {}}));
}

#[test]
fn node_port_services_get_node_ports_and_external_policy() {
    let s = defaulted(
        "v1",
        json!({"kind": "Service", "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81, "nodePort": 30080}]}}),
    );
    assert_eq!(s["spec"]["ports"][0]["nodePort"], 31000);
    assert_eq!(s["spec"]["ports"][1]["nodePort"], 30080);
    assert_eq!(s["spec"]["externalTrafficPolicy"], "Cluster");
}

#[test]
fn headless_services_keep_none_and_external_names_get_no_ip() {
    let h = defaulted(
        "v1",
        json!({"kind": "Service", "spec": {"clusterIP": "None", "selector": {"a": "b"}}}),
    );
    assert_eq!(h["spec"]["clusterIPs"], json!(["None"]));
    assert_eq!(h["spec"]["ipFamilyPolicy"], "SingleStack");
    let e = defaulted(
        "v1",
        json!({"kind": "Service", "spec": {"type": "ExternalName", "externalName": "example.com"}}),
    );
    assert!(e["spec"].get("clusterIP").is_none());
    assert!(e["spec"].get("internalTrafficPolicy").is_none());
}

#[test]
fn service_updates_keep_allocated_values() {
    let old = defaulted(
        "v1",
        json!({"kind": "Service", "spec": {"type": "NodePort", "ports": [{"port": 80}]}}),
    );
    let mut new = json!({"kind": "Service", "spec": {"type": "NodePort", "ports": [{"port": 80}]}});
    carry_over_allocations("Service", &old, &mut new);
    apply_defaults(
        "v1",
        "Service",
        &mut new,
        &mut Seq {
            ip: 50,
            port: 32000,
        },
    );
    assert_eq!(new["spec"], old["spec"]);
}

#[test]
fn namespaces_get_finalizer_phase_and_name_label() {
    let n = defaulted(
        "v1",
        json!({"kind": "Namespace", "metadata": {"name": "team-a"}}),
    );
    assert_eq!(
        n["metadata"]["labels"],
        json!({"kubernetes.io/metadata.name": "team-a"})
    );
    assert_eq!(n["spec"], json!({"finalizers": ["kubernetes"]}));
    assert_eq!(n["status"], json!({"phase": "Active"}));
}

#[test]
fn secrets_default_to_opaque() {
    assert_eq!(defaulted("v1", json!({"kind": "Secret"}))["type"], "Opaque");
}

#[test]
fn secret_string_data_is_merged_into_data_as_base64() {
    let s = defaulted(
        "v1",
        json!({"kind": "Secret", "data": {"a": "eA==", "b": "eQ=="}, "stringData": {"b": "hello", "c": "pw"}}),
    );
    assert_eq!(
        s["data"],
        json!({"a": "eA==", "b": "aGVsbG8=", "c": "cHc="})
    );
    assert!(s.get("stringData").is_none());
}

#[test]
fn base64_pads_like_go() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

#[test]
fn jobs_get_counts_and_a_generated_selector() {
    let j = defaulted(
        "batch/v1",
        json!({"kind": "Job", "metadata": {"name": "pi", "uid": "u-1"},
            "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34"}]}}}}),
    );
    let spec = &j["spec"];
    assert_eq!(spec["completions"], 1);
    assert_eq!(spec["parallelism"], 1);
    assert_eq!(spec["backoffLimit"], 6);
    assert_eq!(spec["completionMode"], "NonIndexed");
    assert_eq!(spec["suspend"], false);
    assert_eq!(spec["manualSelector"], false);
    assert_eq!(spec["podReplacementPolicy"], "TerminatingOrFailed");
    assert_eq!(
        spec["selector"],
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}})
    );
    let labels = &spec["template"]["metadata"]["labels"];
    assert_eq!(labels["controller-uid"], "u-1");
    assert_eq!(labels["job-name"], "pi");
    assert_eq!(labels["batch.kubernetes.io/job-name"], "pi");
    assert_eq!(j["metadata"]["labels"], *labels);
    assert_eq!(spec["template"]["spec"]["restartPolicy"], "Never");
}

#[test]
fn jobs_with_parallelism_only_keep_completions_unset() {
    let j = defaulted(
        "batch/v1",
        json!({"kind": "Job", "metadata": {"uid": "u"}, "spec": {"parallelism": 3, "template": {}}}),
    );
    assert!(j["spec"].get("completions").is_none());
}

#[test]
fn cron_jobs_get_policy_and_history_limits() {
    let c = defaulted(
        "batch/v1",
        json!({"kind": "CronJob", "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}}),
    );
    assert_eq!(c["spec"]["concurrencyPolicy"], "Allow");
    assert_eq!(c["spec"]["suspend"], false);
    assert_eq!(c["spec"]["successfulJobsHistoryLimit"], 3);
    assert_eq!(c["spec"]["failedJobsHistoryLimit"], 1);
    assert_eq!(
        c["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"],
        "Always"
    );
    assert!(
        c["spec"]["jobTemplate"]["spec"]
            .get("completions")
            .is_none()
    );
}

#[test]
fn stateful_sets_get_policies_and_claim_template_defaults() {
    let s = defaulted(
        "apps/v1",
        json!({"kind": "StatefulSet", "spec": {"template": nginx_template(),
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}}]}}),
    );
    let spec = &s["spec"];
    assert_eq!(spec["podManagementPolicy"], "OrderedReady");
    assert_eq!(
        spec["updateStrategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
    );
    assert_eq!(
        spec["persistentVolumeClaimRetentionPolicy"],
        json!({"whenDeleted": "Retain", "whenScaled": "Retain"})
    );
    assert_eq!(spec["replicas"], 1);
    assert_eq!(spec["revisionHistoryLimit"], 10);
    let pvc = &spec["volumeClaimTemplates"][0];
    assert_eq!(pvc["apiVersion"], "v1");
    assert_eq!(pvc["kind"], "PersistentVolumeClaim");
    assert_eq!(pvc["spec"]["volumeMode"], "Filesystem");
    assert_eq!(pvc["status"], json!({"phase": "Pending"}));
}

#[test]
fn daemon_sets_roll_one_at_a_time() {
    let d = defaulted(
        "apps/v1",
        json!({"kind": "DaemonSet", "spec": {"template": nginx_template()}}),
    );
    assert_eq!(
        d["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
    );
}

#[test]
fn hpas_get_min_replicas_and_a_cpu_target() {
    let h = defaulted(
        "autoscaling/v2",
        json!({"kind": "HorizontalPodAutoscaler", "spec": {"maxReplicas": 5, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}),
    );
    assert_eq!(h["spec"]["minReplicas"], 1);
    assert_eq!(
        h["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        80
    );
    assert_eq!(
        h["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"],
        60
    );
    assert_eq!(h["spec"]["behavior"]["scaleUp"]["policies"][0]["value"], 4);
}

#[test]
fn role_bindings_get_api_groups_for_users_but_not_service_accounts() {
    let b = defaulted(
        "rbac.authorization.k8s.io/v1",
        json!({"kind": "RoleBinding", "roleRef": {"kind": "Role", "name": "r"},
            "subjects": [{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "sa"}]}),
    );
    assert_eq!(b["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
    assert_eq!(b["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
    assert!(b["subjects"][1].get("apiGroup").is_none());
}

#[test]
fn pvcs_get_filesystem_mode_and_pending_phase() {
    let p = defaulted("v1", json!({"kind": "PersistentVolumeClaim", "spec": {}}));
    assert_eq!(p["spec"]["volumeMode"], "Filesystem");
    assert_eq!(p["status"]["phase"], "Pending");
}

#[test]
fn unknown_kinds_are_left_alone() {
    let obj = json!({"kind": "Widget", "spec": {"x": 1}});
    assert_eq!(defaulted("example.com/v1", obj.clone()), obj);
}

/// Each `testdata/defaults/<case>.in.yaml`, defaulted, equals `<case>.out.yaml`.
#[test]
fn fixtures_default_to_what_a_real_apiserver_returns() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds/testdata/defaults");
    let mut cases = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let Some(case) = path
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .strip_suffix(".in.yaml")
        else {
            continue;
        };
        let read = |p: &std::path::Path| -> Value {
            serde_saphyr::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
        };
        let input = read(&path);
        let expected = read(&dir.join(format!("{case}.out.yaml")));
        let api_version = input["apiVersion"].as_str().unwrap().to_owned();
        let mut ctx = Seq { ip: 9, port: 29999 };
        let mut got = input;
        let kind = got["kind"].as_str().unwrap().to_owned();
        apply_defaults(&api_version, &kind, &mut got, &mut ctx);
        assert_eq!(
            got,
            expected,
            "{case}: got {}",
            serde_json::to_string_pretty(&got).unwrap()
        );
        cases += 1;
    }
    assert!(cases >= 4);
}

/// Defaulting an already defaulted object changes nothing: the server may default the
/// stored object again on every update.
#[test]
fn defaulting_twice_is_the_same_as_once() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/kinds/testdata/defaults");
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"hostNetwork": true, "containers": [{"name": "a", "image": "x", "ports": [{"containerPort": 80}],
            "resources": {"limits": {"cpu": 1}}}]}});
    let mut objects = vec![pod.take()];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_str().unwrap().ends_with(".in.yaml") {
            objects.push(serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap());
        }
    }
    for mut obj in objects {
        let api_version = obj["apiVersion"].as_str().unwrap().to_owned();
        let kind = obj["kind"].as_str().unwrap().to_owned();
        let mut ctx = Seq { ip: 9, port: 29999 };
        apply_defaults(&api_version, &kind, &mut obj, &mut ctx);
        let once = obj.clone();
        apply_defaults(&api_version, &kind, &mut obj, &mut ctx);
        assert_eq!(obj, once, "{kind}");
    }
}

#[test]
fn storage_classes_delete_and_bind_immediately() {
    let s = defaulted(
        "storage.k8s.io/v1",
        json!({"kind": "StorageClass", "provisioner": "x"}),
    );
    assert_eq!(s["reclaimPolicy"], "Delete");
    assert_eq!(s["volumeBindingMode"], "Immediate");
}

#[test]
fn webhooks_get_policies_selectors_and_port() {
    let w = defaulted(
        "admissionregistration.k8s.io/v1",
        json!({"kind": "MutatingWebhookConfiguration", "webhooks": [{"name": "w.example.com",
            "clientConfig": {"service": {"name": "s", "namespace": "n"}}, "rules": [{"operations": ["CREATE"]}]}]}),
    );
    let hook = &w["webhooks"][0];
    assert_eq!(hook["failurePolicy"], "Fail");
    assert_eq!(hook["matchPolicy"], "Equivalent");
    assert_eq!(hook["namespaceSelector"], json!({}));
    assert_eq!(hook["timeoutSeconds"], 10);
    assert_eq!(hook["reinvocationPolicy"], "Never");
    assert_eq!(hook["rules"][0]["scope"], "*");
    assert_eq!(hook["clientConfig"]["service"]["port"], 443);
}

#[test]
fn container_limit_ranges_derive_defaults_from_max_and_min() {
    let l = defaulted(
        "v1",
        json!({"kind": "LimitRange", "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "64Mi"}}]}}),
    );
    let item = &l["spec"]["limits"][0];
    assert_eq!(item["default"], json!({"cpu": "2"}));
    assert_eq!(
        item["defaultRequest"],
        json!({"cpu": "2", "memory": "64Mi"})
    );
}
