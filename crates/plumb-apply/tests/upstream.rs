//! Table tests ported from structured-merge-diff (`merge/*_test.go`) and the API
//! server's field manager tests. Each file under `testdata/upstream/` holds a schema and
//! named cases: a sequence of operations, then the expected object and the expected
//! `FieldsV1` of every manager.
//!
//! ```yaml
//! schema: {type: object, properties: {...}}   # or `deduced`, or `builtin: apps/v1 Deployment`
//! cases:
//!   apply twice:
//!     ops:
//!       - {op: apply, manager: default, object: {numeric: 1}}
//!       - {op: update, manager: controller, object: {numeric: 2}}
//!       - {op: apply, manager: default, object: {numeric: 3}, conflicts: ["controller .numeric"]}
//!       - {op: force-apply, manager: default, object: {numeric: 3}}
//!       # also: `seed` stores an object as is; `reset: [status]` and `subresource: status`
//!       # describe the endpoint; `error:` expects a failure with that message
//!     object: {numeric: 3}
//!     managed:
//!       default: {"f:numeric": {}}
//! ```

use std::path::Path;

use plumb_apply::{ApplyError, Manager, TypeRef, apply, update};
use serde_json::{Map, Value, json};

fn load(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/upstream")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn type_of(schema: &Value) -> TypeRef<'_> {
    match schema {
        Value::String(s) if s == "deduced" => TypeRef::Deduced,
        Value::Object(m) if m.contains_key("builtin") => {
            let spec = m["builtin"].as_str().expect("builtin: <apiVersion> <kind>");
            let (av, kind) = spec.split_once(' ').expect("builtin: <apiVersion> <kind>");
            TypeRef::builtin(av, kind).expect("a built-in kind")
        }
        Value::Object(m) if m.get("x-preserve-unknown-fields-everywhere") == Some(&json!(true)) => {
            TypeRef::crd_preserving_unknown_fields(&m["schema"])
        }
        other => TypeRef::crd(other),
    }
}

/// Entries by manager name (`name/Operation` when a manager has both kinds).
fn managed(obj: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let entries = obj["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    for e in &entries {
        let name = e["manager"].as_str().unwrap_or_default();
        let key = if names.iter().filter(|n| **n == name).count() > 1 {
            format!("{name}/{}", e["operation"].as_str().unwrap_or_default())
        } else {
            name.to_string()
        };
        out.insert(key, e["fieldsV1"].clone());
    }
    out
}

fn without_managed_fields(obj: &Value) -> Value {
    let mut obj = obj.clone();
    if let Some(Value::Object(meta)) = obj.get_mut("metadata") {
        meta.shift_remove("managedFields");
        if meta.is_empty() {
            obj.as_object_mut().map(|o| o.shift_remove("metadata"));
        }
    }
    obj
}

