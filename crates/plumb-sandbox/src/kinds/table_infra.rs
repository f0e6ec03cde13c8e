//! Printers of policy, networking and storage infrastructure kinds: PodDisruptionBudgets,
//! NetworkPolicies, IngressClasses, EndpointSlices, ControllerRevisions, StorageClasses,
//! PersistentVolumes, PodTemplates, ResourceQuotas, PriorityClasses and admission webhook
//! configurations.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::selector::format_label_selector;
use super::table::{Column, Row, name, object_age};
use super::table_builtin::{Printer, PrinterFns, int, list, text};
use super::table_core::{format_labels, row};

pub(crate) fn infra_printer(group: &str, kind: &str) -> Option<Printer> {
    let (columns, row): PrinterFns = match (group, kind) {
        ("policy", "PodDisruptionBudget") => (pdb_columns, pdb_row),
        ("networking.k8s.io", "NetworkPolicy") => (network_policy_columns, network_policy_row),
        ("networking.k8s.io", "IngressClass") => (ingress_class_columns, ingress_class_row),
        ("discovery.k8s.io", "EndpointSlice") => (endpoint_slice_columns, endpoint_slice_row),
        ("apps", "ControllerRevision") => (revision_columns, revision_row),
        ("storage.k8s.io", "StorageClass") => (storage_class_columns, storage_class_row),
        ("", "PersistentVolume") => (pv_columns, pv_row),
        ("", "PodTemplate") => (pod_template_columns, pod_template_row),
        ("", "ResourceQuota") => (quota_columns, quota_row),
        ("scheduling.k8s.io", "PriorityClass") => (priority_class_columns, priority_class_row),
        (
            "admissionregistration.k8s.io",
            "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration",
        ) => (webhook_columns, webhook_row),
        _ => return None,
    };
    Some(Printer { columns, row })
}

/// An int-or-string as `IntOrString.String()` prints it, `N/A` when absent.
fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => "N/A".to_owned(),
    }
}

fn pdb_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Min Available",
            "string",
            "The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\".",
        ),
        Column::new(
            "Max Unavailable",
            "string",
            "The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. \"28%\".",
        ),
        Column::new(
            "Allowed Disruptions",
            "integer",
            "Number of pod disruptions that are currently allowed.",
        ),
        Column::age(),
    ]
}

fn pdb_row(p: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(p)),
        json!(int_or_string(p.pointer("/spec/minAvailable"))),
        json!(int_or_string(p.pointer("/spec/maxUnavailable"))),
        json!(int(p, "/status/disruptionsAllowed")),
        json!(object_age(p, now)),
    ])
}

fn network_policy_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Pod-Selector",
            "string",
            "Selects the pods to which this NetworkPolicy object applies.",
        ),
        Column::age(),
    ]
}

fn network_policy_row(n: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(n)),
        json!(format_label_selector(Some(
            n.pointer("/spec/podSelector").unwrap_or(&json!({}))
        ))),
        json!(object_age(n, now)),
    ])
}

fn ingress_class_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Controller",
            "string",
            "Controller that is responsible for handling this class.",
        ),
        Column::new(
            "Parameters",
            "string",
            "A reference to a resource with additional parameters.",
        ),
        Column::age(),
    ]
}

fn ingress_class_row(c: &Value, now: Timestamp) -> Row {
    let parameters = match c.pointer("/spec/parameters").filter(|p| !p.is_null()) {
        None => "<none>".to_owned(),
        Some(p) => {
            let mut s = text(p, "/kind").to_owned();
            if let Some(g) = p.get("apiGroup").and_then(Value::as_str) {
                s = format!("{s}.{g}");
            }
            format!("{s}/{}", text(p, "/name"))
        }
    };
    row(vec![
        json!(name(c)),
        json!(text(c, "/spec/controller")),
        json!(parameters),
        json!(object_age(c, now)),
    ])
}

fn endpoint_slice_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "AddressType",
            "string",
            "Type of address carried by this EndpointSlice",
        ),
        Column::new("Ports", "string", "Ports in the EndpointSlice"),
        Column::new("Endpoints", "string", "Endpoints in the EndpointSlice"),
        Column::age(),
    ]
}

