use serde_json::{Map, Value, json};

use super::*;

fn labels(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

fn parse_err(s: &str) -> String {
    LabelSelector::parse(s).unwrap_err().0
}

#[test]
fn equality_terms_match_and_join_with_and() {
    let s = LabelSelector::parse("app=web, tier==front,env!=prod").unwrap();
    assert!(s.matches(&labels(json!({"app": "web", "tier": "front"}))));
    assert!(!s.matches(&labels(
        json!({"app": "web", "tier": "front", "env": "prod"})
    )));
    assert!(!s.matches(&labels(json!({"app": "web"}))));
    assert_eq!(s.to_string(), "app=web,env!=prod,tier==front");
}

#[test]
fn set_terms_sort_their_values() {
    let s = LabelSelector::parse("tier in (b, a),env notin (prod)").unwrap();
    assert_eq!(s.to_string(), "env notin (prod),tier in (a,b)");
    assert!(s.matches(&labels(json!({"tier": "a"}))));
    assert!(!s.matches(&labels(json!({"tier": "a", "env": "prod"}))));
    assert!(!s.matches(&labels(json!({"tier": "c"}))));
}

#[test]
fn existence_terms_check_presence_only() {
    let s = LabelSelector::parse("app,!canary").unwrap();
    assert!(s.matches(&labels(json!({"app": ""}))));
    assert!(!s.matches(&labels(json!({"app": "x", "canary": "true"}))));
    assert_eq!(s.to_string(), "app,!canary");
}

#[test]
fn gt_and_lt_compare_integers() {
    let s = LabelSelector::parse("gen>1,size<10").unwrap();
    assert!(s.matches(&labels(json!({"gen": "2", "size": "3"}))));
    assert!(!s.matches(&labels(json!({"gen": "1", "size": "3"}))));
    assert!(!s.matches(&labels(json!({"gen": "x", "size": "3"}))));
}

#[test]
fn in_is_a_plain_value_after_an_operator() {
    let s = LabelSelector::parse("x=in").unwrap();
    assert!(s.matches(&labels(json!({"x": "in"}))));
}

#[test]
fn empty_values_are_allowed() {
    assert!(
        LabelSelector::parse("a=")
            .unwrap()
            .matches(&labels(json!({"a": ""})))
    );
    assert!(
        LabelSelector::parse("a in (,x)")
            .unwrap()
            .matches(&labels(json!({"a": ""})))
    );
    assert!(LabelSelector::parse("").unwrap().is_everything());
}

#[test]
fn bad_input_yields_the_apiserver_messages() {
    assert_eq!(
        parse_err("a in b"),
        "unable to parse requirement: found 'b' expected: '('"
    );
    assert_eq!(
        parse_err("a b"),
        "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
    );
    assert_eq!(
        parse_err("a=b,"),
        "found '', expected: identifier after ','"
    );
    assert_eq!(
        parse_err("a=b c"),
        "found 'c', expected: ',' or 'end of string'"
    );
    assert_eq!(
        parse_err("=a"),
        "found '=', expected: !, identifier, or 'end of string'"
    );
    assert_eq!(
        parse_err("a in (x y)"),
        "unable to parse requirement: found 'y', expected: ',' or ')'"
    );
    assert_eq!(
        parse_err("a>b"),
        "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"
    );
    assert!(parse_err("a=-x").starts_with(
        "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a valid label must be"
    ));
    assert!(parse_err("-a=x").starts_with(
        "unable to parse requirement: key: Invalid value: \"-a\": name part must consist"
    ));
}

#[test]
fn label_selector_objects_combine_match_labels_and_expressions() {
    let sel = json!({
        "matchLabels": {"app": "web"},
        "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["front", "edge"]},
            {"key": "canary", "operator": "DoesNotExist"}
        ]
    });
    let s = LabelSelector::from_object(Some(&sel)).unwrap();
    assert_eq!(s.to_string(), "app=web,!canary,tier in (edge,front)");
    assert!(s.matches(&labels(json!({"app": "web", "tier": "edge"}))));
    assert!(!s.matches(&labels(
        json!({"app": "web", "tier": "edge", "canary": "1"})
    )));
}

#[test]
fn absent_selector_objects_select_nothing_and_empty_ones_everything() {
    let none = LabelSelector::from_object(None).unwrap();
    assert!(!none.matches(&Map::new()));
    let all = LabelSelector::from_object(Some(&json!({}))).unwrap();
    assert!(all.matches(&Map::new()));
    assert_eq!(format_label_selector(Some(&json!({}))), "<none>");
}

#[test]
fn unknown_selector_object_operators_are_rejected() {
    let sel = json!({"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]});
    assert_eq!(
        LabelSelector::from_object(Some(&sel)).unwrap_err().0,
        "\"Gt\" is not a valid label selector operator"
    );
}

#[test]
fn field_selectors_match_names_and_namespaces() {
    let f = FieldSelector::parse("metadata.name=web,metadata.namespace!=kube-system").unwrap();
    let obj = json!({"metadata": {"name": "web", "namespace": "default"}});
    assert!(f.matches(&obj));
    let other = json!({"metadata": {"name": "web", "namespace": "kube-system"}});
    assert!(!f.matches(&other));
    assert!(
        FieldSelector::parse("metadata.name==web")
            .unwrap()
            .matches(&obj)
    );
}

#[test]
fn field_selector_values_may_escape_commas() {
    let f = FieldSelector::parse(r"metadata.name=a\,b").unwrap();
    assert_eq!(f.terms[0].value, "a,b");
}

#[test]
fn field_selectors_without_operator_are_rejected() {
    assert_eq!(
        FieldSelector::parse("metadata.name").unwrap_err().0,
        "invalid selector: 'metadata.name'; can't understand 'metadata.name'"
    );
}

#[test]
fn unsupported_field_labels_use_the_kinds_message() {
    let f = FieldSelector::parse("spec.replicas=1").unwrap();
    assert_eq!(
        f.check_supported(FieldLabels::Builtin {
            group: "apps",
            kind: "ReplicaSet"
        })
        .unwrap_err()
        .0,
        "field label not supported: spec.replicas"
    );
    assert_eq!(
        f.check_supported(FieldLabels::Builtin {
            group: "apps",
            kind: "Deployment"
        })
        .unwrap_err()
        .0,
        "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
    );
    let ok = FieldSelector::parse("spec.nodeName=n1,status.phase=Running").unwrap();
    assert!(
        ok.check_supported(FieldLabels::Builtin {
            group: "",
            kind: "Pod"
        })
        .is_ok()
    );
    let ns = FieldSelector::parse("metadata.namespace=x").unwrap();
    assert!(
        ns.check_supported(FieldLabels::Custom {
            cluster_scoped: true,
            selectable: &[]
        })
        .is_err()
    );
}

#[test]
fn pod_field_selectors_read_status_and_spec() {
    let f = FieldSelector::parse("status.phase=Running,spec.hostNetwork=false").unwrap();
    assert!(!f.matches(&json!({"status": {"phase": "Running"}, "spec": {"hostNetwork": true}})));
    assert!(f.matches(&json!({"status": {"phase": "Running"}, "spec": {"hostNetwork": false}})));
}
