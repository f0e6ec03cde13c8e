//! Runs the strategic-merge fixtures under `testdata/smp/` (ported from apimachinery's
//! `patch_test.go`) against the `MergeItem` schema.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::fake_schema::MergeItemSchema;
use super::meta::{PatchMeta, lookup};
use super::{DELETE_FROM_PRIMITIVE_LIST_PREFIX, RETAIN_KEYS_DIRECTIVE, apply};
use crate::gofmt::go_v;

/// One application of a patch, derived from a fixture case.
struct Application {
    name: String,
    original: Value,
    patch: Value,
    expected: Expected,
}

enum Expected {
    Result(Value),
    ErrorContaining(String),
}

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/smp")
}

fn load(path: &Path) -> Vec<Application> {
    let text = std::fs::read_to_string(path).expect("fixture files are readable");
    let file: Value = serde_saphyr::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is valid YAML: {e}", path.display()));
    let sort = file["sortMergeLists"].as_bool().unwrap_or(false);
    let prepare = |v: &Value| {
        if sort {
            sort_merge_lists(v, Some(MergeItemSchema::root()))
        } else {
            v.clone()
        }
    };
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let cases = file["testCases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file_name} has testCases"));
    let mut applications = Vec::new();
    for case in cases {
        let description = case["description"].as_str().unwrap_or("(no description)");
        let expected = |result: &Value| match case.get("expectedError").and_then(Value::as_str) {
            Some(message) => Expected::ErrorContaining(message.to_string()),
            None => Expected::Result(prepare(result)),
        };
        let field = |name: &str| case.get(name).cloned().unwrap_or(Value::Null);
        if case.get("patch").is_some() {
            applications.push(Application {
                name: format!("{file_name}: {description}"),
                original: prepare(&field("original")),
                patch: prepare(&field("patch")),
                expected: expected(&field("result")),
            });
            continue;
        }
        if case.get("twoWay").is_some() {
            let result = case
                .get("twoWayResult")
                .cloned()
                .unwrap_or_else(|| field("modified"));
            applications.push(Application {
                name: format!("{file_name}: {description} (two-way)"),
                original: prepare(&field("original")),
                patch: prepare(&field("twoWay")),
                expected: expected(&result),
            });
        }
        if case.get("threeWay").is_some() {
            applications.push(Application {
                name: format!("{file_name}: {description} (three-way)"),
                original: prepare(&field("current")),
                patch: prepare(&field("threeWay")),
                expected: expected(&field("result")),
            });
        }
    }
    applications
}

fn all_applications() -> Vec<Application> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("testdata/smp exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| load(p)).collect()
}

fn yaml(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

#[test]
fn upstream_strategic_merge_cases_apply_as_apimachinery_applies_them() {
    let applications = all_applications();
    assert!(applications.len() > 250, "fixtures are loaded");
    println!("{} strategic merge applications", applications.len());
    let mut failures = Vec::new();
    for app in &applications {
        let got = apply(&app.original, &app.patch, Some(MergeItemSchema::root()));
        let problem = match (&app.expected, got) {
            (Expected::Result(want), Ok(got)) if &got == want => None,
            (Expected::Result(want), Ok(got)) => {
                Some(format!("want {}\n   got {}", yaml(want), yaml(&got)))
            }
            (Expected::Result(want), Err(e)) => {
                Some(format!("want {}\n   got error {e}", yaml(want)))
            }
            (Expected::ErrorContaining(text), Err(e)) if e.to_string().contains(text) => None,
            (Expected::ErrorContaining(text), other) => {
                Some(format!("want error containing {text:?}\n   got {other:?}"))
            }
        };
        if let Some(problem) = problem {
            failures.push(format!(
                "{}\n   original {}\n   patch {}\n   {problem}",
                app.name,
                yaml(&app.original),
                yaml(&app.patch)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} applications failed:\n{}",
        failures.len(),
        applications.len(),
        failures.join("\n\n")
    );
}

/// apimachinery's test helper `sortMergeListsByName`: merge lists sorted by merge key
/// (recursively), merged scalar lists deduplicated and sorted, `$retainKeys` and
/// `$deleteFromPrimitiveList` sorted; all by Go's `%v` text.
fn sort_merge_lists(v: &Value, schema: Option<MergeItemSchema>) -> Value {
    let Value::Object(map) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, v) in map {
        let sorted =
            if k == RETAIN_KEYS_DIRECTIVE || k.starts_with(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
                match v {
                    Value::Array(items) => Value::Array(sort_scalars(items.clone())),
                    other => other.clone(),
                }
            } else if k.starts_with('$') {
                v.clone()
            } else {
                let field = lookup(schema, k).expect("MergeItem strategies are valid");
                match v {
                    Value::Object(_) => sort_merge_lists(v, field.node),
                    Value::Array(items) if field.strategy == "merge" => {
                        sort_merge_list(items, field.items(), &field.merge_key)
                    }
                    other => other.clone(),
                }
            };
        out.insert(k.clone(), sorted);
    }
    Value::Object(out)
}

fn sort_merge_list(items: &[Value], schema: Option<MergeItemSchema>, merge_key: &str) -> Value {
    if !items.iter().any(Value::is_object) {
        let deduplicated = super::values::deduplicate_scalars(items.to_vec());
        return Value::Array(sort_scalars(deduplicated));
    }
    let mut sorted: Vec<Value> = items.iter().map(|i| sort_merge_lists(i, schema)).collect();
    sorted.sort_by_key(|i| go_v(i.get(merge_key).unwrap_or(&Value::Null)));
    Value::Array(sorted)
}

fn sort_scalars(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by_key(go_v);
    items
}

#[test]
fn the_merge_item_schema_knows_its_merge_lists() {
    let root = MergeItemSchema::root();
    let list = lookup(Some(root), "retainKeysMergingList").expect("valid strategy");
    assert_eq!(list.strategy, "merge");
    assert_eq!(list.merge_key, "name");
    assert!(list.items().and_then(|i| i.child("mergingList")).is_some());
}
