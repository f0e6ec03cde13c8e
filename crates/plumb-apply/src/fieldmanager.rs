//! The API server's field manager around the updater, layer by layer as
//! `newDefaultFieldManager` stacks them: decoding and encoding managedFields, the
//! `kubectl` last-applied upgrade, `before-first-apply`, skipping untracked objects,
//! the cap on `Update` entries, entry times, and stripped metadata fields.

use serde_json::{Map, Value};

use crate::managed::{self, Managed, ManagerId, Operation};
use crate::path::{Path, parse_dotted};
use crate::set::Set;
use crate::types::TypeRef;
use crate::updater::Updater;
use crate::{ApplyError, Manager};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `TotalAnnotationSizeLimitB`: 256 KiB of annotation keys and values.
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// Fields never recorded in any entry (`stripMetaManager`).
fn strip_set() -> Set {
    let paths: Vec<Path> = [
        "apiVersion",
        "kind",
        "metadata",
        "metadata.name",
        "metadata.namespace",
        "metadata.creationTimestamp",
        "metadata.selfLink",
        "metadata.uid",
        "metadata.clusterName",
        "metadata.generation",
        "metadata.managedFields",
        "metadata.resourceVersion",
    ]
    .iter()
    .map(|p| parse_dotted(p))
    .collect();
    Set::from_paths(paths.iter().map(Vec::as_slice))
}

fn reset_set(mgr: &Manager<'_>) -> Set {
    let paths: Vec<Path> = mgr.reset_fields.iter().map(|p| parse_dotted(p)).collect();
    Set::from_paths(paths.iter().map(Vec::as_slice))
}

fn managed_fields(obj: &Value) -> Option<&Value> {
    obj.get("metadata").and_then(|m| m.get("managedFields"))
}

fn without_managed_fields(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
        meta.shift_remove("managedFields");
    }
    obj
}

/// Writes the entries into `metadata.managedFields` (last in `metadata`, as `ObjectMeta`
/// orders it), or removes the field when there are none.
fn set_managed_fields(obj: &mut Value, managed: &Managed) {
    let entries = managed::encode(managed);
    let Value::Object(o) = obj else {
        return;
    };
    if entries.is_empty() {
        if let Some(Value::Object(meta)) = o.get_mut("metadata") {
            meta.shift_remove("managedFields");
        }
        return;
    }
    let meta = o
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    if let Value::Object(meta) = meta {
        meta.shift_remove("managedFields");
        meta.insert("managedFields".into(), Value::Array(entries));
    }
}

/// Records a write by `manager` in the current operation's own slot, then folds it into
/// the manager's entry, stamping the time only when it took any field
/// (`managedFieldsUpdater` around `stripMetaManager`).
fn record_update(
    updater: &Updater<'_>,
    old: &Value,
    new: &Value,
    managed: &mut Managed,
    id: &ManagerId,
    version: &str,
    time: &str,
) {
    let current = ManagerId::new("current-operation", Operation::Update, "", "");
    updater.update(old, new, version, &mut managed.fields, &current);
    strip(managed, &current);
    if let Some(vs) = managed.fields.remove(&current) {
        let set = match managed.fields.get(id) {
            Some(prev) => vs.set.union(&prev.set),
            None => vs.set,
        };
        managed.fields.insert(
            id.clone(),
            managed::VersionedSet {
                set,
                api_version: vs.api_version,
                applied: vs.applied,
            },
        );
        managed.times.insert(id.clone(), time.to_string());
    }
    managed.times.retain(|k, _| managed.fields.contains_key(k));
}

fn strip(managed: &mut Managed, id: &ManagerId) {
    if let Some(vs) = managed.fields.get_mut(id) {
        vs.set = vs.set.difference(&strip_set());
        if vs.set.is_empty() {
            managed.fields.remove(id);
        }
    }
}

