//! JSON patch as the API server applies it (`evanphx/json-patch.v4`).

use plumb_patch::{PatchError, json_patch};
use serde_json::{Value, json};

fn apply(doc: Value, patch: Value) -> Result<Value, PatchError> {
    json_patch(&doc, &patch)
}

fn failure(doc: Value, patch: Value) -> PatchError {
    apply(doc, patch).expect_err("the patch does not apply")
}

#[test]
fn add_sets_object_members_and_inserts_array_elements() {
    let got = apply(
        json!({"a": {"b": [1, 3]}}),
        json!([
            {"op": "add", "path": "/a/c", "value": "x"},
            {"op": "add", "path": "/a/b/1", "value": 2},
            {"op": "add", "path": "/a/b/-", "value": 4},
            {"op": "add", "path": "/a/b/4", "value": 5},
        ]),
    );
    assert_eq!(
        got.ok(),
        Some(json!({"a": {"b": [1, 2, 3, 4, 5], "c": "x"}}))
    );
}

#[test]
fn add_replaces_an_existing_member() {
    let got = apply(
        json!({"a": 1}),
        json!([{"op": "add", "path": "/a", "value": 2}]),
    );
    assert_eq!(got.ok(), Some(json!({"a": 2})));
}

#[test]
fn add_below_a_missing_parent_fails_with_the_apiservers_message() {
    let err = failure(
        json!({}),
        json!([{"op": "add", "path": "/a/b", "value": 1}]),
    );
    assert_eq!(
        err.to_string(),
        "add operation does not apply: doc is missing path: \"/a/b\": missing value"
    );
    assert_eq!(err.http_status(), 422);
    assert!(!err.is_invalid_patch());
}

#[test]
fn add_past_the_end_of_an_array_fails() {
    let err = failure(
        json!({"a": [1]}),
        json!([{"op": "add", "path": "/a/3", "value": 1}]),
    );
    assert_eq!(
        err.to_string(),
        "error in add for path: '/a/3': Unable to access invalid index: 3: invalid index referenced"
    );
}

#[test]
fn add_with_a_non_numeric_array_index_fails() {
    let err = failure(
        json!({"a": [1]}),
        json!([{"op": "add", "path": "/a/x", "value": 1}]),
    );
    assert_eq!(
        err.to_string(),
        "error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax"
    );
}

#[test]
fn remove_deletes_members_and_elements() {
    let got = apply(
        json!({"a": 1, "b": [1, 2, 3]}),
        json!([{"op": "remove", "path": "/a"}, {"op": "remove", "path": "/b/1"}]),
    );
    assert_eq!(got.ok(), Some(json!({"b": [1, 3]})));
}

#[test]
fn remove_of_a_missing_key_fails() {
    let err = failure(json!({"a": 1}), json!([{"op": "remove", "path": "/b"}]));
    assert_eq!(
        err.to_string(),
        "error in remove for path: '/b': Unable to remove nonexistent key: b: missing value"
    );
    assert_eq!(err.http_status(), 422);
}

#[test]
fn remove_below_a_missing_path_fails() {
    let err = failure(json!({}), json!([{"op": "remove", "path": "/a/b"}]));
    assert_eq!(
        err.to_string(),
        "remove operation does not apply: doc is missing path: \"/a/b\": missing value"
    );
}

#[test]
fn remove_with_a_negative_index_counts_from_the_end() {
    let got = apply(
        json!({"a": [1, 2, 3]}),
        json!([{"op": "remove", "path": "/a/-1"}]),
    );
    assert_eq!(got.ok(), Some(json!({"a": [1, 2]})));
}

#[test]
fn replace_changes_a_value() {
    let got = apply(
        json!({"a": {"b": 1}, "c": [1, 2]}),
        json!([
            {"op": "replace", "path": "/a/b", "value": 2},
            {"op": "replace", "path": "/c/0", "value": 0},
        ]),
    );
    assert_eq!(got.ok(), Some(json!({"a": {"b": 2}, "c": [0, 2]})));
}

#[test]
fn replace_of_a_missing_object_key_adds_it_as_json_patch_v4_does() {
    let got = apply(
        json!({}),
        json!([{"op": "replace", "path": "/a", "value": 1}]),
    );
    assert_eq!(got.ok(), Some(json!({"a": 1})));
}

#[test]
fn replace_of_a_missing_array_index_fails() {
    let err = failure(
        json!({"a": [1]}),
        json!([{"op": "replace", "path": "/a/1", "value": 2}]),
    );
    assert_eq!(
        err.to_string(),
        "replace operation does not apply: doc is missing key: /a/1: missing value"
    );
}

#[test]
fn replace_of_the_root_swaps_the_document() {
    let got = apply(
        json!({"a": 1}),
        json!([{"op": "replace", "path": "", "value": {"b": 2}}]),
    );
    assert_eq!(got.ok(), Some(json!({"b": 2})));
}

#[test]
fn move_and_copy_relocate_values() {
    let got = apply(
        json!({"a": {"x": 1}, "b": []}),
        json!([
            {"op": "copy", "from": "/a/x", "path": "/b/-"},
            {"op": "move", "from": "/a/x", "path": "/c"},
        ]),
    );
    assert_eq!(got.ok(), Some(json!({"a": {}, "b": [1], "c": 1})));
}

#[test]
fn move_from_a_missing_key_fails() {
    let err = failure(
        json!({"a": {}}),
        json!([{"op": "move", "from": "/a/x", "path": "/c"}]),
    );
    assert_eq!(
        err.to_string(),
        "error in move for path: 'x': Unable to remove nonexistent key: x: missing value"
    );
}

