//! Validation of RBAC objects, HPAs, Ingresses and CRDs.

use serde_json::Value;

use super::field::{FieldError, FieldValue, child, index};
use super::names;
use super::validate::{int_at, push_invalid, str_at};

pub(crate) fn validate_rules(obj: &Value, errs: &mut Vec<FieldError>) {
    for (i, r) in obj
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = index("rules", i);
        let empty = |k: &str| r.get(k).and_then(Value::as_array).is_none_or(Vec::is_empty);
        if empty("verbs") {
            errs.push(FieldError::required(
                child(&path, "verbs"),
                "verbs must contain at least one value",
            ));
        }
        if !empty("nonResourceURLs") {
            if !empty("resources") || !empty("apiGroups") || !empty("resourceNames") {
                errs.push(FieldError::invalid(
                    child(&path, "nonResourceURLs"),
                    FieldValue::from_json(&r["nonResourceURLs"]),
                    "rules cannot apply to both regular resources and non-resource URLs",
                ));
            }
            continue;
        }
        if empty("apiGroups") {
            errs.push(FieldError::required(
                child(&path, "apiGroups"),
                "resource rules must supply at least one api group",
            ));
        }
        if empty("resources") {
            errs.push(FieldError::required(
                child(&path, "resources"),
                "resource rules must supply at least one resource",
            ));
        }
    }
}

pub(crate) fn validate_binding(kind: &str, obj: &Value, errs: &mut Vec<FieldError>) {
    const RBAC: &str = "rbac.authorization.k8s.io";
    let rr = obj.get("roleRef").unwrap_or(&Value::Null);
    let group = str_at(rr, &["apiGroup"]);
    if group != RBAC {
        errs.push(FieldError::not_supported(
            "roleRef.apiGroup",
            FieldValue::Str(group.to_owned()),
            &[RBAC],
        ));
    }
    let rk = str_at(rr, &["kind"]);
    let allowed: &[&str] = if kind == "RoleBinding" {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !allowed.contains(&rk) {
        errs.push(FieldError::not_supported(
            "roleRef.kind",
            FieldValue::Str(rk.to_owned()),
            allowed,
        ));
    }
    let rn = str_at(rr, &["name"]);
    if rn.is_empty() {
        errs.push(FieldError::required("roleRef.name", ""));
    } else {
        push_invalid(errs, "roleRef.name", rn, names::path_segment_name(rn));
    }
    for (i, s) in obj
        .get("subjects")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let path = index("subjects", i);
        let name = str_at(s, &["name"]);
        if name.is_empty() {
            errs.push(FieldError::required(child(&path, "name"), ""));
        }
        match str_at(s, &["kind"]) {
            "ServiceAccount" => {
                if !name.is_empty() {
                    push_invalid(
                        errs,
                        &child(&path, "name"),
                        name,
                        names::dns1123_subdomain(name),
                    );
                }
                if kind == "ClusterRoleBinding" && str_at(s, &["namespace"]).is_empty() {
                    errs.push(FieldError::required(child(&path, "namespace"), ""));
                }
            }
            "User" | "Group" => {}
            other => errs.push(FieldError::not_supported(
                child(&path, "kind"),
                FieldValue::Str(other.to_owned()),
                &["ServiceAccount", "User", "Group"],
            )),
        }
    }
}

pub(crate) fn validate_hpa(spec: &Value, errs: &mut Vec<FieldError>) {
    let target = spec.get("scaleTargetRef").unwrap_or(&Value::Null);
    for k in ["kind", "name"] {
        if str_at(target, &[k]).is_empty() {
            errs.push(FieldError::required(format!("spec.scaleTargetRef.{k}"), ""));
        }
    }
    let min = int_at(spec, "minReplicas").unwrap_or(1);
    let max = int_at(spec, "maxReplicas").unwrap_or(0);
    if min < 1 {
        errs.push(FieldError::invalid(
            "spec.minReplicas",
            FieldValue::Int(min),
            "must be greater than or equal to 1",
        ));
    }
    if max < 1 {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            FieldValue::Int(max),
            "must be greater than 0",
        ));
    } else if max < min {
        errs.push(FieldError::invalid(
            "spec.maxReplicas",
            FieldValue::Int(max),
            "must be greater than or equal to `minReplicas`",
        ));
    }
}

