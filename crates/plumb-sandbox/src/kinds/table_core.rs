//! Printers of the core application kinds: Services, Endpoints, Ingresses, Namespaces,
//! ConfigMaps, Secrets, ServiceAccounts, PVCs. Cluster-level kinds are in
//! [`super::table_cluster`].

use jiff::Timestamp;
use serde_json::{Value, json};

use super::table::{Column, Row, name, object_age};
use super::table_builtin::{Printer, PrinterFns, int, list, text};

pub(crate) fn core_printer(group: &str, kind: &str) -> Option<Printer> {
    let (columns, row): PrinterFns = match (group, kind) {
        ("", "Service") => (service_columns, service_row),
        ("", "Namespace") => (namespace_columns, namespace_row),
        ("", "ConfigMap") => (config_map_columns, config_map_row),
        ("", "Secret") => (secret_columns, secret_row),
        ("", "ServiceAccount") => (service_account_columns, service_account_row),
        ("", "PersistentVolumeClaim") => (pvc_columns, pvc_row),
        ("", "Endpoints") => (endpoints_columns, endpoints_row),
        ("networking.k8s.io", "Ingress") => (ingress_columns, ingress_row),
        _ => return super::table_cluster::cluster_printer(group, kind),
    };
    Some(Printer { columns, row })
}

/// `labels.FormatLabels`: `a=b,c=d` sorted by key, `<none>` when empty.
pub(crate) fn format_labels(map: Option<&Value>) -> String {
    let Some(m) = map.and_then(Value::as_object).filter(|m| !m.is_empty()) else {
        return "<none>".to_owned();
    };
    let mut pairs: Vec<(&String, &str)> = m
        .iter()
        .map(|(k, v)| (k, v.as_str().unwrap_or("")))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn row(cells: Vec<Value>) -> Row {
    Row {
        cells,
        conditions: Vec::new(),
    }
}

fn service_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Type",
            "string",
            "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer.",
        ),
        Column::new(
            "Cluster-IP",
            "string",
            "clusterIP is the IP address of the service and is usually assigned randomly.",
        ),
        Column::new(
            "External-IP",
            "string",
            "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
        ),
        Column::new(
            "Port(s)",
            "string",
            "The list of ports that are exposed by this service.",
        ),
        Column::age(),
        Column::new(
            "Selector",
            "string",
            "Route service traffic to pods with label keys and values matching this selector.",
        )
        .wide(),
    ]
}

/// IPs (or hostnames) of load-balancer ingress points, sorted.
fn load_balancer_ips(status: &Value) -> String {
    let mut ips: Vec<&str> = list(status, "/loadBalancer/ingress")
        .iter()
        .filter_map(|i| {
            let ip = text(i, "/ip");
            let host = text(i, "/hostname");
            if !ip.is_empty() {
                Some(ip)
            } else if !host.is_empty() {
                Some(host)
            } else {
                None
            }
        })
        .collect();
    // A `sets.String`: sorted and deduplicated; the server renders wide, so never clipped.
    ips.sort_unstable();
    ips.dedup();
    ips.join(",")
}

fn service_row(s: &Value, now: Timestamp) -> Row {
    let ty = text(s, "/spec/type");
    let cluster_ip = list(s, "/spec/clusterIPs")
        .first()
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let external: Vec<&str> = list(s, "/spec/externalIPs")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external_ip = match ty {
        "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "ClusterIP" | "NodePort" => "<none>".to_owned(),
        "LoadBalancer" => {
            let lb = load_balancer_ips(s.get("status").unwrap_or(&Value::Null));
            let mut all: Vec<&str> = lb.split(',').filter(|x| !x.is_empty()).collect();
            all.extend(external.iter());
            if all.is_empty() {
                "<pending>".to_owned()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => text(s, "/spec/externalName").to_owned(),
        _ => "<unknown>".to_owned(),
    };
    let ports: Vec<String> = list(s, "/spec/ports")
        .iter()
        .map(|p| {
            let proto = text(p, "/protocol");
            match int(p, "/nodePort") {
                np if np > 0 => format!("{}:{np}/{proto}", int(p, "/port")),
                _ => format!("{}/{proto}", int(p, "/port")),
            }
        })
        .collect();
    let ports = if ports.is_empty() {
        "<none>".to_owned()
    } else {
        ports.join(",")
    };
    row(vec![
        json!(name(s)),
        json!(ty),
        json!(cluster_ip),
        json!(external_ip),
        json!(ports),
        json!(object_age(s, now)),
        json!(format_labels(s.pointer("/spec/selector"))),
    ])
}

fn namespace_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Status", "string", "The status of the namespace"),
        Column::age(),
    ]
}

fn namespace_row(n: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(n)),
        json!(text(n, "/status/phase")),
        json!(object_age(n, now)),
    ])
}

fn config_map_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Data",
            "string",
            "Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.",
        ),
        Column::age(),
    ]
}

fn count(v: &Value, k: &str) -> usize {
    v.get(k).and_then(Value::as_object).map_or(0, |m| m.len())
}

