//! Syncs against the sandbox: create, unchanged, CreateNamespace, prune, Prune=false,
//! the allowEmpty guard.

use plumb_cluster::{Cluster, ObjectKey};
use plumb_model::SyncOptions;
use plumb_sandbox::{Options, Sandbox};
use plumb_sync::{Action, SyncError, SyncRequest, sync, tracking};
use serde_json::{Value, json};

fn cm(name: &str, extra: Value) -> Value {
    let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "production"}, "data": {"a": "1"}});
    if let Some(ann) = extra.as_object() {
        o["metadata"]["annotations"] = Value::Object(ann.clone());
    }
    tracking::annotate(&mut o, "my-app");
    o
}

fn request<'a>(desired: Vec<Value>, inventory: Vec<ObjectKey>) -> SyncRequest<'a> {
    SyncRequest {
        app: "my-app",
        desired,
        only: None,
        inventory,
        options: SyncOptions::parse(&["CreateNamespace=true"]),
        prune: true,
        allow_empty: false,
        namespace: Some("production"),
        dry_run: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_creates_then_prunes_only_what_it_tracks() {
    let sandbox = Sandbox::start(Options::default()).await.expect("sandbox");
    let client = kube::Client::try_from(kube::Config::new(sandbox.url().parse().expect("url")))
        .expect("client");
    let cluster = Cluster::from_client(client);

    let a = cm("a", json!({}));
    let b = cm(
        "b",
        json!({"argocd.argoproj.io/sync-options": "Prune=false"}),
    );
    let c = cm("c", json!({}));
    let report = sync(
        &cluster,
        request(vec![a.clone(), b.clone(), c.clone()], vec![]),
    )
    .await
    .expect("sync");
    assert_eq!(report.summary(), "3 created");
    let again = sync(
        &cluster,
        request(vec![a.clone(), b.clone(), c.clone()], vec![]),
    )
    .await
    .expect("sync");
    assert_eq!(again.summary(), "3 unchanged");

    // An object someone else made with a copied annotation is not ours to prune.
    let mut foreign = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "foreign", "namespace": "production"}});
    foreign["metadata"]["annotations"] = a["metadata"]["annotations"].clone();
    cluster.apply(&foreign, false).await.expect("foreign");

    let inventory: Vec<ObjectKey> = [&a, &b, &c, &foreign]
        .iter()
        .map(|o| ObjectKey::of(o))
        .collect();
    let report = sync(&cluster, request(vec![a.clone()], inventory))
        .await
        .expect("sync");
    let action = |name: &str| {
        report
            .outcomes
            .iter()
            .find(|o| o.key.name == name)
            .map(|o| (o.action, o.message.clone()))
            .expect("an outcome")
    };
    assert_eq!(action("a").0, Action::Unchanged);
    assert_eq!(action("b"), (Action::Skipped, "Prune=false".to_string()));
    assert_eq!(action("c").0, Action::Deleted);
    assert_eq!(
        action("foreign"),
        (
            Action::Skipped,
            "not tracked by this application".to_string()
        )
    );
    assert!(
        cluster
            .get(&ObjectKey::of(&c))
            .await
            .expect("get")
            .is_none()
    );
    assert!(
        cluster
            .get(&ObjectKey::of(&b))
            .await
            .expect("get")
            .is_some()
    );

    let err = sync(&cluster, request(vec![], vec![ObjectKey::of(&a)]))
        .await
        .expect_err("empty is refused");
    assert!(matches!(err, SyncError::EmptyNotAllowed));
    assert!(
        cluster
            .get(&ObjectKey::of(&a))
            .await
            .expect("get")
            .is_some(),
        "nothing pruned"
    );
    sandbox.stop().await;
}
