//! `images`: rewrites container images by name, in every `containers` and
//! `initContainers` list kustomize finds and in the configured field specs.

use crate::error::{Result, bail};
use crate::fieldspec::{FieldSpec, specs_for, visit};
use crate::resource::Resource;
use crate::yaml::Node;

/// One `images:` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageEntry {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
    pub tag_suffix: String,
}

impl ImageEntry {
    pub fn from_node(n: &Node) -> Result<ImageEntry> {
        let Some(m) = n.as_map() else {
            bail!("an images entry must be a mapping");
        };
        let s = |k: &str| {
            m.get(k)
                .and_then(|v| v.as_scalar())
                .filter(|s| !s.is_null())
                .map(|s| s.value.clone())
                .unwrap_or_default()
        };
        Ok(ImageEntry {
            name: s("name"),
            new_name: s("newName"),
            new_tag: s("newTag"),
            digest: s("digest"),
            tag_suffix: s("tagSuffix"),
        })
    }

    fn matcher(&self) -> Option<regex::Regex> {
        let pattern = format!("^{}(@sha256)?(:[a-zA-Z0-9_.{{}}-]*)?$", self.name);
        regex::Regex::new(&pattern)
            .or_else(|_| {
                regex::Regex::new(&format!(
                    "^{}(@sha256)?(:[a-zA-Z0-9_.{{}}-]*)?$",
                    regex::escape(&self.name)
                ))
            })
            .ok()
    }

    /// The new image text for `value`, when the entry matches it.
    pub fn rewrite(&self, re: &regex::Regex, value: &str) -> Option<String> {
        if !re.is_match(value) && split(value).0 != self.name {
            return None;
        }
        let (mut name, mut tag, mut digest) = split(value);
        if !self.new_name.is_empty() {
            name = self.new_name.clone();
        }
        if !self.new_tag.is_empty() && !self.digest.is_empty() {
            tag = self.new_tag.clone();
            digest = self.digest.clone();
        } else if !self.new_tag.is_empty() {
            tag = self.new_tag.clone();
            digest.clear();
        } else if !self.digest.is_empty() {
            tag.clear();
            digest = self.digest.clone();
        }
        if !self.tag_suffix.is_empty() {
            tag.push_str(&self.tag_suffix);
        }
        let mut out = name;
        if !tag.is_empty() {
            out.push(':');
            out.push_str(&tag);
        }
        if !digest.is_empty() {
            out.push('@');
            out.push_str(&digest);
        }
        Some(out)
    }
}

/// Splits an image into name, tag and digest as kustomize does.
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|i| *i > 0).unwrap_or(0);
    let search = &image[slash..];
    let id = search.find('@');
    let ic = search.find(':');
    match (id, ic) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(d), c) if c.is_none_or(|c| d < c) => {
            let d = d + slash;
            (
                image[..d].to_string(),
                String::new(),
                image[d + 1..].to_string(),
            )
        }
        (Some(d), Some(c)) => {
            let (d, c) = (d + slash, c + slash);
            (
                image[..c].to_string(),
                image[c + 1..d].to_string(),
                image[d + 1..].to_string(),
            )
        }
        (None, Some(c)) => {
            let c = c + slash;
            (
                image[..c].to_string(),
                image[c + 1..].to_string(),
                String::new(),
            )
        }
        (Some(_), None) => unreachable!("covered by the digest-only arm"),
    }
}

/// Applies one entry to every resource.
pub fn apply(res: &mut [Resource], entry: &ImageEntry, specs: &[FieldSpec]) -> Result<()> {
    let Some(re) = entry.matcher() else {
        return Ok(());
    };
    let mut rw = Rewriter {
        entry,
        re: &re,
        last: None,
    };
    for r in res.iter_mut() {
        legacy_walk(&mut r.node, &mut rw);
        for fs in specs_for(specs, r.gvk_ref()) {
            let segs = fs.segments();
            // Container lists were handled above; a second pass would rewrite twice.
            let n = segs.len();
            if n >= 2
                && segs[n - 1] == "image"
                && matches!(
                    segs[n - 2].trim_end_matches("[]"),
                    "containers" | "initContainers"
                )
            {
                continue;
            }
            visit(&mut r.node, segs, false, &mut |n| {
                set_image(n, &mut rw);
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// [`ImageEntry::rewrite`] remembering its last answer: objects of one build mostly
/// name the same image, and the matcher is a regular expression.
struct Rewriter<'a> {
    entry: &'a ImageEntry,
    re: &'a regex::Regex,
    last: Option<(String, Option<String>)>,
}

impl Rewriter<'_> {
    fn rewrite(&mut self, value: &str) -> Option<String> {
        if let Some((v, out)) = &self.last
            && v == value
        {
            return out.clone();
        }
        let out = self.entry.rewrite(self.re, value);
        self.last = Some((value.to_string(), out.clone()));
        out
    }
}

fn set_image(n: &mut Node, rw: &mut Rewriter<'_>) {
    if let Some(v) = n.as_str()
        && let Some(new) = rw.rewrite(v)
    {
        *n = Node::string(new);
    }
}

/// Every `containers` / `initContainers` list anywhere in the object.
fn legacy_walk(node: &mut Node, rw: &mut Rewriter<'_>) {
    match node {
        Node::Map(m) => {
            for (k, v) in m.entries.iter_mut() {
                if (k == "containers" || k == "initContainers")
                    && let Node::Seq(items) = v
                {
                    for item in items.iter_mut() {
                        if let Some(img) = item.as_map_mut().and_then(|m| m.get_mut("image")) {
                            set_image(img, rw);
                        }
                    }
                }
                legacy_walk(v, rw);
            }
        }
        Node::Seq(items) => {
            for i in items {
                legacy_walk(i, rw);
            }
        }
        Node::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_like_kustomize() {
        assert_eq!(
            split("localhost:5000/app:v1"),
            ("localhost:5000/app".into(), "v1".into(), String::new())
        );
        assert_eq!(
            split("nginx@sha256:abc"),
            ("nginx".into(), String::new(), "sha256:abc".into())
        );
        assert_eq!(
            split("nginx:1.2@sha256:abc"),
            ("nginx".into(), "1.2".into(), "sha256:abc".into())
        );
    }
}