/// `listWithMoreString`: the first three, `+ N more...`, `<unset>` when empty.
fn list_with_more(items: Vec<String>) -> String {
    let total = items.len();
    let shown = items.into_iter().take(3).collect::<Vec<_>>().join(",");
    if total > 3 {
        format!("{shown} + {} more...", total - 3)
    } else if shown.is_empty() {
        "<unset>".to_owned()
    } else {
        shown
    }
}

fn endpoint_slice_row(e: &Value, now: Timestamp) -> Row {
    let ports = list(e, "/ports")
        .iter()
        .map(|p| match p.get("port").and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None => p
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("*")
                .to_owned(),
        })
        .collect();
    let endpoints = list(e, "/endpoints")
        .iter()
        .flat_map(|ep| list(ep, "/addresses"))
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    row(vec![
        json!(name(e)),
        json!(text(e, "/addressType")),
        json!(list_with_more(ports)),
        json!(list_with_more(endpoints)),
        json!(object_age(e, now)),
    ])
}

fn revision_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Controller", "string", "Controller of the object"),
        Column::new(
            "Revision",
            "string",
            "Revision indicates the revision of the state represented by Data.",
        ),
        Column::age(),
    ]
}

fn revision_row(r: &Value, now: Timestamp) -> Row {
    let controller = list(r, "/metadata/ownerReferences")
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .map_or("<none>".to_owned(), |o| {
            let group = text(o, "/apiVersion")
                .rsplit_once('/')
                .map_or("", |(g, _)| g);
            let kind = text(o, "/kind").to_lowercase();
            let qualified = if group.is_empty() {
                kind
            } else {
                format!("{kind}.{group}")
            };
            format!("{qualified}/{}", text(o, "/name"))
        });
    row(vec![
        json!(name(r)),
        json!(controller),
        json!(int(r, "/revision")),
        json!(object_age(r, now)),
    ])
}

fn storage_class_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Provisioner",
            "string",
            "provisioner indicates the type of the provisioner.",
        ),
        Column::new(
            "ReclaimPolicy",
            "string",
            "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.",
        ),
        Column::new(
            "VolumeBindingMode",
            "string",
            "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.",
        ),
        Column::new(
            "AllowVolumeExpansion",
            "string",
            "allowVolumeExpansion shows whether the storage class allow volume expand.",
        ),
        Column::age(),
    ]
}

fn storage_class_row(s: &Value, now: Timestamp) -> Row {
    let is_default = [
        "storageclass.kubernetes.io~1is-default-class",
        "storageclass.beta.kubernetes.io~1is-default-class",
    ]
    .iter()
    .any(|a| text(s, &format!("/metadata/annotations/{a}")) == "true");
    let shown_name = if is_default {
        format!("{} (default)", name(s))
    } else {
        name(s).to_owned()
    };
    let or = |p: &str, d: &str| match text(s, p) {
        "" => d.to_owned(),
        v => v.to_owned(),
    };
    row(vec![
        json!(shown_name),
        json!(text(s, "/provisioner")),
        json!(or("/reclaimPolicy", "Delete")),
        json!(or("/volumeBindingMode", "Immediate")),
        json!(
            s.get("allowVolumeExpansion")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
        json!(object_age(s, now)),
    ])
}

fn pv_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
        Column::new("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
        Column::new("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
        Column::new("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        Column::new("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
        Column::new("StorageClass", "string", "storageClassName is the name of StorageClass to which this persistent volume belongs."),
        Column::new("VolumeAttributesClass", "string", "Name of VolumeAttributesClass to which this persistent volume belongs."),
        Column::new("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
        Column::age(),
        Column::new("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.").wide(),
    ]
}

fn pv_row(p: &Value, now: Timestamp) -> Row {
    let claim = match p.pointer("/spec/claimRef").filter(|c| !c.is_null()) {
        Some(c) => format!("{}/{}", text(c, "/namespace"), text(c, "/name")),
        None => String::new(),
    };
    let modes: Vec<&str> = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(m, _)| {
        list(p, "/spec/accessModes")
            .iter()
            .any(|v| v.as_str() == Some(*m))
    })
    .map(|(_, s)| *s)
    .collect();
    let deleting = p
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let phase = if deleting {
        "Terminating"
    } else {
        text(p, "/status/phase")
    };
    let capacity = match text(p, "/spec/capacity/storage") {
        "" => "0",
        c => c,
    };
    let class = match text(
        p,
        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
    ) {
        "" => text(p, "/spec/storageClassName"),
        c => c,
    };
    let unset = |v: &str| {
        if v.is_empty() {
            "<unset>".to_owned()
        } else {
            v.to_owned()
        }
    };
    row(vec![
        json!(name(p)),
        json!(capacity),
        json!(modes.join(",")),
        json!(text(p, "/spec/persistentVolumeReclaimPolicy")),
        json!(phase),
        json!(claim),
        json!(class),
        json!(unset(text(p, "/spec/volumeAttributesClassName"))),
        json!(text(p, "/status/reason")),
        json!(object_age(p, now)),
        json!(unset(text(p, "/spec/volumeMode"))),
    ])
}

fn pod_template_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Containers",
            "string",
            "Names of each container in the template.",
        ),
        Column::new(
            "Images",
            "string",
            "Images referenced by each container in the template.",
        ),
        Column::new("Pod Labels", "string", "The labels for the pod template."),
    ]
}