fn config_map_row(c: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(c)),
        json!(count(c, "data") + count(c, "binaryData")),
        json!(object_age(c, now)),
    ])
}

fn secret_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Type",
            "string",
            "Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
        ),
        Column::new(
            "Data",
            "string",
            "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4",
        ),
        Column::age(),
    ]
}

fn secret_row(s: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(s)),
        json!(text(s, "/type")),
        json!(count(s, "data")),
        json!(object_age(s, now)),
    ])
}

fn service_account_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Secrets",
            "string",
            "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
        ),
        Column::age(),
    ]
}

fn service_account_row(s: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(s)),
        json!(list(s, "/secrets").len()),
        json!(object_age(s, now)),
    ])
}

fn pvc_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
        Column::new("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        Column::new("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
        Column::new("Access Modes", "string", "accessModes contains the desired access modes the volume should have."),
        Column::new("StorageClass", "string", "storageClassName is the name of the StorageClass required by the claim."),
        Column::new("VolumeAttributesClass", "string", "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
        Column::age(),
        Column::new("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.").wide(),
    ]
}

fn access_modes(modes: &[Value]) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if modes.iter().any(|m| m.as_str() == Some(mode)) {
            out.push(short);
        }
    }
    out.join(",")
}

fn pvc_row(p: &Value, now: Timestamp) -> Row {
    let deleting = p
        .pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null());
    let phase = if deleting {
        "Terminating"
    } else {
        text(p, "/status/phase")
    };
    let volume = text(p, "/spec/volumeName");
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            text(p, "/status/capacity/storage").to_owned(),
            access_modes(list(p, "/status/accessModes")),
        )
    };
    let class = match text(
        p,
        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
    ) {
        "" => text(p, "/spec/storageClassName"),
        c => c,
    };
    let unset = |s: &str| {
        if s.is_empty() {
            "<unset>".to_owned()
        } else {
            s.to_owned()
        }
    };
    row(vec![
        json!(name(p)),
        json!(phase),
        json!(volume),
        json!(capacity),
        json!(modes),
        json!(class),
        json!(unset(text(p, "/spec/volumeAttributesClassName"))),
        json!(object_age(p, now)),
        json!(unset(text(p, "/spec/volumeMode"))),
    ])
}

fn ingress_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new(
            "Class",
            "string",
            "The name of the IngressClass resource to use.",
        ),
        Column::new(
            "Hosts",
            "string",
            "Hosts that incoming requests are matched against before the ingress rule",
        ),
        Column::new(
            "Address",
            "string",
            "Address is a list containing ingress points for the load-balancer",
        ),
        Column::new("Ports", "string", "Ports of TLS configurations that open"),
        Column::age(),
    ]
}

fn ingress_row(i: &Value, now: Timestamp) -> Row {
    let class = i
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let rules = list(i, "/spec/rules");
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for r in rules {
        if hosts.len() == 3 {
            more = true;
        }
        let h = text(r, "/host");
        if !more && !h.is_empty() {
            hosts.push(h);
        }
    }
    let hosts = match (hosts.is_empty(), more) {
        (true, _) => "*".to_owned(),
        (false, true) => format!("{} + {} more...", hosts.join(","), rules.len() - 3),
        (false, false) => hosts.join(","),
    };
    let ports = if list(i, "/spec/tls").is_empty() {
        "80"
    } else {
        "80, 443"
    };
    row(vec![
        json!(name(i)),
        json!(class),
        json!(hosts),
        json!(load_balancer_ips(i.get("status").unwrap_or(&Value::Null))),
        json!(ports),
        json!(object_age(i, now)),
    ])
}

fn endpoints_columns() -> Vec<Column> {
    vec![
        Column::name_column(),
        Column::new("Endpoints", "string", "Endpoints of the service"),
        Column::age(),
    ]
}

/// `formatEndpoints`: up to three `ip:port`, then `+ N more...`.
fn format_endpoints(e: &Value) -> String {
    let subsets = list(e, "/subsets");
    if subsets.is_empty() {
        return "<none>".to_owned();
    }
    let mut out: Vec<String> = Vec::new();
    let mut more = false;
    let mut total = 0;
    for ss in subsets {
        let addrs = list(ss, "/addresses");
        let ports = list(ss, "/ports");
        if ports.is_empty() {
            total += addrs.len();
            for a in addrs {
                if out.len() == 3 {
                    more = true;
                    break;
                }
                out.push(text(a, "/ip").to_owned());
            }
            continue;
        }
        for p in ports {
            total += addrs.len();
            for a in addrs {
                if out.len() == 3 {
                    more = true;
                    break;
                }
                let ip = text(a, "/ip");
                let port = int(p, "/port");
                out.push(if ip.contains(':') {
                    format!("[{ip}]:{port}")
                } else {
                    format!("{ip}:{port}")
                });
            }
        }
    }
    let joined = out.join(",");
    if more {
        format!("{joined} + {} more...", total - 3)
    } else {
        joined
    }
}

fn endpoints_row(e: &Value, now: Timestamp) -> Row {
    row(vec![
        json!(name(e)),
        json!(format_endpoints(e)),
        json!(object_age(e, now)),
    ])
}
