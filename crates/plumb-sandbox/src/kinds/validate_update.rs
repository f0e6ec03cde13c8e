//! What the apiserver refuses on update on top of the create rules: immutable selectors,
//! `roleRef`s, Job templates, StatefulSet and PVC specs, Service cluster IPs, immutable
//! ConfigMaps and Secrets, CRD group and scope — the errors that make a GitOps sync need a
//! replace.

use serde_json::Value;

use super::field::{FieldError, FieldValue, go_quote};
use super::validate::{Invalid, str_at, validate_errors};

/// Validates an update of `old` to `new` (both defaulted): the create rules on `new`, then
/// the kind's immutability rules.
pub fn validate_update(
    api_version: &str,
    kind: &str,
    old: &Value,
    new: &Value,
) -> Result<(), Invalid> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let mut errs = validate_errors(api_version, kind, new);
    let spec = |v: &'_ Value| v.get("spec").cloned().unwrap_or(Value::Null);
    let (old_spec, new_spec) = (spec(old), spec(new));
    match (group, kind) {
        ("apps", "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet") => {
            if kind == "StatefulSet" {
                stateful_set_spec(&old_spec, &new_spec, &mut errs);
            }
            immutable_selector(&old_spec, &new_spec, &mut errs);
        }
        ("batch", "Job") => {
            immutable_selector(&old_spec, &new_spec, &mut errs);
            let suspended = new_spec.get("suspend").and_then(Value::as_bool) == Some(true);
            if !suspended && old_spec.get("template") != new_spec.get("template") {
                errs.push(FieldError::invalid(
                    "spec.template",
                    FieldValue::Raw("core.PodTemplateSpec{...}".to_owned()),
                    "field is immutable",
                ));
            }
            for k in ["completions", "completionMode"] {
                if old_spec.get(k) != new_spec.get(k) {
                    errs.push(FieldError::invalid(
                        format!("spec.{k}"),
                        FieldValue::from_json(new_spec.get(k).unwrap_or(&Value::Null)),
                        "field is immutable",
                    ));
                }
            }
        }
        ("", "Service") => service(&old_spec, &new_spec, &mut errs),
        ("", "PersistentVolumeClaim") => pvc(&old_spec, &new_spec, &mut errs),
        ("", "Pod") => pod(&old_spec, &new_spec, &mut errs),
        ("", "ConfigMap" | "Secret") => {
            if old.get("immutable").and_then(Value::as_bool) == Some(true) {
                for k in ["data", "binaryData"] {
                    if old.get(k) != new.get(k) {
                        errs.push(FieldError::forbidden(
                            k,
                            "field is immutable when `immutable` is set",
                        ));
                    }
                }
                if new.get("immutable").and_then(Value::as_bool) != Some(true) {
                    errs.push(FieldError::forbidden(
                        "immutable",
                        "field is immutable when `immutable` is set",
                    ));
                }
            }
            if kind == "Secret" && str_at(old, &["type"]) != str_at(new, &["type"]) {
                errs.push(FieldError::invalid(
                    "type",
                    FieldValue::Str(str_at(new, &["type"]).to_owned()),
                    "field is immutable",
                ));
            }
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding")
            if old.get("roleRef") != new.get("roleRef") =>
        {
            let rr = |k: &str| go_quote(str_at(new, &["roleRef", k]));
            errs.push(FieldError::invalid(
                "roleRef",
                FieldValue::Raw(format!(
                    "rbac.RoleRef{{APIGroup:{}, Kind:{}, Name:{}}}",
                    rr("apiGroup"),
                    rr("kind"),
                    rr("name")
                )),
                "cannot change roleRef",
            ));
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            for k in ["group", "scope"] {
                if old_spec.get(k) != new_spec.get(k) {
                    errs.push(FieldError::invalid(
                        format!("spec.{k}"),
                        FieldValue::Str(str_at(&new_spec, &[k]).to_owned()),
                        "field is immutable",
                    ));
                }
            }
        }
        _ => {}
    }
    if errs.is_empty() {
        return Ok(());
    }
    Err(Invalid {
        group: group.to_owned(),
        kind: kind.to_owned(),
        name: str_at(new, &["metadata", "name"]).to_owned(),
        causes: errs,
    })
}

/// `v1.LabelSelector{MatchLabels:…, MatchExpressions:…}` as Go's `%#v` prints it.
fn label_selector_value(sel: &Value) -> FieldValue {
    let labels = match sel.get("matchLabels").filter(|v| !v.is_null()) {
        Some(m) => FieldValue::from_json(m).to_string(),
        None => "map[string]string(nil)".to_owned(),
    };
    let exprs = match sel.get("matchExpressions").and_then(Value::as_array) {
        Some(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|e| {
                    let values = e
                        .get("values")
                        .map(|v| FieldValue::from_json(v).to_string())
                        .unwrap_or_else(|| "[]string(nil)".to_owned());
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{values}}}",
                        go_quote(str_at(e, &["key"])),
                        go_quote(str_at(e, &["operator"]))
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
        None => "[]v1.LabelSelectorRequirement(nil)".to_owned(),
    };
    FieldValue::Raw(format!(
        "v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}"
    ))
}

fn immutable_selector(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let (o, n) = (old.get("selector"), new.get("selector"));
    if o != n {
        errs.push(FieldError::invalid(
            "spec.selector",
            label_selector_value(n.unwrap_or(&Value::Null)),
            "field is immutable",
        ));
    }
}