fn pod_template_row(t: &Value, _now: Timestamp) -> Row {
    let cs = list(t, "/template/spec/containers");
    let names: Vec<&str> = cs.iter().map(|c| text(c, "/name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| text(c, "/image")).collect();
    row(vec![
        json!(name(t)),
        json!(names.join(",")),
        json!(images.join(",")),
        json!(format_labels(t.pointer("/template/metadata/labels"))),
    ])
}

fn webhook_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Webhooks",
            "integer",
            "Webhooks indicates the number of webhooks included in the configuration.",
        ),
        Column::age(),
    ]
}

fn webhook_row(w: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(w)),
        json!(list(w, "/webhooks").len()),
        json!(object_age(w, now)),
    ])
}

fn quota_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Request",
            "string",
            "Request represents a minimum amount of cpu/memory that a container may consume.",
        ),
        Column::new(
            "Limit",
            "string",
            "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
        ),
        Column::age(),
    ]
}

/// `printResourceQuota`: `used/hard` per resource, `limits.*` in the Limit column.
fn quota_row(q: &Value, now: Timestamp) -> Row {
    let mut names: Vec<&String> = q
        .pointer("/status/hard")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys())
        .collect();
    names.sort();
    let (mut requests, mut limits) = (Vec::new(), Vec::new());
    for n in names {
        let quantity = |p: &str| match q.pointer(&format!(
            "/status/{p}/{}",
            n.replace('~', "~0").replace('/', "~1")
        )) {
            Some(Value::String(s)) => s.clone(),
            Some(v) if !v.is_null() => v.to_string(),
            _ => "0".to_owned(),
        };
        let entry = format!("{n}: {}/{}", quantity("used"), quantity("hard"));
        if n.split('.').count() > 1 && n.starts_with("limits.") {
            limits.push(entry);
        } else {
            requests.push(entry);
        }
    }
    row(vec![
        json!(name(q)),
        json!(requests.join(", ")),
        json!(limits.join(", ")),
        json!(object_age(q, now)),
    ])
}

fn priority_class_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Value",
            "integer",
            "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec.",
        ),
        Column::new(
            "Global-Default",
            "boolean",
            "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority.",
        ),
        Column::age(),
        Column::new(
            "PreemptionPolicy",
            "string",
            "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset.",
        ),
    ]
}

fn priority_class_row(p: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(p)),
        json!(int(p, "/value")),
        json!(
            p.get("globalDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
        json!(object_age(p, now)),
        json!(text(p, "/preemptionPolicy")),
    ])
}
