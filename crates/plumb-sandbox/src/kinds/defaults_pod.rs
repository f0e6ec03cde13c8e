//! Defaults of `PodSpec` and everything in it (`pkg/apis/core/v1/defaults.go`), applied to
//! Pods and to every pod template.

use serde_json::{Map, Value, json};

use super::quantity::canonical_resource_quantity;

/// Sets `key` to `value` when it is absent or `null` (a nil pointer in Go).
pub(crate) fn default_val(m: &mut Map<String, Value>, key: &str, value: Value) {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_owned(), value);
    }
}

/// Sets `key` to `value` when it is absent, `null` or `""` (a Go string's zero value).
pub(crate) fn default_str(m: &mut Map<String, Value>, key: &str, value: &str) {
    if m.get(key)
        .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
    {
        m.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// The object at `key`, created empty when absent or `null`; `None` when it is another type.
pub(crate) fn obj_mut<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_owned(), Value::Object(Map::new()));
    }
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// The object at `key` if it exists.
pub(crate) fn existing_obj<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    m.get_mut(key).and_then(Value::as_object_mut)
}

/// Every object in the array at `key`.
pub(crate) fn each_obj<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    m.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flat_map(|a| a.iter_mut().filter_map(Value::as_object_mut))
}

/// The tag `parsers.ParseImageName` finds: `latest` when there is neither tag nor digest.
pub fn image_tag(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.split_once(':') {
        Some((_, tag)) => tag.to_owned(),
        None if digest.is_none() && !image.is_empty() => "latest".to_owned(),
        None => String::new(),
    }
}

/// `Always` for `:latest` or untagged images, `IfNotPresent` otherwise.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image_tag(image) == "latest" {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// Template metadata as Go serialises an embedded `ObjectMeta`: `creationTimestamp: null`.
pub(crate) fn default_template_metadata(template: &mut Map<String, Value>) {
    if let Some(meta) = obj_mut(template, "metadata")
        && !meta.contains_key("creationTimestamp")
    {
        meta.insert("creationTimestamp".to_owned(), Value::Null);
    }
}

/// Defaults a `PodTemplateSpec` (`metadata` and `spec`).
pub(crate) fn default_pod_template(template: &mut Map<String, Value>) {
    default_template_metadata(template);
    if let Some(spec) = obj_mut(template, "spec") {
        default_pod_spec(spec);
    }
}

/// `SetDefaults_PodSpec` and the defaults of everything nested in it.
pub fn default_pod_spec(spec: &mut Map<String, Value>) {
    default_str(spec, "dnsPolicy", "ClusterFirst");
    default_str(spec, "restartPolicy", "Always");
    default_val(spec, "securityContext", json!({}));
    default_val(spec, "terminationGracePeriodSeconds", json!(30));
    default_str(spec, "schedulerName", "default-scheduler");
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for c in each_obj(spec, list) {
            default_container(c);
        }
    }
    for v in each_obj(spec, "volumes") {
        default_volume(v);
    }
    canonicalize_resource_list(spec.get_mut("overhead"));
    canonicalize_requirements(existing_obj(spec, "resources"));
}

/// `SetDefaults_Pod`: what only a Pod (not a template) gets, plus what the default
/// admission plugins (ServiceAccount, Priority, DefaultTolerationSeconds) add.
pub fn default_pod_only(pod_spec: &mut Map<String, Value>) {
    for list in ["initContainers", "containers"] {
        for c in each_obj(pod_spec, list) {
            let Some(res) = existing_obj(c, "resources") else {
                continue;
            };
            let Some(limits) = res.get("limits").and_then(Value::as_object).cloned() else {
                continue;
            };
            if let Some(req) = obj_mut(res, "requests") {
                for (k, v) in limits {
                    req.entry(k).or_insert(v);
                }
            }
        }
    }
    default_val(pod_spec, "enableServiceLinks", json!(true));
    if pod_spec.get("hostNetwork").and_then(Value::as_bool) == Some(true) {
        for list in ["initContainers", "containers"] {
            for c in each_obj(pod_spec, list) {
                for p in each_obj(c, "ports") {
                    if p.get("hostPort").and_then(Value::as_i64).unwrap_or(0) == 0
                        && let Some(cp) = p.get("containerPort").cloned()
                    {
                        p.insert("hostPort".to_owned(), cp);
                    }
                }
            }
        }
    }
    default_str(pod_spec, "serviceAccountName", "default");
    let sa = pod_spec
        .get("serviceAccountName")
        .cloned()
        .unwrap_or(Value::Null);
    default_val(pod_spec, "serviceAccount", sa);
    default_val(pod_spec, "priority", json!(0));
    default_str(pod_spec, "preemptionPolicy", "PreemptLowerPriority");
    default_toleration_seconds(pod_spec);
}

