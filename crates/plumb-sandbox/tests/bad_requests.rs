//! Bad requests get the Kubernetes `Status` a real API server sends, and leave the
//! store exactly as it was.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::Cluster;
use serde_json::Value;

/// One raw HTTP/1.1 request; returns (status, parsed JSON body).
fn http(c: &Cluster, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let addr = c.sandbox().addr();
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write head");
    // A server may answer (413) before reading a large body: ignore a broken pipe.
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status line");
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    let json = body
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn assert_status(v: &Value, code: u16, reason: &str, message_part: &str) {
    assert_eq!(v["kind"], "Status", "{v}");
    assert_eq!(v["status"], "Failure", "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert_eq!(v["reason"], reason, "{v}");
    let msg = v["message"].as_str().unwrap_or("");
    assert!(
        msg.contains(message_part),
        "message {msg:?} lacks {message_part:?}"
    );
}

/// Runs `f` and checks that the store's resourceVersion did not move.
fn unchanged(c: &Cluster, f: impl FnOnce()) {
    let before = c.sandbox().store().current_rv();
    f();
    assert_eq!(
        c.sandbox().store().current_rv(),
        before,
        "the store changed"
    );
}

#[test]
fn malformed_json_and_yaml_are_bad_requests() {
    let c = Cluster::start();
    unchanged(&c, || {
        let (code, v) = http(&c, "POST", CMS, "application/json", b"{\"kind\": ");
        assert_eq!(code, 400);
        assert_status(&v, 400, "BadRequest", "");
        let (code, v) = http(
            &c,
            "PATCH",
            &format!("{CMS}/x?fieldManager=t"),
            "application/apply-patch+yaml",
            b"kind: [unclosed\n",
        );
        assert_eq!(code, 400);
        assert_status(&v, 400, "BadRequest", "");
    });
}

#[test]
fn unknown_kinds_and_objects_are_not_found() {
    let c = Cluster::start();
    unchanged(&c, || {
        let (code, v) = http(
            &c,
            "GET",
            "/apis/example.com/v1/namespaces/default/widgets",
            "application/json",
            b"",
        );
        assert_eq!(code, 404);
        assert_status(
            &v,
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
        let (code, v) = http(
            &c,
            "GET",
            &format!("{CMS}/missing"),
            "application/json",
            b"",
        );
        assert_eq!(code, 404);
        assert_status(&v, 404, "NotFound", "configmaps \"missing\" not found");
        assert_eq!(v["details"]["name"], "missing");
        assert_eq!(v["details"]["kind"], "configmaps");
    });
}

#[test]
fn a_kind_that_does_not_match_the_url_is_refused() {
    let c = Cluster::start();
    unchanged(&c, || {
        let body = br#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"}}"#;
        let (code, v) = http(&c, "POST", CMS, "application/json", body);
        assert_eq!(code, 400);
        assert_status(&v, 400, "BadRequest", "Secret");
    });
}

#[test]
fn names_that_are_not_dns_1123_are_invalid() {
    let c = Cluster::start();
    unchanged(&c, || {
        let body = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#;
        let (code, v) = http(&c, "POST", CMS, "application/json", body);
        assert_eq!(code, 422);
        assert_status(
            &v,
            422,
            "Invalid",
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"",
        );
        assert_eq!(v["details"]["causes"][0]["field"], "metadata.name");
    });
}

#[test]
fn bodies_over_three_mebibytes_are_refused() {
    let c = Cluster::start();
    unchanged(&c, || {
        let big = format!(
            r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"big"}},"data":{{"k":"{}"}}}}"#,
            "x".repeat(3 * 1024 * 1024 + 10)
        );
        let (code, v) = http(&c, "POST", CMS, "application/json", big.as_bytes());
        assert_eq!(code, 413);
        assert_status(&v, 413, "RequestEntityTooLarge", "limit is 3145728");
    });
}

#[test]
fn bad_selectors_are_bad_requests() {
    let c = Cluster::start();
    let (code, v) = http(
        &c,
        "GET",
        &format!("{CMS}?labelSelector=a%20in%20(b"),
        "application/json",
        b"",
    );
    assert_eq!(code, 400);
    assert_status(&v, 400, "BadRequest", "");
    let (code, v) = http(
        &c,
        "GET",
        &format!("{CMS}?fieldSelector=spec.foo%3Dbar"),
        "application/json",
        b"",
    );
    assert_eq!(code, 400);
    assert_status(&v, 400, "BadRequest", "spec.foo");
}

