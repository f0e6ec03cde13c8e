//! Argo CD's `kustomize.images` and `kustomize.replicas`, applied to built objects with
//! the rules of kustomize's image and replica transformers.

use serde_json::Value;

use crate::error::{RenderError, Result};
use crate::kustomize::KustomizeOverrides;

/// An image override parsed as `kustomize edit set image` parses its argument.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageOverride {
    name: String,
    new_name: Option<String>,
    new_tag: Option<String>,
    digest: Option<String>,
}

/// The kinds kustomize's replica transformer sets `spec.replicas` on.
const REPLICA_KINDS: [&str; 4] = [
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
];

/// Container lists whose `image` fields the image transformer rewrites.
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

pub(crate) fn apply(app: &str, o: &KustomizeOverrides, objects: &mut [Value]) -> Result<()> {
    let images = o
        .images
        .iter()
        .map(|i| {
            parse_override(&i.0).map_err(|problem| RenderError::Override {
                path: app.to_string(),
                field: "images",
                problem,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for obj in objects.iter_mut() {
        for img in &images {
            rewrite_images(obj, img);
        }
        for r in &o.replicas {
            let kind = obj.get("kind").and_then(Value::as_str).unwrap_or_default();
            let name = obj.pointer("/metadata/name").and_then(Value::as_str);
            if REPLICA_KINDS.contains(&kind) && name == Some(r.name.as_str()) {
                if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("replicas".into(), Value::from(r.count));
                } else if let Some(map) = obj.as_object_mut() {
                    map.insert("spec".into(), serde_json::json!({"replicas": r.count}));
                }
            }
        }
    }
    Ok(())
}

/// `name:tag`, `name@digest`, `name=newName`, `name=newName:tag`, `name=newName@digest`.
fn parse_override(s: &str) -> std::result::Result<ImageOverride, String> {
    if s.trim().is_empty() {
        return Err("empty image".to_string());
    }
    let (name, target) = match s.split_once('=') {
        Some((n, t)) => (n.to_string(), Some(t)),
        None => {
            let (n, tag, digest) = split_image(s);
            return Ok(ImageOverride {
                name: n.to_string(),
                new_name: None,
                new_tag: tag.map(str::to_string),
                digest: digest.map(str::to_string),
            });
        }
    };
    let target = target.unwrap_or_default();
    let (new_name, tag, digest) = split_image(target);
    if name.is_empty() || new_name.is_empty() {
        return Err(format!("{s:?} is not `name=newName[:tag|@digest]`"));
    }
    Ok(ImageOverride {
        name,
        new_name: Some(new_name.to_string()),
        new_tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// Splits `registry:5000/app:tag@sha256:...` into name, tag and digest.
fn split_image(image: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[slash..].rfind(':') {
        Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..]), digest),
        None => (rest, None, digest),
    }
}

fn rewrite_images(v: &mut Value, img: &ImageOverride) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if CONTAINER_LISTS.contains(&k.as_str())
                    && let Value::Array(items) = child
                {
                    for c in items.iter_mut() {
                        if let Some(Value::String(image)) = c.get_mut("image")
                            && let Some(new) = rewrite(image, img)
                        {
                            *image = new;
                        }
                    }
                }
                rewrite_images(child, img);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_images(i, img)),
        _ => {}
    }
}

/// The new image for a container image, when the override's name matches it.
fn rewrite(image: &str, o: &ImageOverride) -> Option<String> {
    let (name, tag, digest) = split_image(image);
    if name != o.name {
        return None;
    }
    let name = o.new_name.as_deref().unwrap_or(name);
    Some(match (&o.new_tag, &o.digest) {
        (_, Some(d)) => format!("{name}@{d}"),
        (Some(t), None) => format!("{name}:{t}"),
        (None, None) => match (tag, digest) {
            (_, Some(d)) => format!("{name}@{d}"),
            (Some(t), None) => format!("{name}:{t}"),
            (None, None) => name.to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn over(s: &str) -> ImageOverride {
        parse_override(s).expect("test overrides are valid")
    }

    #[test]
    fn a_tag_override_keeps_the_registry_and_drops_the_old_tag() {
        assert_eq!(
            rewrite("myapp:v1.1.0", &over("myapp:v1.2.0")).as_deref(),
            Some("myapp:v1.2.0")
        );
        assert_eq!(
            rewrite("localhost:5000/app:1", &over("localhost:5000/app:2")).as_deref(),
            Some("localhost:5000/app:2")
        );
        assert_eq!(rewrite("other:v1", &over("myapp:v2")), None);
    }

    #[test]
    fn a_new_name_keeps_the_old_tag_unless_one_is_given() {
        assert_eq!(
            rewrite("myapp:v1", &over("myapp=reg.io/myapp")).as_deref(),
            Some("reg.io/myapp:v1")
        );
        assert_eq!(
            rewrite("myapp:v1", &over("myapp=reg.io/myapp@sha256:abc")).as_deref(),
            Some("reg.io/myapp@sha256:abc")
        );
    }
}
