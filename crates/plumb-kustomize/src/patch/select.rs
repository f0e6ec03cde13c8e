//! Target selectors: group, version and kind exactly; name and namespace as anchored
//! regular expressions (original or current); label and annotation selectors.

use crate::error::{Error, Result, bail};
use crate::resource::Resource;
use crate::yaml::Node;

/// A `target:` / `select:` block.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

impl Selector {
    pub fn from_node(n: &Node) -> Selector {
        let s = |k: &str| {
            n.at(&[k])
                .and_then(Node::as_scalar)
                .filter(|s| !s.is_null())
                .map(|s| s.value.clone())
                .unwrap_or_default()
        };
        Selector {
            group: s("group"),
            version: s("version"),
            kind: s("kind"),
            name: s("name"),
            namespace: s("namespace"),
            label_selector: s("labelSelector"),
            annotation_selector: s("annotationSelector"),
        }
    }

    /// Compiles into a matcher.
    pub fn compile(&self) -> Result<Matcher> {
        let re = |p: &str| -> Result<Option<regex::Regex>> {
            if p.is_empty() {
                return Ok(None);
            }
            regex::Regex::new(&format!("^(?:{p})$"))
                .map(Some)
                .map_err(|e| Error::msg(format!("invalid selector regex {p:?}: {e}")))
        };
        Ok(Matcher {
            group: re(&self.group)?,
            version: re(&self.version)?,
            kind: re(&self.kind)?,
            name: re(&self.name)?,
            namespace: re(&self.namespace)?,
            labels: parse_label_selector(&self.label_selector)?,
            annotations: parse_label_selector(&self.annotation_selector)?,
        })
    }
}

/// A compiled selector.
#[derive(Debug, Clone)]
pub struct Matcher {
    group: Option<regex::Regex>,
    version: Option<regex::Regex>,
    kind: Option<regex::Regex>,
    name: Option<regex::Regex>,
    namespace: Option<regex::Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

impl Matcher {
    pub fn matches(&self, r: &Resource) -> bool {
        let gvk = r.gvk_ref();
        let fits = |re: &Option<regex::Regex>, v: &str| re.as_ref().is_none_or(|re| re.is_match(v));
        if !fits(&self.group, gvk.group)
            || !fits(&self.version, gvk.version)
            || !fits(&self.kind, gvk.kind)
        {
            return false;
        }
        let cur_ns = match r.namespace() {
            "" => "default",
            ns => ns,
        };
        let cur_name = r.name();
        let (orig_name, orig_ns) = match r.prev_ids.first() {
            Some(id) => (id.name.as_str(), id.effective_ns()),
            None => (cur_name, cur_ns),
        };
        if let Some(re) = &self.namespace
            && !re.is_match(orig_ns)
            && !re.is_match(cur_ns)
        {
            return false;
        }
        if let Some(re) = &self.name
            && !re.is_match(orig_name)
            && !re.is_match(cur_name)
        {
            return false;
        }
        if !self.labels.is_empty() {
            let labels = r.labels();
            if !self.labels.iter().all(|req| req.matches(&labels)) {
                return false;
            }
        }
        if self.annotations.is_empty() {
            return true;
        }
        let annotations = r.annotations();
        self.annotations.iter().all(|req| req.matches(&annotations))
    }
}

#[derive(Debug, Clone)]
enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Requirement {
    fn matches(&self, pairs: &[(String, String)]) -> bool {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(pk, _)| pk == k)
                .map(|(_, v)| v.as_str())
        };
        match self {
            Requirement::Eq(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEq(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => !get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        }
    }
}

/// Splits at commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn parse_label_selector(s: &str) -> Result<Vec<Requirement>> {
    let mut reqs = Vec::new();
    for part in split_top(s) {
        let set = |rest: &str| -> Result<Vec<String>> {
            let inner = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(|| Error::msg(format!("invalid selector {part:?}")))?;
            Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
        };
        if let Some((k, rest)) = part.split_once(" notin ") {
            reqs.push(Requirement::NotIn(k.trim().into(), set(rest)?));
        } else if let Some((k, rest)) = part.split_once(" in ") {
            reqs.push(Requirement::In(k.trim().into(), set(rest)?));
        } else if let Some((k, v)) = part.split_once("!=") {
            reqs.push(Requirement::NotEq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once("==") {
            reqs.push(Requirement::Eq(k.trim().into(), v.trim().into()));
        } else if let Some((k, v)) = part.split_once('=') {
            reqs.push(Requirement::Eq(k.trim().into(), v.trim().into()));
        } else if let Some(k) = part.strip_prefix('!') {
            reqs.push(Requirement::NotExists(k.trim().into()));
        } else if part.contains(' ') {
            bail!("unable to parse requirement {part:?}");
        } else {
            reqs.push(Requirement::Exists(part));
        }
    }
    Ok(reqs)
}