fn default_toleration_seconds(pod_spec: &mut Map<String, Value>) {
    let Some(tols) = pod_spec
        .entry("tolerations")
        .or_insert_with(|| json!([]))
        .as_array_mut()
    else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let present = tols.iter().any(|t| {
            let k = t.get("key").and_then(Value::as_str);
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            (k == Some(key)
                || (k.is_none() && t.get("operator").and_then(Value::as_str) == Some("Exists")))
                && (effect.is_empty() || effect == "NoExecute")
        });
        if !present {
            tols.push(json!({
                "effect": "NoExecute",
                "key": key,
                "operator": "Exists",
                "tolerationSeconds": 300
            }));
        }
    }
}

/// Rewrites every quantity of a resource list (`{cpu: 0.5}`) in the canonical form the
/// apiserver returns (`{cpu: "500m"}`); unparsable values are left for validation.
pub fn canonicalize_resource_list(list: Option<&mut Value>) {
    let Some(m) = list.and_then(Value::as_object_mut) else {
        return;
    };
    for v in m.values_mut() {
        canonicalize_quantity(v);
    }
}

/// Rewrites one quantity in canonical form; other values are left alone.
pub fn canonicalize_quantity(v: &mut Value) {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return,
    };
    if let Ok(c) = canonical_resource_quantity(&text) {
        *v = Value::String(c);
    }
}

/// Canonicalises `limits` and `requests` of a `ResourceRequirements`.
pub(crate) fn canonicalize_requirements(res: Option<&mut Map<String, Value>>) {
    if let Some(res) = res {
        canonicalize_resource_list(res.get_mut("limits"));
        canonicalize_resource_list(res.get_mut("requests"));
    }
}

/// `SetDefaults_Container` and its ports, probes, lifecycle handlers and env.
pub fn default_container(c: &mut Map<String, Value>) {
    let image = c
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    default_str(c, "imagePullPolicy", default_pull_policy(&image));
    default_str(c, "terminationMessagePath", "/dev/termination-log");
    default_str(c, "terminationMessagePolicy", "File");
    default_val(c, "resources", json!({}));
    canonicalize_requirements(existing_obj(c, "resources"));
    for p in each_obj(c, "ports") {
        default_str(p, "protocol", "TCP");
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = existing_obj(c, probe) {
            default_probe(p);
        }
    }
    if let Some(lc) = existing_obj(c, "lifecycle") {
        for hook in ["postStart", "preStop"] {
            if let Some(h) = existing_obj(lc, hook).and_then(|h| existing_obj(h, "httpGet")) {
                default_http_get(h);
            }
        }
    }
    for e in each_obj(c, "env") {
        if let Some(fr) = existing_obj(e, "valueFrom").and_then(|vf| existing_obj(vf, "fieldRef")) {
            default_str(fr, "apiVersion", "v1");
        }
    }
}

fn default_probe(p: &mut Map<String, Value>) {
    for (k, v) in [
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ] {
        if p.get(k).and_then(Value::as_i64).unwrap_or(0) == 0 {
            p.insert(k.to_owned(), json!(v));
        }
    }
    if let Some(h) = existing_obj(p, "httpGet") {
        default_http_get(h);
    }
    if let Some(g) = existing_obj(p, "grpc") {
        default_val(g, "service", json!(""));
    }
}

fn default_http_get(h: &mut Map<String, Value>) {
    default_str(h, "path", "/");
    default_str(h, "scheme", "HTTP");
}

const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

