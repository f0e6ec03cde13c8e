//! plumb-cluster against the sandbox: apply as `plumb`, read, delete, watch changes.

use std::time::Duration;

use plumb_cluster::{Cluster, ObjectKey};
use plumb_sandbox::{Options, Sandbox};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_get_delete_and_the_watch_cache_sees_changes() {
    let sandbox = Sandbox::start(Options::default()).await.expect("sandbox");
    let client = kube::Client::try_from(kube::Config::new(sandbox.url().parse().expect("url")))
        .expect("client");
    let cluster = Cluster::from_client(client);
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "1"}});
    let applied = cluster.apply(&cm, false).await.expect("apply");
    assert_eq!(applied["metadata"]["managedFields"][0]["manager"], "plumb");
    let key = ObjectKey::of(&cm);
    assert_eq!(key.kubectl_ref(), "configmap/cfg");

    cluster.watch_kind("v1", "ConfigMap").await.expect("watch");
    assert_eq!(cluster.cache().get(&key).expect("cached")["data"]["a"], "1");
    let mut changes = cluster.cache().subscribe();
    let changed = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"}, "data": {"a": "2"}});
    cluster.apply(&changed, false).await.expect("apply again");
    let change = tokio::time::timeout(Duration::from_secs(5), changes.recv())
        .await
        .expect("a change arrives")
        .expect("not lagged");
    assert_eq!(change.key, key);
    assert_eq!(change.object.expect("present")["data"]["a"], "2");

    cluster.delete(&key).await.expect("delete");
    let change = tokio::time::timeout(Duration::from_secs(5), changes.recv())
        .await
        .expect("a deletion arrives")
        .expect("not lagged");
    assert!(change.object.is_none());
    assert!(cluster.get(&key).await.expect("get").is_none());
    cluster
        .delete(&key)
        .await
        .expect("deleting a missing object is fine");
    let err = cluster
        .apply(
            &json!({"apiVersion": "example.com/v1", "kind": "Nope", "metadata": {"name": "x"}}),
            false,
        )
        .await
        .expect_err("unknown kind");
    assert!(
        err.to_string()
            .contains("example.com/v1 Nope is not served"),
        "{err}"
    );
    sandbox.stop().await;
}
