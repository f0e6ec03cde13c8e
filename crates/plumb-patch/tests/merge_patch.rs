//! JSON merge patch: the RFC 7386 appendix examples, and where `evanphx/json-patch.v4`
//! (which the API server uses) differs.

use plumb_patch::merge_patch;
use serde_json::{Value, json};

fn apply(doc: Value, patch: Value) -> Value {
    merge_patch(&doc, &patch).expect("the merge patch applies")
}

#[test]
fn rfc_7386_appendix_a_examples_hold() {
    let cases = [
        (json!({"a": "b"}), json!({"a": "c"}), json!({"a": "c"})),
        (
            json!({"a": "b"}),
            json!({"b": "c"}),
            json!({"a": "b", "b": "c"}),
        ),
        (json!({"a": "b"}), json!({"a": null}), json!({})),
        (
            json!({"a": "b", "b": "c"}),
            json!({"a": null}),
            json!({"b": "c"}),
        ),
        (json!({"a": ["b"]}), json!({"a": "c"}), json!({"a": "c"})),
        (json!({"a": "c"}), json!({"a": ["b"]}), json!({"a": ["b"]})),
        (
            json!({"a": {"b": "c"}}),
            json!({"a": {"b": "d", "c": null}}),
            json!({"a": {"b": "d"}}),
        ),
        (
            json!({"a": [{"b": "c"}]}),
            json!({"a": [1]}),
            json!({"a": [1]}),
        ),
        (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
        (json!({"a": "b"}), json!(["c"]), json!(["c"])),
        (
            json!({"e": null}),
            json!({"a": 1}),
            json!({"e": null, "a": 1}),
        ),
        (
            json!([1, 2]),
            json!({"a": "b", "c": null}),
            json!({"a": "b"}),
        ),
        (
            json!({}),
            json!({"a": {"bb": {"ccc": null}}}),
            json!({"a": {"bb": {}}}),
        ),
    ];
    for (doc, patch, want) in cases {
        assert_eq!(apply(doc.clone(), patch.clone()), want, "{doc} + {patch}");
    }
}

#[test]
fn labels_merge_and_null_removes_one() {
    let got = apply(
        json!({"metadata": {"labels": {"app": "web", "tier": "front"}}, "spec": {"replicas": 1}}),
        json!({"metadata": {"labels": {"tier": null, "team": "a"}}, "spec": {"replicas": 3}}),
    );
    assert_eq!(
        got,
        json!({"metadata": {"labels": {"app": "web", "team": "a"}}, "spec": {"replicas": 3}})
    );
}

#[test]
fn lists_are_replaced_whole() {
    let got = apply(
        json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}),
        json!({"spec": {"containers": [{"name": "c", "image": null}]}}),
    );
    assert_eq!(got, json!({"spec": {"containers": [{"name": "c"}]}}));
}

#[test]
fn a_null_or_scalar_patch_is_a_bad_request() {
    for patch in [json!(null), json!("bar"), json!(3)] {
        let err = merge_patch(&json!({"a": 1}), &patch).expect_err("not a merge patch");
        assert!(err.is_invalid_patch());
        assert_eq!(err.http_status(), 400);
        assert_eq!(err.to_string(), "Invalid JSON Patch");
    }
}

#[test]
fn a_non_object_value_replacing_an_object_keeps_its_nulls_as_v4_does() {
    let got = apply(json!({"a": {"b": 1}}), json!({"a": [null, {"x": null}]}));
    assert_eq!(got, json!({"a": [null, {"x": null}]}));
    let got = apply(json!({"a": 1}), json!({"a": [null, {"x": null}]}));
    assert_eq!(got, json!({"a": [null, {}]}));
}

/// From `evanphx/json-patch.v4`'s `merge_test.go`.
#[test]
fn upstream_merge_patch_cases_hold() {
    let cases = [
        // TestMergePatchReplaceKey, TestMergePatchIgnoresOtherValues
        (
            json!({"title": "hello"}),
            json!({"title": "goodbye"}),
            json!({"title": "goodbye"}),
        ),
        (
            json!({"title": "hello", "age": 18}),
            json!({"title": "goodbye"}),
            json!({"title": "goodbye", "age": 18}),
        ),
        // TestMergePatchNilDoc: a null member is merged into like a missing one.
        (
            json!({"title": null}),
            json!({"title": {"foo": "bar"}}),
            json!({"title": {"foo": "bar"}}),
        ),
        // TestMergePatchRecursesIntoObjects
        (
            json!({"person": {"title": "hello", "age": 18}}),
            json!({"person": {"title": "goodbye"}}),
            json!({"person": {"title": "goodbye", "age": 18}}),
        ),
        // TestMergePatchReplacesNonObjectsWholesale
        (json!([1]), json!([2]), json!([2])),
        (json!({"a": 1}), json!([2]), json!([2])),
        (json!([1]), json!({"a": 1}), json!({"a": 1})),
        (
            json!({"a": 1, "b": 1}),
            json!({"a": 2}),
            json!({"a": 2, "b": 1}),
        ),
        // TestMergePatchReturnsEmptyArrayOnEmptyArray
        (
            json!({"array": ["one", "two"]}),
            json!({"array": []}),
            json!({"array": []}),
        ),
        // v4.12 keeps nulls inside arrays (evanphx/json-patch#143, kubernetes#98080).
        (
            json!({"a": [{"b": "c"}, {"d": "e"}]}),
            json!({"a": [{"b": "c"}, null]}),
            json!({"a": [{"b": "c"}, null]}),
        ),
    ];
    for (doc, patch, want) in cases {
        assert_eq!(apply(doc.clone(), patch.clone()), want, "{doc} + {patch}");
    }
}