pub(crate) fn validate_ingress(spec: &Value, errs: &mut Vec<FieldError>) {
    for (i, rule) in spec
        .get("rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let paths = rule.pointer("/http/paths").and_then(Value::as_array);
        for (j, p) in paths.into_iter().flatten().enumerate() {
            let path = format!("spec.rules[{i}].http.paths[{j}]");
            let pt = str_at(p, &["pathType"]);
            match pt {
                "" => errs.push(FieldError::required(
                    child(&path, "pathType"),
                    "pathType must be specified",
                )),
                "Exact" | "Prefix" => {
                    let value = str_at(p, &["path"]);
                    if !value.starts_with('/') {
                        errs.push(FieldError::invalid(
                            child(&path, "path"),
                            FieldValue::Str(value.to_owned()),
                            "must be an absolute path",
                        ));
                    }
                }
                "ImplementationSpecific" => {}
                other => errs.push(FieldError::not_supported(
                    child(&path, "pathType"),
                    FieldValue::Str(other.to_owned()),
                    &["Exact", "ImplementationSpecific", "Prefix"],
                )),
            }
        }
    }
}

pub(crate) fn validate_crd(obj: &Value, errs: &mut Vec<FieldError>) {
    let spec = obj.get("spec").unwrap_or(&Value::Null);
    let group = str_at(spec, &["group"]);
    let plural = str_at(spec, &["names", "plural"]);
    let name = str_at(obj, &["metadata", "name"]);
    if name != format!("{plural}.{group}") {
        errs.push(FieldError::invalid(
            "metadata.name",
            FieldValue::Str(name.to_owned()),
            "must be spec.names.plural+\".\"+spec.group",
        ));
    }
    if group.is_empty() {
        errs.push(FieldError::required("spec.group", ""));
    } else {
        push_invalid(errs, "spec.group", group, names::dns1123_subdomain(group));
        if !group.contains('.') {
            errs.push(FieldError::invalid(
                "spec.group",
                FieldValue::Str(group.to_owned()),
                "should be a domain with at least one dot",
            ));
        }
    }
    let scope = str_at(spec, &["scope"]);
    match scope {
        "" => errs.push(FieldError::required("spec.scope", "")),
        "Cluster" | "Namespaced" => {}
        other => errs.push(FieldError::not_supported(
            "spec.scope",
            FieldValue::Str(other.to_owned()),
            &["Cluster", "Namespaced"],
        )),
    }
    for (field_name, required) in [
        ("plural", true),
        ("singular", false),
        ("kind", true),
        ("listKind", false),
    ] {
        let path = format!("spec.names.{field_name}");
        let v = str_at(spec, &["names", field_name]);
        if v.is_empty() {
            if required {
                errs.push(FieldError::required(path, ""));
            }
            continue;
        }
        let msgs = if field_name.ends_with("ind") {
            names::dns1035_label(&v.to_lowercase())
        } else {
            names::dns1035_label(v)
        };
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                path,
                FieldValue::Str(v.to_owned()),
                msgs.join(","),
            ));
        }
    }
    let versions: &[Value] = spec
        .get("versions")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if versions.is_empty() {
        errs.push(FieldError::required(
            "spec.versions",
            "must have at least one version",
        ));
    }
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in versions.iter().enumerate() {
        let vpath = index("spec.versions", i);
        let vname = str_at(v, &["name"]);
        if v.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        if seen.contains(&vname) {
            unique = false;
        }
        seen.push(vname);
        let msgs = names::dns1035_label(vname);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                child(&vpath, "name"),
                FieldValue::Str(vname.to_owned()),
                msgs.join(","),
            ));
        }
        match v.pointer("/schema/openAPIV3Schema") {
            None | Some(Value::Null) => errs.push(FieldError::required(
                child(&vpath, "schema.openAPIV3Schema"),
                "schemas are required",
            )),
            Some(s) if str_at(s, &["type"]).is_empty() => errs.push(FieldError::required(
                child(&vpath, "schema.openAPIV3Schema.type"),
                "must not be empty at the root",
            )),
            Some(_) => {}
        }
    }
    let versions_value = || {
        FieldValue::Raw(format!(
            "[]apiextensions.CustomResourceDefinitionVersion{{{}}}",
            seen.join(", ")
        ))
    };
    if !unique {
        errs.push(FieldError::invalid(
            "spec.versions",
            versions_value(),
            "must contain unique version names",
        ));
    }
    if !versions.is_empty() && storage != 1 {
        errs.push(FieldError::invalid(
            "spec.versions",
            versions_value(),
            "must have exactly one version marked as storage version",
        ));
    }
}
