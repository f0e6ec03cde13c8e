//! Validation of pod specs, pod templates and the workload kinds that own them
//! (`pkg/apis/core/validation`, `pkg/apis/apps/validation`, `pkg/apis/batch/validation`).

use serde_json::{Map, Value};

use super::field::{FieldError, FieldValue, child, index, key};
use super::names;
use super::quantity::Quantity;
use super::selector::LabelSelector;
use super::validate::{int_at, push_invalid, str_at, validate_labels};
use super::validate_core::{validate_port_num_or_name, validate_protocol};
use super::validate_volume::validate_volume_source;

const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

fn array<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `ValidatePodSpec` (the checks users hit): containers, volumes and their mounts, ports,
/// env names, pull, restart and DNS policies.
/// `claim_volumes` are names that mounts may also refer to (a StatefulSet's
/// `volumeClaimTemplates`).
pub fn validate_pod_spec(
    spec: &Value,
    path: &str,
    claim_volumes: &[&str],
    errs: &mut Vec<FieldError>,
) {
    let mut volumes: Vec<&str> = Vec::new();
    for (i, v) in array(spec, "volumes").iter().enumerate() {
        let name_path = child(&index(&child(path, "volumes"), i), "name");
        let name = str_at(v, &["name"]);
        if name.is_empty() {
            errs.push(FieldError::required(&name_path, ""));
        } else {
            push_invalid(errs, &name_path, name, names::dns1123_label(name));
        }
        if volumes.contains(&name) {
            errs.push(FieldError::duplicate(
                &name_path,
                FieldValue::Str(name.to_owned()),
            ));
        }
        volumes.push(name);
        validate_volume_source(v, &index(&child(path, "volumes"), i), errs);
    }
    volumes.extend_from_slice(claim_volumes);
    let mut all_names: Vec<&str> = Vec::new();
    for list in CONTAINER_LISTS {
        let containers = array(spec, list);
        let list_path = child(path, list);
        if list == "containers" && containers.is_empty() {
            errs.push(FieldError::required(&list_path, ""));
        }
        for (i, c) in containers.iter().enumerate() {
            validate_container(c, &index(&list_path, i), &volumes, &mut all_names, errs);
        }
    }
    let restart = str_at(spec, &["restartPolicy"]);
    match restart {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(FieldError::required(child(path, "restartPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            child(path, "restartPolicy"),
            FieldValue::Str(other.to_owned()),
            &["Always", "OnFailure", "Never"],
        )),
    }
    let dns = str_at(spec, &["dnsPolicy"]);
    match dns {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(FieldError::required(child(path, "dnsPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            child(path, "dnsPolicy"),
            FieldValue::Str(other.to_owned()),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    if let Some(g) = int_at(spec, "terminationGracePeriodSeconds").filter(|g| *g < 0) {
        errs.push(FieldError::invalid(
            child(path, "terminationGracePeriodSeconds"),
            FieldValue::Int(g),
            "must be greater than or equal to 0",
        ));
    }
}

fn validate_container<'a>(
    c: &'a Value,
    path: &str,
    volumes: &[&str],
    all_names: &mut Vec<&'a str>,
    errs: &mut Vec<FieldError>,
) {
    let name = str_at(c, &["name"]);
    let name_path = child(path, "name");
    if name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else {
        push_invalid(errs, &name_path, name, names::dns1123_label(name));
    }
    if all_names.contains(&name) {
        errs.push(FieldError::duplicate(
            &name_path,
            FieldValue::Str(name.to_owned()),
        ));
    } else {
        all_names.push(name);
    }
    let image = str_at(c, &["image"]);
    if image.is_empty() {
        errs.push(FieldError::required(child(path, "image"), ""));
    } else if image != image.trim() {
        errs.push(FieldError::invalid(
            child(path, "image"),
            FieldValue::Str(image.to_owned()),
            "must not have leading or trailing whitespace",
        ));
    }
    let mut port_names: Vec<&str> = Vec::new();
    for (i, p) in array(c, "ports").iter().enumerate() {
        let pp = index(&child(path, "ports"), i);
        let pname = str_at(p, &["name"]);
        if !pname.is_empty() {
            let msgs = names::port_name(pname);
            if !msgs.is_empty() {
                push_invalid(errs, &child(&pp, "name"), pname, msgs);
            } else if port_names.contains(&pname) {
                errs.push(FieldError::duplicate(
                    child(&pp, "name"),
                    FieldValue::Str(pname.to_owned()),
                ));
            } else {
                port_names.push(pname);
            }
        }
        match int_at(p, "containerPort").unwrap_or(0) {
            0 => errs.push(FieldError::required(child(&pp, "containerPort"), "")),
            n => {
                for m in names::port_number(n) {
                    errs.push(FieldError::invalid(
                        child(&pp, "containerPort"),
                        FieldValue::Int(n),
                        m,
                    ));
                }
            }
        }
        if let Some(hp) = int_at(p, "hostPort").filter(|h| *h != 0) {
            for m in names::port_number(hp) {
                errs.push(FieldError::invalid(
                    child(&pp, "hostPort"),
                    FieldValue::Int(hp),
                    m,
                ));
            }
        }
        validate_protocol(p, &child(&pp, "protocol"), errs);
    }
    for (i, e) in array(c, "env").iter().enumerate() {
        let np = child(&index(&child(path, "env"), i), "name");
        let ename = str_at(e, &["name"]);
        if ename.is_empty() {
            errs.push(FieldError::required(&np, ""));
        } else {
            push_invalid(errs, &np, ename, names::env_var_name(ename));
        }
    }
    let mut mount_paths: Vec<&str> = Vec::new();
    for (i, m) in array(c, "volumeMounts").iter().enumerate() {
        let mp = index(&child(path, "volumeMounts"), i);
        let vname = str_at(m, &["name"]);
        if vname.is_empty() {
            errs.push(FieldError::required(child(&mp, "name"), ""));
        } else if !volumes.contains(&vname) {
            errs.push(FieldError::new(
                super::field::ErrorType::NotFound,
                child(&mp, "name"),
                FieldValue::Str(vname.to_owned()),
                "",
            ));
        }
        let mount_path = str_at(m, &["mountPath"]);
        if mount_path.is_empty() {
            errs.push(FieldError::required(child(&mp, "mountPath"), ""));
        } else if mount_paths.contains(&mount_path) {
            errs.push(FieldError::invalid(
                child(&mp, "mountPath"),
                FieldValue::Str(mount_path.to_owned()),
                "must be unique",
            ));
        }
        mount_paths.push(mount_path);
    }
    for (probe, liveness_like) in [
        ("livenessProbe", true),
        ("readinessProbe", false),
        ("startupProbe", true),
    ] {
        if let Some(p) = c.get(probe).filter(|p| !p.is_null()) {
            validate_probe(p, &child(path, probe), liveness_like, errs);
        }
    }
    validate_resources(c, &child(path, "resources"), errs);
    let pull = str_at(c, &["imagePullPolicy"]);
    match pull {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(FieldError::required(child(path, "imagePullPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            child(path, "imagePullPolicy"),
            FieldValue::Str(other.to_owned()),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
}

/// A probe has exactly one handler; liveness and startup probes need `successThreshold: 1`.
fn validate_probe(p: &Value, path: &str, liveness_like: bool, errs: &mut Vec<FieldError>) {
    let handlers: Vec<&str> = ["exec", "httpGet", "tcpSocket", "grpc"]
        .into_iter()
        .filter(|h| p.get(*h).is_some_and(|v| !v.is_null()))
        .collect();
    match handlers.as_slice() {
        [] => errs.push(FieldError::required(path, "must specify a handler type")),
        [_] => {}
        [_, rest @ ..] => {
            for h in rest {
                errs.push(FieldError::forbidden(
                    child(path, h),
                    "may not specify more than 1 handler type",
                ));
            }
        }
    }
    if let Some(port) = p.pointer("/httpGet/port") {
        validate_port_num_or_name(Some(port), &child(path, "httpGet.port"), errs);
    }
    if let Some(port) = p.pointer("/tcpSocket/port") {
        validate_port_num_or_name(Some(port), &child(path, "tcpSocket.port"), errs);
    }
    if liveness_like && let Some(n) = int_at(p, "successThreshold").filter(|n| *n != 1) {
        errs.push(FieldError::invalid(
            child(path, "successThreshold"),
            FieldValue::Int(n),
            "must be 1",
        ));
    }
}

/// Quantities must parse and be non-negative, and requests may not exceed limits.
fn validate_resources(c: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let res = c.get("resources").unwrap_or(&Value::Null);
    let quantities = |k: &str| -> Vec<(String, String, Option<Quantity>)> {
        res.get(k)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, v)| {
                let text = match v {
                    Value::Number(n) => n.to_string(),
                    other => other.as_str().unwrap_or("").to_owned(),
                };
                let q = Quantity::parse(&text).ok();
                (name.clone(), text, q)
            })
            .collect()
    };
    let limits = quantities("limits");
    let requests = quantities("requests");
    let zero = Quantity::parse("0").ok();
    for (list_name, list) in [("limits", &limits), ("requests", &requests)] {
        for (name, text, q) in list {
            let qpath = key(&child(path, list_name), name);
            let negative = match (q, &zero) {
                (Some(q), Some(z)) => q.cmp_value(z) == std::cmp::Ordering::Less,
                _ => false,
            };
            if negative {
                errs.push(FieldError::invalid(
                    qpath,
                    FieldValue::Str(text.clone()),
                    "must be greater than or equal to 0",
                ));
            }
        }
    }
    for (name, _, q) in &requests {
        let Some(limit) = limits.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        let (Some(req), Some(lim)) = (q, &limit.2) else {
            continue;
        };
        let overcommit = !name.starts_with("hugepages-")
            && (name == "cpu"
                || name == "memory"
                || name == "ephemeral-storage"
                || !name.contains('/'));
        let ord = req.cmp_value(lim);
        let (bad, relation) = if overcommit {
            (
                ord == std::cmp::Ordering::Greater,
                "must be less than or equal to",
            )
        } else {
            (ord != std::cmp::Ordering::Equal, "must be equal to")
        };
        if bad {
            errs.push(FieldError::invalid(
                child(path, "requests"),
                FieldValue::Str(req.canonical()),
                format!("{relation} {name} limit of {}", lim.canonical()),
            ));
        }
    }
}

fn labels_value(labels: Option<&Map<String, Value>>) -> FieldValue {
    match labels {
        Some(l) => FieldValue::from_json(&Value::Object(l.clone())),
        None => FieldValue::Raw("map[string]string(nil)".to_owned()),
    }
}

/// `ValidatePodTemplateSpec` at `path` (labels reported on `<path>.labels`, as upstream).
fn validate_pod_template(
    template: &Value,
    path: &str,
    claim_volumes: &[&str],
    errs: &mut Vec<FieldError>,
) {
    if let Some(l) = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
    {
        validate_labels(l, &child(path, "labels"), errs);
    }
    let annotations = template
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    for k in annotations.into_iter().flat_map(|a| a.keys()) {
        push_invalid(
            errs,
            &child(path, "annotations"),
            k,
            names::qualified_name(&k.to_lowercase()),
        );
    }
    let spec = template.get("spec").unwrap_or(&Value::Null);
    validate_pod_spec(spec, &child(path, "spec"), claim_volumes, errs);
}

/// Checks `spec.selector` (required, parseable, non-empty) and returns it.
fn validate_selector(
    spec: &Value,
    kind: &str,
    errs: &mut Vec<FieldError>,
) -> Option<LabelSelector> {
    let Some(sel) = spec.get("selector").filter(|v| !v.is_null()) else {
        errs.push(FieldError::required("spec.selector", ""));
        return None;
    };
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        validate_labels(ml, "spec.selector.matchLabels", errs);
    }
    for (i, e) in array(sel, "matchExpressions").iter().enumerate() {
        let ep = index("spec.selector.matchExpressions", i);
        let op = str_at(e, &["operator"]);
        let has_values = !array(e, "values").is_empty();
        match op {
            "In" | "NotIn" if !has_values => errs.push(FieldError::required(
                child(&ep, "values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if has_values => errs.push(FieldError::forbidden(
                child(&ep, "values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                child(&ep, "operator"),
                FieldValue::Str(other.to_owned()),
                "not a valid selector operator",
            )),
        }
        let k = str_at(e, &["key"]);
        push_invalid(errs, &child(&ep, "key"), k, names::qualified_name(k));
    }
    let parsed = LabelSelector::from_object(Some(sel)).ok()?;
    if parsed.is_everything() {
        let kind_lower = kind.to_lowercase();
        errs.push(FieldError::invalid(
            "spec.selector",
            FieldValue::Raw(
                "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
                    .to_owned(),
            ),
            format!("empty selector is invalid for {kind_lower}"),
        ));
        return None;
    }
    Some(parsed)
}

fn non_negative(spec: &Value, k: &str, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(n) = int_at(spec, k).filter(|n| *n < 0) {
        errs.push(FieldError::invalid(
            child(path, k),
            FieldValue::Int(n),
            "must be greater than or equal to 0",
        ));
    }
}

/// Workloads: replica counts, selector against template labels, the template, and each
/// kind's restart-policy and strategy rules.
pub fn validate_workload(kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    if kind == "CronJob" {
        validate_cron_job(spec, errs);
        return;
    }
    for k in [
        "replicas",
        "minReadySeconds",
        "revisionHistoryLimit",
        "parallelism",
        "completions",
        "backoffLimit",
    ] {
        non_negative(spec, k, "spec", errs);
    }
    let selector = if kind == "ReplicationController" {
        spec.get("selector")
            .and_then(Value::as_object)
            .filter(|m| !m.is_empty())
            .and_then(|m| {
                LabelSelector::from_object(Some(&serde_json::json!({"matchLabels": m}))).ok()
            })
    } else {
        validate_selector(spec, kind, errs)
    };
    let template = spec.get("template").unwrap_or(&Value::Null);
    if template.is_null() {
        errs.push(FieldError::required("spec.template", ""));
        return;
    }
    let template_labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object);
    if let Some(sel) = &selector {
        let empty = Map::new();
        if !sel.matches(template_labels.unwrap_or(&empty)) {
            errs.push(FieldError::invalid(
                "spec.template.metadata.labels",
                labels_value(template_labels),
                "`selector` does not match template `labels`",
            ));
        }
    }
    let claim_volumes: Vec<&str> = array(spec, "volumeClaimTemplates")
        .iter()
        .map(|t| str_at(t, &["metadata", "name"]))
        .collect();
    validate_pod_template(template, "spec.template", &claim_volumes, errs);
    let restart = str_at(template, &["spec", "restartPolicy"]);
    if kind == "Job" {
        if !matches!(restart, "OnFailure" | "Never") {
            errs.push(FieldError::not_supported(
                "spec.template.spec.restartPolicy",
                FieldValue::Str(restart.to_owned()),
                &["OnFailure", "Never"],
            ));
        }
    } else if restart != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            FieldValue::Str(restart.to_owned()),
            &["Always"],
        ));
    }
    if kind == "Deployment" {
        validate_deployment_strategy(spec, errs);
    }
    if kind == "StatefulSet" {
        for (i, t) in array(spec, "volumeClaimTemplates").iter().enumerate() {
            let tp = index("spec.volumeClaimTemplates", i);
            super::validate_volume::validate_pvc_spec(
                t.get("spec").unwrap_or(&Value::Null),
                &child(&tp, "spec"),
                errs,
            );
        }
    }
}

fn validate_deployment_strategy(spec: &Value, errs: &mut Vec<FieldError>) {
    let strategy = spec.get("strategy").unwrap_or(&Value::Null);
    let has_ru = strategy.get("rollingUpdate").is_some_and(|v| !v.is_null());
    match str_at(strategy, &["type"]) {
        "Recreate" if has_ru => errs.push(FieldError::forbidden(
            "spec.strategy.rollingUpdate",
            "may not be specified when strategy `type` is 'Recreate'",
        )),
        "Recreate" => {}
        "RollingUpdate" => {
            let ru = &strategy["rollingUpdate"];
            let surge = ru.get("maxSurge");
            let unavailable = ru.get("maxUnavailable");
            for (k, v) in [("maxUnavailable", unavailable), ("maxSurge", surge)] {
                if let Some(Value::String(s)) = v {
                    let pct = s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok());
                    match pct {
                        None => errs.push(FieldError::invalid(
                            format!("spec.strategy.rollingUpdate.{k}"),
                            FieldValue::Str(s.clone()),
                            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                        )),
                        Some(p) if p > 100 && k == "maxUnavailable" => errs.push(FieldError::invalid(
                            format!("spec.strategy.rollingUpdate.{k}"),
                            FieldValue::Str(s.clone()),
                            "must not be greater than 100%",
                        )),
                        _ => {}
                    }
                }
            }
            let is_zero = |v: Option<&Value>| match v {
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s == "0%",
                _ => false,
            };
            if is_zero(surge) && is_zero(unavailable) {
                errs.push(FieldError::invalid(
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    FieldValue::from_json(unavailable.unwrap_or(&Value::Null)),
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
        }
        other => errs.push(FieldError::not_supported(
            "spec.strategy.type",
            FieldValue::Str(other.to_owned()),
            &["Recreate", "RollingUpdate"],
        )),
    }
    if let (Some(pd), Some(mr)) = (
        int_at(spec, "progressDeadlineSeconds"),
        int_at(spec, "minReadySeconds"),
    ) && pd <= mr
    {
        errs.push(FieldError::invalid(
            "spec.progressDeadlineSeconds",
            FieldValue::Int(pd),
            "must be greater than minReadySeconds",
        ));
    }
}

fn validate_cron_job(spec: &Value, errs: &mut Vec<FieldError>) {
    let schedule = str_at(spec, &["schedule"]);
    if schedule.is_empty() {
        errs.push(FieldError::required("spec.schedule", ""));
    } else if !schedule.starts_with('@') && schedule.split_whitespace().count() != 5 {
        let n = schedule.split_whitespace().count();
        errs.push(FieldError::invalid(
            "spec.schedule",
            FieldValue::Str(schedule.to_owned()),
            format!("expected exactly 5 fields, found {n}: {schedule}"),
        ));
    }
    match str_at(spec, &["concurrencyPolicy"]) {
        "Allow" | "Forbid" | "Replace" => {}
        other => errs.push(FieldError::not_supported(
            "spec.concurrencyPolicy",
            FieldValue::Str(other.to_owned()),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let template = spec
        .pointer("/jobTemplate/spec/template")
        .unwrap_or(&Value::Null);
    let path = "spec.jobTemplate.spec.template";
    validate_pod_template(template, path, &[], errs);
    let restart = str_at(template, &["spec", "restartPolicy"]);
    if !matches!(restart, "OnFailure" | "Never") {
        errs.push(FieldError::not_supported(
            format!("{path}.spec.restartPolicy"),
            FieldValue::Str(restart.to_owned()),
            &["OnFailure", "Never"],
        ));
    }
}
