use jiff::Timestamp;
use serde_json::{Value, json};

use super::*;

fn now() -> Timestamp {
    "2026-01-01T12:00:00Z".parse().unwrap()
}

fn built(group: &str, kind: &str, objects: &[Value]) -> Value {
    table(
        &TableSpec::Builtin { group, kind },
        objects,
        IncludeObject::Metadata,
        &TableMeta {
            resource_version: "42".into(),
            ..TableMeta::default()
        },
        now(),
    )
}

fn headers(t: &Value) -> Vec<(String, i64)> {
    t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["priority"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn names(t: &Value) -> Vec<String> {
    headers(t).into_iter().map(|(n, _)| n).collect()
}

#[test]
fn human_duration_matches_apimachinery_at_every_boundary() {
    let cases = [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (5, "5s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60 + 59, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 4 * 60, "3h4m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (5 * 86400 + 3 * 3600, "5d3h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (740 * 86400, "2y10d"),
        (8 * 365 * 86400, "8y"),
    ];
    for (secs, want) in cases {
        assert_eq!(human_duration(secs), want, "{secs}s");
    }
}

#[test]
fn deployment_tables_have_kubectls_columns_and_cells() {
    let d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2026-01-01T11:55:00Z", "resourceVersion": "7"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "side", "image": "busybox"}]}}},
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    });
    let t = built("apps", "Deployment", &[d]);
    assert_eq!(t["kind"], "Table");
    assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
    assert_eq!(t["metadata"], json!({"resourceVersion": "42"}));
    assert_eq!(
        headers(&t),
        [
            ("Name", 0),
            ("Ready", 0),
            ("Up-to-date", 0),
            ("Available", 0),
            ("Age", 0),
            ("Containers", 1),
            ("Images", 1),
            ("Selector", 1)
        ]
        .map(|(n, p)| (n.to_owned(), p))
    );
    assert_eq!(t["columnDefinitions"][0]["format"], "name");
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "web",
            "2/3",
            3,
            2,
            "5m",
            "nginx,side",
            "nginx:1.27,busybox",
            "app=web"
        ])
    );
    assert_eq!(
        t["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
            "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2026-01-01T11:55:00Z", "resourceVersion": "7"}})
    );
}

#[test]
fn include_object_controls_the_row_object() {
    let cm = json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}});
    let spec = TableSpec::Builtin {
        group: "",
        kind: "ConfigMap",
    };
    let full = table(
        &spec,
        std::slice::from_ref(&cm),
        IncludeObject::Object,
        &TableMeta::default(),
        now(),
    );
    assert_eq!(full["rows"][0]["object"], cm);
    let none = table(
        &spec,
        std::slice::from_ref(&cm),
        IncludeObject::from_query(Some("None")),
        &TableMeta::default(),
        now(),
    );
    assert!(none["rows"][0].get("object").is_none());
    assert_eq!(none["rows"][0]["cells"], json!(["c", 2, "<unknown>"]));
    assert_eq!(none["metadata"], json!({}));
}

#[test]
fn no_headers_leaves_out_column_definitions() {
    let meta = TableMeta {
        no_headers: true,
        continue_token: "abc".into(),
        ..TableMeta::default()
    };
    let t = table(
        &TableSpec::Builtin {
            group: "",
            kind: "Namespace",
        },
        &[],
        IncludeObject::Metadata,
        &meta,
        now(),
    );
    assert!(t.get("columnDefinitions").is_none());
    assert_eq!(t["rows"], json!([]));
    assert_eq!(t["metadata"], json!({"continue": "abc"}));
}

#[test]
fn running_pods_show_ready_containers_and_restart_age() {
    let pod = json!({
        "metadata": {"name": "web-1", "creationTimestamp": "2026-01-01T10:00:00Z"},
        "spec": {"nodeName": "sandbox", "containers": [{"name": "a"}, {"name": "b"}]},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.244.0.5"}], "containerStatuses": [
            {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
             "lastState": {"terminated": {"finishedAt": "2026-01-01T11:59:00Z"}}},
            {"name": "b", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
        ]}
    });
    let t = built("", "Pod", &[pod]);
    assert_eq!(
        names(&t),
        [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates"
        ]
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "web-1",
            "1/2",
            "CrashLoopBackOff",
            "2 (60s ago)",
            "120m",
            "10.244.0.5",
            "sandbox",
            "<none>",
            "<none>"
        ])
    );
}

#[test]
fn pending_pods_in_init_show_init_progress() {
    let pod = json!({
        "metadata": {"name": "p"},
        "spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "a"}]},
        "status": {"phase": "Pending", "initContainerStatuses": [
            {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
            {"name": "i2", "state": {"running": {}}}
        ]}
    });
    let t = built("", "Pod", &[pod]);
    assert_eq!(t["rows"][0]["cells"][1], "0/1");
    assert_eq!(t["rows"][0]["cells"][2], "Init:1/2");
}

#[test]
fn succeeded_pods_carry_a_completed_row_condition() {
    let pod = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}});
    let t = built("", "Pod", &[pod]);
    assert_eq!(t["rows"][0]["cells"][2], "Completed");
    assert_eq!(t["rows"][0]["conditions"][0]["reason"], "Succeeded");
}

