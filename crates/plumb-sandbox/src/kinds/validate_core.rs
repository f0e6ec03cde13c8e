//! Validation of Services, ConfigMaps and Secrets (`pkg/apis/core/validation`).

use serde_json::Value;

use super::field::{FieldError, FieldValue, child, index, key};
use super::names;
use super::validate::{int_at, push_invalid, str_at, validate_labels};

pub(crate) fn validate_service(spec: &Value, errs: &mut Vec<FieldError>) {
    let ty = str_at(spec, &["type"]);
    let headless = str_at(spec, &["clusterIP"]) == "None";
    let ports: &[Value] = spec
        .get("ports")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    if ty == "ExternalName" {
        let ext = str_at(spec, &["externalName"]);
        if ext.is_empty() {
            errs.push(FieldError::required("spec.externalName", ""));
        } else {
            let trimmed = ext.strip_suffix('.').unwrap_or(ext);
            push_invalid(
                errs,
                "spec.externalName",
                ext,
                names::dns1123_subdomain(trimmed),
            );
        }
    }
    let mut port_names: Vec<&str> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let path = index("spec.ports", i);
        let name = str_at(p, &["name"]);
        if ports.len() > 1 && name.is_empty() {
            errs.push(FieldError::required(child(&path, "name"), ""));
        } else if !name.is_empty() {
            push_invalid(
                errs,
                &child(&path, "name"),
                name,
                names::dns1123_label(name),
            );
            if port_names.contains(&name) {
                errs.push(FieldError::duplicate(
                    child(&path, "name"),
                    FieldValue::Str(name.to_owned()),
                ));
            } else {
                port_names.push(name);
            }
        }
        let port = int_at(p, "port").unwrap_or(0);
        for m in names::port_number(port) {
            errs.push(FieldError::invalid(
                child(&path, "port"),
                FieldValue::Int(port),
                m,
            ));
        }
        validate_protocol(p, &child(&path, "protocol"), errs);
        validate_port_num_or_name(p.get("targetPort"), &child(&path, "targetPort"), errs);
        if let Some(np) = int_at(p, "nodePort").filter(|n| *n != 0) {
            if ty == "ClusterIP" {
                errs.push(FieldError::forbidden(
                    child(&path, "nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            } else if !(30000..=32767).contains(&np) {
                errs.push(FieldError::invalid(
                    child(&path, "nodePort"),
                    FieldValue::Int(np),
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
    }
    if let Some(sel) = spec.get("selector").and_then(Value::as_object) {
        validate_labels(sel, "spec.selector", errs);
    }
    let affinity = str_at(spec, &["sessionAffinity"]);
    if !matches!(affinity, "ClientIP" | "None") {
        errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            FieldValue::Str(affinity.to_owned()),
            &["ClientIP", "None"],
        ));
    }
    if !matches!(
        ty,
        "ClusterIP" | "ExternalName" | "LoadBalancer" | "NodePort"
    ) {
        errs.push(FieldError::not_supported(
            "spec.type",
            FieldValue::Str(ty.to_owned()),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    let mut seen: Vec<(i64, &str)> = Vec::new();
    for (i, p) in ports.iter().enumerate() {
        let k = (int_at(p, "port").unwrap_or(0), str_at(p, &["protocol"]));
        if seen.contains(&k) {
            errs.push(FieldError::duplicate(
                index("spec.ports", i),
                FieldValue::Raw(format!(
                    "core.ServicePort{{Name:{}, Protocol:{}, Port:{}}}",
                    super::field::go_quote(name_of(p)),
                    super::field::go_quote(k.1),
                    k.0
                )),
            ));
        } else {
            seen.push(k);
        }
    }
}

fn name_of(p: &Value) -> &str {
    str_at(p, &["name"])
}

/// `protocol` must be one of `SCTP`, `TCP`, `UDP`.
pub(crate) fn validate_protocol(p: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let proto = str_at(p, &["protocol"]);
    if proto.is_empty() {
        errs.push(FieldError::required(path, ""));
    } else if !matches!(proto, "SCTP" | "TCP" | "UDP") {
        errs.push(FieldError::not_supported(
            path,
            FieldValue::Str(proto.to_owned()),
            &["SCTP", "TCP", "UDP"],
        ));
    }
}

/// An int-or-string port: a number in range or an IANA port name.
pub(crate) fn validate_port_num_or_name(v: Option<&Value>, path: &str, errs: &mut Vec<FieldError>) {
    match v {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            for m in names::port_number(n) {
                errs.push(FieldError::invalid(path, FieldValue::Int(n), m));
            }
        }
        Some(Value::String(s)) => push_invalid(errs, path, s, names::port_name(s)),
        _ => {}
    }
}

pub(crate) fn validate_data_keys(obj: &Value, errs: &mut Vec<FieldError>) {
    let data = obj.get("data").and_then(Value::as_object);
    let binary = obj.get("binaryData").and_then(Value::as_object);
    for (field, map) in [("data", data), ("binaryData", binary)] {
        for k in map.into_iter().flat_map(|m| m.keys()) {
            let msgs = names::config_map_key(k);
            if !msgs.is_empty() {
                errs.push(FieldError::invalid(
                    key(field, k),
                    FieldValue::Str(k.clone()),
                    msgs.join(";"),
                ));
            }
        }
    }
    if let (Some(d), Some(b)) = (data, binary) {
        for k in d.keys().filter(|k| b.contains_key(*k)) {
            errs.push(FieldError::invalid(
                key("data", k),
                FieldValue::Str(k.clone()),
                "duplicate of key present in binaryData",
            ));
        }
    }
}

pub(crate) fn validate_secret_type(obj: &Value, errs: &mut Vec<FieldError>) {
    let has = |k: &str| obj.get("data").and_then(|d| d.get(k)).is_some();
    let required: &[&str] = match str_at(obj, &["type"]) {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => &["username"],
        "kubernetes.io/service-account-token" => {
            if str_at(
                obj,
                &[
                    "metadata",
                    "annotations",
                    "kubernetes.io/service-account.name",
                ],
            )
            .is_empty()
            {
                errs.push(FieldError::required(
                    "metadata.annotations[kubernetes.io/service-account.name]",
                    "",
                ));
            }
            &[]
        }
        _ => &[],
    };
    for k in required.iter().filter(|k| !has(k)) {
        errs.push(FieldError::required(key("data", k), ""));
    }
}