fn run_case(ty: TypeRef<'_>, name: &str, case: &Value) -> Result<(), String> {
    let mut live: Option<Value> = None;
    let ops = case["ops"].as_array().ok_or("ops must be a list")?;
    for (i, op) in ops.iter().enumerate() {
        let time = format!("2024-01-01T00:00:{:02}Z", i + 1);
        let manager = op["manager"].as_str().unwrap_or("default");
        let api_version = op["apiVersion"].as_str().unwrap_or("v1");
        let reset: Vec<&str> = op["reset"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut mgr = Manager::new(manager, api_version, &time).with_reset_fields(&reset);
        if let Some(sub) = op["subresource"].as_str() {
            mgr = mgr.with_subresource(sub);
        }
        let object = op.get("object").cloned().unwrap_or(json!({}));
        let object = if object.is_null() { json!({}) } else { object };
        let kind = op["op"].as_str().unwrap_or("apply");
        let result = match kind {
            "apply" | "force-apply" => {
                apply(live.as_ref(), &object, &mgr, kind == "force-apply", ty)
            }
            "seed" => Ok(object.clone()),
            "update" => {
                let mut new = object.clone();
                // An update sends the whole object; keep the stored managedFields unless
                // the case sends its own.
                let sends_own = new.pointer("/metadata/managedFields").is_some();
                if let Some(mf) = live
                    .as_ref()
                    .and_then(|l| l.pointer("/metadata/managedFields"))
                    .filter(|_| !sends_own)
                {
                    new.as_object_mut()
                        .ok_or("update object must be a map")?
                        .entry("metadata")
                        .or_insert_with(|| json!({}))["managedFields"] = mf.clone();
                }
                update(live.as_ref(), &new, &mgr, ty)
            }
            other => return Err(format!("{name}: op {i}: unknown op {other}")),
        };
        let expected: Vec<String> = op["conflicts"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        match result {
            Ok(obj) if expected.is_empty() => live = Some(obj),
            Ok(obj) => {
                return Err(format!(
                    "{name}: op {i}: expected conflicts {expected:?}, got {obj:#}"
                ));
            }
            Err(ApplyError::Conflicts(c)) => {
                let mut got: Vec<String> = c
                    .iter()
                    .map(|c| format!("{} {}", c.manager, c.path))
                    .collect();
                let mut want = expected.clone();
                got.sort();
                want.sort();
                if got != want {
                    return Err(format!(
                        "{name}: op {i}: conflicts {got:?}, expected {want:?}"
                    ));
                }
                if let Some(msg) = op["message"].as_str()
                    && c.to_string() != msg
                {
                    return Err(format!(
                        "{name}: op {i}: message {:?}, expected {msg:?}",
                        c.to_string()
                    ));
                }
            }
            Err(e) => {
                let want = op["error"].as_str().unwrap_or("<no error>");
                if e.to_string() != want {
                    return Err(format!("{name}: op {i}: error {e}, expected {want}"));
                }
            }
        }
    }
    let live = live.unwrap_or(json!({}));
    if let Some(want) = case.get("object") {
        let want = if want.is_null() {
            json!({})
        } else {
            want.clone()
        };
        let got = without_managed_fields(&live);
        if got != want {
            return Err(format!("{name}: object\n  got:  {got}\n  want: {want}"));
        }
    }
    if let Some(want) = case.get("managed") {
        let want = if want.is_null() {
            json!({})
        } else {
            want.clone()
        };
        let got = Value::Object(managed(&live));
        if got != want {
            return Err(format!("{name}: managed\n  got:  {got}\n  want: {want}"));
        }
    }
    Ok(())
}

fn run_file(file: &str) {
    let doc = load(file);
    let ty = type_of(&doc["schema"]);
    let cases = doc["cases"].as_object().expect("cases must be a map");
    // A case may name its own schema.
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, case)| {
            let ty = case.get("schema").map_or(ty, type_of);
            run_case(ty, name, case).err()
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{file}: {} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

macro_rules! fixture_tests {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_file($file);
            }
        )*
    };
}

fixture_tests! {
    leaf_fields_are_applied_updated_and_released_as_upstream => "leaf.yaml",
    associative_lists_merge_by_key_as_upstream => "associative_list.yaml",
    nested_lists_and_maps_merge_as_upstream => "nested.yaml",
    multiple_appliers_share_and_release_fields_as_upstream => "multiple_appliers.yaml",
    sets_merge_by_value_as_upstream => "set.yaml",
    untyped_values_are_deduced_as_upstream => "deduced.yaml",
    reset_fields_are_never_owned_as_upstream => "ignore.yaml",
    field_manager_layers_behave_as_the_api_server => "field_manager.yaml",
    duplicated_keys_in_live_objects_are_owned_as_a_whole_as_upstream => "duplicates.yaml",
    kubectl_takes_over_what_its_client_side_apply_last_applied_as_upstream => "last_applied.yaml",
    missing_key_fields_take_their_defaults_as_upstream => "default_keys.yaml",
    unknown_and_schemaless_fields_are_tracked_as_upstream => "preserve_unknown.yaml",
}