#[test]
fn services_print_ports_with_node_ports_and_selector() {
    let svc = json!({"metadata": {"name": "web"}, "spec": {
        "type": "NodePort", "clusterIPs": ["10.96.0.10"], "selector": {"tier": "a", "app": "web"},
        "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}});
    let t = built("", "Service", &[svc]);
    assert_eq!(
        names(&t),
        [
            "Name",
            "Type",
            "Cluster-IP",
            "External-IP",
            "Port(s)",
            "Age",
            "Selector"
        ]
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "web",
            "NodePort",
            "10.96.0.10",
            "<none>",
            "80:30080/TCP,53/UDP",
            "<unknown>",
            "app=web,tier=a"
        ])
    );
    let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.0.11"]}});
    assert_eq!(
        built("", "Service", &[lb])["rows"][0]["cells"][3],
        "<pending>"
    );
}

#[test]
fn secrets_and_namespaces_print_type_data_and_phase() {
    let s = json!({"metadata": {"name": "s"}, "type": "Opaque", "data": {"a": "eA=="}});
    assert_eq!(
        built("", "Secret", &[s])["rows"][0]["cells"],
        json!(["s", "Opaque", 1, "<unknown>"])
    );
    let n = json!({"metadata": {"name": "default"}, "status": {"phase": "Active"}});
    let t = built("", "Namespace", &[n]);
    assert_eq!(names(&t), ["Name", "Status", "Age"]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["default", "Active", "<unknown>"])
    );
}

#[test]
fn jobs_print_status_completions_and_duration() {
    let j = json!({"metadata": {"name": "pi"}, "spec": {"completions": 1, "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u"}}},
        "status": {"succeeded": 1, "startTime": "2026-01-01T11:00:00Z", "completionTime": "2026-01-01T11:00:42Z",
            "conditions": [{"type": "Complete", "status": "True"}]}});
    let t = built("batch", "Job", &[j]);
    assert_eq!(
        names(&t),
        [
            "Name",
            "Status",
            "Completions",
            "Duration",
            "Age",
            "Containers",
            "Images",
            "Selector"
        ]
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "pi",
            "Complete",
            "1/1",
            "42s",
            "<unknown>",
            "",
            "",
            "batch.kubernetes.io/controller-uid=u"
        ])
    );
}

#[test]
fn cron_jobs_print_schedule_timezone_and_suspend() {
    let c =
        json!({"metadata": {"name": "c"}, "spec": {"schedule": "*/5 * * * *", "suspend": false}});
    let t = built("batch", "CronJob", &[c]);
    assert_eq!(
        &names(&t)[..7],
        [
            "Name",
            "Schedule",
            "Timezone",
            "Suspend",
            "Active",
            "Last Schedule",
            "Age"
        ]
    );
    assert_eq!(
        &t["rows"][0]["cells"].as_array().unwrap()[..6],
        &[
            json!("c"),
            json!("*/5 * * * *"),
            json!("<none>"),
            json!("False"),
            json!(0),
            json!("<none>")
        ]
    );
}

#[test]
fn kinds_without_printers_get_name_and_created_at() {
    let crd = json!({"metadata": {"name": "widgets.example.com", "creationTimestamp": "2026-01-01T10:00:00Z"}});
    let t = built("apiextensions.k8s.io", "CustomResourceDefinition", &[crd]);
    assert_eq!(names(&t), ["Name", "Created At"]);
    assert_eq!(t["columnDefinitions"][1]["type"], "date");
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["widgets.example.com", "2026-01-01T10:00:00Z"])
    );
}

