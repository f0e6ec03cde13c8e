//! The YAML tree kustomize works on: mappings keep key order, scalars keep their text,
//! style and tag so that a value reads back as the same type.

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar: its text, how it was written, and its explicit tag (short form, `!!str`;
/// the tags kustomize sets are static strings, so setting one allocates nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub value: String,
    pub style: Style,
    pub tag: Option<std::borrow::Cow<'static, str>>,
}

impl Scalar {
    /// Whether the scalar reads back as a string whatever its text.
    pub fn is_string_typed(&self) -> bool {
        self.style != Style::Plain || self.tag.as_deref() == Some("!!str")
    }

    /// Whether the scalar is a YAML null (`~`, `null`, empty) in plain style.
    pub fn is_null(&self) -> bool {
        self.tag.is_none()
            && self.style == Style::Plain
            && matches!(self.value.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Mapping),
}

/// A mapping with string keys in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    pub entries: Vec<(String, Node)>,
    /// Keys written plain that read as a non-string (`true`, `1`, `null`): kustomize
    /// cannot print such a mapping.
    pub typed_keys: Vec<String>,
}

impl Mapping {
    pub fn new() -> Self {
        Mapping::default()
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// Sets a key, keeping its position when it exists, appending otherwise (the key is
    /// copied only then).
    pub fn insert<K: AsRef<str> + Into<String>>(&mut self, key: K, value: Node) {
        match self.entries.iter_mut().find(|(k, _)| k == key.as_ref()) {
            Some((_, v)) => *v = value,
            None => self.entries.push((key.into(), value)),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let pos = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(pos).1)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The mapping under `key`, created (or replaced when not a mapping) on demand.
    pub fn map_entry(&mut self, key: &str) -> &mut Mapping {
        let needs = !matches!(self.get(key), Some(Node::Map(_)));
        if needs {
            self.insert(key, Node::Map(Mapping::new()));
        }
        match self.get_mut(key) {
            Some(Node::Map(m)) => m,
            _ => unreachable!("the entry was just made a mapping"),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl Node {
    /// A string scalar that reads back as a string whatever its text.
    pub fn string(s: impl Into<String>) -> Node {
        Node::Scalar(Scalar {
            value: s.into(),
            style: Style::Plain,
            tag: Some("!!str".into()),
        })
    }

    /// A plain scalar whose type is resolved from its text (numbers, booleans).
    pub fn plain(s: impl Into<String>) -> Node {
        Node::Scalar(Scalar {
            value: s.into(),
            style: Style::Plain,
            tag: None,
        })
    }

    pub fn int(i: i64) -> Node {
        Node::Scalar(Scalar {
            value: i.to_string(),
            style: Style::Plain,
            tag: Some("!!int".into()),
        })
    }

    pub fn null() -> Node {
        Node::plain("null")
    }

    pub fn empty_map() -> Node {
        Node::Map(Mapping::new())
    }

    pub fn as_map(&self) -> Option<&Mapping> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a non-null scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) if !s.is_null() => Some(&s.value),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.is_null())
    }

    /// Follows a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node> {
        let mut cur = self;
        for p in path {
            cur = cur.as_map()?.get(p)?;
        }
        Some(cur)
    }

    pub fn at_mut(&mut self, path: &[&str]) -> Option<&mut Node> {
        let mut cur = self;
        for p in path {
            cur = cur.as_map_mut()?.get_mut(p)?;
        }
        Some(cur)
    }

    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).and_then(Node::as_str)
    }

    /// A boolean field as kustomize reads kustomization files (YAML 1.1: `yes`, `on`,
    /// `true`… are true).
    pub fn flag_at(&self, path: &[&str]) -> bool {
        matches!(
            self.at(path).and_then(Node::as_scalar),
            Some(s) if s.style == Style::Plain
                && super::value::resolve_plain(&s.value, true) == super::value::Resolved::Bool(true)
        )
    }

    /// A short human name for the node kind, for errors.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Node::Scalar(_) => "scalar",
            Node::Seq(_) => "sequence",
            Node::Map(_) => "mapping",
        }
    }
}