/// `SetDefaults_Volume` and the defaults of each volume source.
pub fn default_volume(v: &mut Map<String, Value>) {
    if !VOLUME_SOURCES
        .iter()
        .any(|s| v.get(*s).is_some_and(|x| !x.is_null()))
    {
        v.insert("emptyDir".to_owned(), json!({}));
    }
    for src in ["secret", "configMap", "downwardAPI", "projected"] {
        if let Some(s) = existing_obj(v, src) {
            default_val(s, "defaultMode", json!(420));
        }
    }
    if let Some(size) = existing_obj(v, "emptyDir").and_then(|e| e.get_mut("sizeLimit")) {
        canonicalize_quantity(size);
    }
    if let Some(h) = existing_obj(v, "hostPath") {
        default_val(h, "type", json!(""));
    }
    if let Some(d) = existing_obj(v, "downwardAPI") {
        default_downward_items(d);
    }
    if let Some(p) = existing_obj(v, "projected") {
        for s in each_obj(p, "sources") {
            if let Some(t) = existing_obj(s, "serviceAccountToken") {
                default_val(t, "expirationSeconds", json!(3600));
            }
            if let Some(d) = existing_obj(s, "downwardAPI") {
                default_downward_items(d);
            }
        }
    }
    if let Some(spec) = existing_obj(v, "ephemeral")
        .and_then(|e| existing_obj(e, "volumeClaimTemplate"))
        .and_then(|t| existing_obj(t, "spec"))
    {
        default_str(spec, "volumeMode", "Filesystem");
        canonicalize_requirements(existing_obj(spec, "resources"));
    }
    if let Some(img) = existing_obj(v, "image") {
        let reference = img
            .get("reference")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        default_str(img, "pullPolicy", default_pull_policy(&reference));
    }
}

fn default_downward_items(d: &mut Map<String, Value>) {
    for item in each_obj(d, "items") {
        if let Some(fr) = existing_obj(item, "fieldRef") {
            default_str(fr, "apiVersion", "v1");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags_follow_docker_reference_rules() {
        assert_eq!(image_tag("nginx"), "latest");
        assert_eq!(image_tag("nginx:1.27"), "1.27");
        assert_eq!(image_tag("localhost:5000/app"), "latest");
        assert_eq!(image_tag("localhost:5000/app:v2"), "v2");
        assert_eq!(image_tag("app@sha256:abc"), "");
        assert_eq!(default_pull_policy("nginx:latest"), "Always");
        assert_eq!(default_pull_policy("nginx"), "Always");
        assert_eq!(default_pull_policy("nginx:1.27"), "IfNotPresent");
        assert_eq!(default_pull_policy("app@sha256:abc"), "IfNotPresent");
    }

    #[test]
    fn volumes_without_a_source_become_empty_dirs() {
        let mut v = json!({"name": "scratch"});
        default_volume(v.as_object_mut().unwrap());
        assert_eq!(v, json!({"name": "scratch", "emptyDir": {}}));
    }

    #[test]
    fn secret_and_config_map_volumes_get_mode_420() {
        let mut v = json!({"name": "c", "configMap": {"name": "x"}});
        default_volume(v.as_object_mut().unwrap());
        assert_eq!(v["configMap"]["defaultMode"], 420);
    }

    #[test]
    fn probes_get_thresholds_and_http_defaults() {
        let mut c =
            json!({"name": "a", "image": "x:1", "readinessProbe": {"httpGet": {"port": 80}}});
        default_container(c.as_object_mut().unwrap());
        assert_eq!(
            c["readinessProbe"],
            json!({"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
                   "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3})
        );
    }

    #[test]
    fn container_resources_are_written_back_canonically() {
        let mut c = json!({"name": "a", "image": "x:1", "resources": {"limits": {"cpu": 1, "memory": "1024Mi"}, "requests": {"cpu": 0.5, "memory": "junk"}}});
        default_container(c.as_object_mut().unwrap());
        assert_eq!(
            c["resources"],
            json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": "junk"}})
        );
    }

    #[test]
    fn pods_copy_limits_into_missing_requests() {
        let mut spec = json!({"containers": [{"name": "a", "resources": {"limits": {"cpu": "1"}, "requests": {"memory": "1Gi"}}}]});
        default_pod_only(spec.as_object_mut().unwrap());
        assert_eq!(
            spec["containers"][0]["resources"]["requests"],
            json!({"memory": "1Gi", "cpu": "1"})
        );
        assert_eq!(spec["tolerations"].as_array().unwrap().len(), 2);
        assert_eq!(spec["serviceAccountName"], "default");
    }
}
