use serde_json::{Value, json};

use super::*;

fn widget_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["image"],
                "properties": {
                    "image": {"type": "string", "maxLength": 20},
                    "replicas": {"type": "integer", "minimum": 0, "default": 1},
                    "mode": {"type": "string", "enum": ["fast", "safe"], "default": "safe"},
                    "port": {"x-kubernetes-int-or-string": true},
                    "ports": {"type": "array", "maxItems": 2, "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "protocol": {"type": "string", "default": "TCP"}}
                    }},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                    "limits": {"type": "object", "default": {}, "properties": {"cpu": {"type": "string", "default": "100m"}}},
                    "note": {"type": "string", "nullable": true}
                }
            },
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
    })
}

#[test]
fn unknown_fields_are_pruned_and_reported() {
    let mut w = json!({
        "apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"image": "x", "bogus": 1, "ports": [{"name": "a", "extra": true}],
                 "config": {"anything": {"goes": 1}}, "labels": {"a": "b"}},
        "top": 1
    });
    let removed = prune_unknown_fields(&widget_schema(), &mut w);
    assert_eq!(removed, ["spec.bogus", "spec.ports[0].extra", "top"]);
    assert_eq!(w["spec"]["config"], json!({"anything": {"goes": 1}}));
    assert_eq!(w["metadata"], json!({"name": "w"}));
}

#[test]
fn defaults_fill_absent_fields_and_recurse_into_them() {
    let mut w =
        json!({"spec": {"image": "x", "ports": [{"name": "a"}], "mode": null, "note": null}});
    apply_schema_defaults(&widget_schema(), &mut w);
    assert_eq!(w["spec"]["replicas"], 1);
    assert_eq!(w["spec"]["mode"], "safe");
    assert_eq!(w["spec"]["ports"][0]["protocol"], "TCP");
    assert_eq!(w["spec"]["limits"], json!({"cpu": "100m"}));
    assert_eq!(w["spec"]["note"], Value::Null);
}

#[test]
fn user_values_win_over_defaults() {
    let mut w = json!({"spec": {"image": "x", "replicas": 0, "mode": "fast"}});
    apply_schema_defaults(&widget_schema(), &mut w);
    assert_eq!(w["spec"]["replicas"], 0);
    assert_eq!(w["spec"]["mode"], "fast");
}

#[test]
fn schema_errors_read_like_kube_openapi() {
    let w = json!({"metadata": {"name": "w"}, "spec": {
        "replicas": "three", "mode": "slow", "port": true,
        "ports": [{}, {}, {}], "image": "0123456789012345678901"
    }});
    let msgs: Vec<String> = validate_against_schema(&widget_schema(), &w)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(msgs.contains(&"spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"".to_owned()), "{msgs:?}");
    assert!(
        msgs.contains(
            &"spec.mode: Unsupported value: \"slow\": supported values: \"fast\", \"safe\""
                .to_owned()
        ),
        "{msgs:?}"
    );
    assert!(msgs.contains(&"spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"".to_owned()), "{msgs:?}");
    assert!(
        msgs.contains(&"spec.ports: Too many: 3: must have at most 2 items".to_owned()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"spec.image: Too long: may not be more than 20 bytes".to_owned()),
        "{msgs:?}"
    );
}

#[test]
fn required_and_minimum_are_enforced() {
    let w = json!({"metadata": {"name": "w"}, "spec": {"replicas": -1}});
    let err =
        validate_custom_resource("example.com/v1", "Widget", &widget_schema(), &w).unwrap_err();
    let msgs: Vec<String> = err.causes.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        [
            "spec.image: Required value",
            "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0"
        ]
    );
    assert!(
        err.to_string()
            .starts_with("Widget.example.com \"w\" is invalid: [")
    );
}

#[test]
fn valid_resources_pass() {
    let mut w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
        "spec": {"image": "nginx", "port": "http", "labels": {"a": "b"}}});
    apply_schema_defaults(&widget_schema(), &mut w);
    validate_custom_resource("example.com/v1", "Widget", &widget_schema(), &w).unwrap();
}

#[test]
fn patterns_are_matched_like_re2() {
    let s = json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "duration": {"type": "string", "pattern": "^([0-9]+(s|m|h))+$"}}}}});
    assert!(validate_against_schema(&s, &json!({"spec": {"duration": "1h30m"}})).is_empty());
    let errs = validate_against_schema(&s, &json!({"spec": {"duration": "soon"}}));
    assert_eq!(
        errs[0].to_string(),
        "spec.duration: Invalid value: \"soon\": spec.duration in body should match '^([0-9]+(s|m|h))+$'"
    );
}