fn without(spec: &Value, keys: &[&str]) -> Value {
    let mut s = spec.clone();
    if let Some(m) = s.as_object_mut() {
        for k in keys {
            m.remove(*k);
        }
    }
    s
}

fn stateful_set_spec(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let mutable = [
        "replicas",
        "template",
        "updateStrategy",
        "minReadySeconds",
        "ordinals",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
    ];
    if without(old, &mutable) != without(new, &mutable) {
        errs.push(FieldError::forbidden(
            "spec",
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
}

fn service(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let external = |s: &Value| str_at(s, &["type"]) == "ExternalName";
    let headless = |s: &Value| str_at(s, &["clusterIP"]) == "None";
    if external(old) || external(new) || (headless(old) && headless(new)) {
        return;
    }
    let ips = |s: &Value| -> Vec<String> {
        match s.get("clusterIPs").and_then(Value::as_array) {
            Some(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            None => match str_at(s, &["clusterIP"]) {
                "" => Vec::new(),
                ip => vec![ip.to_owned()],
            },
        }
    };
    let (o, n) = (ips(old), ips(new));
    let changed = o.iter().zip(&n).any(|(a, b)| a != b)
        || str_at(old, &["clusterIP"]) != str_at(new, &["clusterIP"]);
    if changed {
        let shown = if n.is_empty() {
            vec![str_at(new, &["clusterIP"]).to_owned()]
        } else {
            n
        };
        errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            FieldValue::StrList(shown),
            "may not change once set",
        ));
    }
}

fn pvc(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let bound = !str_at(old, &["volumeName"]).is_empty();
    let strip = |s: &Value| {
        let mut s = without(s, &["volumeAttributesClassName"]);
        if bound && let Some(res) = s.get_mut("resources").and_then(Value::as_object_mut) {
            res.remove("requests");
        }
        if str_at(old, &["volumeName"]).is_empty()
            && let Some(m) = s.as_object_mut()
        {
            m.remove("volumeName");
        }
        s
    };
    if strip(old) != strip(new) {
        errs.push(FieldError::forbidden(
            "spec",
            "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
        ));
    }
}

fn pod(old: &Value, new: &Value, errs: &mut Vec<FieldError>) {
    let strip = |s: &Value| {
        let mut s = without(
            s,
            &[
                "activeDeadlineSeconds",
                "terminationGracePeriodSeconds",
                "tolerations",
                "schedulingGates",
            ],
        );
        for list in ["containers", "initContainers"] {
            if let Some(cs) = s.get_mut(list).and_then(Value::as_array_mut) {
                for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                    c.remove("image");
                }
            }
        }
        s
    };
    if strip(old) != strip(new) {
        errs.push(FieldError::forbidden(
            "spec",
            "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn deployment(app: &str) -> Value {
        json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "d"}, "spec": {
            "replicas": 1, "selector": {"matchLabels": {"app": app}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {"metadata": {"labels": {"app": app}}, "spec": {
                "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                "containers": [{"name": "web", "image": "nginx", "imagePullPolicy": "Always"}]}}}})
    }

    #[test]
    fn deployment_selectors_are_immutable() {
        let err = validate_update(
            "apps/v1",
            "Deployment",
            &deployment("web"),
            &deployment("web2"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        );
        validate_update(
            "apps/v1",
            "Deployment",
            &deployment("web"),
            &deployment("web"),
        )
        .unwrap();
    }

    #[test]
    fn role_refs_cannot_change() {
        let b = |role: &str| {
            json!({"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "d"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}})
        };
        let err = validate_update(
            "rbac.authorization.k8s.io/v1",
            "RoleBinding",
            &b("view"),
            &b("edit"),
        )
        .unwrap_err();
        assert_eq!(
            err.causes[0].to_string(),
            "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef"
        );
    }

    #[test]
    fn stateful_set_specs_only_allow_listed_fields() {
        let s = |svc: &str, replicas: i64| {
            json!({"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "d"}, "spec": {
            "replicas": replicas, "serviceName": svc, "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
                "containers": [{"name": "db", "image": "postgres", "imagePullPolicy": "Always"}]}}}})
        };
        validate_update("apps/v1", "StatefulSet", &s("db", 1), &s("db", 3)).unwrap();
        let err = validate_update("apps/v1", "StatefulSet", &s("db", 1), &s("db2", 1)).unwrap_err();
        assert!(
            err.causes[0]
                .to_string()
                .starts_with("spec: Forbidden: updates to statefulset spec for fields other than")
        );
    }

    #[test]
    fn service_cluster_ips_may_not_change() {
        let s = |ip: &str| {
            json!({"kind": "Service", "metadata": {"name": "s", "namespace": "d"}, "spec": {
            "type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip], "sessionAffinity": "None", "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}})
        };
        let err = validate_update("v1", "Service", &s("10.96.0.10"), &s("10.96.0.11")).unwrap_err();
        assert_eq!(
            err.causes[0].to_string(),
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set"
        );
    }

    #[test]
    fn immutable_config_maps_keep_their_data() {
        let c = |v: &str| json!({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "d"}, "immutable": true, "data": {"k": v}});
        let err = validate_update("v1", "ConfigMap", &c("a"), &c("b")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
        );
    }
}