#[test]
fn patches_that_do_not_apply_and_stale_updates_change_nothing() {
    let c = Cluster::start();
    let body =
        br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#;
    let (code, created) = http(&c, "POST", CMS, "application/json", body);
    assert_eq!(code, 201, "{created}");
    let before = c
        .sandbox()
        .store()
        .get("/configmaps", "default", "cfg")
        .expect("stored");
    unchanged(&c, || {
        let (code, v) = http(
            &c,
            "PATCH",
            &format!("{CMS}/cfg"),
            "application/json-patch+json",
            br#"[{"op":"remove","path":"/data/missing"}]"#,
        );
        assert_eq!(code, 422, "{v}");
        assert_status(&v, 422, "Invalid", "");
        let (code, v) = http(
            &c,
            "PATCH",
            &format!("{CMS}/cfg"),
            "application/json-patch+json",
            br#"[{"op":"test","path":"/data/a","value":"2"}]"#,
        );
        assert_eq!(code, 422, "{v}");
        let (code, v) = http(
            &c,
            "PATCH",
            &format!("{CMS}/cfg"),
            "application/merge-patch+json",
            b"[1",
        );
        assert_eq!(code, 400, "{v}");
        let stale = br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","resourceVersion":"1"},"data":{"a":"2"}}"#;
        let (code, v) = http(&c, "PUT", &format!("{CMS}/cfg"), "application/json", stale);
        assert_eq!(code, 409);
        assert_status(
            &v,
            409,
            "Conflict",
            "Operation cannot be fulfilled on configmaps \"cfg\": the object has been modified",
        );
        let (code, v) = http(&c, "POST", CMS, "application/json", body);
        assert_eq!(code, 409);
        assert_status(
            &v,
            409,
            "AlreadyExists",
            "configmaps \"cfg\" already exists",
        );
        let (code, v) = http(&c, "PATCH", &format!("{CMS}/cfg"), "text/plain", b"{}");
        assert_eq!(code, 415, "{v}");
        assert_status(&v, 415, "UnsupportedMediaType", "");
    });
    let after = c
        .sandbox()
        .store()
        .get("/configmaps", "default", "cfg")
        .expect("stored");
    assert_eq!(before, after);
}

#[test]
fn strategic_merge_on_a_custom_resource_is_unsupported_media() {
    let c = Cluster::start();
    let crd = br#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
        "metadata":{"name":"widgets.example.com"},
        "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
        "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}"#;
    let (code, _) = http(
        &c,
        "POST",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
        "application/json",
        crd,
    );
    assert_eq!(code, 201);
    let w = br#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"a":1}}"#;
    let (code, _) = http(
        &c,
        "POST",
        "/apis/example.com/v1/namespaces/default/widgets",
        "application/json",
        w,
    );
    assert_eq!(code, 201);
    unchanged(&c, || {
        let (code, v) = http(
            &c,
            "PATCH",
            "/apis/example.com/v1/namespaces/default/widgets/w",
            "application/strategic-merge-patch+json",
            br#"{"spec":{"a":2}}"#,
        );
        assert_eq!(code, 415);
        assert_status(
            &v,
            415,
            "UnsupportedMediaType",
            "application/merge-patch+json",
        );
    });
}

#[test]
fn a_watch_from_a_compacted_version_gets_410_gone() {
    let c = Cluster::start();
    // More writes than the watch history keeps.
    let store = c.sandbox().store().clone();
    for i in 0..20_100 {
        store
            .mutate::<std::io::Error>("/configmaps", "default", &format!("c{}", i % 10), |_, _| {
                Ok(plumb_sandbox::store::Change::Put(serde_json::json!({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": format!("c{}", i % 10), "namespace": "default"},
                })))
            })
            .expect("write");
    }
    let (code, v) = http(
        &c,
        "GET",
        &format!("{CMS}?watch=true&resourceVersion=2&timeoutSeconds=1"),
        "application/json",
        b"",
    );
    assert_eq!(code, 200);
    assert_eq!(v["type"], "ERROR", "{v}");
    assert_status(&v["object"], 410, "Expired", "too old resource version: 2");
}
