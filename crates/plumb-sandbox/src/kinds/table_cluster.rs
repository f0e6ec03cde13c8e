//! Printers of cluster-level and access kinds: Nodes, Events, Leases, HPAs, RBAC.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::table::{Column, Row, age, name, object_age};
use super::table_builtin::{Printer, PrinterFns, int, list, text};
use super::table_core::row;

pub(crate) fn cluster_printer(group: &str, kind: &str) -> Option<Printer> {
    let (columns, row): PrinterFns = match (group, kind) {
        ("", "Event") => (event_columns, event_row),
        ("events.k8s.io", "Event") => (event_columns, events_v1_row),
        ("", "Node") => (node_columns, node_row),
        ("autoscaling", "HorizontalPodAutoscaler") => (hpa_columns, hpa_row),
        ("coordination.k8s.io", "Lease") => (lease_columns, lease_row),
        ("rbac.authorization.k8s.io", "Role" | "ClusterRole") => (role_columns, role_row),
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            (binding_columns, binding_row)
        }
        _ => return super::table_infra::infra_printer(group, kind),
    };
    Some(Printer { columns, row })
}

/// An `events.k8s.io/v1` Event printed as the core Event it converts to.
fn events_v1_row(e: &Value, now: Timestamp) -> Row {
    let mut core = e.clone();
    if let Some(m) = core.as_object_mut() {
        for (from, to) in [
            ("regarding", "involvedObject"),
            ("note", "message"),
            ("reportingController", "reportingComponent"),
            ("deprecatedSource", "source"),
            ("deprecatedFirstTimestamp", "firstTimestamp"),
            ("deprecatedLastTimestamp", "lastTimestamp"),
            ("deprecatedCount", "count"),
        ] {
            if let Some(v) = m.remove(from) {
                m.insert(to.to_owned(), v);
            }
        }
    }
    event_row(&core, now)
}

fn hpa_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Reference",
            "string",
            "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
        ),
        Column::new(
            "Targets",
            "string",
            "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).",
        ),
        Column::new(
            "MinPods",
            "string",
            "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.",
        ),
        Column::new(
            "MaxPods",
            "string",
            "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
        ),
        Column::new(
            "Replicas",
            "string",
            "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
        ),
        Column::age(),
    ]
}

/// `formatHPAMetrics`: `cpu: 50%/80%` per metric, the first two then `+ N more...`.
fn hpa_targets(h: &Value) -> String {
    let specs = list(h, "/spec/metrics");
    if specs.is_empty() {
        return match h
            .pointer("/spec/targetCPUUtilizationPercentage")
            .and_then(Value::as_i64)
        {
            Some(t) => {
                let cur = h
                    .pointer("/status/currentCPUUtilizationPercentage")
                    .and_then(Value::as_i64)
                    .map_or("<unknown>".to_owned(), |c| format!("{c}%"));
                format!("cpu: {cur}/{t}%")
            }
            None => "<none>".to_owned(),
        };
    }
    let statuses = list(h, "/status/currentMetrics");
    let entries: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| hpa_metric(spec, statuses.get(i)))
        .collect();
    if entries.len() > 2 {
        format!(
            "{} + {} more...",
            entries[..2].join(", "),
            entries.len() - 2
        )
    } else {
        entries.join(", ")
    }
}

/// A quantity as `Quantity.String()` prints it, `0` when absent.
fn quantity_text(v: Option<&Value>) -> String {
    let text = match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return "0".to_owned(),
    };
    super::quantity::Quantity::parse(&text).map_or(text, |q| q.canonical())
}

