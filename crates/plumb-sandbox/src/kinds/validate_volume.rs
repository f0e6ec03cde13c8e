//! Validation of volume sources and PersistentVolumeClaim specs (`ValidateVolumes`,
//! `ValidatePersistentVolumeClaimSpec`), shared by Pods, templates, PVCs and StatefulSet
//! claim templates.

use serde_json::Value;

use super::field::{FieldError, FieldValue, child, key};
use super::quantity::Quantity;
use super::validate::str_at;

/// The source fields of a volume and the field each requires.
const SOURCES: &[(&str, Option<&str>)] = &[
    ("hostPath", Some("path")),
    ("emptyDir", None),
    ("secret", Some("secretName")),
    ("configMap", Some("name")),
    ("persistentVolumeClaim", Some("claimName")),
    ("downwardAPI", None),
    ("projected", None),
    ("csi", Some("driver")),
    ("ephemeral", None),
    ("nfs", Some("server")),
    ("iscsi", None),
    ("gcePersistentDisk", Some("pdName")),
    ("awsElasticBlockStore", Some("volumeID")),
    ("gitRepo", Some("repository")),
    ("glusterfs", Some("endpoints")),
    ("rbd", None),
    ("flexVolume", Some("driver")),
    ("cinder", Some("volumeID")),
    ("cephfs", None),
    ("flocker", None),
    ("fc", None),
    ("azureFile", Some("secretName")),
    ("vsphereVolume", Some("volumePath")),
    ("quobyte", None),
    ("azureDisk", Some("diskName")),
    ("photonPersistentDisk", Some("pdID")),
    ("portworxVolume", Some("volumeID")),
    ("scaleIO", None),
    ("storageos", None),
    ("image", Some("reference")),
];

/// One volume's source: exactly one type, with its required reference.
pub(crate) fn validate_volume_source(v: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let present: Vec<&(&str, Option<&str>)> = SOURCES
        .iter()
        .filter(|(k, _)| v.get(*k).is_some_and(|s| !s.is_null()))
        .collect();
    match present.as_slice() {
        [] => errs.push(FieldError::required(path, "must specify a volume type")),
        [(source, needed)] => {
            if let Some(field_name) = needed
                && str_at(v, &[source, field_name]).is_empty()
            {
                errs.push(FieldError::required(
                    child(&child(path, source), field_name),
                    "",
                ));
            }
        }
        [_, rest @ ..] => {
            for (source, _) in rest {
                errs.push(FieldError::forbidden(
                    child(path, source),
                    "may not specify more than 1 volume type",
                ));
            }
        }
    }
}

/// A PVC spec: access modes and a positive storage request.
pub(crate) fn validate_pvc_spec(spec: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let modes = spec.get("accessModes").and_then(Value::as_array);
    if modes.is_none_or(Vec::is_empty) {
        errs.push(FieldError::required(
            child(path, "accessModes"),
            "at least 1 access mode is required",
        ));
    }
    const SUPPORTED: [&str; 4] = [
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOnce",
        "ReadWriteOncePod",
    ];
    for m in modes.into_iter().flatten() {
        let m = m.as_str().unwrap_or("");
        if !SUPPORTED.contains(&m) {
            errs.push(FieldError::not_supported(
                child(path, "accessModes"),
                FieldValue::Str(m.to_owned()),
                &SUPPORTED,
            ));
        }
    }
    let storage_path = key(&child(path, "resources"), "storage");
    match spec.pointer("/resources/requests/storage") {
        None | Some(Value::Null) => errs.push(FieldError::required(storage_path, "")),
        Some(v) => {
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let positive = Quantity::parse(&text)
                .ok()
                .zip(Quantity::parse("0").ok())
                .is_some_and(|(q, z)| q.cmp_value(&z) == std::cmp::Ordering::Greater);
            if !positive {
                errs.push(FieldError::invalid(
                    storage_path,
                    FieldValue::Str(text),
                    "must be greater than zero",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(f: impl Fn(&mut Vec<FieldError>)) -> Vec<String> {
        let mut errs = Vec::new();
        f(&mut errs);
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn config_map_volumes_need_a_name() {
        let v = json!({"name": "c", "configMap": {}});
        assert_eq!(
            errors(|e| validate_volume_source(&v, "spec.volumes[0]", e)),
            ["spec.volumes[0].configMap.name: Required value"]
        );
    }

    #[test]
    fn volumes_may_have_only_one_source() {
        let v = json!({"name": "c", "emptyDir": {}, "secret": {"secretName": "s"}});
        assert_eq!(
            errors(|e| validate_volume_source(&v, "spec.volumes[0]", e)),
            ["spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type"]
        );
    }

    #[test]
    fn claims_need_access_modes_and_storage() {
        assert_eq!(
            errors(|e| validate_pvc_spec(&json!({}), "spec", e)),
            [
                "spec.accessModes: Required value: at least 1 access mode is required",
                "spec.resources[storage]: Required value"
            ]
        );
        let ok = json!({"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}});
        assert!(errors(|e| validate_pvc_spec(&ok, "spec", e)).is_empty());
    }
}