/// Records a create, update or non-apply patch by `mgr`: `new` with its
/// `metadata.managedFields` updated. `old` is `None` for a create.
///
/// As the API server does, managedFields sent in `new` replace the stored ones (`[]`
/// or `[{}]` clears them), except through a subresource; an existing object without
/// managedFields stays untracked.
///
/// The API server records a write before its strategy runs: pass `new` as the request
/// made it (decoded and defaulted), before server-set fields (generation, status
/// resets, namespace finalizers) are filled in, or those fields become the writer's.
pub fn update(
    old: Option<&Value>,
    new: &Value,
    mgr: &Manager<'_>,
    ty: TypeRef<'_>,
) -> Result<Value, ApplyError> {
    if !new.is_object() {
        return Err(ApplyError::Invalid(
            "the object must be a JSON object".into(),
        ));
    }
    let old_val = old.cloned().unwrap_or_else(|| ty.empty_object());
    let decode_old = || managed::decode(managed_fields(&old_val)).unwrap_or_default();
    let mut managed = if mgr.subresource.is_some() {
        decode_old()
    } else if managed::is_reset(managed_fields(new)) {
        Managed::default()
    } else {
        match managed::decode(managed_fields(new)) {
            Ok(m) if !m.is_empty() => m,
            _ => decode_old(),
        }
    };
    let old_val = without_managed_fields(&old_val);
    let mut out = without_managed_fields(new);

    // skipNonAppliedManager: an existing object nobody tracks stays untracked.
    let has_uid = old_val
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .is_some_and(|u| !u.is_empty());
    if managed.is_empty() && has_uid {
        return Ok(out);
    }

    let ignored = reset_set(mgr);
    let updater = Updater {
        ty,
        ignored: &ignored,
    };
    let id = ManagerId::new(
        mgr.name,
        Operation::Update,
        mgr.api_version,
        mgr.subresource.unwrap_or(""),
    );
    record_update(
        &updater,
        &old_val,
        &out,
        &mut managed,
        &id,
        mgr.api_version,
        mgr.time,
    );
    managed::cap_update_managers(&mut managed);
    set_managed_fields(&mut out, &managed);
    Ok(out)
}

/// Server-side apply of `config` by `mgr` onto `live` (`None` creates): the resulting
/// object with its `metadata.managedFields` updated, or the conflicts with other
/// managers when `force` is false.
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    mgr: &Manager<'_>,
    force: bool,
    ty: TypeRef<'_>,
) -> Result<Value, ApplyError> {
    if !config.is_object() {
        return Err(ApplyError::Invalid(
            "the applied configuration must be a JSON object".into(),
        ));
    }
    if managed_fields(config).is_some_and(|m| !m.is_null()) {
        return Err(ApplyError::Invalid(
            "metadata.managedFields must be nil".into(),
        ));
    }
    // structuredMergeManager: the configuration must be valid for its type.
    if let Err(e) = crate::fieldset::to_field_set(config, ty, true) {
        return Err(ApplyError::Invalid(format!(
            "failed to create typed patch object ({}): {e}",
            group_version_kind(config)
        )));
    }
    let live_val = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let managed = managed::decode(managed_fields(&live_val)).map_err(|e| {
        ApplyError::Invalid(format!(
            "failed to decode managed fields: failed to convert managed fields from API: {e}"
        ))
    })?;
    let live_val = without_managed_fields(&live_val);
    let ignored = reset_set(mgr);
    let updater = Updater {
        ty,
        ignored: &ignored,
    };

    let attempt =
        |force: bool| apply_tracked(&updater, &live_val, config, managed.clone(), mgr, force);
    let (mut obj, managed) = match attempt(force) {
        // lastAppliedManager: kubectl may take over what its client-side apply owned.
        Err(ApplyError::Conflicts(conflicts)) if mgr.name == "kubectl" => {
            match allowed_from_last_applied(&live_val, mgr.api_version, ty) {
                Some(allowed) => {
                    let rest = conflicts.without(&allowed);
                    if rest.is_empty() {
                        attempt(true)?
                    } else {
                        return Err(ApplyError::Conflicts(rest));
                    }
                }
                None => return Err(ApplyError::Conflicts(conflicts)),
            }
        }
        other => other?,
    };

    // Built-in kinds go through Go types, which drop the nulls removal leaves behind.
    if matches!(ty, TypeRef::Builtin(_)) {
        drop_removal_nulls(&mut obj, Some(&live_val), Some(config));
    }

    // lastAppliedUpdater: keep kubectl's client-side annotation in step.
    if mgr.name == "kubectl" && annotation(&obj, LAST_APPLIED).is_some() {
        let value = build_last_applied(config);
        if let Some(Value::Object(ann)) = obj.pointer_mut("/metadata/annotations") {
            ann.insert(LAST_APPLIED.into(), Value::String(value));
            // setLastApplied: dropped when the annotations would exceed their limit.
            let size: usize = ann
                .iter()
                .map(|(k, v)| k.len() + v.as_str().map_or(0, str::len))
                .sum();
            if size > TOTAL_ANNOTATION_SIZE_LIMIT {
                ann.shift_remove(LAST_APPLIED);
            }
        }
    }
    set_managed_fields(&mut obj, &managed);
    Ok(obj)
}

