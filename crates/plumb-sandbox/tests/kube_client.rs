//! kube-rs against the sandbox: typed and dynamic CRUD, watcher, server-side apply,
//! discovery.

mod common;

use std::time::Duration;

use common::Cluster;
use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::Discovery;
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::json;

fn configmap(name: &str, value: &str) -> ConfigMap {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"app": "demo"}},
        "data": {"key": value},
    }))
    .expect("a valid ConfigMap")
}

#[test]
fn typed_crud_round_trips_and_stale_updates_conflict() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        let created = api
            .create(&PostParams::default(), &configmap("cfg", "one"))
            .await
            .expect("create");
        assert!(created.metadata.uid.is_some());
        assert!(created.metadata.creation_timestamp.is_some());
        let got = api.get("cfg").await.expect("get");
        assert_eq!(
            got.data
                .as_ref()
                .and_then(|d| d.get("key"))
                .map(String::as_str),
            Some("one")
        );

        let mut changed = got.clone();
        changed.data = Some([("key".to_string(), "two".to_string())].into());
        let updated = api
            .replace("cfg", &PostParams::default(), &changed)
            .await
            .expect("replace");
        assert_ne!(
            updated.metadata.resource_version,
            got.metadata.resource_version
        );

        // `got` carries the old resourceVersion: the server refuses it.
        let err = api
            .replace("cfg", &PostParams::default(), &got)
            .await
            .expect_err("a stale update conflicts");
        match err {
            kube::Error::Api(s) => {
                assert_eq!(s.code, 409);
                assert_eq!(s.reason, "Conflict");
                assert!(s.message.contains("configmaps \"cfg\""), "{}", s.message);
            }
            other => panic!("unexpected error {other:?}"),
        }

        let list = api
            .list(&ListParams::default().labels("app=demo"))
            .await
            .expect("list");
        assert_eq!(list.items.len(), 1);
        api.delete("cfg", &DeleteParams::default())
            .await
            .expect("delete");
        let err = api.get("cfg").await.expect_err("gone");
        assert!(matches!(err, kube::Error::Api(s) if s.code == 404));
    });
}

#[test]
fn dynamic_objects_of_a_new_crd_are_served_at_once() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let crds: Api<DynamicObject> = Api::all_with(
            client.clone(),
            &ApiResource::from_gvk_with_plural(
                &GroupVersionKind::gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
                "customresourcedefinitions",
            ),
        );
        let crd: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]}
        }))
        .expect("a CRD");
        crds.create(&PostParams::default(), &crd).await.expect("create CRD");

        let ar = ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("example.com", "v1", "Widget"),
            "widgets",
        );
        let widgets: Api<DynamicObject> = Api::namespaced_with(client.clone(), "default", &ar);
        let w: DynamicObject = serde_json::from_value(json!({
            "apiVersion": "example.com/v1", "kind": "Widget",
            "metadata": {"name": "w1"}, "spec": {"size": 3}
        }))
        .expect("a widget");
        widgets.create(&PostParams::default(), &w).await.expect("create widget");
        let got = widgets.get("w1").await.expect("get widget");
        assert_eq!(got.data["spec"]["size"], 3);
        assert_eq!(got.metadata.generation, Some(1));

        let discovery = Discovery::new(client.clone()).run().await.expect("discovery");
        let found = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .any(|(r, _)| r.kind == "Widget" && r.plural == "widgets");
        assert!(found, "discovery lists the CRD's resource");

        crds.delete("widgets.example.com", &DeleteParams::default())
            .await
            .expect("delete CRD");
        let err = widgets.get("w1").await.expect_err("resource gone with its CRD");
        assert!(matches!(err, kube::Error::Api(s) if s.code == 404));
    });
}

