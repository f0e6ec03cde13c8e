//! Differential test against real kubectl: `kubectl patch --local` applies a patch with the
//! same apimachinery and json-patch code the API server runs (kubectl 1.32 here), and for
//! strategic merge with the typed 1.32 structs as schema. The cases live in
//! `testdata/kubectl/cases.yaml`; the test is skipped (with a note) without kubectl.

use std::path::PathBuf;
use std::process::Command;

use plumb_patch::{PatchError, json_patch, merge_patch, strategic_merge_patch};
use serde_json::{Map, Value};

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// What `kubectl patch --local` makes of `patch`: the patched object or the error text.
fn kubectl_patch(
    object: &Value,
    patch_type: &str,
    patch: &Value,
    scratch: &PathBuf,
) -> Result<Value, String> {
    std::fs::write(scratch, object.to_string()).expect("the scratch file is writable");
    let output = Command::new("kubectl")
        .arg("patch")
        .arg("--local")
        .arg("-f")
        .arg(scratch)
        .arg(format!("--type={patch_type}"))
        .arg("-p")
        .arg(patch.to_string())
        .args(["-o", "json"])
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("kubectl runs");
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("kubectl prints JSON"))
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = stderr.strip_prefix("error: ").unwrap_or(&stderr);
        Err(message.strip_suffix('\n').unwrap_or(message).to_string())
    }
}

fn ours(object: &Value, patch_type: &str, patch: &Value) -> Result<Value, PatchError> {
    match patch_type {
        "strategic" => {
            let api_version = object["apiVersion"].as_str().unwrap_or_default();
            let kind = object["kind"].as_str().unwrap_or_default();
            let schema = plumb_schema::builtin().root(api_version, kind);
            assert!(schema.is_some(), "plumb-schema knows {api_version}/{kind}");
            strategic_merge_patch(object, patch, schema)
        }
        "merge" => merge_patch(object, patch),
        "json" => json_patch(object, patch),
        other => panic!("unknown patch type {other}"),
    }
}

/// What the API server's typed decoding leaves of a strategic-merge result: no directive
/// keys, no null members.
fn as_stored(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    !v.is_null()
                        && k.as_str() != "$patch"
                        && k.as_str() != "$retainKeys"
                        && !k.starts_with("$setElementOrder/")
                        && !k.starts_with("$deleteFromPrimitiveList/")
                })
                .map(|(k, v)| (k.clone(), as_stored(v)))
                .collect::<Map<String, Value>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_stored).collect()),
        other => other.clone(),
    }
}

#[test]
fn patches_apply_as_kubectl_1_32_applies_them() {
    if !kubectl_available() {
        eprintln!("skipped: kubectl is not on PATH");
        return;
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/kubectl/cases.yaml");
    let text = std::fs::read_to_string(path).expect("the fixture is readable");
    let fixture: Value = serde_saphyr::from_str(&text).expect("the fixture is valid YAML");
    let cases = fixture["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() > 30, "the fixture is loaded");
    let scratch =
        std::env::temp_dir().join(format!("plumb-patch-oracle-{}.json", std::process::id()));

    let mut failures = Vec::new();
    let mut applied = 0;
    for case in &cases {
        let description = case["description"].as_str().unwrap_or_default();
        let patch_type = case["type"].as_str().unwrap_or_default();
        let (object, patch) = (&case["object"], &case["patch"]);
        let want = kubectl_patch(object, patch_type, patch, &scratch);
        let got = ours(object, patch_type, patch);
        applied += usize::from(want.is_ok());
        let agree = match (&want, &got) {
            (Ok(want), Ok(got)) if patch_type == "strategic" => as_stored(want) == as_stored(got),
            (Ok(want), Ok(got)) => want == got,
            // kubectl rewrites json-patch "doc is missing key" messages; the rest it prints
            // as the library produced them, ending in exactly one newline.
            (Err(want), Err(got)) => {
                want.contains("is missing field") || want.trim_end() == got.to_string().trim_end()
            }
            _ => false,
        };
        if !agree {
            failures.push(format!(
                "{description}\n   kubectl {}\n   ours    {}",
                match &want {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
                match &got {
                    Ok(v) => as_stored(v).to_string(),
                    Err(e) => format!("error: {e}"),
                },
            ));
        }
    }
    let _ = std::fs::remove_file(&scratch);
    assert!(
        applied > 25,
        "most cases are patches kubectl applies ({applied})"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from kubectl:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