/// `skipNonAppliedManager` → (`capManagersManager`, for its update) →
/// `managedFieldsUpdater` → `stripMetaManager` → the updater.
fn apply_tracked(
    updater: &Updater<'_>,
    live: &Value,
    config: &Value,
    mut managed: Managed,
    mgr: &Manager<'_>,
    force: bool,
) -> Result<(Value, Managed), ApplyError> {
    if managed.is_empty() {
        // The fields of an object nobody tracked belong to `before-first-apply`.
        let empty = updater.ty.empty_object();
        let id = ManagerId::new("before-first-apply", Operation::Update, mgr.api_version, "");
        record_update(
            updater,
            &empty,
            live,
            &mut managed,
            &id,
            mgr.api_version,
            mgr.time,
        );
        managed::cap_update_managers(&mut managed);
    }
    let id = ManagerId::new(
        mgr.name,
        Operation::Apply,
        mgr.api_version,
        mgr.subresource.unwrap_or(""),
    );
    let changed = updater.apply(
        live,
        config,
        mgr.api_version,
        &mut managed.fields,
        &id,
        force,
    )?;
    strip(&mut managed, &id);
    let obj = match changed {
        Some(obj) => {
            managed.times.insert(id.clone(), mgr.time.to_string());
            obj
        }
        None => live.clone(),
    };
    managed.times.retain(|k, _| managed.fields.contains_key(k));
    // capManagersManager caps only after updates.
    Ok((obj, managed))
}

/// `schema.GroupVersionKind` as Go prints it: `apps/v1, Kind=Deployment`,
/// `/v1, Kind=ConfigMap`.
fn group_version_kind(obj: &Value) -> String {
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    format!("{group}/{version}, Kind={kind}")
}

/// Drops the `null`s that removing fields left in maps: those that neither the live
/// object nor the configuration had at that place.
fn drop_removal_nulls(v: &mut Value, live: Option<&Value>, config: Option<&Value>) {
    let Value::Object(m) = v else {
        return;
    };
    m.retain(|k, child| {
        let was_null =
            |side: Option<&Value>| side.and_then(|s| s.get(k)).is_some_and(Value::is_null);
        !child.is_null() || was_null(live) || was_null(config)
    });
    for (k, child) in m.iter_mut() {
        drop_removal_nulls(
            child,
            live.and_then(|l| l.get(k)),
            config.and_then(|c| c.get(k)),
        );
    }
}

fn annotation<'v>(obj: &'v Value, key: &str) -> Option<&'v str> {
    obj.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// The fields kubectl's client-side apply last applied and that still hold those
/// values (`allowedConflictsFromLastApplied`).
fn allowed_from_last_applied(live: &Value, api_version: &str, ty: TypeRef<'_>) -> Option<Set> {
    let text = annotation(live, LAST_APPLIED).filter(|t| !t.is_empty())?;
    let last: Value = serde_json::from_str(text).ok()?;
    if last.get("apiVersion").and_then(Value::as_str) != Some(api_version) {
        return None;
    }
    let set = crate::fieldset::to_field_set(&last, ty, false).ok()?;
    let cmp = crate::compare::compare(&last, live, ty);
    Some(
        set.difference(&cmp.modified)
            .difference(&cmp.added)
            .difference(&cmp.removed),
    )
}

/// The last-applied annotation for an applied configuration: its JSON without that
/// annotation, keys sorted, with the trailing newline Go's encoder writes.
fn build_last_applied(config: &Value) -> String {
    let mut obj = config.clone();
    if let Some(Value::Object(ann)) = obj.pointer_mut("/metadata/annotations") {
        ann.shift_remove(LAST_APPLIED);
    }
    let mut s = String::new();
    crate::fieldsv1::write_json(&mut s, &obj);
    s.push('\n');
    s
}