fn hpa_metric(spec: &Value, status: Option<&Value>) -> String {
    let current = |source: &str, field: &str| -> String {
        match status.and_then(|s| s.get(source)).filter(|s| !s.is_null()) {
            Some(s) => quantity_text(s.pointer(&format!("/current/{field}"))),
            None => "<unknown>".to_owned(),
        }
    };
    match text(spec, "/type") {
        ty @ ("Resource" | "ContainerResource") => {
            let key = if ty == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let src = spec.get(key).unwrap_or(&Value::Null);
            let metric = text(src, "/name");
            if let Some(avg) = src.pointer("/target/averageValue").filter(|v| !v.is_null()) {
                let cur = match status.and_then(|s| s.get(key)).filter(|s| !s.is_null()) {
                    Some(s) => quantity_text(s.pointer("/current/averageValue")),
                    None => "<unknown>".to_owned(),
                };
                format!("{metric}: {cur}/{}", quantity_text(Some(avg)))
            } else {
                let cur = status
                    .and_then(|s| s.pointer(&format!("/{key}/current/averageUtilization")))
                    .and_then(Value::as_i64)
                    .map_or("<unknown>".to_owned(), |c| format!("{c}%"));
                let target = src
                    .pointer("/target/averageUtilization")
                    .and_then(Value::as_i64)
                    .map_or("<auto>".to_owned(), |t| format!("{t}%"));
                format!("{metric}: {cur}/{target}")
            }
        }
        ty @ ("External" | "Object") => {
            let key = if ty == "External" {
                "external"
            } else {
                "object"
            };
            let target = spec
                .pointer(&format!("/{key}/target"))
                .unwrap_or(&Value::Null);
            match target.get("averageValue").filter(|v| !v.is_null()) {
                Some(avg) => format!(
                    "{}/{} (avg)",
                    current(key, "averageValue"),
                    quantity_text(Some(avg))
                ),
                None => format!(
                    "{}/{}",
                    current(key, "value"),
                    quantity_text(target.get("value"))
                ),
            }
        }
        "Pods" => format!(
            "{}/{}",
            current("pods", "averageValue"),
            quantity_text(spec.pointer("/pods/target/averageValue"))
        ),
        _ => "<unknown type>".to_owned(),
    }
}

fn hpa_row(h: &Value, now: Timestamp) -> Row {
    let min = h
        .pointer("/spec/minReplicas")
        .and_then(Value::as_i64)
        .map_or("<unset>".to_owned(), |m| m.to_string());
    row(vec![
        json!(name(h)),
        json!(format!(
            "{}/{}",
            text(h, "/spec/scaleTargetRef/kind"),
            text(h, "/spec/scaleTargetRef/name")
        )),
        json!(hpa_targets(h)),
        json!(min),
        json!(int(h, "/spec/maxReplicas")),
        json!(int(h, "/status/currentReplicas")),
        json!(object_age(h, now)),
    ])
}

fn lease_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Holder",
            "string",
            "holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.",
        ),
        Column::age(),
    ]
}

fn lease_row(l: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(l)),
        json!(text(l, "/spec/holderIdentity")),
        json!(object_age(l, now)),
    ])
}

fn role_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Created At",
            "date",
            super::table::CREATION_TIMESTAMP_DESCRIPTION,
        ),
    ]
}

fn role_row(r: &Value, _now: Timestamp) -> Row {
    let created = r
        .pointer("/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Timestamp>().ok())
        .map_or("0001-01-01T00:00:00Z".to_owned(), |t| {
            t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        });
    row(vec![json!(name(r)), json!(created)])
}

fn binding_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Role",
            "string",
            "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.",
        ),
        Column::age(),
        Column::new("Users", "string", "Users in the roleBinding").wide(),
        Column::new("Groups", "string", "Groups in the roleBinding").wide(),
        Column::new(
            "ServiceAccounts",
            "string",
            "ServiceAccounts in the roleBinding",
        )
        .wide(),
    ]
}