#[test]
fn a_watcher_sees_every_change_in_order() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        api.create(&PostParams::default(), &configmap("before", "0"))
            .await
            .expect("create");
        let mut stream = watcher(api.clone(), watcher::Config::default())
            .applied_objects()
            .boxed();
        let first = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
            .await
            .expect("the initial list arrives")
            .expect("no watch error")
            .expect("an object");
        assert_eq!(first.metadata.name.as_deref(), Some("before"));
        for i in 1..=20 {
            let mut cm = api.get("before").await.expect("get");
            cm.data = Some([("key".to_string(), i.to_string())].into());
            api.replace("before", &PostParams::default(), &cm)
                .await
                .expect("replace");
        }
        let mut seen = Vec::new();
        while seen.len() < 20 {
            let cm = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
                .await
                .expect("each change arrives")
                .expect("no watch error")
                .expect("an object");
            seen.push(
                cm.data
                    .and_then(|d| d.get("key").cloned())
                    .unwrap_or_default(),
            );
        }
        let expected: Vec<String> = (1..=20).map(|i| i.to_string()).collect();
        assert_eq!(seen, expected);
    });
}

#[test]
fn server_side_apply_tracks_managers_and_detects_conflicts() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<Deployment> = Api::namespaced(client, "default");
        let config = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "web:1"}]}}}
        });
        let plumb = PatchParams::apply("plumb");
        let d = api
            .patch("web", &plumb, &Patch::Apply(&config))
            .await
            .expect("apply");
        let managed = d.metadata.managed_fields.clone().unwrap_or_default();
        assert_eq!(managed.len(), 1);
        assert_eq!(managed[0].manager.as_deref(), Some("plumb"));
        assert_eq!(managed[0].operation.as_deref(), Some("Apply"));
        let fields = serde_json::to_value(&managed[0].fields_v1).expect("fieldsV1");
        assert!(fields["f:spec"]["f:replicas"].is_object(), "{fields}");

        let other = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"}, "spec": {"replicas": 5}
        });
        let err = api
            .patch("web", &PatchParams::apply("hpa"), &Patch::Apply(&other))
            .await
            .expect_err("a conflict");
        match err {
            kube::Error::Api(s) => {
                assert_eq!(s.code, 409);
                assert!(
                    s.message.contains("conflict with \"plumb\""),
                    "{}",
                    s.message
                );
                assert!(s.message.contains(".spec.replicas"), "{}", s.message);
            }
            other => panic!("unexpected error {other:?}"),
        }
        let forced = api
            .patch(
                "web",
                &PatchParams::apply("hpa").force(),
                &Patch::Apply(&other),
            )
            .await
            .expect("forced apply");
        assert_eq!(forced.spec.replicas, Some(5));

        // replicas now belong to the hpa: plumb applying without them keeps 5.
        let mut again = config.clone();
        again["spec"]
            .as_object_mut()
            .expect("spec")
            .remove("replicas");
        let d = api
            .patch("web", &plumb, &Patch::Apply(&again))
            .await
            .expect("re-apply");
        assert_eq!(d.spec.replicas, Some(5));
    });
}

#[test]
fn a_streaming_list_watcher_gets_the_initial_objects_then_changes() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        for name in ["a", "b"] {
            api.create(&PostParams::default(), &configmap(name, "0"))
                .await
                .expect("create");
        }
        let mut stream = watcher(api.clone(), watcher::Config::default().streaming_lists()).boxed();
        let mut initial = Vec::new();
        loop {
            let ev = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
                .await
                .expect("events arrive")
                .expect("no watch error")
                .expect("an event");
            match ev {
                watcher::Event::Init => {}
                watcher::Event::InitApply(cm) => initial.push(cm.metadata.name.unwrap_or_default()),
                watcher::Event::InitDone => break,
                other => panic!("unexpected before InitDone: {other:?}"),
            }
        }
        initial.sort();
        assert_eq!(initial, ["a", "b"]);
        api.create(&PostParams::default(), &configmap("c", "1"))
            .await
            .expect("create");
        let ev = tokio::time::timeout(Duration::from_secs(10), stream.try_next())
            .await
            .expect("the change arrives")
            .expect("no watch error")
            .expect("an event");
        match ev {
            watcher::Event::Apply(cm) => assert_eq!(cm.metadata.name.as_deref(), Some("c")),
            other => panic!("expected the new object, got {other:?}"),
        }
    });
}