#[test]
fn custom_resources_use_their_printer_columns() {
    let columns = json!([
        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
        {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "description": "Readiness"},
        {"name": "Missing", "type": "string", "jsonPath": ".status.nothing", "priority": 1},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    ]);
    let w = json!({"metadata": {"name": "w1", "creationTimestamp": "2026-01-01T11:59:30Z"}, "spec": {"replicas": 2},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
    let t = table(
        &TableSpec::Custom {
            printer_columns: &columns,
        },
        &[w],
        IncludeObject::Metadata,
        &TableMeta::default(),
        now(),
    );
    assert_eq!(
        headers(&t),
        [
            ("Name", 0),
            ("Replicas", 0),
            ("Ready", 0),
            ("Missing", 1),
            ("Age", 0)
        ]
        .map(|(n, p)| (n.to_owned(), p))
    );
    assert_eq!(
        t["columnDefinitions"][1]["description"],
        "Custom resource definition column (in JSONPath format): .spec.replicas"
    );
    assert_eq!(t["columnDefinitions"][2]["description"], "Readiness");
    assert_eq!(t["rows"][0]["cells"], json!(["w1", 2, "True", null, "30s"]));
}

#[test]
fn custom_resources_without_columns_get_age_only() {
    let w = json!({"metadata": {"name": "w1", "creationTimestamp": "2026-01-01T09:00:00Z"}});
    let t = table(
        &TableSpec::Custom {
            printer_columns: &Value::Null,
        },
        &[w],
        IncludeObject::Metadata,
        &TableMeta::default(),
        now(),
    );
    assert_eq!(names(&t), ["Name", "Age"]);
    assert_eq!(t["columnDefinitions"][1]["type"], "date");
    assert_eq!(t["rows"][0]["cells"], json!(["w1", "3h"]));
}

#[test]
fn role_bindings_list_subjects_by_kind() {
    let b = json!({"metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "sa", "namespace": "ns"}]});
    let t = built("rbac.authorization.k8s.io", "RoleBinding", &[b]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["b", "ClusterRole/view", "<unknown>", "alice", "", "ns/sa"])
    );
}

#[test]
fn hpas_print_reference_and_cpu_targets() {
    let h = json!({"metadata": {"name": "h"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 1, "maxReplicas": 5,
        "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]},
        "status": {"currentReplicas": 2}});
    let t = built("autoscaling", "HorizontalPodAutoscaler", &[h]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "h",
            "Deployment/web",
            "cpu: <unknown>/80%",
            "1",
            5,
            2,
            "<unknown>"
        ])
    );
}

#[test]
fn endpoints_show_three_addresses_then_more() {
    let e = json!({"metadata": {"name": "e"}, "subsets": [{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "10.0.0.3"}, {"ip": "10.0.0.4"}], "ports": [{"port": 80}]}]});
    assert_eq!(
        built("", "Endpoints", &[e])["rows"][0]["cells"][1],
        "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
    );
}

#[test]
fn pod_disruption_budgets_print_na_for_unset_bounds() {
    let p = json!({"metadata": {"name": "pdb"}, "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}});
    let t = built("policy", "PodDisruptionBudget", &[p]);
    assert_eq!(
        names(&t),
        [
            "Name",
            "Min Available",
            "Max Unavailable",
            "Allowed Disruptions",
            "Age"
        ]
    );
    assert_eq!(
        t["rows"][0]["cells"],
        json!(["pdb", "50%", "N/A", 1, "<unknown>"])
    );
}

#[test]
fn default_storage_classes_are_marked_in_the_name() {
    let s = json!({"metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer"});
    let t = built("storage.k8s.io", "StorageClass", &[s]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "standard (default)",
            "rancher.io/local-path",
            "Delete",
            "WaitForFirstConsumer",
            false,
            "<unknown>"
        ])
    );
}

#[test]
fn controller_revisions_name_their_controller() {
    let r = json!({"metadata": {"name": "db-5d4f", "ownerReferences": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "controller": true}]}, "revision": 2});
    assert_eq!(
        built("apps", "ControllerRevision", &[r])["rows"][0]["cells"],
        json!(["db-5d4f", "statefulset.apps/db", 2, "<unknown>"])
    );
}

#[test]
fn events_v1_print_like_core_events() {
    let e = json!({"metadata": {"name": "e1"}, "type": "Normal", "reason": "Scheduled", "note": "Assigned",
        "regarding": {"kind": "Pod", "name": "web-1"}, "reportingController": "default-scheduler",
        "eventTime": "2026-01-01T11:59:00.000000Z"});
    let t = built("events.k8s.io", "Event", &[e]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "60s",
            "Normal",
            "Scheduled",
            "pod/web-1",
            "",
            "default-scheduler",
            "Assigned",
            "60s",
            1,
            "e1"
        ])
    );
}

#[test]
fn resource_quotas_split_requests_and_limits() {
    let q = json!({"metadata": {"name": "q"}, "status": {
        "hard": {"requests.cpu": "2", "limits.memory": "4Gi", "pods": "10"},
        "used": {"requests.cpu": "500m", "pods": "3"}}});
    let t = built("", "ResourceQuota", &[q]);
    assert_eq!(names(&t), ["Name", "Request", "Limit", "Age"]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "q",
            "pods: 3/10, requests.cpu: 500m/2",
            "limits.memory: 0/4Gi",
            "<unknown>"
        ])
    );
}

#[test]
fn nodes_print_readiness_roles_and_unknown_versions() {
    let n = json!({"metadata": {"name": "sandbox", "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "edge"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.32.0"},
            "addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}});
    let t = built("", "Node", &[n]);
    assert_eq!(
        t["rows"][0]["cells"],
        json!([
            "sandbox",
            "Ready",
            "control-plane,edge",
            "<unknown>",
            "v1.32.0",
            "10.0.0.2",
            "<none>",
            "<unknown>",
            "<unknown>",
            "<unknown>"
        ])
    );
}

#[test]
fn hpas_list_two_metrics_then_more() {
    let h = json!({"metadata": {"name": "h"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 5,
        "metrics": [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1024Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "10"}}},
            {"type": "External", "external": {"metric": {"name": "q"}, "target": {"type": "Value", "value": "5"}}}
        ]},
        "status": {"currentMetrics": [{"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "512Mi"}}}]}});
    let t = built("autoscaling", "HorizontalPodAutoscaler", &[h]);
    assert_eq!(
        t["rows"][0]["cells"][2],
        "memory: 512Mi/1Gi, <unknown>/10 + 1 more..."
    );
}