fn binding_row(b: &Value, now: Timestamp) -> Row {
    let subjects = list(b, "/subjects");
    let of_kind = |k: &str| {
        subjects
            .iter()
            .filter(|s| text(s, "/kind") == k)
            .map(|s| match k {
                "ServiceAccount" => format!("{}/{}", text(s, "/namespace"), text(s, "/name")),
                _ => text(s, "/name").to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    row(vec![
        json!(name(b)),
        json!(format!(
            "{}/{}",
            text(b, "/roleRef/kind"),
            text(b, "/roleRef/name")
        )),
        json!(object_age(b, now)),
        json!(of_kind("User")),
        json!(of_kind("Group")),
        json!(of_kind("ServiceAccount")),
    ])
}

fn event_columns() -> Vec<Column> {
    let mut name_col = Column::new("Name", "string", super::table::NAME_DESCRIPTION).wide();
    name_col.format = "name".to_owned();
    vec![
        Column::new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
        Column::new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
        Column::new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        Column::new("Object", "string", "The object that this event is about."),
        Column::new("Subobject", "string", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].").wide(),
        Column::new("Source", "string", "The component reporting this event. Should be a short machine understandable string.").wide(),
        Column::new("Message", "string", "A human-readable description of the status of this operation."),
        Column::new("First Seen", "string", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)").wide(),
        Column::new("Count", "string", "The number of times this event has occurred.").wide(),
        name_col,
    ]
}

fn event_row(e: &Value, now: Timestamp) -> Row {
    let set = |p: &str| {
        e.pointer(p)
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
    };
    let first = set("/firstTimestamp").or_else(|| set("/eventTime"));
    let first_seen = age(first, now);
    let mut last_seen = match set("/lastTimestamp") {
        Some(v) => age(Some(v), now),
        None => first_seen.clone(),
    };
    let mut n = int(e, "/count");
    if e.get("series").is_some_and(|s| !s.is_null()) {
        last_seen = age(e.pointer("/series/lastObservedTime"), now);
        n = int(e, "/series/count");
    } else if n == 0 {
        n = 1;
    }
    let kind = text(e, "/involvedObject/kind").to_lowercase();
    let target = match text(e, "/involvedObject/name") {
        "" => kind,
        obj_name => format!("{kind}/{obj_name}"),
    };
    // `formatEventSource`: each part falls back to the reporting controller and instance.
    let source = {
        let first = |a: &str, b: &str| {
            if a.is_empty() {
                text(e, b).to_owned()
            } else {
                a.to_owned()
            }
        };
        let component = first(text(e, "/source/component"), "/reportingComponent");
        let instance = first(text(e, "/source/host"), "/reportingInstance");
        if instance.is_empty() {
            component
        } else {
            format!("{component}, {instance}")
        }
    };
    row(vec![
        json!(last_seen),
        json!(text(e, "/type")),
        json!(text(e, "/reason")),
        json!(target),
        json!(text(e, "/involvedObject/fieldPath")),
        json!(source),
        json!(text(e, "/message").trim()),
        json!(first_seen),
        json!(n),
        json!(name(e)),
    ])
}

fn node_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Status", "string", "The status of the node"),
        Column::new("Roles", "string", "The roles of the node"),
        Column::age(),
        Column::new("Version", "string", "Kubelet Version reported by the node."),
        Column::new("Internal-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.").wide(),
        Column::new("External-IP", "string", "List of addresses reachable to the node. Queried from cloud provider, if available.").wide(),
        Column::new("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).").wide(),
        Column::new("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).").wide(),
        Column::new("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).").wide(),
    ]
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "<unknown>" } else { s }
}

fn node_row(n: &Value, now: Timestamp) -> Row {
    let mut status: Vec<String> = list(n, "/status/conditions")
        .iter()
        .filter(|c| text(c, "/type") == "Ready")
        .map(|c| {
            if text(c, "/status") == "True" {
                "Ready".to_owned()
            } else {
                "NotReady".to_owned()
            }
        })
        .collect();
    if status.is_empty() {
        status.push("Unknown".to_owned());
    }
    if n.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        status.push("SchedulingDisabled".to_owned());
    }
    let labels = n.pointer("/metadata/labels").and_then(Value::as_object);
    let mut roles: Vec<&str> = labels
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => Some(role),
            None if k == "kubernetes.io/role" => v.as_str(),
            None => None,
        })
        .filter(|r| !r.is_empty())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    let roles = if roles.is_empty() {
        "<none>".to_owned()
    } else {
        roles.join(",")
    };
    let addr = |ty: &str| {
        list(n, "/status/addresses")
            .iter()
            .find(|a| text(a, "/type") == ty)
            .map_or("<none>".to_owned(), |a| text(a, "/address").to_owned())
    };
    row(vec![
        json!(name(n)),
        json!(status.join(",")),
        json!(roles),
        json!(object_age(n, now)),
        json!(text(n, "/status/nodeInfo/kubeletVersion")),
        json!(addr("InternalIP")),
        json!(addr("ExternalIP")),
        json!(or_unknown(text(n, "/status/nodeInfo/osImage"))),
        json!(or_unknown(text(n, "/status/nodeInfo/kernelVersion"))),
        json!(or_unknown(text(
            n,
            "/status/nodeInfo/containerRuntimeVersion"
        ))),
    ])
}
