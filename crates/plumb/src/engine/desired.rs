//! The desired state of an Application: fetch, render, namespaces, tracking.

use plumb_cluster::Cluster;
use plumb_model::Application;
use plumb_source::Source;
use serde_json::{Value, json};

/// Objects to sync, at a revision.
#[derive(Debug, Clone)]
pub struct Desired {
    /// `main@sha1:<hex>`.
    pub revision: String,
    /// The commit SHA.
    pub commit: String,
    pub objects: Vec<Value>,
    /// `Directory` or `Kustomize`.
    pub source_type: &'static str,
}

/// Fetches the Application's revision (or `revision_override`), renders its path and
/// prepares the objects: the destination namespace on namespaced objects without one,
/// and the tracking annotation.
pub async fn render(
    source: &Source,
    cluster: &Cluster,
    app: &Application,
    revision_override: Option<&str>,
) -> anyhow::Result<Desired> {
    let src = app
        .spec
        .source
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("spec.source is required"))?;
    let revision = revision_override.unwrap_or(src.revision());
    let checkout = source.checkout(&src.repo_url, revision, src.path()).await?;
    let directory = src.directory.clone().unwrap_or_default();
    let overrides = src.kustomize.as_ref().map(kustomize_overrides);
    let root = checkout.root.clone();
    let path = src.path().to_string();
    let rendered = tokio::task::spawn_blocking(move || {
        let req = plumb_render::RenderRequest {
            repo_root: &root,
            path: &path,
            directory: plumb_render::DirectoryOptions {
                recurse: directory.recurse,
                include: directory.include.clone(),
                exclude: directory.exclude.clone(),
            },
            kustomize: overrides.as_ref(),
        };
        plumb_render::render(&req)
    })
    .await??;
    let source_type = match rendered.source {
        plumb_render::SourceKind::Kustomize => "Kustomize",
        _ => "Directory",
    };
    let namespace = app.spec.destination.namespace.clone();
    let crd_scopes: Vec<(String, String, bool)> = rendered
        .objects
        .iter()
        .filter(|o| o["kind"] == "CustomResourceDefinition")
        .map(|o| {
            (
                o["spec"]["group"].as_str().unwrap_or("").to_string(),
                o["spec"]["names"]["kind"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                o["spec"]["scope"].as_str() != Some("Cluster"),
            )
        })
        .collect();
    let mut objects = Vec::with_capacity(rendered.objects.len());
    for mut obj in rendered.objects {
        let api_version = obj["apiVersion"].as_str().unwrap_or("").to_string();
        let kind = obj["kind"].as_str().unwrap_or("").to_string();
        let group = api_version
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_string();
        let namespaced = match cluster.resolve(&api_version, &kind).await {
            Ok(r) => r.namespaced,
            Err(e) => crd_scopes
                .iter()
                .find(|(g, k, _)| *g == group && *k == kind)
                .map(|(_, _, n)| *n)
                .ok_or(e)?,
        };
        if namespaced {
            if obj["metadata"]["namespace"]
                .as_str()
                .is_none_or(str::is_empty)
            {
                obj["metadata"]["namespace"] =
                    json!(namespace.clone().unwrap_or_else(|| "default".into()));
            }
        } else if let Some(m) = obj["metadata"].as_object_mut() {
            m.remove("namespace");
        }
        plumb_sync::tracking::annotate(&mut obj, &app.metadata.name);
        objects.push(obj);
    }
    Ok(Desired {
        revision: checkout.revision.to_string(),
        commit: checkout.revision.commit.clone(),
        objects,
        source_type,
    })
}

fn kustomize_overrides(
    k: &plumb_model::application::KustomizeSource,
) -> plumb_render::KustomizeOverrides {
    plumb_render::KustomizeOverrides {
        images: k.images.clone(),
        name_prefix: k.name_prefix.clone(),
        name_suffix: k.name_suffix.clone(),
        namespace: k.namespace.clone(),
        common_labels: k.common_labels.clone().into_iter().collect(),
        common_annotations: k.common_annotations.clone().into_iter().collect(),
        replicas: k
            .replicas
            .iter()
            .filter_map(|r| {
                let count = r
                    .count
                    .as_i64()
                    .or_else(|| r.count.as_str()?.parse().ok())?;
                Some((r.name.clone(), count))
            })
            .collect(),
        patches: k
            .patches
            .iter()
            .map(|p| serde_json::to_string(p).unwrap_or_default())
            .collect(),
        ..Default::default()
    }
}
