//! Object lifecycle as the real API server runs it: generation, status subresource,
//! finalizers, propagation policies and ownerReference garbage collection,
//! deletecollection.

mod common;

use std::time::Duration;

use common::Cluster;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::json;

fn deployment() -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "owner", "labels": {"app": "owner"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "owner"}},
            "template": {"metadata": {"labels": {"app": "owner"}},
                "spec": {"containers": [{"name": "app", "image": "owner:1"}]}}}
    }))
    .expect("a Deployment")
}

fn owned_configmap(name: &str, owner: &Deployment) -> ConfigMap {
    serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"owned": "yes"}, "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "Deployment",
            "name": owner.metadata.name, "uid": owner.metadata.uid,
        }]},
        "data": {"a": "b"},
    }))
    .expect("a ConfigMap")
}

async fn eventually<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if f().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting until {what}");
}

#[test]
fn generation_moves_on_spec_changes_only() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<Deployment> = Api::namespaced(client, "default");
        let d = api
            .create(&PostParams::default(), &deployment())
            .await
            .expect("create");
        assert_eq!(d.metadata.generation, Some(1));
        let d = api
            .patch(
                "owner",
                &PatchParams::default(),
                &Patch::Merge(json!({"metadata": {"labels": {"x": "y"}}})),
            )
            .await
            .expect("label");
        assert_eq!(
            d.metadata.generation,
            Some(1),
            "metadata changes keep the generation"
        );
        let d = api
            .patch(
                "owner",
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"replicas": 2}})),
            )
            .await
            .expect("scale");
        assert_eq!(d.metadata.generation, Some(2));
    });
}

#[test]
fn the_status_subresource_and_the_main_resource_change_only_their_part() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<Deployment> = Api::namespaced(client, "default");
        api.create(&PostParams::default(), &deployment())
            .await
            .expect("create");
        // Status through the main resource is ignored.
        let d = api
            .patch(
                "owner",
                &PatchParams::default(),
                &Patch::Merge(json!({"status": {"replicas": 7}})),
            )
            .await
            .expect("patch main");
        assert_eq!(d.status.and_then(|s| s.replicas), None);
        // Spec through the status subresource is ignored; status is written.
        let d = api
            .patch_status(
                "owner",
                &PatchParams::default(),
                &Patch::Merge(
                    json!({"spec": {"replicas": 9}, "status": {"replicas": 1, "readyReplicas": 1}}),
                ),
            )
            .await
            .expect("patch status");
        assert_eq!(d.spec.replicas, Some(1));
        assert_eq!(d.status.as_ref().and_then(|s| s.ready_replicas), Some(1));
        assert_eq!(d.metadata.generation, Some(1));
    });
}

#[test]
fn finalizers_hold_an_object_until_they_are_removed() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let api: Api<ConfigMap> = Api::namespaced(client, "default");
        let cm: ConfigMap = serde_json::from_value(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "held", "finalizers": ["example.com/cleanup"]},
        }))
        .expect("a ConfigMap");
        api.create(&PostParams::default(), &cm)
            .await
            .expect("create");
        api.delete("held", &DeleteParams::default())
            .await
            .expect("delete");
        let held = api.get("held").await.expect("still there");
        assert!(held.metadata.deletion_timestamp.is_some());
        api.patch(
            "held",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": null}})),
        )
        .await
        .expect("remove finalizer");
        let err = api.get("held").await.expect_err("gone once finalized");
        assert!(matches!(err, kube::Error::Api(s) if s.code == 404));
    });
}

#[test]
fn background_deletion_collects_dependents_and_orphan_keeps_them() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
        let cms: Api<ConfigMap> = Api::namespaced(client, "default");

        let owner = deps
            .create(&PostParams::default(), &deployment())
            .await
            .expect("owner");
        cms.create(&PostParams::default(), &owned_configmap("dep-1", &owner))
            .await
            .expect("dependent");
        deps.delete("owner", &DeleteParams::background())
            .await
            .expect("delete");
        eventually("the dependent is collected", || async {
            cms.get_opt("dep-1").await.expect("get").is_none()
        })
        .await;

        let owner = deps
            .create(&PostParams::default(), &deployment())
            .await
            .expect("owner");
        cms.create(&PostParams::default(), &owned_configmap("dep-2", &owner))
            .await
            .expect("dependent");
        deps.delete("owner", &DeleteParams::orphan())
            .await
            .expect("delete");
        eventually("the owner is gone", || async {
            deps.get_opt("owner").await.expect("get").is_none()
        })
        .await;
        let kept = cms.get("dep-2").await.expect("orphan kept");
        assert!(
            kept.metadata
                .owner_references
                .unwrap_or_default()
                .is_empty()
        );
    });
}

#[test]
fn foreground_deletion_removes_dependents_before_the_owner() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let deps: Api<Deployment> = Api::namespaced(client.clone(), "default");
        let cms: Api<ConfigMap> = Api::namespaced(client, "default");
        let owner = deps
            .create(&PostParams::default(), &deployment())
            .await
            .expect("owner");
        cms.create(&PostParams::default(), &owned_configmap("dep-3", &owner))
            .await
            .expect("dependent");
        let dp = DeleteParams {
            propagation_policy: Some(PropagationPolicy::Foreground),
            ..DeleteParams::default()
        };
        let res = deps.delete("owner", &dp).await.expect("delete");
        let marked = res.left().expect("the owner is returned while it waits");
        assert!(marked.metadata.deletion_timestamp.is_some());
        assert!(
            marked
                .metadata
                .finalizers
                .unwrap_or_default()
                .contains(&"foregroundDeletion".to_string())
        );
        eventually("owner and dependent are gone", || async {
            deps.get_opt("owner").await.expect("get").is_none()
                && cms.get_opt("dep-3").await.expect("get").is_none()
        })
        .await;
    });
}

#[test]
fn deletecollection_removes_what_the_selector_selects() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let cms: Api<ConfigMap> = Api::namespaced(client, "default");
        for (name, team) in [("a", "x"), ("b", "x"), ("c", "y")] {
            let cm: ConfigMap = serde_json::from_value(json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": name, "labels": {"team": team}},
            }))
            .expect("cm");
            cms.create(&PostParams::default(), &cm)
                .await
                .expect("create");
        }
        cms.delete_collection(
            &DeleteParams::default(),
            &ListParams::default().labels("team=x"),
        )
        .await
        .expect("deletecollection");
        let left: Vec<String> = cms
            .list(&ListParams::default().labels("team"))
            .await
            .expect("list")
            .items
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .collect();
        assert_eq!(left, ["c"]);
    });
}

#[test]
fn pages_of_a_list_cover_every_object_once() {
    let c = Cluster::start();
    let client = c.client();
    c.rt.block_on(async move {
        let cms: Api<ConfigMap> = Api::namespaced(client, "default");
        for i in 0..25 {
            let cm: ConfigMap = serde_json::from_value(json!({
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("p{i:02}")},
            }))
            .expect("cm");
            cms.create(&PostParams::default(), &cm)
                .await
                .expect("create");
        }
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut lp = ListParams::default().limit(10);
            if let Some(t) = &token {
                lp = lp.continue_token(t);
            }
            let page = cms.list(&lp).await.expect("page");
            assert!(page.items.len() <= 10);
            names.extend(page.items.into_iter().filter_map(|c| c.metadata.name));
            token = page.metadata.continue_.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        let expected: Vec<String> = (0..25).map(|i| format!("p{i:02}")).collect();
        let got: Vec<String> = names.into_iter().filter(|n| n.starts_with('p')).collect();
        assert_eq!(got, expected);
    });
}