#[test]
fn test_passes_on_an_equal_value() {
    let got = apply(
        json!({"a": {"b": [1, "x"]}}),
        json!([{"op": "test", "path": "/a", "value": {"b": [1, "x"]}}]),
    );
    assert_eq!(got.ok(), Some(json!({"a": {"b": [1, "x"]}})));
}

#[test]
fn test_failure_is_its_own_error_with_the_apiservers_message() {
    let err = failure(
        json!({"metadata": {"resourceVersion": "5"}}),
        json!([
            {"op": "test", "path": "/metadata/resourceVersion", "value": "4"},
            {"op": "replace", "path": "/metadata/resourceVersion", "value": "6"},
        ]),
    );
    assert!(err.is_test_failed());
    assert_eq!(
        err.to_string(),
        "testing value /metadata/resourceVersion failed: test failed"
    );
    assert_eq!(err.http_status(), 422);
}

#[test]
fn test_of_a_missing_key_against_null_passes() {
    let got = apply(
        json!({}),
        json!([{"op": "test", "path": "/a", "value": null}]),
    );
    assert_eq!(got.ok(), Some(json!({})));
}

#[test]
fn escaped_pointer_tokens_name_keys_with_slashes_and_tildes() {
    let got = apply(
        json!({"metadata": {"annotations": {"example.com/x": "1", "a~b": "2"}}}),
        json!([
            {"op": "replace", "path": "/metadata/annotations/example.com~1x", "value": "3"},
            {"op": "remove", "path": "/metadata/annotations/a~0b"},
        ]),
    );
    assert_eq!(
        got.ok(),
        Some(json!({"metadata": {"annotations": {"example.com/x": "3"}}}))
    );
}

#[test]
fn an_unknown_op_fails() {
    let err = failure(json!({}), json!([{"op": "frobnicate", "path": "/a"}]));
    assert_eq!(err.to_string(), "Unexpected kind: frobnicate");
    let err = failure(json!({}), json!([{"path": "/a"}]));
    assert_eq!(err.to_string(), "Unexpected kind: unknown");
}

#[test]
fn a_patch_that_is_not_an_array_is_a_bad_request() {
    let err = failure(json!({}), json!({"op": "add"}));
    assert!(err.is_invalid_patch());
    assert_eq!(err.http_status(), 400);
    assert_eq!(
        err.to_string(),
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
    );
    let err = failure(json!({}), json!(["add"]));
    assert!(err.is_invalid_patch());
}

#[test]
fn too_many_operations_are_refused_as_too_large() {
    let ops: Vec<Value> = (0..10_001)
        .map(|_| json!({"op": "test", "path": "/a", "value": 1}))
        .collect();
    let err = failure(json!({"a": 1}), Value::Array(ops));
    assert_eq!(err.http_status(), 413);
    assert_eq!(
        err.to_string(),
        "The allowed maximum operations in a JSON patch is 10000, got 10001"
    );
}

#[test]
fn a_failed_operation_leaves_the_input_untouched() {
    let doc = json!({"a": 1});
    let patch = json!([{"op": "remove", "path": "/a"}, {"op": "remove", "path": "/a"}]);
    assert!(json_patch(&doc, &patch).is_err());
    assert_eq!(doc, json!({"a": 1}));
}

/// The cases of `evanphx/json-patch.v4`'s own test suite, from
/// `testdata/json-patch/evanphx-v4.yaml`.
#[test]
fn upstream_json_patch_v4_cases_hold() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/testdata/json-patch/evanphx-v4.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the fixture is readable");
    let fixture: Value = serde_saphyr::from_str(&text).expect("the fixture is valid YAML");
    let list = |name: &str| fixture[name].as_array().cloned().unwrap_or_default();
    let mut failures = Vec::new();
    let mut count = 0;

    for case in list("cases") {
        count += 1;
        match json_patch(&case["doc"], &case["patch"]) {
            Ok(got) if got == case["result"] => {}
            other => failures.push(format!("{}: got {other:?}", case["patch"])),
        }
    }
    for case in list("bad") {
        count += 1;
        match json_patch(&case["doc"], &case["patch"]) {
            Err(e) if case["error"].as_str().is_none_or(|m| e.to_string() == m) => {
                assert_eq!(e.http_status(), 422, "{e}");
            }
            other => failures.push(format!(
                "{}: want error {}, got {other:?}",
                case["patch"], case["error"]
            )),
        }
    }
    for case in list("tests") {
        count += 1;
        let got = json_patch(&case["doc"], &case["patch"]);
        match (case["failedPath"].as_str(), got) {
            (None, Ok(_)) => {}
            (Some(path), Err(e))
                if e.is_test_failed()
                    && e.to_string() == format!("testing value {path} failed: test failed") => {}
            (want, got) => failures.push(format!(
                "{}: want failure at {want:?}, got {got:?}",
                case["patch"]
            )),
        }
    }
    assert!(count > 60, "the fixture is loaded");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unprocessable_failures_carry_the_apiservers_generic_status_message() {
    let err = failure(json!({}), json!([{"op": "remove", "path": "/a"}]));
    assert_eq!(err.status_reason(), "Invalid");
    assert_eq!(
        err.status_message(),
        "the server rejected our request due to an error in our request"
    );
    let err = failure(json!({}), json!({}));
    assert_eq!(err.status_reason(), "BadRequest");
    assert_eq!(err.status_message(), err.to_string());
}
