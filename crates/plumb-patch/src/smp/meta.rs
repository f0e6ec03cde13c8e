//! What strategic merge needs to know about a field: its patch strategy, its merge key and
//! the schema below it (apimachinery's `LookupPatchMeta`).

use plumb_schema::{Node, Shape};

use crate::error::{PatchError, Result};

/// A schema position strategic merge can walk. Implemented for [`plumb_schema::Node`]; the
/// tests implement it for apimachinery's test struct `mergeItem`.
pub(crate) trait PatchMeta: Copy {
    /// The schema of the value under `key` of this object (a named property, or the value
    /// type of a map), carrying the patch extensions of that property.
    fn child(&self, key: &str) -> Option<Self>;
    /// The element schema of this list.
    fn items(&self) -> Option<Self>;
    /// `x-kubernetes-patch-merge-key` of the property that leads here.
    fn patch_merge_key(&self) -> Option<&str>;
    /// `x-kubernetes-patch-strategy` of the property that leads here.
    fn patch_strategy(&self) -> Option<&str>;
    /// A name for error messages (the definition name).
    fn name(&self) -> String;
}

impl PatchMeta for Node<'_> {
    fn child(&self, key: &str) -> Option<Self> {
        match self.shape() {
            Shape::Object => self.field(key),
            Shape::Map => self.values(),
            _ => None,
        }
    }

    fn items(&self) -> Option<Self> {
        Node::items(self)
    }

    fn patch_merge_key(&self) -> Option<&str> {
        Node::patch_merge_key(self)
    }

    fn patch_strategy(&self) -> Option<&str> {
        Node::patch_strategy(self)
    }

    fn name(&self) -> String {
        self.definition()
            .map(|d| d.rsplit('.').next().unwrap_or(d).to_string())
            .unwrap_or_default()
    }
}

/// The patch metadata of one field, looked up from its parent's schema.
pub(crate) struct FieldMeta<S> {
    /// The schema of the field's value (for a list: of the list, use [`FieldMeta::items`]).
    pub node: Option<S>,
    /// The patch strategy without `retainKeys`: `merge`, `replace` or empty.
    pub strategy: String,
    /// The merge key, empty when there is none.
    pub merge_key: String,
}

impl<S: PatchMeta> FieldMeta<S> {
    /// The element schema when the field is a list.
    pub fn items(&self) -> Option<S> {
        self.node.and_then(|n| n.items())
    }
}

/// Looks up the field `key` below `schema`. Unknown fields (and `None` schemas) have no
/// strategy and no merge key: maps merge, lists are replaced.
pub(crate) fn lookup<S: PatchMeta>(schema: Option<S>, key: &str) -> Result<FieldMeta<S>> {
    let node = schema.and_then(|s| s.child(key));
    let strategies: Vec<&str> = node
        .as_ref()
        .and_then(|n| n.patch_strategy())
        .map(|s| s.split(',').collect())
        .unwrap_or_default();
    let (_, strategy) = extract_retain_keys_patch_strategy(&strategies)?;
    let merge_key = node
        .as_ref()
        .and_then(|n| n.patch_merge_key())
        .unwrap_or_default()
        .to_string();
    Ok(FieldMeta {
        node,
        strategy,
        merge_key,
    })
}

/// Splits `retainKeys` off a field's strategies, as apimachinery's
/// `extractRetainKeysPatchStrategy` does.
fn extract_retain_keys_patch_strategy(strategies: &[&str]) -> Result<(bool, String)> {
    const RETAIN_KEYS: &str = "retainKeys";
    match strategies {
        [] => Ok((false, String::new())),
        [single] if *single == RETAIN_KEYS => Ok((true, String::new())),
        [single] => Ok((false, (*single).to_string())),
        [first, second] if *first == RETAIN_KEYS => Ok((true, (*second).to_string())),
        [first, second] if *second == RETAIN_KEYS => Ok((true, (*first).to_string())),
        _ => Err(PatchError::merge(format!(
            "unexpected patch strategy: [{}]",
            strategies.join(" ")
        ))),
    }
}
